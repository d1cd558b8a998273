import { describe, expect, it } from 'vitest';
import { timeoutVsInterval } from '../../../checks/health/timeout-vs-interval.js';
import type { BackendPool, LoadBalancer, MetricSeries } from '../../../src/model/index.js';
import { albInventory, healthCheck, lbInventory, pool, series, type HealthCheckOverrides } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

/** A pool whose p99 latency series (seconds) is attached to the pool, or to the load balancer for a Classic LB. */
function inv(hc: HealthCheckOverrides | undefined, p99?: number[], lb: Partial<LoadBalancer> = {}, poolOverrides: Partial<BackendPool> = {}) {
  const i = albInventory({ lb, pools: [pool('tg-api', { healthCheck: hc && healthCheck(hc), ...poolOverrides })] });
  const owner = lb.kind === 'aws-clb' ? i.loadBalancers[0]!.ref.id : i.backendPools[0]!.ref.id;
  const metrics: MetricSeries[] = p99 ? [series(owner, 'target.latency.p99', p99)] : [];
  return { ...i, metrics };
}

checkTester(timeoutVsInterval, {
  valid: [
    { name: 'defaults 5 s timeout, 30 s interval, no latency data', inventory: inv({ timeoutSeconds: 5, intervalSeconds: 30 }) },
    { name: 'boundary: timeout just below 0.8 × the interval', inventory: inv({ timeoutSeconds: 7.9, intervalSeconds: 10 }) },
    { name: 'boundary: timeout exactly 2 s', inventory: inv({ timeoutSeconds: 2, intervalSeconds: 10 }) },
    { name: 'boundary: timeout exactly 2 × p99', inventory: inv({ timeoutSeconds: 5, intervalSeconds: 30 }, [0.8, 2.5, 1.1]) },
    { name: 'latency collected with no data points', inventory: inv({ timeoutSeconds: 5, intervalSeconds: 30 }, []) },
  ],
  invalid: [
    {
      name: 'boundary: timeout exactly 0.8 × the interval',
      inventory: inv({ timeoutSeconds: 8, intervalSeconds: 10 }),
      expect: [{ messageId: 'timeoutCloseToInterval', resource: 'tg-api', severity: 'low', contains: ['waits 8 s', 'every 10 s'] }],
    },
    {
      name: 'timeout equal to the interval',
      inventory: inv({ timeoutSeconds: 10, intervalSeconds: 10 }),
      expect: [{ messageId: 'timeoutCloseToInterval', resource: 'tg-api', severity: 'low' }],
    },
    {
      name: 'timeout longer than the interval',
      inventory: inv({ timeoutSeconds: 10, intervalSeconds: 5 }),
      expect: [{ messageId: 'timeoutExceedsInterval', resource: 'tg-api', severity: 'low', contains: ['waits 10 s', 'every 5 s'] }],
    },
    {
      name: 'boundary: timeout 1.9 s below 2 s',
      inventory: inv({ timeoutSeconds: 1.9, intervalSeconds: 10 }),
      expect: [{ messageId: 'timeoutTooShort', resource: 'tg-api', severity: 'medium', contains: ['only 1.9 s', 'below 2 s'] }],
    },
    {
      name: 'boundary: timeout just below 2 × p99',
      inventory: inv({ timeoutSeconds: 4.9, intervalSeconds: 30 }, [0.8, 2.5, 1.1]),
      expect: [{ messageId: 'timeoutBelowLatency', resource: 'tg-api', severity: 'medium', contains: ['p99 latency reached 2.5 s', '2 × p99 (5 s)'] }],
    },
    {
      name: 'short timeout and slow targets give two findings',
      inventory: inv({ timeoutSeconds: 1, intervalSeconds: 10 }, [3]),
      expect: [
        { messageId: 'timeoutTooShort', resource: 'tg-api', severity: 'medium' },
        { messageId: 'timeoutBelowLatency', resource: 'tg-api', severity: 'medium', contains: ['(6 s)'] },
      ],
    },
    {
      name: 'Classic Load Balancer latency is read from the load balancer',
      inventory: inv({ timeoutSeconds: 5, intervalSeconds: 30 }, [4], { kind: 'aws-clb' }),
      expect: [{ messageId: 'timeoutBelowLatency', resource: 'tg-api', severity: 'medium', contains: ['(8 s)'] }],
    },
  ],
  unknown: [
    { name: 'timeout not collected', inventory: inv({ timeoutSeconds: undefined }), expect: [{ resource: 'tg-api', contains: ['timeoutSeconds'] }] },
    { name: 'health-check settings not collected', inventory: inv(undefined), expect: [{ resource: 'tg-api' }] },
  ],
  notApplicable: [{ name: 'Lambda pool', inventory: inv({ timeoutSeconds: 30, intervalSeconds: 35 }, undefined, {}, { targetType: 'lambda' }), expect: [{ resource: 'tg-api' }] }],
});

