/**
 * Multi-account collection with the real SDK clients against moto, through bench/throttle-proxy.ts.
 *
 * moto (5.2, moto/sts/models.py `_create_access_key`) answers AssumeRole for any role ARN, existing or not, with a
 * temporary access key it files under the account id IN THE ROLE ARN; every later request signed with that key is
 * served from that account's backends (moto/core/responses.py `get_current_account` → iam `get_account_id_from`).
 * So two role ARNs in two account ids are two isolated moto accounts. moto never refuses AssumeRole, so the role that
 * fails is refused by the proxy (AccessDenied, as STS answers it). This file owns moto accounts 320000000001-3.
 */
import { EC2Client, CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { errorAnswer, ThrottleProxy } from '../../../bench/throttle-proxy.js';
import { collectAws } from '../../../providers/aws/collect/index.js';
import type { AwsRegionSnapshot } from '../../../providers/aws/raw.js';

const motoUrl = inject('motoUrl');
const A = '320000000001';
const B = '320000000002';
const DENIED = '320000000003';
const R1 = 'eu-north-1';
const R2 = 'ap-southeast-2';
const roleOf = (account: string) => `arn:aws:iam::${account}:role/cloud502-audit`;

async function credentialsFor(account: string): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ endpoint: motoUrl, region: R1, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleOf(account), RoleSessionName: 'seed' }))).Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  } finally {
    sts.destroy();
  }
}

/** One ALB named `lb-<account>` with `targetGroups` target groups of one instance each, in `account` × `region`. */
async function seed(account: string, region: string, targetGroups: number): Promise<string> {
  const config = { endpoint: motoUrl, region, credentials: await credentialsFor(account), maxAttempts: 1 };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  try {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
    const subnets = await Promise.all(
      ['a', 'b'].map(async (zone, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.60.${i}.0/24`, AvailabilityZone: `${region}${zone}` }))).Subnet!.SubnetId!),
    );
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['amzn2-ami-hvm-*'] }] }));
    const imageId = (images.Images ?? []).map((i) => i.ImageId!).sort()[0] ?? 'ami-0c502c502c502c502';
    const instance = (await ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1, SubnetId: subnets[0] }))).Instances![0]!.InstanceId!;
    const lbArn = (await elbv2.send(new CreateLoadBalancerCommand({ Name: `lb-${account}`, Type: 'application', Subnets: subnets }))).LoadBalancers![0]!.LoadBalancerArn!;
    for (let i = 0; i < targetGroups; i++) {
      const tg = (await elbv2.send(new CreateTargetGroupCommand({ Name: `tg-${i}`, Protocol: 'HTTP', Port: 8080, VpcId: vpc, TargetType: 'instance' }))).TargetGroups![0]!.TargetGroupArn!;
      await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: instance }] }));
      if (i === 0) await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }));
    }
    return lbArn;
  } finally {
    ec2.destroy();
    elbv2.destroy();
  }
}

let lbA: string;
let lbB1: string;
let lbB2: string;

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  [lbA, lbB1, lbB2] = await Promise.all([seed(A, R1, 6), seed(B, R1, 2), seed(B, R2, 2)]);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const proxies: ThrottleProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxy(options: Omit<ConstructorParameters<typeof ThrottleProxy>[0], 'upstream'>): Promise<ThrottleProxy> {
  const p = new ThrottleProxy({ upstream: motoUrl, ...options });
  await p.start();
  proxies.push(p);
  return p;
}

const scope = (regions: AwsRegionSnapshot[], account: string, region: string) => regions.find((r) => r.account === account && r.region === region);

describe('collectAws with roles in several moto accounts', () => {
  it('collects each account with its own credentials and records the role that is denied', async () => {
    // Prepare: STS refuses the third role, the way it refuses a role whose trust policy does not name the caller.
    const p = await proxy({
      fault: (call) =>
        call.api === 'sts:AssumeRole' && call.params.RoleArn === roleOf(DENIED)
          ? errorAnswer(call, 403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/moto is not authorized to perform: sts:AssumeRole on resource: ${roleOf(DENIED)}`)
          : undefined,
    });

    // Act
    const raw = await collectAws({ regions: [R1, R2], roleArns: [roleOf(A), roleOf(B), roleOf(DENIED)], endpointUrl: p.url, metricsWindowSeconds: 0, now: new Date() });

    // Assess
    expect(raw.regions.map((r) => `${r.account}/${r.region}`)).toEqual([`${A}/${R1}`, `${A}/${R2}`, `${B}/${R1}`, `${B}/${R2}`, `${DENIED}/${R1}`]);
    expect(scope(raw.regions, A, R1)!.elbv2.loadBalancers.map((lb) => lb.LoadBalancerArn)).toEqual([lbA]);
    expect(scope(raw.regions, A, R1)!.elbv2.targetGroups).toHaveLength(6);
    expect(scope(raw.regions, A, R2)!.elbv2.loadBalancers).toEqual([]);
    expect(scope(raw.regions, B, R1)!.elbv2.loadBalancers.map((lb) => lb.LoadBalancerArn)).toEqual([lbB1]);
    expect(scope(raw.regions, B, R2)!.elbv2.loadBalancers.map((lb) => lb.LoadBalancerArn)).toEqual([lbB2]);
    // moto builds ARNs from the account that served the call: the assumed role's account.
    expect(lbA).toContain(`:${A}:loadbalancer/`);
    expect(lbB1).toContain(`:${B}:loadbalancer/`);
    expect(raw.regions.slice(0, 4).flatMap((r) => r.errors)).toEqual([]);
    expect(scope(raw.regions, DENIED, R1)!.errors).toEqual([
      { api: 'sts:AssumeRole', region: R1, code: 'AccessDenied', message: expect.stringContaining('not authorized to perform: sts:AssumeRole'), resourceId: roleOf(DENIED), httpStatus: 403 },
    ]);
    expect(p.stats()['sts:AssumeRole']).toEqual({ calls: 3, throttled: 0, injected: 1, upstreamErrors: 0, stalled: 0 });
    expect(p.stats()['sts:GetCallerIdentity']).toBeUndefined();
  });
});

