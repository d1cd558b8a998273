/**
 * The merge step against moto (S3, SNS read back through SQS), from the files a run leaves: the plan's item list,
 * the workers' partial reports, and the ResultWriter manifest and result files in AWS's layout. Failed, pending,
 * missing and corrupt items become coverage entries; per-account and organization reports are written in every
 * format; new findings are published; `latest/` moves only for complete accounts. Owns the bucket and topic below.
 */
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { partialReport } from '../../../bench/merge-data.js';
import { defaultRegistry } from '../../../src/audit.js';
import type { CheckRegistry } from '../../../src/engine/index.js';
import { atLeast } from '../../../src/engine/index.js';
import { ConfigError } from '../../../src/errors.js';
import { MAP_ITEM_API } from '../../../src/lambda/org/account-report.js';
import { lazyOrgClients } from '../../../src/lambda/org/clients.js';
import { readMergeConfig, type MergeConfig } from '../../../src/lambda/org/config.js';
import type { AuditItem } from '../../../src/lambda/org/items.js';
import { accountDir, datedDir, latestDir, mapResultsPrefix, runKeys } from '../../../src/lambda/org/layout.js';
import { createMergeHandler, MAP_RUN_API, type MergeSummary } from '../../../src/lambda/org/merge.js';
import { MERGE_ACTIONS } from '../../../src/lambda/org/permissions.js';
import { itemsFileText } from '../../../src/lambda/org/plan.js';
import type { LogLine } from '../../../src/lambda/run.js';
import { DEADLINE_API, DEADLINE_CODE, DEADLINE_IMPACT } from '../../../src/lambda/scheduled-audit.js';
import { renderJson, summarize } from '../../../src/report/json.js';
import type { Report } from '../../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../../cli/support/schema.js';
import { createTopicWithQueue, objectExists, readObject, stubAwsEnv, testS3, type SnsEnvelope, type TopicProbe } from '../support.js';
import { iamActionsOf, recordingClients } from './support/recording.js';
import { writeResultWriterFiles, type ChildExecutionRecord } from './support/step-functions.js';

const motoUrl = inject('motoUrl');
const BUCKET = 'cloud502-org-merge';
const PREFIX = 'cloud502/';
const A = '440000000001';
const B = '440000000002';
const C = '440000000003';
const D = '440000000004';
const E = '440000000005';
const F = '440000000006';
const HOSTILE_NAME = 'shop <img src=x onerror=alert(1)>';
const role = (account: string) => `arn:aws:iam::${account}:role/cloud502-audit`;
const item = (account: string, region: string, name?: string): AuditItem => ({ account, region, roleArn: role(account), ...(name ? { name } : {}) });

let s3: S3Client;
let registry: CheckRegistry;
let topic: TopicProbe;
let config: MergeConfig;
const logs: LogLine[] = [];
const calls = new Set<string>();

interface RunSpec {
  runId: string;
  generatedAt: string;
  items: AuditItem[];
  /** Partial reports to write, by `account/region`. */
  partials: Record<string, Report | string>;
  /** Child executions; undefined = no map output at all. */
  children?: ChildExecutionRecord[];
  mapError?: { Error: string; Cause: string };
}

async function put(key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** Leaves in the bucket what the plan, the workers and Step Functions would have; returns the merge's input. */
async function prepare(spec: RunSpec): Promise<Record<string, unknown>> {
  const keys = runKeys(PREFIX, spec.runId);
  await put(keys.items, itemsFileText(spec.items));
  for (const [where, report] of Object.entries(spec.partials)) {
    const [account, region] = where.split('/') as [string, string];
    await put(keys.partial(account, region), typeof report === 'string' ? report : renderJson(report));
  }
  const event: Record<string, unknown> = { runId: spec.runId, generatedAt: spec.generatedAt, bucket: BUCKET, itemsKey: keys.items, items: spec.items.length, toleratedFailurePercentage: 50 };
  if (spec.children) {
    const mapRunId = `${spec.runId}-map`;
    const mapRunArn = `arn:aws:states:us-east-1:123456789012:mapRun:cloud502-org/Audit accounts:${mapRunId}`;
    const target = { bucket: BUCKET, prefix: mapResultsPrefix(PREFIX), mapRunId, mapRunArn, stateMachineName: 'cloud502-org', stateName: 'Audit accounts', startTime: new Date(spec.generatedAt) };
    const { manifestKey } = await writeResultWriterFiles(s3, target, spec.children);
    event.map = { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: BUCKET, Key: manifestKey } };
  }
  if (spec.mapError) event.mapError = spec.mapError;
  return event;
}

