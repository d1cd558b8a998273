/**
 * The collector under faults, with the real SDK clients against moto behind a fault-injecting proxy on 127.0.0.1
 * (bench/throttle-proxy.ts): a 20 s throttling storm on ELBv2, a GetMetricData HTTP 500, a query that fails every
 * batch it is in, a GetMetricData call that hangs. Own region (eu-south-2).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { ThrottleProxy, throttlingAnswer, type ProxiedCall, type ProxyAnswer } from '../../../../bench/throttle-proxy.js';
import { collectAws } from '../../../../providers/aws/collect/index.js';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import type { AwsRawSnapshot } from '../../../../providers/aws/raw.js';
import { MOTO_CREDENTIALS, seedSmallEstate, type SmallEstate } from '../../../support/seed-small.js';

const REGION = 'eu-south-2';
let estate: SmallEstate;
const proxies: ThrottleProxy[] = [];

beforeAll(async () => {
  estate = await seedSmallEstate(inject('motoUrl'), REGION, 4, 'faults');
}, 60_000);

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', MOTO_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', MOTO_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/cloud502-test-config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/cloud502-test-credentials');
  // Retries by time budget, as a user gets them: no attempt cap.
  vi.stubEnv('CLOUD502_AWS_MAX_ATTEMPTS', undefined);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxy(options: Partial<ConstructorParameters<typeof ThrottleProxy>[0]>): Promise<ThrottleProxy> {
  const p = new ThrottleProxy({ upstream: inject('motoUrl'), ...options });
  await p.start();
  proxies.push(p);
  return p;
}

const NOW = new Date('2026-06-01T12:00:00.000Z');
const collect = (endpointUrl: string, metricsWindowSeconds: number, retry = {}) =>
  collectAws({ regions: [REGION], endpointUrl, metricsWindowSeconds, now: NOW }, { retry });

const htmlError = (status: number): ProxyAnswer => ({ status, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>500 Internal Server Error</h1></body></html>' });

/** The load-balancer dimensions a GetMetricData call asks about. */
function dimensionsOf(call: ProxiedCall): string[] {
  const queries = (call.params.MetricDataQueries ?? []) as Array<{ MetricStat?: { Metric?: { Dimensions?: Array<{ Value?: string }> } } }>;
  return queries.flatMap((q) => (q.MetricStat?.Metric?.Dimensions ?? []).map((d) => d.Value ?? ''));
}

function region(raw: AwsRawSnapshot) {
  return raw.regions.find((r) => r.region === REGION)!;
}

describe('a throttling storm', () => {
  it('of 20 s on every ELBv2 call loses no load balancer', async () => {
    // Prepare: from the first ELBv2 call on, every ELBv2 call is throttled for 20 s.
    let stormEnds: number | undefined;
    const p = await proxy({
      fault: (call) => {
        if (!call.api.startsWith('elasticloadbalancing:')) return undefined;
        stormEnds ??= Date.now() + 20_000;
        return Date.now() < stormEnds ? throttlingAnswer(call) : undefined;
      },
    });
    const started = Date.now();

    // Act
    const raw = await collect(p.url, 0);

    // Assess: the storm was real and long, and nothing was lost to it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(20_000);
    const throttled = Object.entries(p.stats()).filter(([api]) => api.startsWith('elasticloadbalancing:')).reduce((n, [, c]) => n + c.injected, 0);
    expect(throttled).toBeGreaterThan(0);
    const r = region(raw);
    expect(r.errors).toEqual([]);
    expect(r.elbv2.loadBalancers.map((lb) => lb.LoadBalancerArn).sort()).toEqual([...estate.loadBalancerArns].sort());
    expect(Object.keys(r.elbv2.targetHealth).sort()).toEqual([...estate.targetGroupArns].sort());
    expect(Object.keys(r.elbv2.listeners).sort()).toEqual([...estate.loadBalancerArns].sort());
  }, 120_000);
});

