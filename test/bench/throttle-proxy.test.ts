/**
 * The benchmark's proxy, with the real SDK clients and moto behind it: its throttling answers must be parsed by each
 * client as the error AWS sends (so adaptive retry treats them as throttling), and everything else must pass through.
 */
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as ClassicDescribeLoadBalancersCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ServerTokenBucket, ThrottleProxy } from '../../bench/throttle-proxy.js';
import { classifyAwsError } from '../../providers/aws/errors.js';

const motoUrl = inject('motoUrl');
/** A region no other test file uses. */
const REGION = 'sa-east-1';

const proxies: ThrottleProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function start(options: Omit<ConstructorParameters<typeof ThrottleProxy>[0], 'upstream'>): Promise<ThrottleProxy> {
  const proxy = new ThrottleProxy({ upstream: motoUrl, ...options });
  await proxy.start();
  proxies.push(proxy);
  return proxy;
}

function clients(endpoint: string) {
  const config = { endpoint, region: REGION, maxAttempts: 1, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  return {
    elbv2: new ElasticLoadBalancingV2Client(config),
    elb: new ElasticLoadBalancingClient(config),
    ec2: new EC2Client(config),
    cloudwatch: new CloudWatchClient(config),
    acm: new ACMClient(config),
    sts: new STSClient(config),
  };
}

async function failure(run: () => Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await run();
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('the call did not fail');
}

describe('ThrottleProxy', () => {
  it("answers over-the-bucket calls with each protocol's throttling error, as the SDK clients parse it", async () => {
    // Prepare: a bucket of one call that never refills.
    const proxy = await start({ limitFor: () => ({ ratePerSecond: 1e-6, burst: 1 }) });
    const c = clients(proxy.url);
    const gmd = () => new GetMetricDataCommand({ MetricDataQueries: [], StartTime: new Date(Date.now() - 60_000), EndTime: new Date() });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['elbv2', () => c.elbv2.send(new DescribeLoadBalancersCommand({}))],
      ['classic', () => c.elb.send(new ClassicDescribeLoadBalancersCommand({}))],
      ['ec2', () => c.ec2.send(new DescribeVpcsCommand({}))],
      ['cloudwatch', () => c.cloudwatch.send(gmd())],
      ['sts', () => c.sts.send(new GetCallerIdentityCommand({}))],
    ];

    // Act: the first call of each API goes through to moto, the second is throttled.
    const seen: Record<string, { name: string; status: number | undefined; message: string }> = {};
    for (const [name, run] of calls) {
      await run();
      seen[name] = await failure(run);
    }
    // ACM: moto answers the unknown certificate with its own error; the second call is throttled before moto.
    const acmArn = `arn:aws:acm:${REGION}:123456789012:certificate/00000000-0000-0000-0000-000000000000`;
    expect((await failure(() => c.acm.send(new DescribeCertificateCommand({ CertificateArn: acmArn })))).name).toBe('ResourceNotFoundException');
    seen.acm = await failure(() => c.acm.send(new DescribeCertificateCommand({ CertificateArn: acmArn })));
    for (const client of Object.values(c)) client.destroy();

    // Assess
    expect(seen).toEqual({
      elbv2: { name: 'Throttling', status: 400, message: 'Rate exceeded' },
      classic: { name: 'Throttling', status: 400, message: 'Rate exceeded' },
      ec2: { name: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.' },
      cloudwatch: { name: 'Throttling', status: 400, message: 'Rate exceeded' },
      sts: { name: 'Throttling', status: 400, message: 'Rate exceeded' },
      acm: { name: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    });
    for (const e of Object.values(seen)) expect(classifyAwsError(Object.assign(new Error(e.message), { name: e.name }))).toBe('throttling');
    expect(proxy.stats()).toEqual({
      'acm:DescribeCertificate': { calls: 2, throttled: 1, injected: 0, upstreamErrors: 1, stalled: 0 },
      'cloudwatch:GetMetricData': { calls: 2, throttled: 1, injected: 0, upstreamErrors: 0, stalled: 0 },
      'ec2:DescribeVpcs': { calls: 2, throttled: 1, injected: 0, upstreamErrors: 0, stalled: 0 },
      'elasticloadbalancing-classic:DescribeLoadBalancers': { calls: 2, throttled: 1, injected: 0, upstreamErrors: 0, stalled: 0 },
      'elasticloadbalancing:DescribeLoadBalancers': { calls: 2, throttled: 1, injected: 0, upstreamErrors: 0, stalled: 0 },
      'sts:GetCallerIdentity': { calls: 2, throttled: 1, injected: 0, upstreamErrors: 0, stalled: 0 },
    });
  });

  it('keeps one bucket per access key, region and API, and counts calls per key', async () => {
    const proxy = await start({ limitFor: (api) => (api === 'ec2:DescribeVpcs' ? { ratePerSecond: 1e-6, burst: 1 } : undefined) });
    const base = clients(proxy.url);
    const other = new EC2Client({ endpoint: proxy.url, region: REGION, maxAttempts: 1, credentials: { accessKeyId: 'AKIAOTHERKEY', secretAccessKey: 'x' } });
    const elsewhere = new EC2Client({ endpoint: proxy.url, region: 'us-west-1', maxAttempts: 1, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await base.ec2.send(new DescribeVpcsCommand({}));
    await other.send(new DescribeVpcsCommand({}));
    await elsewhere.send(new DescribeVpcsCommand({}));
    expect((await failure(() => base.ec2.send(new DescribeVpcsCommand({})))).name).toBe('RequestLimitExceeded');
    // An API without a bucket is never throttled.
    for (let i = 0; i < 3; i++) await base.elbv2.send(new DescribeLoadBalancersCommand({}));
    for (const client of [...Object.values(base), other, elsewhere]) client.destroy();
    expect(proxy.keyStats().sort((a, b) => `${a.accessKeyId}${a.region}${a.api}`.localeCompare(`${b.accessKeyId}${b.region}${b.api}`))).toEqual([
      { accessKeyId: 'AKIAOTHERKEY', region: REGION, api: 'ec2:DescribeVpcs', calls: 1 },
      { accessKeyId: 'testing', region: REGION, api: 'ec2:DescribeVpcs', calls: 2 },
      { accessKeyId: 'testing', region: REGION, api: 'elasticloadbalancing:DescribeLoadBalancers', calls: 3 },
      { accessKeyId: 'testing', region: 'us-west-1', api: 'ec2:DescribeVpcs', calls: 1 },
    ]);
    expect(proxy.stats()['elasticloadbalancing:DescribeLoadBalancers']).toEqual({ calls: 3, throttled: 0, injected: 0, upstreamErrors: 0, stalled: 0 });
  });
});

describe('ServerTokenBucket', () => {
  it('starts full, refuses when empty and refills at its rate, never beyond its size', () => {
    let t = 0;
    const bucket = new ServerTokenBucket({ ratePerSecond: 10, burst: 3 }, () => t);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    t = 100;
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    t = 10_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
  });
});