function merge(overrides: Partial<MergeConfig> = {}) {
  const clients = recordingClients(lazyOrgClients({ endpointUrl: motoUrl, topicArn: topic.topicArn }), calls);
  return createMergeHandler({ ...config, ...overrides }, { clients, registry, log: (l) => logs.push(l) });
}

const batch = (runId: string, generatedAt: string, items: AuditItem[]) => ({ BatchInput: { runId, generatedAt }, Items: items });
const done = (runId: string, outcomes: object[]) => ({ runId, items: outcomes });
const complete = (a: string, r: string) => ({ account: a, region: r, status: 'complete', key: `x/${a}/${r}.json`, failing: 1 });

async function json<T>(key: string): Promise<T> {
  return JSON.parse((await readObject(s3, BUCKET, key)).body) as T;
}

/** Schema-valid once the field a newer report shape added (in this test) is set aside. */
function valid(report: Report): Report {
  const current = { ...report, results: report.results.map(({ futureResultField: _, ...r }: Report['results'][number] & { futureResultField?: boolean }) => r) };
  const errors = reportSchemaErrors(current);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}

beforeAll(async () => {
  stubAwsEnv();
  registry = await defaultRegistry();
  s3 = testS3(motoUrl);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  topic = await createTopicWithQueue(motoUrl, 'us-east-1', 'cloud502-org-merge');
  config = readMergeConfig({ CLOUD502_BUCKET: BUCKET, AWS_ENDPOINT_URL: motoUrl, CLOUD502_FORMATS: 'html,md,csv,sarif,junit,text', CLOUD502_TOPIC_ARN: topic.topicArn });
}, 60_000);

afterAll(() => {
  s3?.destroy();
  vi.unstubAllEnvs();
});

