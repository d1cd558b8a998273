/**
 * Many accounts and regions: the accounts file and role options, the refreshing credentials of an assumed role, and
 * collectAwsWithClients over several accounts × regions with every SDK client mocked (aws-sdk-client-mock). The
 * mocks tell accounts apart by the access key the client signs with and regions by the client's region.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  accountOfRoleArn,
  loadAccountsFile,
  MIN_REFRESH_INTERVAL_MS,
  parseAccountsFile,
  REFRESH_BEFORE_EXPIRY_MS,
  refreshingCredentials,
  resolveAccountSpecs,
} from '../../../providers/aws/accounts.js';
import type { AwsAccountCredentials, AwsClientProvider } from '../../../providers/aws/clients.js';
import { collectAwsWithClients } from '../../../providers/aws/collect/index.js';
import { awsAssumeRolePolicy } from '../../../providers/aws/iam.js';
import { RateBudget, type BudgetClock } from '../../../providers/aws/rate-limit.js';
import { CollectionError, ConfigError, CredentialsError } from '../../../src/errors.js';
import type { AwsCollectOptions as CollectOptions } from '../../../providers/aws/options.js';
import { alb } from './collect/fixtures.js';
import { EMPTY_LISTINGS } from '../../support/aws-empty-listings.js';

const role = (account: string, name = 'cloud502-audit') => `arn:aws:iam::${account}:role/${name}`;

describe('parseAccountsFile', () => {
  it('reads one role ARN per line, skipping blanks and comments', () => {
    const text = `# production\n${role('111111111111')}\n\n  ${role('222222222222', 'path/to/audit')}  \n# end\n`;
    expect(parseAccountsFile(text, 'accounts.txt')).toEqual([{ roleArn: role('111111111111') }, { roleArn: role('222222222222', 'path/to/audit') }]);
  });

  it('reads a YAML list of entries and plain ARNs', () => {
    const text = `- roleArn: ${role('111111111111')}\n  externalId: ext-1234\n  name: prod\n- ${role('222222222222')}\n`;
    expect(parseAccountsFile(text, 'accounts.yaml')).toEqual([
      { roleArn: role('111111111111'), externalId: 'ext-1234', name: 'prod' },
      { roleArn: role('222222222222') },
    ]);
  });

  it('reads a JSON list, recognised by content when the extension says nothing', () => {
    const text = JSON.stringify([{ roleArn: role('333333333333'), name: 'staging' }]);
    expect(parseAccountsFile(text, 'accounts')).toEqual([{ roleArn: role('333333333333'), name: 'staging' }]);
  });

  it.each([
    ['accounts.txt', 'arn:aws:iam::12345:role/x\n', 'accounts file accounts.txt, line 1: "arn:aws:iam::12345:role/x" is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)'],
    ['accounts.txt', `${role('111111111111')}\narn:aws:iam::111111111111:user/bob\n`, 'accounts file accounts.txt, line 2: "arn:aws:iam::111111111111:user/bob" is not an IAM role ARN'],
    ['a.json', '[{"roleArn": "arn:aws:iam::111111111111:role/x", "role_arn": "y"}]', 'accounts file a.json, entry 1: unknown key "role_arn" (allowed: roleArn, externalId, name)'],
    ['a.json', '[{"roleArn": "arn:aws:iam::111111111111:role/x", "externalId": "a b"}]', 'accounts file a.json, entry 1: the external id must be 2 to 1,224 characters'],
    ['a.json', '{"roleArn": "arn:aws:iam::111111111111:role/x"}', 'accounts file a.json: expected a list of role ARNs or {roleArn, externalId?, name?} entries'],
    ['a.json', '[{"roleArn": ', 'accounts file a.json is not valid JSON:'],
    ['a.yaml', '- roleArn: [unclosed\n', 'accounts file a.yaml is not valid YAML:'],
    ['a.yaml', '[]\n', 'accounts file a.yaml lists no roles'],
    ['a.txt', '# nothing yet\n', 'accounts file a.txt lists no roles'],
  ])('rejects %s %j with one line', (path, text, message) => {
    expect(() => parseAccountsFile(text, path)).toThrow(ConfigError);
    try {
      parseAccountsFile(text, path);
    } catch (err) {
      expect((err as Error).message.startsWith(message)).toBe(true);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('takes the account id from a role ARN in any partition', () => {
    expect(accountOfRoleArn('arn:aws-us-gov:iam::123456789012:role/audit')).toBe('123456789012');
    expect(accountOfRoleArn('arn:aws:sts::123456789012:assumed-role/audit/x')).toBeUndefined();
  });
});

describe('resolveAccountSpecs', () => {
  it('merges --role-arn and the file, applies the external id where an entry has none, and drops repeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloud502-accounts-'));
    const file = join(dir, 'accounts.yaml');
    writeFileSync(file, `- roleArn: ${role('222222222222')}\n  externalId: own-id\n- roleArn: ${role('111111111111')}\n  name: prod\n`);
    const specs = await resolveAccountSpecs({ roleArns: [role('111111111111')], externalId: 'shared-id', accountsFile: file });
    expect(specs).toEqual([
      { roleArn: role('111111111111'), externalId: 'shared-id', name: 'prod' },
      { roleArn: role('222222222222'), externalId: 'own-id' },
    ]);
  });

  it('refuses one role with two external ids, a bad --role-arn and an unreadable file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloud502-accounts-'));
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify([{ roleArn: role('111111111111'), externalId: 'other-id' }]));
    await expect(resolveAccountSpecs({ roleArns: [role('111111111111')], externalId: 'shared-id', accountsFile: file })).rejects.toThrow(
      `role ${role('111111111111')} is listed twice with different external ids`,
    );
    await expect(resolveAccountSpecs({ roleArns: ['prod'] })).rejects.toThrow('role ARN: "prod" is not an IAM role ARN');
    await expect(loadAccountsFile(join(dir, 'missing.txt'))).rejects.toThrow(`cannot read accounts file ${join(dir, 'missing.txt')} (ENOENT)`);
  });

  it('means "the caller\'s own account" when nothing is given', async () => {
    expect(await resolveAccountSpecs({})).toEqual([]);
  });
});

describe('refreshingCredentials', () => {
  it('hands out the credentials until they are about to expire, then re-assumes once for concurrent callers', async () => {
    let now = 0;
    const expiration = new Date(60 * 60_000);
    const initial = { accessKeyId: 'ASIA1', secretAccessKey: 's1', expiration };
    const refresh = vi.fn(async () => ({ accessKeyId: 'ASIA2', secretAccessKey: 's2', expiration: new Date(2 * 60 * 60_000) }));
    const provider = refreshingCredentials(initial, refresh, () => now);

    expect((await provider()).accessKeyId).toBe('ASIA1');
    now = expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS + 1;
    const [a, b] = await Promise.all([provider(), provider()]);
    expect([a.accessKeyId, b.accessKeyId]).toEqual(['ASIA2', 'ASIA2']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('does not re-assume on every call when fresh credentials are already close to expiry (clock skew)', async () => {
    let now = 10 * 60_000;
    const soon = () => ({ accessKeyId: 'ASIA', secretAccessKey: 's', expiration: new Date(now + 60_000) });
    const refresh = vi.fn(async () => soon());
    const provider = refreshingCredentials(soon(), refresh, () => now);
    await provider();
    await provider();
    await provider();
    expect(refresh).toHaveBeenCalledTimes(1);
    now += MIN_REFRESH_INTERVAL_MS;
    await provider();
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});

describe('awsAssumeRolePolicy', () => {
  it('allows the caller sts:AssumeRole on exactly the audited roles', () => {
    expect(awsAssumeRolePolicy([role('111111111111')])).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Cloud502AssumeAuditRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [role('111111111111')] }],
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

const mocks = {
  elbv2: mockClient(ElasticLoadBalancingV2Client),
  elb: mockClient(ElasticLoadBalancingClient),
  ec2: mockClient(EC2Client),
  cloudwatch: mockClient(CloudWatchClient),
  acm: mockClient(ACMClient),
  sts: mockClient(STSClient),
};

const CALLER = { accessKeyId: 'AKIACALLER', secretAccessKey: 'caller' };
/** The access key AssumeRole hands out for an account. */
const keyOf = (account: string) => `ASIA${account}`;

