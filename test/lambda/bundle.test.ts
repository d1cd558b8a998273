/**
 * The deployable bundle: built with esbuild into a temporary directory outside the repository (no node_modules
 * within reach), then imported by a fresh Node process as the Lambda runtime would: it must export `handler`, fail
 * its init on a bad variable with one line, and run an audit against moto end to end.
 * Owns moto region sa-east-1 (audited, left empty) and the bucket named below.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleLambda, LAMBDA_BUNDLE_FILE, type LambdaBundle } from '../../src/lambda/deploy/bundle.js';
import { latestKeys } from '../../src/lambda/store.js';
import type { Report } from '../../src/report/types.js';
import { createBucket, readObject, testS3 } from './support.js';

const run = promisify(execFile);
const motoUrl = inject('motoUrl');
const REGION = 'sa-east-1';
const BUCKET = 'cloud502-lambda-bundle';

let dir: string;
let bundle: LambdaBundle;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud502-lambda-'));
  bundle = await bundleLambda({ outdir: dir });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Imports the bundle in a new Node process with exactly `env`, optionally invokes the handler, prints the outcome. */
async function importBundle(env: Record<string, string>, invoke: boolean): Promise<Record<string, unknown>> {
  const script = `
    const out = (v) => process.stdout.write(JSON.stringify(v));
    try {
      const m = await import(${JSON.stringify(pathToFileURL(join(dir, LAMBDA_BUNDLE_FILE)).href)});
      const exports = Object.keys(m);
      if (!${invoke}) out({ exports, handlerType: typeof m.handler });
      else out({ exports, summary: await m.handler({}, { getRemainingTimeInMillis: () => 300000, awsRequestId: 'bundle-test' }) });
    } catch (e) { out({ error: { name: e.name, message: e.message } }); }`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    timeout: 60_000,
  });
  // The handler's own JSON log line comes first; the outcome is the last line.
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

describe('the Lambda bundle', () => {
  it('is one ESM file, with its source map and a package.json naming cloud502', async () => {
    expect((await readdir(dir)).sort()).toEqual([LAMBDA_BUNDLE_FILE, `${LAMBDA_BUNDLE_FILE}.map`, 'package.json']);
    expect(bundle.bytes).toBeGreaterThan(100_000);
  });

  it('holds the handler, the checks and the AWS SDK, and nothing the function never runs', () => {
    const inputs = bundle.inputs;
    expect(inputs).toContain('src/lambda/handler.ts');
    expect(inputs.some((p) => p.startsWith('checks/'))).toBe(true);
    for (const sdk of ['client-s3', 'client-sns', 'client-elastic-load-balancing-v2', 'client-ec2']) {
      expect(inputs.some((p) => p.includes(`node_modules/@aws-sdk/${sdk}/`))).toBe(true);
    }
    const unwanted = inputs.filter((p) => /^demo\/|src\/lambda\/deploy\/|src\/cli\/(bin|main|program)|aws-cdk-lib|node_modules\/esbuild|@azure\/|@google-cloud\//.test(p));
    expect(unwanted).toEqual([]);
  });

  it('fails its init with one line naming the bad variable', async () => {
    const outcome = await importBundle({ CLOUD502_REGIONS: 'eu-west-1' }, false);
    expect(outcome).toEqual({ error: { name: 'EnvConfigError', message: 'CLOUD502_BUCKET: is required (the S3 bucket the reports are written to)' } });
  });

  it('exports handler, which audits and writes the report to S3', async () => {
    // Prepare
    await createBucket(motoUrl, BUCKET);
    const env = {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: motoUrl,
      CLOUD502_AWS_MAX_ATTEMPTS: '2',
      CLOUD502_REGIONS: REGION,
      CLOUD502_BUCKET: BUCKET,
      CLOUD502_METRICS_WINDOW: '0',
    };
    // Act
    const outcome = await importBundle(env, true);
    // Assess
    expect(outcome.error).toBeUndefined();
    expect(outcome.exports).toEqual(['handler']);
    expect(outcome.summary).toMatchObject({ bucket: BUCKET, partial: false, previous: 'absent', notified: false, latestUpdated: true });
    const s3 = testS3(motoUrl);
    try {
      const report = JSON.parse((await readObject(s3, BUCKET, latestKeys('cloud502/').json)).body) as Report;
      expect(report.scopes.map((s) => s.region)).toEqual([REGION]);
      // The bundled package.json gives the report its tool version.
      expect(report.tool.version).toBe((await import('../../package.json', { with: { type: 'json' } })).default.version);
      expect(report.source).toEqual({ kind: 'live' });
    } finally {
      s3.destroy();
    }
  });
});