describe('merge', () => {
  const R1 = '20260301T000000Z-run-1';
  const T1 = '2026-03-01T00:00:00.000Z';
  let first: MergeSummary;
  let messages: SnsEnvelope[];
  let partials: Report[];

  beforeAll(async () => {
    const withExtras = { ...partialReport(A, 'eu-west-1', T1), futureField: { added: 'later' } } as Report;
    withExtras.results = withExtras.results.map((r) => ({ ...r, futureResultField: true }));
    const cut = partialReport(C, 'us-east-1', T1);
    cut.coverage.push({ provider: 'aws', region: 'us-east-1', api: DEADLINE_API, code: DEADLINE_CODE, message: 'collection of us-east-1 did not finish', impact: DEADLINE_IMPACT });
    const corrupt = { ...partialReport(F, 'eu-west-1', T1) };
    corrupt.results = corrupt.results.map((r, i) => (i === 2 ? { ...r, severity: 'urgent' as never } : r));
    partials = [withExtras, partialReport(A, 'us-east-1', T1, { results: 3 }), partialReport(B, 'eu-west-1', T1), cut];
    const event = await prepare({
      runId: R1,
      generatedAt: T1,
      items: [item(A, 'eu-west-1', HOSTILE_NAME), item(A, 'us-east-1', HOSTILE_NAME), item(B, 'eu-west-1'), item(B, 'us-east-1'), item(C, 'eu-west-1'), item(C, 'us-east-1'), item(D, 'eu-west-1'), item(E, 'eu-west-1'), item(F, 'eu-west-1')],
      partials: { [`${A}/eu-west-1`]: withExtras, [`${A}/us-east-1`]: partials[1]!, [`${B}/eu-west-1`]: partials[2]!, [`${C}/us-east-1`]: cut, [`${F}/eu-west-1`]: corrupt },
      children: [
        { input: batch(R1, T1, [item(A, 'eu-west-1'), item(A, 'us-east-1')]), status: 'SUCCEEDED', output: done(R1, [complete(A, 'eu-west-1'), complete(A, 'us-east-1')]), attempts: 1 },
        { input: batch(R1, T1, [item(B, 'eu-west-1')]), status: 'SUCCEEDED', output: done(R1, [complete(B, 'eu-west-1')]), attempts: 1 },
        {
          input: batch(R1, T1, [item(B, 'us-east-1')]),
          status: 'FAILED',
          error: 'AccessDenied',
          cause: JSON.stringify({ errorType: 'AccessDenied', errorMessage: `User: x is not authorized to perform: sts:AssumeRole on resource: ${role(B)}`, trace: ['at a', 'at b'] }),
          attempts: 1,
        },
        {
          input: batch(R1, T1, [item(C, 'eu-west-1'), item(C, 'us-east-1')]),
          status: 'SUCCEEDED',
          output: done(R1, [
            { account: C, region: 'eu-west-1', status: 'failed', error: { api: 's3:PutObject', code: 'ReportStoreError', message: 'cannot write <b>s3://x</b>' } },
            { account: C, region: 'us-east-1', status: 'partial', key: 'x', failing: 7 },
          ]),
          attempts: 1,
        },
        { input: batch(R1, T1, [item(D, 'eu-west-1')]), status: 'PENDING', attempts: 0 },
        { input: batch(R1, T1, [item(E, 'eu-west-1')]), status: 'SUCCEEDED', output: done(R1, [complete(E, 'eu-west-1')]), attempts: 1 },
        { input: batch(R1, T1, [item(F, 'eu-west-1')]), status: 'SUCCEEDED', output: done(R1, [complete(F, 'eu-west-1')]), attempts: 1 },
      ],
    });
    first = await merge()(event);
    messages = await topic.drain();
  }, 120_000);

  it('merges every partial report into the organization report, a valid cloud502 JSON report', async () => {
    const dated = datedDir(PREFIX, new Date(T1));
    expect(first).toMatchObject({ runId: R1, reportKey: `${dated}report.json`, accounts: 6, items: 9, failedItems: 5, partialAccounts: 5, notified: true, latestUpdated: true, latestAccounts: 6 });
    const org = valid(await json<Report>(first.reportKey));
    const results = partials.flatMap((p) => p.results);
    expect(org.results).toHaveLength(results.length);
    expect(org.summary).toEqual(summarize(results, partials.reduce((n, p) => n + p.summary.loadBalancers, 0), Math.max(...partials.map((p) => p.summary.checksRun))));
    expect(org.scopes).toEqual([A, A, B, C].map((a, i) => ({ provider: 'aws', account: a, region: ['eu-west-1', 'us-east-1', 'eu-west-1', 'us-east-1'][i] })));
    // Extra fields of a newer report shape are carried through, not dropped or refused.
    expect(org.results.filter((r) => (r as unknown as { futureResultField?: boolean }).futureResultField)).toHaveLength(14);
    expect(org.generatedAt).toBe(T1);
  });

  it('names every item without a report in a coverage entry: account, region and error', async () => {
    const org = await json<Report>(first.reportKey);
    const gaps = org.coverage.filter((g) => g.impact?.endsWith('was not audited'));
    expect(gaps.map((g) => [g.account, g.region, g.api, g.code])).toEqual([
      [B, 'us-east-1', MAP_ITEM_API, 'AccessDenied'],
      [C, 'eu-west-1', 's3:PutObject', 'ReportStoreError'],
      [D, 'eu-west-1', MAP_ITEM_API, 'NotRun'],
      [E, 'eu-west-1', MAP_ITEM_API, 'NoReport'],
      [F, 'eu-west-1', MAP_ITEM_API, 'InvalidReport'],
    ]);
    expect(gaps[0]!.message).toBe(`User: x is not authorized to perform: sts:AssumeRole on resource: ${role(B)}`);
    expect(gaps[2]!.message).toBe('the map run ended before this item ran');
    expect(gaps[4]!.message).toMatch(/partial\/440000000006\/eu-west-1\.json: results\[2\]: severity is not a known severity$/);
  });

  it('writes one report per account in every format, partial ones titled so', async () => {
    const dated = datedDir(PREFIX, new Date(T1));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: accountDir(dated, A) }));
    expect((listed.Contents ?? []).map((o) => o.Key!.split('/').at(-1)).sort()).toEqual(['report.csv', 'report.html', 'report.json', 'report.junit.xml', 'report.md', 'report.sarif', 'report.txt']);
    const a = valid(await json<Report>(`${accountDir(dated, A)}report.json`));
    expect(a.scopes.map((s) => s.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(a.coverage.every((g) => g.account === A)).toBe(true);
    const b = valid(await json<Report>(`${accountDir(dated, B)}report.json`));
    expect(b.coverage.at(-1)).toMatchObject({ account: B, region: 'us-east-1', code: 'AccessDenied' });
    const md = (await readObject(s3, BUCKET, `${accountDir(dated, B)}report.md`)).body;
    expect(md.split('\n')[0]).toBe('# cloud502 PARTIAL report of account 440000000002: 1 region not audited, 0 cut short');
    expect((await readObject(s3, BUCKET, `${accountDir(dated, C)}report.md`)).body.split('\n')[0]).toContain('1 cut short');
    expect((await readObject(s3, BUCKET, `${accountDir(dated, A)}report.md`)).metadata).toEqual({ 'cloud502-partial': 'false', 'cloud502-run': R1 });
  });

  it('writes the organization CSV and SARIF from every account, and an overview that escapes hostile names', async () => {
    const dated = datedDir(PREFIX, new Date(T1));
    const org = await json<Report>(first.reportKey);
    const csv = (await readObject(s3, BUCKET, `${dated}report.csv`)).body;
    const header = csv.slice(0, csv.indexOf('\r\n'));
    expect(csv.split(header)).toHaveLength(2);
    // One row per result (cells may hold quoted line breaks, so count the fingerprints instead of lines).
    for (const r of org.results) expect(csv).toContain(r.fingerprint);
    const sarif = JSON.parse((await readObject(s3, BUCKET, `${dated}report.sarif`)).body) as { runs: Array<{ results: Array<{ ruleId: string; ruleIndex: number }>; tool: { driver: { rules: Array<{ id: string }> } }; invocations: Array<{ toolExecutionNotifications: unknown[] }>; properties: { scopes: unknown[]; summary: unknown } }> };
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0]!;
    expect(run.results).toHaveLength(org.results.filter((r) => r.status === 'fail' || r.status === 'suppressed').length);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(run.invocations[0]!.toolExecutionNotifications).toHaveLength(org.coverage.length + org.results.filter((r) => r.status === 'error').length);
    expect(run.properties.scopes).toEqual(org.scopes);
    expect(run.properties.summary).toEqual(org.summary);

    const html = (await readObject(s3, BUCKET, `${dated}report.html`)).body;
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>s3://x</b>');
    expect(html).toContain('shop &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain(`<a href="accounts/${A}/report.html">html</a>`);
    expect(html).toContain('cloud502 PARTIAL organization report: 5 account/region items not audited');
    const md = (await readObject(s3, BUCKET, `${dated}report.md`)).body;
    expect(md).toContain('| 440000000002 |  | 1, 1 not audited |');
    expect(md).toContain('## Not audited (5)');
    expect(md).not.toContain('<img');
    const runFile = await json<{ accounts: number; failedItems: number; formats: { organization: string[] } }>(`${dated}run.json`);
    expect(runFile).toMatchObject({ accounts: 6, failedItems: 5 });
    expect(runFile.formats.organization.sort()).toEqual(['csv', 'html', 'json', 'markdown', 'sarif', 'text']);
  });

  it('publishes the new findings at or above high once, worst first, with the failed items counted', () => {
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    const notifiable = partials.flatMap((p) => p.results).filter((r) => r.status === 'fail' && atLeast(r.severity, 'high'));
    expect(first.newFindings).toBe(notifiable.length);
    expect(message.Subject).toBe(`cloud502 organization [partial]: ${notifiable.length} new findings (4 critical, 4 high) in 3 accounts`);
    const listed = message.Message.split('\n').filter((l) => l.startsWith('  ['));
    expect(listed).toHaveLength(notifiable.length);
    expect(listed[0]).toMatch(/^ {2}\[critical\] targets\/all-targets-unhealthy on tg-checkout \(load balancer alb-shop-prod\) in 440000000001 \(shop <img src=x onerror=alert\(1\)>\)\/(eu-west-1|us-east-1)$/);
    expect(listed.filter((l) => l.startsWith('  [critical]'))).toHaveLength(4);
    expect(message.Message).toContain('PARTIAL: 5 account/region items were not audited');
    expect(message.Message).toContain('6 accounts have no previous report to compare with');
  });

  it('second run, nothing new: no message; latest moves for complete accounts only', async () => {
    const R2 = '20260302T000000Z-run-2';
    const T2 = '2026-03-02T00:00:00.000Z';
    const latestB = (await readObject(s3, BUCKET, `${accountDir(latestDir(PREFIX), B)}report.json`)).body;
    const event = await prepare({
      runId: R2,
      generatedAt: T2,
      items: [item(A, 'eu-west-1'), item(B, 'eu-west-1'), item(B, 'us-east-1')],
      partials: { [`${A}/eu-west-1`]: partialReport(A, 'eu-west-1', T2), [`${B}/eu-west-1`]: partialReport(B, 'eu-west-1', T2) },
      children: [
        { input: batch(R2, T2, [item(A, 'eu-west-1'), item(B, 'eu-west-1')]), status: 'SUCCEEDED', output: done(R2, [complete(A, 'eu-west-1'), complete(B, 'eu-west-1')]), attempts: 1 },
        { input: batch(R2, T2, [item(B, 'us-east-1')]), status: 'FAILED', error: 'States.Timeout', cause: '', attempts: 1 },
      ],
    });
    const summary = await merge()(event);
    expect(summary).toMatchObject({ newFindings: 0, notified: false, latestAccounts: 1, latestUpdated: false, failedItems: 1 });
    expect(await topic.drain()).toEqual([]);
    expect((await json<Report>(`${accountDir(latestDir(PREFIX), A)}report.json`)).generatedAt).toBe(T2);
    // B's region failed: its latest report stays the complete one, so the failed region's findings are not "new" later.
    expect((await readObject(s3, BUCKET, `${accountDir(latestDir(PREFIX), B)}report.json`)).body).toBe(latestB);
    expect((await json<Report>(`${latestDir(PREFIX)}report.json`)).generatedAt).toBe(T1);
    const b = await json<Report>(`${accountDir(datedDir(PREFIX, new Date(T2)), B)}report.json`);
    expect(b.coverage.at(-1)).toMatchObject({ code: 'States.Timeout', message: 'the child execution failed with States.Timeout' });
  });

  it('third run, one finding changed: one message listing only it', async () => {
    const R3 = '20260303T000000Z-run-3';
    const T3 = '2026-03-03T00:00:00.000Z';
    const changed = partialReport(A, 'eu-west-1', T3, { variant: 'moved' });
    const event = await prepare({
      runId: R3,
      generatedAt: T3,
      items: [item(A, 'eu-west-1')],
      partials: { [`${A}/eu-west-1`]: changed },
      children: [{ input: batch(R3, T3, [item(A, 'eu-west-1')]), status: 'SUCCEEDED', output: done(R3, [complete(A, 'eu-west-1')]), attempts: 1 }],
    });
    const summary = await merge()(event);
    expect(summary).toMatchObject({ newFindings: 1, notified: true, latestUpdated: true, failedItems: 0 });
    const [message] = await topic.drain();
    expect(message?.Subject).toBe('cloud502 organization: 1 new finding (1 critical) in 1 account');
    expect(message?.Message.split('\n').filter((l) => l.startsWith('  ['))).toEqual([`  [critical] targets/all-targets-unhealthy on tg-checkout (load balancer alb-shop-prod) in ${A}/eu-west-1`]);
  });

  it('without a map output (the map failed), reports the run gap and every item it did not finish', async () => {
    const R4 = '20260304T000000Z-run-4';
    const T4 = '2026-03-04T00:00:00.000Z';
    const event = await prepare({
      runId: R4,
      generatedAt: T4,
      items: [item(A, 'eu-west-1'), item(B, 'eu-west-1')],
      partials: { [`${A}/eu-west-1`]: partialReport(A, 'eu-west-1', T4) },
      mapError: { Error: 'States.ExceedToleratedFailureThreshold', Cause: 'The specified tolerated failure threshold was exceeded' },
    });
    const summary = await merge({ topicArn: undefined })(event);
    expect(summary).toMatchObject({ accounts: 2, failedItems: 1, notified: false });
    const org = valid(await json<Report>(summary.reportKey));
    expect(org.coverage.filter((g) => g.api === MAP_RUN_API).map((g) => [g.account ?? null, g.code])).toEqual([
      [B, 'States.ExceedToleratedFailureThreshold'],
      [null, 'States.ExceedToleratedFailureThreshold'],
    ]);
    expect(org.coverage.find((g) => g.account === B)?.message).toBe('the map run failed before this item wrote its report: The specified tolerated failure threshold was exceeded');
  });

  it('calls only the actions the stack grants the merge', () => {
    const granted = [...MERGE_ACTIONS.objects, ...MERGE_ACTIONS.notify];
    expect(iamActionsOf(calls)).toEqual(granted.sort());
  });
});

