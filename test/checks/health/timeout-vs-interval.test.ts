import { describe, expect, it } from 'vitest';
import { timeoutVsInterval } from '../../../checks/health/timeout-vs-interval.js';
import type { BackendPool, LoadBalancer, MetricSeries } from '../../../src/model/index.js';
import { albInventory, healthCheck, pool, series, type HealthCheckOverrides } from '../../support/builders.js';
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