const clientsFor: AwsClientProvider = (region, account?: AwsAccountCredentials) => {
  const credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider = account?.credentials ?? CALLER;
  return {
    elbv2: new ElasticLoadBalancingV2Client({ region, credentials }),
    elb: new ElasticLoadBalancingClient({ region, credentials }),
    ec2: new EC2Client({ region, credentials }),
    cloudwatch: new CloudWatchClient({ region, credentials }),
    acm: new ACMClient({ region, credentials }),
    sts: new STSClient({ region, credentials }),
  };
};

/** Account (from the signing key) and region of the client a mocked call came through. */
async function scopeOf(getClient: () => { config: { credentials: () => Promise<AwsCredentialIdentity>; region: () => Promise<string> } }) {
  const client = getClient();
  const { accessKeyId } = await client.config.credentials();
  return { account: accessKeyId.startsWith('ASIA') ? accessKeyId.slice(4) : 'caller', region: await client.config.region() };
}

const awsError = (name: string, message: string, status = 403) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

function options(extra: Partial<CollectOptions> = {}): CollectOptions {
  return { regions: ['eu-west-1', 'us-east-1'], metricsWindowSeconds: 0, now: new Date('2026-01-15T12:00:00.000Z'), ...extra };
}

/** AssumeRole answers for every role ARN, unless `deny` says otherwise; each load balancer listing names its scope. */
function mockAccounts(deny: (input: AssumeRoleCommandInput) => Error | undefined = () => undefined) {
  mocks.sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
    const failure = deny(input);
    if (failure) throw failure;
    const account = accountOfRoleArn(input.RoleArn!)!;
    return {
      Credentials: { AccessKeyId: keyOf(account), SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3_600_000) },
      AssumedRoleUser: { Arn: `arn:aws:sts::${account}:assumed-role/cloud502-audit/cloud502`, AssumedRoleId: 'AROA:cloud502' },
    };
  });
  mocks.elbv2.on(DescribeLoadBalancersCommand).callsFake(async (_input: unknown, getClient) => {
    const { account, region } = await scopeOf(getClient as never);
    return { LoadBalancers: [alb(region, `lb-${account}`)] };
  });
}