describe('merge input', () => {
  it.each([
    ['not an object', 'x', /^merge input: expected the plan output/],
    ['another bucket', { runId: 'r-1', generatedAt: '2026-01-01T00:00:00Z', bucket: 'other-bucket', itemsKey: 'x' }, /bucket "other-bucket" is not cloud502-org-merge/],
    ['an item list of another run', { runId: 'r-1', generatedAt: '2026-01-01T00:00:00Z', bucket: BUCKET, itemsKey: 'cloud502/org/runs/r-2/items.json' }, /itemsKey is not the run's item list/],
    [
      'a manifest outside the map results',
      { runId: 'r-1', generatedAt: '2026-01-01T00:00:00Z', bucket: BUCKET, itemsKey: 'cloud502/org/runs/r-1/items.json', map: { MapRunArn: 'arn:aws:states:x', ResultWriterDetails: { Bucket: BUCKET, Key: 'secrets/manifest.json' } } },
      /manifest is not under this stack's map-results prefix/,
    ],
    ['a bad run id', { runId: '../../x', generatedAt: '2026-01-01T00:00:00Z', bucket: BUCKET }, /runId is missing or malformed/],
  ])('refuses %s in one line', async (_name, event, message) => {
    const err = await merge()(event).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(message);
    expect(err!.message).not.toContain('\n');
  });

  it('refuses an item list that is not grouped by account, and a missing one', async () => {
    const runId = '20260305T000000Z-bad';
    await put(runKeys(PREFIX, runId).items, itemsFileText([item(A, 'eu-west-1'), item(B, 'eu-west-1'), item(A, 'us-east-1')]));
    const event = { runId, generatedAt: '2026-03-05T00:00:00Z', bucket: BUCKET, itemsKey: runKeys(PREFIX, runId).items };
    await expect(merge({ topicArn: undefined })(event)).rejects.toThrow('the item list is not grouped by account (440000000001 appears twice apart)');
    const missing = { ...event, runId: '20260305T000000Z-none', itemsKey: runKeys(PREFIX, '20260305T000000Z-none').items };
    await expect(merge({ topicArn: undefined })(missing)).rejects.toThrow(/item list s3:\/\/cloud502-org-merge\/cloud502\/org\/runs\/20260305T000000Z-none\/items\.json does not exist/);
    expect(await objectExists(s3, BUCKET, `${datedDir(PREFIX, new Date('2026-03-05T00:00:00Z'))}report.json`)).toBe(false);
  });
});
