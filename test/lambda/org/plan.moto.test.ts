/**
 * The plan step against moto through a fault proxy: AWS Organizations (whole organization, OUs with nested OUs, tags),
 * an accounts file in S3, each account's enabled regions looked up as the account, one account denying AssumeRole,
 * and the item list written in the layout the Distributed Map's ItemReader reads (one JSON array).
 * Owns moto management accounts 420000000001 (organization) and 420000000009 (no organization).
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { lazyOrgClients } from '../../../src/lambda/org/clients.js';
import { readPlanConfig, type PlanConfig } from '../../../src/lambda/org/config.js';
import { parseItem, type AuditItem } from '../../../src/lambda/org/items.js';
import { planActions } from '../../../src/lambda/org/permissions.js';
import { createPlanHandler, MIN_TOLERATED_FAILURE_PERCENT, type PlanOutput } from '../../../src/lambda/org/plan.js';
import type { LogLine } from '../../../src/lambda/run.js';
import { errorAnswer } from '../../../bench/throttle-proxy.js';
import { denyAssumeRole, startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { createOrganization, credentialsOf, type TestOrganization } from './support/organization.js';
import { iamActionsOf, recordingClients } from './support/recording.js';

const motoUrl = inject('motoUrl');
const MANAGEMENT = '420000000001';
const BUCKET = 'cloud502-org-plan';
const REGIONS = 'eu-west-1,eu-north-1';
const role = (account: string) => `arn:aws:iam::${account}:role/cloud502-audit`;

let org: TestOrganization;
let proxy: FaultProxy;
let s3: S3Client;
const logs: LogLine[] = [];
/** When set, organizations:ListAccounts answers with this error. */
let organizationsFault: string | undefined;

function env(vars: Record<string, string> = {}): Record<string, string> {
  return { CLOUD502_BUCKET: BUCKET, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: proxy.url, CLOUD502_REGIONS: REGIONS, CLOUD502_SKIP_ACCOUNTS: MANAGEMENT, ...vars };
}

async function plan(vars: Record<string, string> = {}, event: unknown = { executionName: 'exec-1', startedAt: '2026-03-04T05:06:07.089Z' }) {
  const config: PlanConfig = readPlanConfig(env(vars));
  const calls = new Set<string>();
  const clients = recordingClients(lazyOrgClients({ endpointUrl: proxy.url, homeRegion: config.homeRegion }), calls);
  const output = await createPlanHandler(config, { clients, log: (l) => logs.push(l) })(event);
  return { output, calls, items: await readItems(output) };
}

async function readItems(output: PlanOutput): Promise<AuditItem[]> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const text = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: output.itemsKey }))).Body!.transformToString();
  const value = JSON.parse(text) as unknown[];
  expect(Array.isArray(value)).toBe(true);
  return value.map((v, i) => parseItem(v, `item ${i + 1}`));
}

function pairs(items: AuditItem[]): string[] {
  return items.map((i) => `${i.account}/${i.region}`);
}