beforeEach(() => {
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  for (const mock of Object.values(mocks) as Array<(typeof mocks)['elbv2']>) {
    mock.reset();
    mock.onAnyCommand().resolves(EMPTY_LISTINGS as never);
  }
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: '999999999999' });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('collectAwsWithClients over several accounts', () => {
  it('assumes each role as cloud502 with its external id and collects every account × region with its own credentials', async () => {
    // Prepare
    mockAccounts();

    // Act
    const raw = await collectAwsWithClients(
      options({ roleArns: [role('111111111111'), role('222222222222')], externalId: 'shared-ext' }),
      clientsFor,
    );

    // Assess
    expect(raw.regions.map((r) => [r.account, r.region, r.elbv2.loadBalancers.map((lb) => lb.LoadBalancerName), r.errors])).toEqual([
      ['111111111111', 'eu-west-1', ['lb-111111111111'], []],
      ['111111111111', 'us-east-1', ['lb-111111111111'], []],
      ['222222222222', 'eu-west-1', ['lb-222222222222'], []],
      ['222222222222', 'us-east-1', ['lb-222222222222'], []],
    ]);
    const assumed = mocks.sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(assumed).toEqual([
      { RoleArn: role('111111111111'), RoleSessionName: 'cloud502', ExternalId: 'shared-ext' },
      { RoleArn: role('222222222222'), RoleSessionName: 'cloud502', ExternalId: 'shared-ext' },
    ]);
    // Roles replace the caller's own account: no GetCallerIdentity, and AssumeRole is signed by the caller.
    expect(mocks.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    expect(raw.options.regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('records a role that cannot be assumed as an error of that account and goes on with the others', async () => {
    mockAccounts((input) =>
      input.RoleArn === role('333333333333')
        ? awsError('AccessDenied', `User: arn:aws:iam::999999999999:user/auditor is not authorized to perform: sts:AssumeRole on resource: ${role('333333333333')}`)
        : undefined,
    );
    const raw = await collectAwsWithClients(options({ roleArns: [role('111111111111'), role('333333333333')] }), clientsFor);
    expect(raw.regions.map((r) => [r.account, r.region, r.elbv2.loadBalancers.length])).toEqual([
      ['111111111111', 'eu-west-1', 1],
      ['111111111111', 'us-east-1', 1],
      ['333333333333', 'eu-west-1', 0],
    ]);
    expect(raw.regions[2]!.errors).toEqual([
      { api: 'sts:AssumeRole', region: 'eu-west-1', code: 'AccessDenied', message: expect.stringContaining('not authorized to perform: sts:AssumeRole'), resourceId: role('333333333333'), httpStatus: 403 },
    ]);
  });

  it('returns the errors, not an exception, when every role is denied', async () => {
    mockAccounts(() => awsError('AccessDenied', 'not authorized'));
    const raw = await collectAwsWithClients(options({ roleArns: [role('111111111111'), role('222222222222')] }), clientsFor);
    expect(raw.regions.map((r) => [r.account, r.errors.map((e) => e.code)])).toEqual([
      ['111111111111', ['AccessDenied']],
      ['222222222222', ['AccessDenied']],
    ]);
  });

  it('throws one CredentialsError when the caller credentials work for no role', async () => {
    mockAccounts(() => awsError('ExpiredToken', 'The security token included in the request is expired'));
    const run = collectAwsWithClients(options({ roleArns: [role('111111111111'), role('222222222222')], profile: 'org' }), clientsFor);
    await expect(run).rejects.toBeInstanceOf(CredentialsError);
    await expect(run).rejects.toThrow(/^AWS credentials from profile "org" have expired \(ExpiredToken/);
    expect(mocks.elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(0);
  });

  it('audits the regions each account has enabled, from ec2:DescribeRegions in the home region', async () => {
    mockAccounts();
    mocks.ec2.on(DescribeRegionsCommand).callsFake(async (_input: unknown, getClient) => {
      const { account } = await scopeOf(getClient as never);
      return {
        Regions: [
          { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
          { RegionName: 'ap-east-1', OptInStatus: account === '222222222222' ? 'opted-in' : 'not-opted-in' },
          { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
        ],
      };
    });
    const raw = await collectAwsWithClients(options({ regions: ['eu-west-1'], allRegions: true, roleArns: [role('111111111111'), role('222222222222')] }), clientsFor);
    expect(raw.regions.map((r) => `${r.account}/${r.region}`)).toEqual([
      '111111111111/eu-west-1',
      '111111111111/us-east-1',
      '222222222222/ap-east-1',
      '222222222222/eu-west-1',
      '222222222222/us-east-1',
    ]);
    expect(mocks.ec2.commandCalls(DescribeRegionsCommand).map((c) => c.args[0].input)).toEqual([{ AllRegions: false }, { AllRegions: false }]);
    expect(raw.options.regions).toEqual(['eu-west-1', 'us-east-1', 'ap-east-1']);
  });
});

describe('collectAwsWithClients over several regions of one account', () => {
  it('discovers the regions from us-east-1 when all regions are asked for and no region is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloud502-noregion-'));
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    const askedIn: string[] = [];
    mocks.ec2.on(DescribeRegionsCommand).callsFake(async (_input: unknown, getClient) => {
      askedIn.push((await scopeOf(getClient as never)).region);
      return { Regions: [{ RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' }] };
    });
    const raw = await collectAwsWithClients(options({ regions: undefined, allRegions: true }), clientsFor);
    expect(askedIn).toEqual(['us-east-1']);
    expect(raw.regions.map((r) => [r.account, r.region])).toEqual([['999999999999', 'eu-west-1']]);
  });


  it('records a region the credentials do not work in (opt-in region not enabled) and keeps the others', async () => {
    mocks.elbv2.on(DescribeLoadBalancersCommand).callsFake(async (_input: unknown, getClient) => {
      const { region } = await scopeOf(getClient as never);
      if (region === 'ap-east-1') throw awsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      return { LoadBalancers: [alb(region, 'web')] };
    });
    const raw = await collectAwsWithClients(options({ regions: ['eu-west-1', 'ap-east-1'] }), clientsFor);
    expect(raw.regions.map((r) => [r.account, r.region, r.elbv2.loadBalancers.length])).toEqual([
      ['999999999999', 'eu-west-1', 1],
      ['999999999999', 'ap-east-1', 0],
    ]);
    expect(raw.regions[1]!.errors).toEqual([
      { api: 'elasticloadbalancing:DescribeLoadBalancers', region: 'ap-east-1', code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', httpStatus: 403 },
    ]);
  });

  it('records a region that cannot be reached, and throws one CollectionError when no region can be', async () => {
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    mocks.elbv2.on(DescribeLoadBalancersCommand).callsFake(async (_input: unknown, getClient) => {
      const { region } = await scopeOf(getClient as never);
      if (region !== 'eu-west-1') throw refused();
      return { LoadBalancers: [] };
    });
    const raw = await collectAwsWithClients(options({ regions: ['eu-west-1', 'us-east-1'] }), clientsFor);
    expect(raw.regions.map((r) => [r.region, r.errors.map((e) => e.code)])).toEqual([
      ['eu-west-1', []],
      ['us-east-1', ['ECONNREFUSED']],
    ]);

    mocks.elbv2.on(DescribeLoadBalancersCommand).rejects(refused());
    const run = collectAwsWithClients(options({ regions: ['eu-west-1', 'us-east-1'] }), clientsFor);
    await expect(run).rejects.toBeInstanceOf(CollectionError);
    await expect(run).rejects.toThrow(/^cannot reach AWS elasticloadbalancing at .* for region (eu-west-1|us-east-1) \(ECONNREFUSED\)/);
  });
});

describe('one concurrency bound and one rate budget for the whole run', () => {
  it('never has more calls in flight than the limit, across accounts and regions', async () => {
    mockAccounts();
    let inFlight = 0;
    let peak = 0;
    mocks.elbv2.on(DescribeTargetGroupsCommand).callsFake(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return { TargetGroups: [] };
    });
    await collectAwsWithClients(options({ roleArns: [role('111111111111'), role('222222222222'), role('333333333333')], concurrency: 2 }), clientsFor);
    // Six scopes list target groups at once; two slots.
    expect(peak).toBe(2);
  });

  it('keys the budget by account, region and API, so each account × region gets its own buckets', async () => {
    mockAccounts();
    const clock: BudgetClock = { now: () => 0, sleep: async () => undefined };
    const budget = new RateBudget({ '*': { ratePerSecond: 1, burst: 100 } }, clock);
    await collectAwsWithClients(options({ roleArns: [role('111111111111'), role('222222222222')] }), clientsFor, { budget });
    const keys = budget.stats().map((s) => s.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'caller|eu-west-1|sts:AssumeRole',
        '111111111111|eu-west-1|elasticloadbalancing:DescribeLoadBalancers',
        '111111111111|us-east-1|elasticloadbalancing:DescribeLoadBalancers',
        '222222222222|eu-west-1|elasticloadbalancing:DescribeLoadBalancers',
        '222222222222|us-east-1|elasticloadbalancing-classic:DescribeLoadBalancers',
      ]),
    );
    expect(budget.stats().find((s) => s.key === 'caller|eu-west-1|sts:AssumeRole')?.calls).toBe(2);
  });
});
