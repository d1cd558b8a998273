/**
 * A whole organization run, in-process against moto: the state machine definition the stack deploys, run by the
 * emulator (test/lambda/org/support/step-functions.ts), plan → every item on the Distributed Map → merge, with one
 * account denying AssumeRole (its batch fails) and one item whose report the bucket refuses. Then every command each
 * function sent is compared with its role in the synthesized stack.
 * Owns moto management account 420000000002 (its organization and members) and the bucket and topic below.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client, S3Client as S3 } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { defaultRegistry } from '../../../src/audit.js';
import type { CheckRegistry } from '../../../src/engine/index.js';
import { LAMBDA_BUNDLE_FILE } from '../../../src/lambda/deploy/bundle.js';
import { Cloud502OrgAuditStack } from '../../../src/lambda/deploy/org-stack.js';
import { MAP_ITEM_API } from '../../../src/lambda/org/account-report.js';
import { lazyOrgClients } from '../../../src/lambda/org/clients.js';
import { readMergeConfig, readPlanConfig, readWorkerConfig } from '../../../src/lambda/org/config.js';
import { datedDir, mapResultsPrefix } from '../../../src/lambda/org/layout.js';
import { createMergeHandler, type MergeSummary } from '../../../src/lambda/org/merge.js';
import { createPlanHandler } from '../../../src/lambda/org/plan.js';
import { STATE_NAMES, orgAuditDefinition } from '../../../src/lambda/org/state-machine.js';
import { createWorker } from '../../../src/lambda/org/worker.js';
import type { LogLine } from '../../../src/lambda/run.js';
import type { Report } from '../../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../../cli/support/schema.js';
import { createTopicWithQueue, readObject, type SnsEnvelope, type TopicProbe } from '../support.js';
import { denyAssumeRole, denyPut, startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { createOrganization, type TestOrganization } from './support/organization.js';
import { iamActionsOf, recordingAdapterLoader, recordingClients } from './support/recording.js';
import { seedMemberAccount, type SeededMember } from './support/seed-member.js';
import { runStateMachine, type EmulatedRun } from './support/step-functions.js';

const motoUrl = inject('motoUrl');
const MANAGEMENT = '420000000002';
const BUCKET = 'cloud502-org-run';
const REGIONS = ['eu-north-1', 'eu-west-1'];
const FN = (name: string) => `arn:aws:lambda:us-east-1:${MANAGEMENT}:function:cloud502-${name}`;
const role = (account: string) => `arn:aws:iam::${account}:role/cloud502-audit`;

let org: TestOrganization;
let proxy: FaultProxy;
let s3: S3Client;
let topic: TopicProbe;
let registry: CheckRegistry;
let seeded: SeededMember;
let run: EmulatedRun;
let summary: MergeSummary;
let messages: SnsEnvelope[];
const logs: LogLine[] = [];
const calls = { plan: new Set<string>(), worker: new Set<string>(), collector: new Set<string>(), merge: new Set<string>() };

beforeAll(async () => {
  org = await createOrganization(motoUrl, MANAGEMENT, {}, [{ name: 'shop' }, { name: 'quiet' }, { name: 'denied' }, { name: 'broken' }]);
  const { shop, denied, broken } = org.accounts;
  seeded = await seedMemberAccount(motoUrl, shop!, 'eu-west-1', 'org-run-shop');
  proxy = await startFaultProxy(motoUrl, [denyAssumeRole(role(denied!)), denyPut(`/partial/${broken}/eu-north-1.json`)]);
  // Every function runs in the management account, with its credentials from the environment, as in Lambda.
  vi.stubEnv('AWS_ACCESS_KEY_ID', org.managementCredentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', org.managementCredentials.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', org.managementCredentials.sessionToken);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('CLOUD502_AWS_MAX_ATTEMPTS', '2');
  s3 = new S3({ endpoint: motoUrl, region: 'us-east-1', forcePathStyle: true, credentials: org.managementCredentials, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  topic = await createTopicWithQueue(motoUrl, 'us-east-1', 'cloud502-org-run');
  registry = await defaultRegistry();

  const env = { CLOUD502_BUCKET: BUCKET, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: proxy.url };
  const planConfig = readPlanConfig({ ...env, CLOUD502_REGIONS: REGIONS.join(','), CLOUD502_SKIP_ACCOUNTS: MANAGEMENT });
  const workerConfig = readWorkerConfig({ ...env, CLOUD502_METRICS_WINDOW: '0', CLOUD502_SAFETY_MARGIN_MS: '5000' }, registry);
  const mergeConfig = readMergeConfig({ ...env, CLOUD502_TOPIC_ARN: topic.topicArn });
  const clients = (sink: Set<string>) => recordingClients(lazyOrgClients({ endpointUrl: proxy.url, homeRegion: 'us-east-1', topicArn: topic.topicArn }), sink);
  const log = (l: LogLine) => logs.push(l);

  const definition = orgAuditDefinition({
    planFunctionArn: FN('plan'),
    workerFunctionArn: FN('worker'),
    mergeFunctionArn: FN('merge'),
    bucketName: BUCKET,
    resultsPrefix: mapResultsPrefix(mergeConfig.prefix),
    maxConcurrency: 2,
    itemsPerBatch: 2,
    workerTimeoutSeconds: 600,
    mergeTimeoutSeconds: 900,
    planTimeoutSeconds: 900,
  });
  run = await runStateMachine(
    definition,
    {},
    {
      s3,
      stateMachineName: 'cloud502-org-audit',
      executionName: 'nightly-1',
      startTime: new Date('2026-06-01T03:00:00.000Z'),
      functions: {
        [FN('plan')]: createPlanHandler(planConfig, { clients: clients(calls.plan), log }),
        [FN('worker')]: createWorker(workerConfig, {}, { registry, clients: clients(calls.worker), log, loadAdapter: recordingAdapterLoader(proxy.url, calls.collector) }),
        [FN('merge')]: createMergeHandler(mergeConfig, { clients: clients(calls.merge), registry, log }),
      },
    },
  );
  summary = run.output as MergeSummary;
  messages = await topic.drain();
}, 180_000);

afterAll(async () => {
  s3?.destroy();
  await proxy?.close();
  vi.unstubAllEnvs();
});

async function report(key: string): Promise<Report> {
  const value = JSON.parse((await readObject(s3, BUCKET, key)).body) as Report;
  const errors = reportSchemaErrors(value);
  expect(errors, formatErrors(errors)).toEqual([]);
  return value;
}

describe('an organization run, plan → map → merge', () => {
  it('runs every state; the denied account\'s batch fails, within the tolerated share, and nothing is retried', () => {
    expect(run.status).toBe('SUCCEEDED');
    expect(run.states).toEqual([STATE_NAMES.plan, STATE_NAMES.map, STATE_NAMES.merge]);
    // 4 accounts × 2 regions, 2 items a batch: one batch per account, the denied account's failing as a whole.
    expect(run.children).toHaveLength(4);
    const failed = run.children.filter((c) => c.status === 'FAILED');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toBe('AccessDenied');
    expect((failed[0]!.input as { Items: Array<{ account: string }> }).Items.map((i) => i.account)).toEqual([org.accounts.denied, org.accounts.denied]);
    expect(run.retries).toEqual([]);
    expect(logs.find((l) => l.message === 'cloud502 organization audit planned')).toMatchObject({ items: 8, accounts: 4, toleratedFailurePercentage: 25, discoveryFailures: 1 });
  });

  it('writes the organization report with the failed items as coverage entries naming account, region and error', async () => {
    const { shop, quiet, denied, broken } = org.accounts;
    expect(summary).toMatchObject({ runId: '20260601T030000Z-nightly-1', accounts: 4, items: 8, failedItems: 3, partialAccounts: 2, notified: true });
    expect(summary.reportKey).toBe(`${datedDir('cloud502/', new Date('2026-06-01T03:00:00.000Z'))}report.json`);
    const org502 = await report(summary.reportKey);
    expect(org502.scopes.map((s) => `${s.account}/${s.region}`).sort()).toEqual([shop, quiet, broken].flatMap((a) => REGIONS.map((r) => `${a}/${r}`)).filter((x) => x !== `${broken}/eu-north-1`).sort());
    const gaps = org502.coverage.filter((g) => g.impact?.endsWith('was not audited')).map((g) => ({ where: `${g.account}/${g.region}`, api: g.api, code: g.code, message: g.message }));
    expect(gaps).toEqual(
      expect.arrayContaining([
        { where: `${denied}/eu-north-1`, api: MAP_ITEM_API, code: 'AccessDenied', message: expect.stringContaining(`not authorized to perform: sts:AssumeRole on resource: ${role(denied!)}`) as string },
        { where: `${denied}/eu-west-1`, api: MAP_ITEM_API, code: 'AccessDenied', message: expect.stringContaining('sts:AssumeRole') as string },
        { where: `${broken}/eu-north-1`, api: 's3:PutObject', code: 'ReportStoreError', message: expect.stringContaining(`partial/${broken}/eu-north-1.json (AccessDenied, HTTP 403)`) as string },
      ]),
    );
    expect(gaps).toHaveLength(3);
    const finding = org502.results.find((r) => r.checkId === 'targets/no-registered-targets' && r.status === 'fail');
    expect(finding?.resource).toMatchObject({ account: shop, region: 'eu-west-1', name: seeded.targetGroupName });
  });

  it('publishes the new findings of the run once', () => {
    expect(messages).toHaveLength(1);
    expect(messages[0]!.Subject).toMatch(/^cloud502 organization \[partial\]: \d+ new findings? \(.*critical.*\) in 1 account$/);
    expect(messages[0]!.Message).toContain(`  [critical] targets/no-registered-targets on ${seeded.targetGroupName} (load balancer ${seeded.loadBalancerName}) in ${org.accounts.shop} (shop)/eu-west-1`);
    expect(messages[0]!.Message).toContain('PARTIAL: 3 account/region items were not audited');
  });

  describe('roles', () => {
    let template: Template;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cloud502-org-run-cdk-'));
      await mkdir(join(dir, 'bundle'));
      await writeFile(join(dir, 'bundle', LAMBDA_BUNDLE_FILE), 'export const handler = async () => ({});\n');
      const app = new App({ outdir: join(dir, 'out') });
      // The stack configured as this run was: the whole organization, these regions.
      template = Template.fromStack(new Cloud502OrgAuditStack(app, 'Cloud502OrgAudit', { bundleDir: join(dir, 'bundle'), regions: REGIONS, skipAccounts: [MANAGEMENT] }));
    }, 60_000);

    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    function granted(prefix: string): string[] {
      const [policy] = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith(prefix));
      const statements = (policy![1] as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }).Properties.PolicyDocument.Statement;
      return [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).filter((a) => !a.startsWith('logs:')))].sort();
    }

    it('the plan, worker and merge roles hold exactly what each called in this run (ListBucket and the abort of a failed upload aside)', () => {
      expect(iamActionsOf(calls.plan).filter((a) => a !== 'ec2:DescribeRegions')).toEqual(granted('PlanPolicy'));
      const workerOwn = [...iamActionsOf(calls.worker), ...iamActionsOf(calls.collector).filter((a) => a.startsWith('sts:'))].sort();
      expect(workerOwn).toEqual(granted('WorkerPolicy'));
      // s3:ListBucket turns a missing previous report into a 404; s3:AbortMultipartUpload runs only when an upload fails (upload.moto.test.ts).
      expect(iamActionsOf(calls.merge)).toEqual(granted('MergePolicy').filter((a) => a !== 's3:ListBucket' && a !== 's3:AbortMultipartUpload'));
    });

    it('what ran in member accounts is the read-only audit policy the member role gets', async () => {
      const { awsIamPolicy } = await import('../../../providers/aws/iam.js');
      const member = new Set(awsIamPolicy().Statement[0]!.Action);
      const inMembers = [...iamActionsOf(calls.collector).filter((a) => !a.startsWith('sts:')), 'ec2:DescribeRegions'];
      for (const a of inMembers) expect(member.has(a), a).toBe(true);
    });
  });
});