beforeAll(async () => {
  org = await createOrganization(motoUrl, MANAGEMENT, { apps: undefined, web: 'apps', data: undefined }, [
    { name: 'shop', unit: 'web', tags: { env: 'prod', team: 'web' } },
    { name: 'billing', unit: 'apps', tags: { env: 'prod' } },
    { name: 'lab', unit: 'data', tags: { env: 'dev' } },
    { name: 'denied', unit: 'apps', tags: { env: 'prod' } },
  ]);
  proxy = await startFaultProxy(motoUrl, [
    denyAssumeRole(role(org.accounts.denied!)),
    ({ call }) => (organizationsFault && call.api === 'organizations:ListAccounts' ? errorAnswer(call, 400, organizationsFault, 'refused by the test') : undefined),
  ]);
  // The plan runs with the management account's credentials, from the environment as in Lambda.
  vi.stubEnv('AWS_ACCESS_KEY_ID', org.managementCredentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', org.managementCredentials.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', org.managementCredentials.sessionToken);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  s3 = new S3Client({ endpoint: motoUrl, region: 'us-east-1', forcePathStyle: true, credentials: org.managementCredentials, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await proxy?.close();
  vi.unstubAllEnvs();
});

describe('plan from AWS Organizations', () => {
  it('crosses every active account with the configured regions, sorted, and plans the denied account anyway', async () => {
    // Act
    const { output, calls, items } = await plan();
    // Assess
    const { shop, billing, lab, denied } = org.accounts;
    const expected = [shop!, billing!, lab!, denied!].sort().flatMap((a) => [`${a}/eu-north-1`, `${a}/eu-west-1`]);
    expect(pairs(items)).toEqual(expected);
    expect(items.find((i) => i.account === shop)).toEqual({ account: shop, region: 'eu-north-1', roleArn: role(shop!), name: 'shop' });
    expect(output).toEqual({
      runId: '20260304T050607Z-exec-1',
      generatedAt: '2026-03-04T05:06:07.089Z',
      bucket: BUCKET,
      itemsKey: 'cloud502/org/runs/20260304T050607Z-exec-1/items.json',
      items: 8,
      accounts: 4,
      // The largest account holds 2 of 8 items.
      toleratedFailurePercentage: 25,
      discoveryFailures: 1,
    });
    expect(logs.some((l) => l.level === 'WARN' && l.account === denied && l.code === 'AccessDenied')).toBe(true);
    expect(proxy.injected.filter((i) => i === 'sts:AssumeRole').length).toBeGreaterThan(0);
    // Exactly the actions the stack grants for this source, plus DescribeRegions, which runs as the member accounts.
    const granted = planActions(readPlanConfig(env()).accounts);
    expect(iamActionsOf(calls)).toEqual([...granted.organizations, ...granted.assumeRole, ...granted.items, 'ec2:DescribeRegions'].sort());
  });

  it('takes the accounts of an OU and of the OUs nested in it, and filters by tags', async () => {
    const { shop, billing, denied } = org.accounts;
    const byUnit = await plan({ CLOUD502_ORG_UNITS: org.units.apps!, CLOUD502_REGIONS: 'eu-west-1' });
    expect(pairs(byUnit.items)).toEqual([shop!, billing!, denied!].sort().map((a) => `${a}/eu-west-1`));
    expect(iamActionsOf(byUnit.calls)).toEqual(['ec2:DescribeRegions', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent', 's3:PutObject', 'sts:AssumeRole']);

    const byTag = await plan({ CLOUD502_ORG_UNITS: org.rootId, CLOUD502_ACCOUNT_TAGS: 'env=prod,team=web', CLOUD502_REGIONS: 'eu-west-1' });
    expect(pairs(byTag.items)).toEqual([`${shop}/eu-west-1`]);
    expect(iamActionsOf(byTag.calls)).toContain('organizations:ListTagsForResource');
  });

  it('with "all" regions, plans each account\'s enabled regions, and the home region for an account it cannot enter', async () => {
    const { output, items } = await plan({ CLOUD502_REGIONS: 'all', CLOUD502_ORG_UNITS: org.units.apps! });
    const denied = org.accounts.denied!;
    const shop = items.filter((i) => i.account === org.accounts.shop);
    // moto enables the regions that need no opt-in; opt-in regions (e.g. ap-east-1) are left out.
    expect(shop.length).toBeGreaterThan(10);
    expect(shop.map((i) => i.region)).toContain('eu-west-1');
    expect(shop.map((i) => i.region)).not.toContain('ap-east-1');
    expect(items.filter((i) => i.account === denied).map((i) => i.region)).toEqual(['us-east-1']);
    expect(output.toleratedFailurePercentage).toBe(Math.ceil((100 * shop.length) / items.length));
  });

  it('keeps the tolerated failure percentage at or above the floor in a large organization', async () => {
    const { toleratedFailurePercentage } = await import('../../../src/lambda/org/plan.js');
    const many = Array.from({ length: 100 }, (_, i) => ({ account: String(100000000000 + i) }));
    expect(toleratedFailurePercentage(many)).toBe(MIN_TOLERATED_FAILURE_PERCENT);
    expect(toleratedFailurePercentage([])).toBe(100);
  });
});

describe('plan from an accounts file', () => {
  it('reads the roles from the bucket, with names and external ids', async () => {
    const { shop, lab } = org.accounts;
    const file = `- roleArn: ${role(shop!)}\n  name: "shop\\nprod"\n  externalId: ext-shop\n- ${role(lab!)}\n`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'config/accounts.yml', Body: file }));
    const { items, calls } = await plan({ CLOUD502_ACCOUNTS_KEY: 'config/accounts.yml', CLOUD502_EXTERNAL_ID: 'ext-default', CLOUD502_REGIONS: 'eu-west-1' });
    expect(items).toEqual(
      [
        { account: shop!, region: 'eu-west-1', roleArn: role(shop!), externalId: 'ext-shop', name: 'shop prod' },
        { account: lab!, region: 'eu-west-1', roleArn: role(lab!), externalId: 'ext-default' },
      ].sort((a, b) => a.account.localeCompare(b.account)),
    );
    expect(iamActionsOf(calls)).toEqual(['ec2:DescribeRegions', 's3:GetObject', 's3:PutObject', 'sts:AssumeRole']);
  });

  it.each([
    ['a role name the stack does not allow', `- arn:aws:iam::111111111111:role/admin\n`, /entry 1: role "admin" is not "cloud502-audit"/],
    ['an account listed twice', `- arn:aws:iam::111111111111:role/cloud502-audit\n- roleArn: arn:aws:iam::111111111111:role/cloud502-audit\n  name: again\n`, /account 111111111111 is listed twice/],
    ['a malformed entry', `- not-an-arn\n`, /is not an IAM role ARN/],
  ])('refuses %s in one line', async (_name, text, message) => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'config/bad.yml', Body: text }));
    const err = await plan({ CLOUD502_ACCOUNTS_KEY: 'config/bad.yml' }).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(message);
    expect(err!.message).not.toContain('\n');
  });

  it('names a missing accounts file', async () => {
    await expect(plan({ CLOUD502_ACCOUNTS_KEY: 'config/none.yml' })).rejects.toThrow(`the accounts file s3://${BUCKET}/config/none.yml does not exist`);
  });
});