describe('answers that parse but carry no result', () => {
  it('are recorded as gaps of their resource, never read as "no targets"', async () => {
    // Prepare: DescribeTargetHealth of the first target group answers 200 with a body that has no result list.
    const tg = estate.targetGroupArns[0]!;
    const p = await proxy({
      fault: (call) =>
        call.api === 'elasticloadbalancing:DescribeTargetHealth' && call.params.TargetGroupArn === tg
          ? { status: 200, headers: { 'content-type': 'text/xml' }, body: '<DescribeTargetHealthResponse><DescribeTargetHealthResult/></DescribeTargetHealthResponse>' }
          : undefined,
    });

    // Act
    const r = region(await collect(p.url, 0));

    // Assess
    expect(r.elbv2.targetHealth[tg]).toBeUndefined();
    expect(Object.keys(r.elbv2.targetHealth)).toHaveLength(estate.targetGroupArns.length - 1);
    expect(r.errors).toEqual([
      expect.objectContaining({ api: 'elasticloadbalancing:DescribeTargetHealth', code: 'MalformedResponse', resourceId: tg, message: expect.stringMatching(/^the answer has no TargetHealthDescriptions/) as string }),
    ]);
  });
});

describe('GetMetricData failures', () => {
  it('retries one HTTP 500 and loses nothing', async () => {
    let failed = 0;
    const p = await proxy({ fault: (call) => (call.api === 'cloudwatch:GetMetricData' && failed++ === 0 ? htmlError(500) : undefined) });
    const r = region(await collect(p.url, 3600));
    expect(failed).toBeGreaterThan(1);
    expect(r.errors).toEqual([]);
    expect(r.cloudwatch.queries.length).toBe(4 * 16);
    expect(r.cloudwatch.results.length).toBe(r.cloudwatch.queries.length);
    expect(r.cloudwatch.window).toBeDefined();
  });

  it('splits a batch that keeps failing and loses only the queries it cannot do without, naming the HTTP status', async () => {
    // Prepare: every call that asks about the first load balancer fails with an HTML 500, however often it is retried.
    const poisoned = estate.loadBalancerArns[0]!.slice(estate.loadBalancerArns[0]!.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
    const p = await proxy({ fault: (call) => (call.api === 'cloudwatch:GetMetricData' && dimensionsOf(call).includes(poisoned) ? htmlError(500) : undefined) });

    // Act
    const raw = await collect(p.url, 3600, { budgetMs: 300, baseDelayMs: 5 });

    // Assess: the three other load balancers keep all their metrics; only the poisoned one's are missing.
    const r = region(raw);
    const kept = new Set(r.cloudwatch.queries.map((q) => q.resourceArn));
    for (const [i, arn] of estate.loadBalancerArns.entries()) expect(kept.has(arn), arn).toBe(i !== 0);
    for (const [i, arn] of estate.targetGroupArns.entries()) expect(kept.has(arn), arn).toBe(i !== 0);
    expect(r.cloudwatch.results.length).toBe(r.cloudwatch.queries.length);
    expect(r.errors.map((e) => [e.api, e.code, e.resourceId]).sort()).toEqual(
      [estate.loadBalancerArns[0], estate.targetGroupArns[0]].map((id) => ['cloudwatch:GetMetricData', 'HTTP500', id]).sort(),
    );
    expect(r.errors[0]!.message).toBe('HTTP 500 (Internal Server Error) with a body that is not an AWS response (gave up after retrying for up to 0.3 s)');

    // ... and the coverage reads as what happened: no "SyntaxError", no "Unknown", no permission to grant.
    const coverage = normalizeAws(raw, {}).coverage;
    expect(coverage).toHaveLength(2);
    for (const gap of coverage) {
      expect(gap.permission).toBeUndefined();
      expect(`${gap.code} ${gap.message}`).not.toMatch(/SyntaxError|Unknown|is not valid JSON/);
    }
    expect(coverage.map((g) => g.impact).sort()).toEqual(['CloudWatch metrics (5xx counts, latency, host counts) of faults-0 unknown', 'CloudWatch metrics (5xx counts, latency, host counts) of faults-tg-0 unknown']);
  });

  it('abandons a call that hangs after its attempt timeout and retries it', async () => {
    let hung = 0;
    const p = await proxy({ stall: (call) => call.api === 'cloudwatch:GetMetricData' && hung++ === 0 });
    const started = Date.now();
    const r = region(await collect(p.url, 3600, { attemptTimeoutMs: 1_500 }));
    expect(p.stats()['cloudwatch:GetMetricData']!.stalled).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.errors).toEqual([]);
    expect(r.cloudwatch.results.length).toBe(4 * 16);
  });
});