describe('collectAws under a server-side token bucket', () => {
  it('stays under the bucket when it is told its size: no call throttled, none failed', async () => {
    // Headroom of one token at 10/s: 100 ms of tolerance for jitter between pacing and arrival.
    const limit = { ratePerSecond: 10, burst: 4 };
    const p = await proxy({ limitFor: () => limit });
    const raw = await collectAws({ regions: [R1], roleArns: [roleOf(A)], endpointUrl: p.url, metricsWindowSeconds: 0, now: new Date(), rateLimits: { '*': limit } });
    expect(raw.regions.flatMap((r) => r.errors)).toEqual([]);
    expect(scope(raw.regions, A, R1)!.elbv2.targetGroups).toHaveLength(6);
    const stats = Object.values(p.stats());
    expect(stats.reduce((n, s) => n + s.throttled, 0)).toBe(0);
    // Six target groups: six DescribeTargetHealth calls, over the bucket's burst of four.
    expect(p.stats()['elasticloadbalancing:DescribeTargetHealth']?.calls).toBe(6);
  });

  it('rides out throttling it did not expect with the SDK adaptive retry: throttled answers, no failed call', async () => {
    const p = await proxy({ limitFor: () => ({ ratePerSecond: 5, burst: 2 }) });
    const raw = await collectAws({
      regions: [R1],
      roleArns: [roleOf(A)],
      endpointUrl: p.url,
      metricsWindowSeconds: 0,
      now: new Date(),
      rateLimits: { '*': { ratePerSecond: 1000, burst: 1000 } },
    });
    const stats = Object.values(p.stats());
    expect(stats.reduce((n, s) => n + s.throttled, 0)).toBeGreaterThan(0);
    expect(raw.regions.flatMap((r) => r.errors)).toEqual([]);
    expect(Object.keys(scope(raw.regions, A, R1)!.elbv2.targetHealth)).toHaveLength(6);
  });
});