describe('plan failures', () => {
  it('plans nothing, and writes an empty list, when the organization has no account to audit', async () => {
    const lone = await credentialsOf(motoUrl, '420000000009');
    vi.stubEnv('AWS_ACCESS_KEY_ID', lone.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', lone.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', lone.sessionToken);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: `${BUCKET}-lone` })).catch(() => undefined);
      const config = readPlanConfig({ ...env(), CLOUD502_BUCKET: BUCKET });
      const output = await createPlanHandler(config, { clients: lazyOrgClients({ endpointUrl: proxy.url, homeRegion: 'us-east-1' }), log: () => undefined })({});
      expect(output).toMatchObject({ items: 0, accounts: 0, toleratedFailurePercentage: 100 });
      expect(output.runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f-]{36}$/);
      expect(await readItems(output)).toEqual([]);
    } finally {
      vi.stubEnv('AWS_ACCESS_KEY_ID', org.managementCredentials.accessKeyId);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', org.managementCredentials.secretAccessKey);
      vi.stubEnv('AWS_SESSION_TOKEN', org.managementCredentials.sessionToken);
    }
  });

  it('explains an account that is not in an organization, or may not list it, in one line', async () => {
    organizationsFault = 'AWSOrganizationsNotInUseException';
    const notInUse = await plan().then(() => undefined, (e: unknown) => e as Error);
    organizationsFault = 'AccessDeniedException';
    const denied = await plan().then(() => undefined, (e: unknown) => e as Error);
    organizationsFault = undefined;
    expect(notInUse).toBeInstanceOf(ConfigError);
    expect(notInUse!.message).toMatch(/^cannot list the organization's accounts: organizations:ListAccounts failed \(AWSOrganizationsNotInUseException: .*\); this account is not in an organization: use an accounts file/);
    expect(denied!.message).toMatch(/\(AccessDeniedException: .*\); the plan function needs organizations:ListAccounts, and must run in the management account or a delegated administrator account$/);
    for (const e of [notInUse!, denied!]) expect(e.message).not.toContain('\n');
  });

  it.each([
    [{ executionName: '../../etc' }, /executionName "..\/..\/etc" is not a Step Functions execution name/],
    [{ startedAt: 'yesterday' }, /startedAt must be an ISO 8601 time/],
  ])('refuses the input %j', async (event, message) => {
    await expect(plan({}, event)).rejects.toThrow(message);
  });
});
