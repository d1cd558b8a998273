/**
 * The organization bundle (one file for plan, worker and merge), built into a temporary directory outside the
 * repository and imported by a fresh Node process as the Lambda runtime would: it exports `handler`, fails its init
 * with one line on a bad variable, and its plan step runs against moto. Owns the bucket named below.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleLambda, LAMBDA_BUNDLE_FILE, ORG_LAMBDA_ENTRY, type LambdaBundle } from '../../../src/lambda/deploy/bundle.js';
import { readObject, testS3 } from '../support.js';

const run = promisify(execFile);
const motoUrl = inject('motoUrl');
const BUCKET = 'cloud502-org-bundle';

let dir: string;
let bundle: LambdaBundle;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud502-org-lambda-'));
  bundle = await bundleLambda({ outdir: dir, entry: ORG_LAMBDA_ENTRY });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function importBundle(env: Record<string, string>, event?: unknown): Promise<Record<string, unknown>> {
  const script = `
    const out = (v) => process.stdout.write(JSON.stringify(v));
    try {
      const m = await import(${JSON.stringify(pathToFileURL(join(dir, LAMBDA_BUNDLE_FILE)).href)});
      const exports = Object.keys(m);
      if (${event === undefined}) out({ exports });
      else out({ exports, result: await m.handler(${JSON.stringify(event ?? null)}, { getRemainingTimeInMillis: () => 300000 }) });
    } catch (e) { out({ error: { name: e.name, message: e.message } }); }`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

describe('the organization bundle', () => {
  it('holds the three steps and the SDK clients they use, and no deploy code or other clouds', () => {
    const inputs = bundle.inputs;
    for (const file of ['src/lambda/org/plan.ts', 'src/lambda/org/worker.ts', 'src/lambda/org/merge.ts']) expect(inputs).toContain(file);
    for (const sdk of ['client-organizations', 'client-s3', 'client-sns', 'client-sts', 'client-ec2', 'client-elastic-load-balancing-v2']) {
      expect(inputs.some((p) => p.includes(`node_modules/@aws-sdk/${sdk}/`))).toBe(true);
    }
    expect(inputs.filter((p) => /src\/lambda\/deploy\/|aws-cdk-lib|node_modules\/esbuild|@azure\/|@google-cloud\/|^demo\//.test(p))).toEqual([]);
  });

  it.each([
    [{}, 'CLOUD502_ORG_STEP: is required (one of plan, worker, merge)'],
    [{ CLOUD502_ORG_STEP: 'audit' }, 'CLOUD502_ORG_STEP: must be one of plan, worker, merge, got "audit"'],
    [{ CLOUD502_ORG_STEP: 'merge' }, 'CLOUD502_BUCKET: is required (the S3 bucket of the reports and of the run files)'],
    [{ CLOUD502_ORG_STEP: 'worker', CLOUD502_BUCKET: 'b-1', CLOUD502_CHECKS: 'nonsense' }, 'CLOUD502_CHECKS:'],
    [{ CLOUD502_ORG_STEP: 'plan', CLOUD502_BUCKET: 'b-1', AWS_REGION: 'eu-west-1', CLOUD502_ORG_UNITS: 'engineering' }, 'CLOUD502_ORG_UNITS: "engineering" is not an organizational unit id'],
  ])('fails its init with one line naming the variable: %j', async (env, message) => {
    const outcome = await importBundle(env);
    expect((outcome.error as { message: string }).message).toContain(message);
    expect((outcome.error as { message: string }).message).not.toContain('\n');
  });

  it('runs the plan step from an accounts file in S3', async () => {
    const s3 = testS3(motoUrl);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'accounts.txt', Body: 'arn:aws:iam::450000000001:role/cloud502-audit\n' }));
      const outcome = await importBundle(
        {
          CLOUD502_ORG_STEP: 'plan',
          CLOUD502_BUCKET: BUCKET,
          CLOUD502_ACCOUNTS_KEY: 'accounts.txt',
          CLOUD502_REGIONS: 'eu-west-1',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL: motoUrl,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
        },
        { executionName: 'bundle-1', startedAt: '2026-05-01T00:00:00Z' },
      );
      expect(outcome.error).toBeUndefined();
      expect(outcome.exports).toEqual(['handler']);
      expect(outcome.result).toMatchObject({ runId: '20260501T000000Z-bundle-1', items: 1, accounts: 1 });
      const items = JSON.parse((await readObject(s3, BUCKET, (outcome.result as { itemsKey: string }).itemsKey)).body) as unknown[];
      expect(items).toEqual([{ account: '450000000001', region: 'eu-west-1', roleArn: 'arn:aws:iam::450000000001:role/cloud502-audit' }]);
    } finally {
      s3.destroy();
    }
  }, 60_000);
});
