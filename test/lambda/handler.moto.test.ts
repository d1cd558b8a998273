/**
 * The scheduled handler in-process, with the real S3, SNS and AWS collect clients against moto: reports in S3,
 * new findings on SNS (read back through a subscribed SQS queue), the deadline.
 * Owns moto region ap-southeast-2 (audited) and the bucket/topic named below; never resets moto.
 */
import { CreateRuleCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { defaultRegistry } from '../../src/audit.js';
import type { CheckRegistry, Severity } from '../../src/engine/index.js';
import { atLeast } from '../../src/engine/index.js';
import { lazyClients } from '../../src/lambda/clients.js';
import { readLambdaConfig, type LambdaConfig } from '../../src/lambda/config.js';
import { createHandler, type LogLine, type RunSummary, type ScheduledHandler } from '../../src/lambda/run.js';
import { DEADLINE_API, DEADLINE_CODE, DEADLINE_IMPACT } from '../../src/lambda/scheduled-audit.js';
import { datedKeys, latestKeys, REPORT_FILES } from '../../src/lambda/store.js';
import { diffReports } from '../../src/report/diff.js';
import type { Report } from '../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';
import { seedAwsEnvironment, type SeededAwsEnvironment } from '../support/seed-moto.js';
import { createBucket, createTopicWithQueue, objectExists, readObject, stubAwsEnv, testS3, type SnsEnvelope, type TopicProbe } from './support.js';

const REGION = 'ap-southeast-2';
const BUCKET = 'cloud502-lambda-moto';
const PREFIX = 'audits/';
const SAFETY_MARGIN_MS = 5_000;
const motoUrl = inject('motoUrl');

let seeded: SeededAwsEnvironment;
let registry: CheckRegistry;
let config: LambdaConfig;
let topic: TopicProbe;
let s3: S3Client;
let handler: ScheduledHandler;
const logs: LogLine[] = [];
/** The handler's clock: each run one hour after the previous, so dated keys differ and read well. */
let clock = new Date();

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs, awsRequestId: 'req-1' });

async function reportAt(key: string): Promise<Report> {
  const report = JSON.parse((await readObject(s3, BUCKET, key)).body) as Report;
  const errors = reportSchemaErrors(report);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}

async function run(remainingMs = 600_000): Promise<{ summary: RunSummary; messages: SnsEnvelope[] }> {
  clock = new Date(clock.getTime() + 3_600_000);
  const summary = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, context(remainingMs));
  return { summary, messages: await topic.drain() };
}

/** The finding lines (`  [severity] check on resource ...`) of the message's "New findings" section. */
function listedNew(message: string | undefined): string[] {
  const section = (message ?? '').split('\n\n').find((block) => block.startsWith('New findings'));
  return (section ?? '').split('\n').filter((line) => line.startsWith('  ['));
}

function failingAtOrAbove(report: Report, severity: Severity) {
  return report.results.filter((r) => r.status === 'fail' && atLeast(r.severity, severity));
}

beforeAll(async () => {
  stubAwsEnv();
  registry = await defaultRegistry();
  // The metric points sit just before "now"; the runs happen 1 to 5 hours later, inside a 1-day window.
  seeded = await seedAwsEnvironment(motoUrl, REGION);
  await createBucket(motoUrl, BUCKET);
  topic = await createTopicWithQueue(motoUrl, REGION, 'cloud502-lambda-moto');
  s3 = testS3(motoUrl);
  config = await readLambdaConfig(
    {
      CLOUD502_REGIONS: REGION,
      CLOUD502_BUCKET: BUCKET,
      CLOUD502_PREFIX: PREFIX,
      CLOUD502_TOPIC_ARN: topic.topicArn,
      CLOUD502_METRICS_WINDOW: '1d',
      CLOUD502_SAFETY_MARGIN_MS: String(SAFETY_MARGIN_MS),
      AWS_ENDPOINT_URL: motoUrl,
    },
    registry,
  );
  handler = createHandler(config, {}, { registry, clients: lazyClients({ endpointUrl: motoUrl, topicArn: topic.topicArn }), log: (l) => logs.push(l), clock: () => clock });
}, 120_000);

afterAll(() => {
  s3?.destroy();
  vi.unstubAllEnvs();
});

