import { describe, expect, it } from 'vitest';
import { observed5xxUnexplained as check } from '../../../checks/evidence/observed-5xx-unexplained.js';
import type { MetricName, MetricSeries } from '../../../src/model/index.js';
import { albInventory, lbInventory, pool, ref, series } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const ALB_ID = ref('load-balancer', 'aws-alb', 'alb-web').id;
const m = (name: MetricName, values: number[], id = ALB_ID): MetricSeries => series(id, name, values);
const codes = (c502: number[], c503: number[] = [], c504: number[] = []) => [m('lb.http.502', c502), m('lb.http.503', c503), m('lb.http.504', c504)];
const alb = (metrics: MetricSeries[]) => albInventory({ extra: { metrics } });
const min5 = { checks: { [check.id]: { thresholds: { minCount: 5 } } } };

checkTester(check, {
  valid: [
    { name: 'no LB-generated 5xx', inventory: alb(codes([0, 0], [0], [0])) },
    { name: 'collected, no data points', inventory: alb(codes([])) },
    { name: 'boundary: 5 with minCount 5', inventory: alb(codes([2], [3])), config: min5 },
    { name: 'target 5xx are not LB-generated', inventory: alb([...codes([0]), m('target.http.5xx', [40], pool('tg-api').ref.id)]) },
  ],
  invalid: [
    {
      name: 'ELB 502s with nothing explaining them',
      inventory: alb(codes([5, 7])),
      expect: [{ messageId: 'unexplained', resource: 'alb-web', severity: 'medium', contains: ['12 × 502', 'last 24 h', 'elb_status_code', 'target_status_code "-"', 'target_processing_time -1', 'error_reason', '32 KB', 'Lambda'] }],
    },
    { name: 'boundary: 6 with minCount 5', inventory: alb(codes([6])), config: min5, expect: [{ messageId: 'unexplained', resource: 'alb-web' }] },
    { name: 'boundary: 100 stays medium', inventory: alb(codes([60], [0], [40])), expect: [{ messageId: 'unexplained', resource: 'alb-web', severity: 'medium', contains: ['60 × 502, 40 × 504'] }] },
    { name: 'boundary: 101 is high', inventory: alb(codes([60], [1], [40])), expect: [{ messageId: 'unexplained', resource: 'alb-web', severity: 'high' }] },
    {
      name: 'Classic ELB reports 5xx without the code',
      inventory: lbInventory('aws-clb', { name: 'clb-old', extra: { metrics: [m('lb.http.5xx', [3], ref('load-balancer', 'aws-clb', 'clb-old').id)] } }),
      expect: [{ messageId: 'unexplained', resource: 'clb-old', contains: ['does not split them by code', 'backend_status_code'] }],
    },
  ],
  unknown: [{ name: 'metrics not collected', inventory: alb([]), expect: [{ resource: 'alb-web', contains: ['HTTPCode_ELB_502/503/504_Count'] }] }],
  notApplicable: [{ name: 'NLB', inventory: lbInventory('aws-nlb', { name: 'nlb-db' }), expect: [{ resource: 'Network Load Balancer' }] }],
});

describe(`${check.id} evidence`, () => {
  it('records the observed codes for resolveUnexplained and the series', () => {
    const [r] = evaluateAsAudit(check, alb(codes([2], [0], [1])), {});
    expect(r?.evidence.details).toMatchObject({ observedCodes: [502, 504], perCode: true, total: 3 });
    expect(r?.evidence.metrics?.map((x) => `${x.name}=${x.value}`)).toEqual(['lb.http.502=2', 'lb.http.503=0', 'lb.http.504=1']);
  });
});
