import { describe, expect, it } from 'vitest';
import { deregistrationDelayTooShort as check } from '../../../checks/timeouts/deregistration-delay-too-short.js';
import type { BackendPool, MetricSeries } from '../../../src/model/index.js';
import { albInventory, lbInventory, pool, ref, series, sourced, target } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const POOL_ID = ref('backend-pool', 'aws-target-group', 'tg-api').id;
const p99 = (values: number[]): MetricSeries => series(POOL_ID, 'target.latency.p99', values);
const alb = (overrides: Partial<BackendPool>, metrics: MetricSeries[] = []) => albInventory({ pools: [pool('tg-api', overrides)], extra: { metrics } });
const drain = (seconds: number) => ({ drainSeconds: sourced(seconds, 'api', 'attribute deregistration_delay.timeout_seconds') });
const maxRequest = (seconds: number) => ({ backend: { maxRequestSeconds: sourced(seconds, 'declared', '.cloud502.yml backends[0]') } });

checkTester(check, {
  valid: [
    { name: 'default 300 s drain, p99 2 s', inventory: alb(drain(300), [p99([1, 2])]) },
    { name: 'boundary: drain equals p99', inventory: alb(drain(30), [p99([30])]) },
    { name: 'declared 120 s uploads within 300 s', inventory: alb({ ...drain(300), ...maxRequest(120) }) },
    { name: 'drain disabled, no traffic in the window', inventory: alb(drain(0), [p99([])]) },
  ],
  invalid: [
    { name: 'boundary: p99 30.5 s above 30 s drain', inventory: alb(drain(30), [p99([30.5])]), expect: [{ messageId: 'shorter', resource: 'tg-api', severity: 'medium', contains: ['p99 response time of 30.5 s'] }] },
    { name: 'drain disabled with 2 s requests is low', inventory: alb(drain(0), [p99([2])]), expect: [{ messageId: 'shorter', resource: 'tg-api', severity: 'low' }] },
    { name: 'boundary: required exactly 10 s stays low', inventory: alb(drain(5), [p99([10])]), expect: [{ messageId: 'shorter', resource: 'tg-api', severity: 'low' }] },
    {
      name: 'declared uploads of 900 s beat the p99',
      inventory: alb({ ...drain(300), ...maxRequest(900) }, [p99([3])]),
      expect: [{ messageId: 'shorter', resource: 'tg-api', severity: 'medium', contains: ['longest expected request of 900 s (declared: .cloud502.yml backends[0])'] }],
    },
    {
      name: 'a target-level declaration counts (NLB, no latency metric)',
      inventory: lbInventory('aws-nlb', { pools: [pool('tg-ws', { ...drain(60), targets: [target({ backend: { maxRequestSeconds: sourced(3600, 'declared') } })] })] }),
      expect: [{ messageId: 'shorter', resource: 'tg-ws', severity: 'medium' }],
    },
  ],
  unknown: [
    { name: 'no p99 and no declaration', inventory: alb(drain(300)), expect: [{ resource: 'tg-api', contains: ['maxRequestSeconds'] }] },
    { name: 'drain not collected', inventory: alb({ drainSeconds: undefined }, [p99([1])]), expect: [{ resource: 'tg-api' }] },
  ],
  notApplicable: [{ name: 'Lambda target group', inventory: albInventory({ pools: [pool('tg-fn', { targetType: 'lambda' })] }), expect: [{ resource: 'tg-fn' }] }],
});

describe(`${check.id} remediation`, () => {
  it('suggests the required delay in the exact CLI', () => {
    const [r] = evaluateAsAudit(check, alb(drain(30), [p99([44.2])]), {});
    expect(r?.remediation.cli).toBe(`aws elbv2 modify-target-group-attributes --target-group-arn ${POOL_ID} --attributes Key=deregistration_delay.timeout_seconds,Value=45`);
    expect(r?.evidence).toMatchObject({ observed: 30, expected: '≥ 44.2 s', source: 'api: attribute deregistration_delay.timeout_seconds' });
  });
});