describe('scheduled handler against moto', () => {
  let first: Report;

  it('first run: writes the dated and latest reports and notifies every finding at or above high', async () => {
    // Act
    const { summary, messages } = await run();
    // Assess
    const dated = datedKeys(PREFIX, clock);
    expect(dated.json).toBe(`${PREFIX}${clock.toISOString().slice(0, 10).replaceAll('-', '/')}/${clock.toISOString()}/${REPORT_FILES.json}`);
    expect(summary).toMatchObject({ reportKey: dated.json, latestKey: `${PREFIX}latest/report.json`, latestUpdated: true, partial: false, previous: 'absent', notified: true });
    first = await reportAt(dated.json);
    expect(first.scopes).toEqual([{ provider: 'aws', account: seeded.account, region: REGION }]);
    expect(first.coverage.filter((g) => g.api === DEADLINE_API)).toEqual([]);
    // The latest copy is the same report, in every format.
    for (const format of ['json', 'html', 'md'] as const) {
      const a = await readObject(s3, BUCKET, dated[format]);
      const b = await readObject(s3, BUCKET, latestKeys(PREFIX)[format]);
      expect(b.body).toBe(a.body);
      expect(a.metadata).toEqual({ 'cloud502-partial': 'false', 'cloud502-generated-at': first.generatedAt });
    }
    expect((await readObject(s3, BUCKET, dated.html)).contentType).toMatch(/^text\/html/);
    expect((await readObject(s3, BUCKET, dated.md)).body).toContain(seeded.loadBalancers.web.name);

    // One message listing exactly the failures at or above high (the seeded environment has some), with the keys.
    const notifiable = failingAtOrAbove(first, 'high');
    expect(notifiable.length).toBeGreaterThan(0);
    expect(summary.newFindings).toBe(first.summary.byStatus.fail);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.TopicArn).toBe(topic.topicArn);
    expect(message?.Subject?.length).toBeLessThanOrEqual(99);
    expect(message?.Subject).toContain(`${notifiable.length} new finding`);
    expect(message?.Message).toContain('First run');
    expect(message?.Message).toContain(`s3://${BUCKET}/${dated.html}`);
    const listed = listedNew(message?.Message);
    expect(listed).toHaveLength(notifiable.length);
    for (const r of notifiable) expect(listed.some((l) => l.startsWith(`  [${r.severity}] ${r.checkId} on ${r.resource.name} `))).toBe(true);
  });

  it('second run with nothing changed: no message, latest moves', async () => {
    const { summary, messages } = await run();
    expect(summary).toMatchObject({ previous: 'found', newFindings: 0, notified: false, latestUpdated: true, partial: false });
    expect(messages).toEqual([]);
    const latest = await reportAt(latestKeys(PREFIX).json);
    expect(latest.generatedAt).toBe(clock.toISOString());
    expect(latest.results.map((r) => r.fingerprint).sort()).toEqual(first.results.map((r) => r.fingerprint).sort());
  });

  it('a change that adds a critical finding: one message with only that finding', async () => {
    // Prepare: a target group with no targets behind a new rule of the web ALB (a 503 for /late/*).
    const elbv2 = new ElasticLoadBalancingV2Client({ endpoint: motoUrl, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      const tg = await elbv2.send(new CreateTargetGroupCommand({ Name: 'c502-late-empty', Protocol: 'HTTP', Port: 8080, VpcId: seeded.vpcId, TargetType: 'instance' }));
      await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: seeded.listeners.webHttp,
          Priority: 77,
          Conditions: [{ Field: 'path-pattern', Values: ['/late/*'] }],
          Actions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroups?.[0]?.TargetGroupArn }],
        }),
      );
    } finally {
      elbv2.destroy();
    }
    const before = await reportAt(latestKeys(PREFIX).json);
    // Act
    const { summary, messages } = await run();
    // Assess
    const after = await reportAt(summary.reportKey);
    const expected = diffReports(before, after).new.filter((r) => atLeast(r.severity, 'high'));
    expect(expected.map((r) => [r.checkId, r.resource.name])).toContainEqual(['targets/no-registered-targets', 'c502-late-empty']);
    expect(summary).toMatchObject({ previous: 'found', notified: true });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.Subject).toContain(`${expected.length} new finding`);
    expect(messages[0]?.Message).toContain('Compared with the previous report');
    // Only the new findings are listed: those that were already there are not repeated.
    const listed = listedNew(messages[0]?.Message);
    expect(listed).toHaveLength(expected.length);
    expect(listed.some((l) => l.startsWith('  [critical] targets/no-registered-targets on c502-late-empty '))).toBe(true);
    expect(failingAtOrAbove(before, 'high').length).toBeGreaterThan(expected.length);
  });

  it('no time left: writes an empty report that says it is partial, and keeps the complete latest report', async () => {
    // Prepare
    const latestBefore = (await readObject(s3, BUCKET, latestKeys(PREFIX).json)).body;
    // Act: exactly the safety margin left, so collection gets no time at all.
    const { summary, messages } = await run(SAFETY_MARGIN_MS);
    // Assess
    expect(summary).toMatchObject({ partial: true, cutShortRegions: [REGION], latestUpdated: false, notified: false });
    const report = await reportAt(summary.reportKey);
    expect(report.results).toEqual([]);
    expect(report.coverage).toEqual([
      { provider: 'aws', region: REGION, api: DEADLINE_API, code: DEADLINE_CODE, message: expect.stringContaining(REGION) as string, impact: DEADLINE_IMPACT },
    ]);
    const md = await readObject(s3, BUCKET, summary.reportKey.replace(/json$/, 'md'));
    expect(md.body.split('\n')[0]).toMatch(/^# cloud502 PARTIAL report \(collection stopped early in ap-southeast-2\)/);
    expect(md.metadata['cloud502-partial']).toBe('true');
    expect((await readObject(s3, BUCKET, summary.reportKey.replace(/json$/, 'html'))).body).toContain('cloud502 PARTIAL report');
    expect(messages).toEqual([]);
    expect((await readObject(s3, BUCKET, latestKeys(PREFIX).json)).body).toBe(latestBefore);
    expect(logs.some((l) => l.level === 'WARN' && l.message.includes('partial'))).toBe(true);
  });

  it('a deadline that strikes during collection also yields a partial report', async () => {
    // 1 ms of budget: the collector is still waiting on its first calls when the signal aborts.
    const { summary } = await run(SAFETY_MARGIN_MS + 1);
    expect(summary).toMatchObject({ partial: true, cutShortRegions: [REGION] });
    expect(await objectExists(s3, BUCKET, summary.reportKey)).toBe(true);
    const report = await reportAt(summary.reportKey);
    expect(report.coverage.map((g) => g.code)).toEqual([DEADLINE_CODE]);
  });

  it('logs one structured line per run', () => {
    const written = logs.filter((l) => l.message === 'cloud502 scheduled audit written');
    expect(written).toHaveLength(5);
    expect(written[0]).toMatchObject({ level: 'INFO', requestId: 'req-1', bucket: BUCKET, previous: 'absent' });
  });
});
