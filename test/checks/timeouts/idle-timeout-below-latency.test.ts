import { describe, expect, it } from 'vitest';
import { idleTimeoutBelowLatency as check } from '../../../checks/timeouts/idle-timeout-below-latency.js';
import { enrichWithEvidence } from '../../../src/engine/evidence.js';
import type { LoadBalancer, MetricSeries } from '../../../src/model/index.js';
import { albInventory, inventory, lbInventory, loadBalancer, pool, ref, series } from '../../support/builders.js';
import { routingDenied } from '../../support/routing-gaps.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const POOL_ID = ref('backend-pool', 'aws-target-group', 'tg-api').id;
const ALB_ID = ref('load-balancer', 'aws-alb', 'alb-web').id;
const p99 = (values: number[], id = POOL_ID): MetricSeries => series(id, 'target.latency.p99', values);
const max = (values: number[], id = POOL_ID): MetricSeries => series(id, 'target.latency.max', values, { aggregation: 'max' });
const elb504 = (n: number): MetricSeries => series(ALB_ID, 'lb.http.504', [n]);
const alb = (metrics: MetricSeries[], lb: Partial<LoadBalancer> = {}) => albInventory({ lb, extra: { metrics } });

checkTester(check, {
  valid: [
    { name: 'boundary: p99 30 s is exactly half of 60 s, max 58.9 s just outside the 1 s margin', inventory: alb([p99([12, 30]), max([40, 58.9])]) },
    { name: 'collected, no requests in the window', inventory: alb([p99([]), max([]), series(ALB_ID, 'lb.requests', [0, 0])]) },
    { name: 'only p99 collected, well below', inventory: alb([p99([0.2, 0.4])]) },
    { name: 'a raised idle timeout covers slow reports', inventory: alb([p99([90]), max([150])], { backendIdleTimeoutSeconds: { value: 300, source: 'api' } }) },
  ],
  invalid: [
    { name: 'boundary: p99 30.5 s needs 61 s', inventory: alb([p99([30.5]), max([31])]), expect: [{ messageId: 'belowLatency', resource: 'tg-api', severity: 'medium', contains: ['30.5 s', '(61 s)'] }] },
    { name: 'boundary: max 59 s reaches 60 s − 1 s margin', inventory: alb([p99([2]), max([59])]), expect: [{ messageId: 'maxReachesIdle', resource: 'tg-api', severity: 'medium', contains: ['took 59 s'] }] },
    {
      name: '504s returned by the ALB make it high',
      inventory: alb([p99([40]), max([60]), elb504(3)]),
      expect: [{ messageId: 'maxAtIdle', resource: 'tg-api', severity: 'high', contains: ['took 60 s, as long as the 60 s', 'the load balancer itself returned 3 such errors in the last 24 h'] }],
    },
    { name: 'a slowest response beyond the timeout is not "within" it', inventory: alb([p99([2]), max([75])]), expect: [{ messageId: 'maxAtIdle', resource: 'tg-api', severity: 'medium', contains: ['took 75 s, as long as the 60 s'] }] },
    {
      name: 'Classic ELB latency is per load balancer',
      inventory: lbInventory('aws-clb', { name: 'clb-old', extra: { metrics: [p99([45], ref('load-balancer', 'aws-clb', 'clb-old').id)] } }),
      expect: [{ messageId: 'belowLatency', resource: 'clb-old', contains: ["clb-old's instances"] }],
    },
    {
      name: 'a stricter factor from the config',
      inventory: alb([p99([25])]),
      config: { checks: { [check.id]: { thresholds: { latencyFactor: 3 } } } },
      expect: [{ messageId: 'belowLatency', resource: 'tg-api', contains: ['3 × p99 (75 s)'] }],
    },
  ],
  unknown: [
    {
      name: 'latency series empty while RequestCount shows traffic: not "no requests"',
      inventory: alb([p99([]), max([]), series(ALB_ID, 'lb.requests', [40, 2])]),
      expect: [{ resource: 'tg-api', contains: ['has no data points while alb-web served 42 requests'] }],
    },
    { name: 'latency metrics not collected', inventory: alb([]), expect: [{ resource: 'tg-api', contains: ['TargetResponseTime'] }] },
    {
      name: 'DescribeTargetGroups denied in the region: the pools are unknown, not absent',
      inventory: inventory({ loadBalancers: [loadBalancer('alb-web')], coverage: [routingDenied('elasticloadbalancing:DescribeTargetGroups', 'pools')] }),
      expect: [{ resource: 'alb-web', contains: ['(elasticloadbalancing:DescribeTargetGroups: AccessDenied'] }],
    },
    {
      name: 'DescribeRules denied: the pools rules route to are unknown',
      inventory: inventory({ loadBalancers: [loadBalancer('alb-web')], coverage: [routingDenied('elasticloadbalancing:DescribeRules', 'routes')] }),
      expect: [{ resource: 'alb-web', contains: ['(elasticloadbalancing:DescribeRules: AccessDenied'] }],
    },
    { name: 'idle timeout not collected', inventory: alb([p99([1])], { backendIdleTimeoutSeconds: undefined }), expect: [{ resource: 'alb-web' }] },
  ],
  notApplicable: [
    { name: 'an ALB that routes nowhere, everything read', inventory: inventory({ loadBalancers: [loadBalancer('alb-web')] }), expect: [{ resource: 'alb-web', contains: ['routes to no backend pool'] }] },
    { name: 'NLB', inventory: lbInventory('aws-nlb', { name: 'nlb-db', pools: [pool('tg-db')] }), expect: [{ resource: 'Network Load Balancer' }] },
  ],
});

describe(`${check.id} evidence`, () => {
  it('attaches the latency series, suggests an idle timeout and is not raised twice by enrichment', () => {
    const inv = alb([p99([40]), max([60]), elb504(3)]);
    const results = evaluateAsAudit(check, inv, {});
    const [r] = results;
    expect(r?.evidence.metrics?.map((m) => [m.name, m.value])).toEqual([
      ['target.latency.p99', 40],
      ['target.latency.max', 60],
    ]);
    expect(r?.evidence.details).toMatchObject({ suggestedTimeoutSeconds: 120, lbGeneratedTimeouts: 3, statusCodes: [504] });
    expect(r?.remediation.cli).toContain('Key=idle_timeout.timeout_seconds,Value=120');
    expect(enrichWithEvidence(results, inv)[0]?.severity).toBe('high');
  });
});

describe(`${check.id} without data points`, () => {
  it('claims "no requests" only when the request count says so', () => {
    const says = (metrics: MetricSeries[]) => evaluateAsAudit(check, alb(metrics), {})[0]?.message ?? '';
    expect(says([p99([]), max([]), series(ALB_ID, 'lb.requests', [0])])).toContain('(no requests in the window)');
    expect(says([p99([]), max([])])).toContain('(no data points in the window)');
  });
});
