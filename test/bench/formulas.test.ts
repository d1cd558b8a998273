/**
 * The minimum-call formulas (bench/formulas.ts), by hand on a small estate, and against the real collector: seeded
 * into moto with the benchmark's seeder and collected through the proxy, the collector makes exactly the minimum.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { AWS_CAPACITIES, metricQueries, minimumCalls, MOTO_CAPACITIES, tokenBucketBoundSeconds } from '../../bench/formulas.js';
import { seedLargeEnvironment, type EnvironmentFacts } from '../../bench/seed-large.js';
import { ThrottleProxy } from '../../bench/throttle-proxy.js';
import { collectAws } from '../../providers/aws/collect/index.js';

const facts: EnvironmentFacts = {
  region: 'eu-west-1',
  loadBalancers: { application: 500, network: 100, classic: 30 },
  albListeners: 700,
  certificateListeners: 150,
  nlbTcpListeners: 100,
  targetGroups: 1_000,
  albTargetGroupPairs: 800,
  nlbTargetGroupPairs: 100,
  targets: 5_000,
  targetInstances: 2_050,
  ipTargetsPerVpc: [250, 10],
  vpcs: 4,
  securityGroups: 1_500,
  distinctCertificates: 12,
};

describe('minimumCalls', () => {
  it('applies the AWS page, batch and filter sizes', () => {
    const min = minimumCalls(facts, AWS_CAPACITIES, 60);
    expect(min).toMatchObject({
      'elasticloadbalancing:DescribeLoadBalancers': 2, // 600 / 400
      'elasticloadbalancing:DescribeTargetGroups': 3, // 1,000 / 400
      'elasticloadbalancing:DescribeLoadBalancerAttributes': 600,
      'elasticloadbalancing:DescribeListeners': 600,
      'elasticloadbalancing:DescribeRules': 700,
      'elasticloadbalancing:DescribeListenerCertificates': 150,
      'elasticloadbalancing:DescribeListenerAttributes': 100,
      'elasticloadbalancing:DescribeTargetGroupAttributes': 1_000,
      'elasticloadbalancing:DescribeTargetHealth': 1_000,
      'elasticloadbalancing:DescribeTags': 80, // (600 + 1,000) / 20
      'elasticloadbalancing-classic:DescribeLoadBalancers': 1,
      'elasticloadbalancing-classic:DescribeTags': 2, // 30 / 20
      'ec2:DescribeVpcs': 1,
      'ec2:DescribeSecurityGroups': 2, // 1,504 groups / 1,000 per page
      'ec2:DescribeInstances': 11, // 2,050 / 200
      'ec2:DescribeNetworkInterfaces': 2 + 1 + 4, // IPs per VPC / 200, then 630 LB descriptions / 200
      'acm:DescribeCertificate': 12,
      'sts:GetCallerIdentity': 1,
    });
    // 500 × 9 + 800 × 7 + 100 × 4 + 100 × 3 + 30 × 9 queries, 500 per call, one page each at 60 points.
    expect(metricQueries(facts)).toBe(4_500 + 5_600 + 400 + 300 + 270);
    expect(min['cloudwatch:GetMetricData']).toBe(Math.ceil(11_070 / 500));
    // A window long enough that 500 queries exceed 100,800 points per call pages every batch twice.
    expect(minimumCalls(facts, AWS_CAPACITIES, 300)['cloudwatch:GetMetricData']).toBe(23 * 2);
    expect(minimumCalls(facts, MOTO_CAPACITIES, 60)['elasticloadbalancing:DescribeTargetGroups']).toBe(1);
  });

  it('leaves out APIs with nothing to call', () => {
    const none = { ...facts, loadBalancers: { application: 0, network: 0, classic: 0 }, albListeners: 0, certificateListeners: 0, nlbTcpListeners: 0, targetGroups: 0, albTargetGroupPairs: 0, nlbTargetGroupPairs: 0, targetInstances: 0, ipTargetsPerVpc: [], vpcs: 0, securityGroups: 0, distinctCertificates: 0 };
    expect(Object.keys(minimumCalls(none, AWS_CAPACITIES, 60)).sort()).toEqual([
      'elasticloadbalancing-classic:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTargetGroups',
      'sts:GetCallerIdentity',
    ]);
  });
});

describe('tokenBucketBoundSeconds', () => {
  it('is the slowest key: calls beyond the burst at the refill rate', () => {
    const limit = { ratePerSecond: 20, burst: 40 };
    expect(tokenBucketBoundSeconds([{ calls: 900, limit }, { calls: 300, limit }, { calls: 10, limit }])).toBe(43);
    expect(tokenBucketBoundSeconds([{ calls: 30, limit }])).toBe(0);
  });
});

describe('the collector against the formulas', () => {
  const account = '330000000001';
  const region = 'eu-central-1';
  let seeded: EnvironmentFacts;
  const motoUrl = inject('motoUrl');

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_ENDPOINT_URL', undefined);
    const sts = new STSClient({ endpoint: motoUrl, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/seed`, RoleSessionName: 'seed' }))).Credentials!;
    sts.destroy();
    seeded = await seedLargeEnvironment(
      { endpoint: motoUrl, region, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } },
      { vpcs: 2, albs: 4, nlbs: 2, httpsAlbs: 2, rulesPerAlb: 1, instanceTargetsPerTg: 2, ipTargetsPerNlbTg: 2, orphanTargetGroups: 2, securityGroups: 6, classicLbs: 2, certificates: 1 },
    );
  }, 120_000);

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('makes exactly the minimum number of calls per API', async () => {
    const proxy = new ThrottleProxy({ upstream: motoUrl });
    await proxy.start();
    try {
      const raw = await collectAws({ regions: [region], roleArns: [`arn:aws:iam::${account}:role/audit`], endpointUrl: proxy.url, metricsWindowSeconds: 3600, now: new Date() });
      expect(raw.regions.flatMap((r) => r.errors)).toEqual([]);
      expect(raw.regions[0]!.elbv2.targetGroups).toHaveLength(seeded.targetGroups);
      const expected: Record<string, number> = { ...minimumCalls(seeded, MOTO_CAPACITIES, 60), 'sts:AssumeRole': 1 };
      delete expected['sts:GetCallerIdentity'];
      const made = Object.fromEntries(Object.entries(proxy.stats()).map(([api, c]) => [api, c.calls]));
      expect(made).toEqual(expected);
    } finally {
      await proxy.close();
    }
  });
});