describe('health/timeout-vs-interval results', () => {
  it('says when the latency rule could not be evaluated', () => {
    const [r] = evaluateAsAudit(timeoutVsInterval, inv({ timeoutSeconds: 5, intervalSeconds: 30 }), {});
    expect(r).toMatchObject({ status: 'pass' });
    expect(r?.message).toContain('latency rule was not evaluated');
  });

  it('suggests a timeout above 2 × p99 and an interval above it, with the latency as evidence', () => {
    const i = inv({ timeoutSeconds: 5, intervalSeconds: 6 }, [4.2]);
    const r = evaluateAsAudit(timeoutVsInterval, i, {}).find((x) => x.messageId === 'timeoutBelowLatency');
    // 9 s covers 2 × 4.2 s; the interval must keep 9 s under 0.8 of it: 12 s.
    expect(r?.remediation.cli).toBe(
      `aws elbv2 modify-target-group --target-group-arn ${i.backendPools[0]!.ref.id} --health-check-interval-seconds 12 --health-check-timeout-seconds 9`,
    );
    expect(r?.evidence.metrics?.[0]).toMatchObject({ name: 'target.latency.p99', value: 4.2, unit: 'seconds' });
  });

  it('gives each finding on one pool its own fingerprint', () => {
    const results = evaluateAsAudit(timeoutVsInterval, inv({ timeoutSeconds: 1, intervalSeconds: 10 }, [3]), {});
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(2);
  });
});

/**
 * The provider's own documented default is not a "timeout close to the interval" finding: Google's default health
 * check (5 s / 5 s) and Application Gateway's default probe (30 s / 30 s). Values the user set are still judged.
 */
describe('health/timeout-vs-interval on provider defaults, per kind', () => {
  const appGwDefault = (v: number) => ({ value: v, source: 'provider-default' as const, detail: 'default probe' });
  const on = (kind: LoadBalancer['kind'], hc: HealthCheckOverrides | undefined) => lbInventory(kind, { name: 'lb-web', pools: [pool('pool-web', { healthCheck: hc && healthCheck(hc) })] });

  const rows: Array<{ name: string; kind: LoadBalancer['kind']; hc: HealthCheckOverrides | undefined; status: string; messageId?: string; says?: string }> = [
    { name: 'Google default 5 s / 5 s', kind: 'gcp-alb-global', hc: { intervalSeconds: 5, timeoutSeconds: 5 }, status: 'pass', says: "Google Cloud's default health check" },
    { name: 'Google default on a passthrough NLB', kind: 'gcp-nlb-passthrough', hc: { intervalSeconds: 5, timeoutSeconds: 5 }, status: 'pass' },
    { name: 'Google: a user-set 10 s / 10 s', kind: 'gcp-alb-regional', hc: { intervalSeconds: 10, timeoutSeconds: 10 }, status: 'fail', messageId: 'timeoutCloseToInterval' },
    { name: 'Google boundary: 6 s interval, 5 s timeout (≥ 0.8 × 6)', kind: 'gcp-alb-global', hc: { intervalSeconds: 6, timeoutSeconds: 5 }, status: 'fail', messageId: 'timeoutCloseToInterval' },
    { name: 'Google boundary: 5 s interval, 4 s timeout (exactly 0.8 × 5)', kind: 'gcp-alb-global', hc: { intervalSeconds: 5, timeoutSeconds: 4 }, status: 'fail', messageId: 'timeoutCloseToInterval' },
    { name: 'Google: a timeout longer than the interval is still invalid', kind: 'gcp-alb-global', hc: { intervalSeconds: 5, timeoutSeconds: 6 }, status: 'fail', messageId: 'timeoutExceedsInterval' },
    { name: 'Google: health check not collected', kind: 'gcp-alb-global', hc: { timeoutSeconds: undefined }, status: 'unknown' },
    {
      name: 'App Gateway default probe 30 s / 30 s',
      kind: 'azure-appgw',
      hc: { intervalSeconds: appGwDefault(30), timeoutSeconds: appGwDefault(30) },
      status: 'pass',
      says: "Application Gateway's default probe",
    },
    { name: 'App Gateway: a custom probe of 20 s / 20 s', kind: 'azure-appgw', hc: { intervalSeconds: 20, timeoutSeconds: 20 }, status: 'fail', messageId: 'timeoutCloseToInterval' },
    { name: 'App Gateway boundary: 30 s interval, 24 s timeout', kind: 'azure-appgw', hc: { intervalSeconds: 30, timeoutSeconds: 24 }, status: 'fail', messageId: 'timeoutCloseToInterval' },
    { name: 'App Gateway: 30 s interval, 23 s timeout', kind: 'azure-appgw', hc: { intervalSeconds: 30, timeoutSeconds: 23 }, status: 'pass' },
    { name: 'App Gateway: probe settings not collected', kind: 'azure-appgw', hc: undefined, status: 'unknown' },
    // AWS documents no default this close: ALB defaults are 30 s / 5 s, so 30 s / 30 s or 5 s / 5 s is the user's.
    { name: 'ALB: 30 s / 30 s is not a documented default', kind: 'aws-alb', hc: { intervalSeconds: 30, timeoutSeconds: 30 }, status: 'fail', messageId: 'timeoutCloseToInterval' },
    { name: 'ALB: 5 s / 5 s is not a documented default', kind: 'aws-alb', hc: { intervalSeconds: 5, timeoutSeconds: 5 }, status: 'fail', messageId: 'timeoutCloseToInterval' },
  ];

  it.each(rows)('$name: $status', ({ kind, hc, status, messageId, says }) => {
    const results = evaluateAsAudit(timeoutVsInterval, on(kind, hc), {});
    expect(results.map((r) => r.status)).toEqual([status]);
    if (messageId) expect(results[0]?.messageId).toBe(messageId);
    if (says) expect(results[0]?.message).toContain(says);
  });

  it('still judges a default that is too short for the targets (the latency rule)', () => {
    const inv = on('gcp-alb-global', { intervalSeconds: 5, timeoutSeconds: 5 });
    inv.metrics = [series(inv.backendPools[0]!.ref.id, 'target.latency.p99', [3])];
    expect(evaluateAsAudit(timeoutVsInterval, inv, {}).map((r) => r.messageId)).toEqual(['timeoutBelowLatency']);
  });
});
