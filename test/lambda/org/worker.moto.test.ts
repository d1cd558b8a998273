/**
 * The worker step against moto through a fault proxy: a batch of account × region items audited through each
 * account's role, partial reports written per item, one account denying AssumeRole, one report the bucket refuses,
 * the deadline, and malformed input. Owns moto accounts 430000000001-430000000003 and the bucket below.
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { defaultRegistry } from '../../../src/audit.js';
import type { CheckRegistry } from '../../../src/engine/index.js';
import { ConfigError } from '../../../src/errors.js';
import { lazyOrgClients } from '../../../src/lambda/org/clients.js';
import { readWorkerConfig, type WorkerConfig } from '../../../src/lambda/org/config.js';
import { runKeys } from '../../../src/lambda/org/layout.js';
import { WORKER_ACTIONS } from '../../../src/lambda/org/permissions.js';
import { BatchFailedError, createWorker, type WorkerOutput } from '../../../src/lambda/org/worker.js';
import type { LogLine } from '../../../src/lambda/run.js';
import { DEADLINE_API } from '../../../src/lambda/scheduled-audit.js';
import type { Report } from '../../../src/report/types.js';
import { AWS_READ_ONLY_ACTIONS } from '../../../providers/aws/iam.js';
import { formatErrors, reportSchemaErrors } from '../../cli/support/schema.js';
import { objectExists, readObject, stubAwsEnv, testS3 } from '../support.js';
import { denyAssumeRole, denyPut, startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { iamActionsOf, recordingAdapterLoader, recordingClients } from './support/recording.js';
import { seedMemberAccount, type SeededMember } from './support/seed-member.js';

const motoUrl = inject('motoUrl');
const BUCKET = 'cloud502-org-worker';
const REGION = 'eu-west-1';
const SHOP = '430000000001';
const QUIET = '430000000002';
const DENIED = '430000000003';
const RUN = '20260304T050607Z-worker';
const GENERATED_AT = '2026-03-04T05:06:07.089Z';
const role = (account: string) => `arn:aws:iam::${account}:role/cloud502-audit`;
const item = (account: string, region = REGION) => ({ account, region, roleArn: role(account) });
const batch = (...items: object[]) => ({ BatchInput: { runId: RUN, generatedAt: GENERATED_AT }, Items: items });
const context = (remainingMs = 300_000) => ({ getRemainingTimeInMillis: () => remainingMs, awsRequestId: 'w-1' });

let proxy: FaultProxy;
let registry: CheckRegistry;
let config: WorkerConfig;
let s3: S3Client;
let seeded: SeededMember;
const logs: LogLine[] = [];
const calls = new Set<string>();
const collectorCalls = new Set<string>();

function worker() {
  const clients = recordingClients(lazyOrgClients({ endpointUrl: proxy.url }), calls);
  return createWorker(config, {}, { registry, clients, log: (l) => logs.push(l), loadAdapter: recordingAdapterLoader(proxy.url, collectorCalls) });
}

async function partial(account: string, region = REGION): Promise<Report> {
  const report = JSON.parse((await readObject(s3, BUCKET, runKeys('cloud502/', RUN).partial(account, region))).body) as Report;
  const errors = reportSchemaErrors(report);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}

beforeAll(async () => {
  stubAwsEnv();
  registry = await defaultRegistry();
  seeded = await seedMemberAccount(motoUrl, SHOP, REGION);
  proxy = await startFaultProxy(motoUrl, [denyAssumeRole(role(DENIED)), denyPut(`/partial/${QUIET}/eu-north-1.json`)]);
  s3 = testS3(motoUrl);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  config = readWorkerConfig({ CLOUD502_BUCKET: BUCKET, AWS_ENDPOINT_URL: proxy.url, CLOUD502_METRICS_WINDOW: '0', CLOUD502_SAFETY_MARGIN_MS: '5000' }, registry);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await proxy?.close();
  vi.unstubAllEnvs();
});

describe('worker', () => {
  it('audits each item of a batch into its own partial report, and reports the account it cannot enter', async () => {
    // Act
    const output: WorkerOutput = await worker()(batch(item(SHOP), item(QUIET), item(DENIED)), context());
    // Assess
    const key = (a: string) => runKeys('cloud502/', RUN).partial(a, REGION);
    expect(output.runId).toBe(RUN);
    expect(output.items).toEqual([
      { account: SHOP, region: REGION, status: 'complete', key: key(SHOP), failing: expect.any(Number) as number },
      { account: QUIET, region: REGION, status: 'complete', key: key(QUIET), failing: 0 },
      { account: DENIED, region: REGION, status: 'failed', error: { api: 'sts:AssumeRole', code: 'AccessDenied', message: expect.stringContaining(`sts:AssumeRole on resource: ${role(DENIED)}`) as string } },
    ]);
    const shop = await partial(SHOP);
    expect(shop.scopes).toEqual([{ provider: 'aws', account: SHOP, region: REGION }]);
    expect(shop.generatedAt).toBe(GENERATED_AT);
    const empty = shop.results.find((r) => r.checkId === 'targets/no-registered-targets' && r.status === 'fail');
    expect(empty?.resource.name).toBe(seeded.targetGroupName);
    expect(output.items[0]!.failing).toBe(shop.summary.byStatus.fail);
    expect((await partial(QUIET)).results).toEqual([]);
    expect(await objectExists(s3, BUCKET, key(DENIED))).toBe(false);
    expect(logs.at(-1)).toMatchObject({ level: 'WARN', items: 3, failed: [{ item: `${DENIED}/${REGION}`, code: 'AccessDenied' }] });
  }, 60_000);

  it('fails the invocation, typed by the error, only when every item of the batch failed', async () => {
    const err = await worker()(batch(item(DENIED)), context()).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(BatchFailedError);
    // Step Functions sees this name as the error (its Retry and Catch match on it).
    expect(err!.name).toBe('AccessDenied');
    expect(err!.message).toMatch(/is not authorized to perform: sts:AssumeRole/);
    const two = await worker()(batch(item(DENIED), item(DENIED, 'eu-north-1')), context()).then(() => undefined, (e: unknown) => e as Error);
    expect(two!.message).toMatch(/\(all 2 items of this batch failed; this is the error of 430000000003\/eu-west-1\)$/);
  });

  it('reports an item whose report the bucket refuses, naming the key and the permission', async () => {
    const output = await worker()(batch(item(QUIET, 'eu-north-1'), item(SHOP, 'eu-north-1')), context());
    expect(output.items[0]).toEqual({
      account: QUIET,
      region: 'eu-north-1',
      status: 'failed',
      error: {
        api: 's3:PutObject',
        code: 'ReportStoreError',
        message: `cannot write s3://${BUCKET}/cloud502/org/runs/${RUN}/partial/${QUIET}/eu-north-1.json (AccessDenied, HTTP 403): the worker needs s3:PutObject on s3://${BUCKET}/cloud502/org/runs/${RUN}/partial/${QUIET}/eu-north-1.json`,
      },
    });
    expect(output.items[1]).toMatchObject({ account: SHOP, region: 'eu-north-1', status: 'complete' });
  });

  it('writes a partial report, marked so, for items the deadline cut short', async () => {
    const output = await worker()(batch(item(QUIET, 'eu-south-1')), context(5_000));
    expect(output.items).toEqual([expect.objectContaining({ status: 'partial' })]);
    const report = await partial(QUIET, 'eu-south-1');
    expect(report.coverage.map((g) => g.api)).toEqual([DEADLINE_API]);
  });

  it('calls exactly the actions the stack grants: its own S3 writes and AssumeRole; the audit runs as the member role', () => {
    expect(iamActionsOf(calls)).toEqual([...WORKER_ACTIONS.partials]);
    const own = iamActionsOf(collectorCalls).filter((a) => a.startsWith('sts:'));
    expect(own).toEqual([...WORKER_ACTIONS.assumeRole]);
    const member = iamActionsOf(collectorCalls).filter((a) => !a.startsWith('sts:'));
    for (const a of member) expect(AWS_READ_ONLY_ACTIONS as readonly string[]).toContain(a);
  });

  it.each([
    ['no batch', { Items: [] }, /^worker input: expected \{ BatchInput/],
    ['a bad run id', { BatchInput: { runId: '../x', generatedAt: GENERATED_AT }, Items: [item(SHOP)] }, /BatchInput\.runId "\.\.\/x" is not a run id/],
    ['no items', batch(), /Items must hold 1 to 100 items, got 0/],
    ['a role in another account', batch({ account: SHOP, region: REGION, roleArn: role(QUIET) }), /item 1: role .* is not in account 430000000001/],
    ['an item twice', batch(item(SHOP), item(SHOP)), /appears twice in one batch/],
    ['a hostile region', batch({ ...item(SHOP), region: '../../etc\n' }), /item 1: "\.\.\/\.\.\/etc\\n" is not a region name/],
    ['an unknown key', batch({ ...item(SHOP), endpoint: 'http://evil' }), /item 1: unknown key "endpoint"/],
  ])('refuses %s in one line', async (_name, event, message) => {
    const err = await worker()(event, context()).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(message);
    expect(err!.message).not.toContain('\n');
  });
});
