import { describe, expect, it } from 'vitest';
import { observed5xxUnexplained } from '../../checks/evidence/observed-5xx-unexplained.js';
import { backendKeepaliveExceedsIdleTimeout } from '../../checks/timeouts/backend-keepalive-exceeds-idle-timeout.js';
import { idleTimeoutBelowLatency } from '../../checks/timeouts/idle-timeout-below-latency.js';
import { describeWindow, EVIDENCE_MAX_POINTS, enrichWithEvidence, metricEvidence, resolveUnexplained, UNEXPLAINED_CHECK_ID } from '../../src/engine/evidence.js';
import type { CheckResult } from '../../src/engine/index.js';
import { runChecks } from '../../src/engine/index.js';
import type { Inventory, MetricName, MetricSeries } from '../../src/model/index.js';
import { albInventory, lbInventory, pool, ref, series, sourced } from '../support/builders.js';

const ALB_ID = ref('load-balancer', 'aws-alb', 'alb-web').id;
const POOL_ID = ref('backend-pool', 'aws-target-group', 'tg-api').id;
const OTHER_ID = ref('backend-pool', 'aws-target-group', 'tg-other').id;
const m = (id: string, name: MetricName, values: number[]): MetricSeries => series(id, name, values);

/** An ALB whose tg-api runs Node (keep-alive 5 s behind 60 s) and whose tg-other is clean. */
function nodeAlb(metrics: MetricSeries[]): Inventory {
  return albInventory({
    pools: [pool('tg-api', { backend: { server: sourced('node', 'declared') } }), pool('tg-other', { backend: { keepAliveSeconds: sourced(75, 'declared') } })],
    extra: { metrics },
  });
}
const fullMetrics = (c502: number[], c503: number[] = [0], c504: number[] = [0]): MetricSeries[] => [
  m(ALB_ID, 'lb.http.502', c502),
  m(ALB_ID, 'lb.http.503', c503),
  m(ALB_ID, 'lb.http.504', c504),
  m(ALB_ID, 'lb.http.5xx', [c502.reduce((a, b) => a + b, 0)]),
  m(ALB_ID, 'target.tls-errors', [0]),
  m(POOL_ID, 'target.http.5xx', [1, 2]),
  m(POOL_ID, 'target.connection-errors', [0]),
  m(POOL_ID, 'target.latency.p99', [0.4, 0.9]),
  m(POOL_ID, 'target.latency.max', [2.5, 1]),
  m(OTHER_ID, 'target.http.5xx', [99]),
];
const keepalive = (inv: Inventory): CheckResult[] => runChecks(inv, [backendKeepaliveExceedsIdleTimeout]);
const byPool = (results: CheckResult[], name: string) => results.find((r) => r.resource.name === name)!;

describe('metricEvidence', () => {
  it('keeps at most 288 points, merging periods by sum for counts and by maximum for latencies', () => {
    const counts = series(ALB_ID, 'lb.http.502', Array.from({ length: 1000 }, (_, i) => i % 3));
    const ev = metricEvidence(counts);
    expect(ev.points).toHaveLength(Math.ceil(1000 / Math.ceil(1000 / EVIDENCE_MAX_POINTS)));
    expect(ev.points!.length).toBeLessThanOrEqual(EVIDENCE_MAX_POINTS);
    expect(ev.points!.reduce((a, [, v]) => a + v, 0)).toBe(ev.value);
    expect(ev.value).toBe(999);
    expect(ev.windowSeconds).toBe(86_400);
    const lat = metricEvidence(series(POOL_ID, 'target.latency.max', [1, 7, 2, 3]), 2);
    expect(lat).toMatchObject({ value: 7, unit: 'seconds', points: [[expect.any(String), 7], [expect.any(String), 3]] });
  });

  it('describes windows in the largest whole unit', () => {
    expect([describeWindow(86_400), describeWindow(604_800), describeWindow(5_400), describeWindow(45), describeWindow(undefined)]).toEqual(['24 h', '7 d', '90 min', '45 s', 'metrics window']);
  });
});

describe('enrichWithEvidence', () => {
  it('attaches LB-level series and the pool’s own series to pool findings; leaves passes alone', () => {
    const inv = nodeAlb(fullMetrics([0]));
    const results = enrichWithEvidence(keepalive(inv), inv);
    const fail = byPool(results, 'tg-api');
    expect(fail.status).toBe('fail');
    expect(fail.evidence.metrics?.map((x) => `${x.name}=${x.value}`)).toEqual([
      'lb.http.502=0',
      'lb.http.503=0',
      'lb.http.504=0',
      'lb.http.5xx=0',
      'target.tls-errors=0',
      'target.http.5xx=3',
      'target.connection-errors=0',
      'target.latency.p99=0.9',
      'target.latency.max=2.5',
    ]);
    expect(fail.severity).toBe('high');
    expect(fail.evidence.details?.raisedBy).toBeUndefined();
    expect(byPool(results, 'tg-other')).toEqual(byPool(keepalive(inv), 'tg-other'));
  });

  it('raises a finding one level when the LB returned the 5xx it causes, and says why', () => {
    const inv = nodeAlb(fullMetrics([4, 8]));
    const fail = byPool(enrichWithEvidence(keepalive(inv), inv), 'tg-api');
    expect(fail.severity).toBe('critical');
    expect(fail.evidence.details?.raisedFrom).toBe('high');
    expect(fail.evidence.details?.raisedBy).toBe('alb-web returned LB-generated 502 in the last 24 h (lb.http.502 = 12); this finding causes 502: high → critical');
  });

  it('does not raise for codes the finding does not cause on this LB kind (ALB keep-alive race → 502, not 504)', () => {
    const inv = nodeAlb(fullMetrics([0], [0], [30]));
    expect(byPool(enrichWithEvidence(keepalive(inv), inv), 'tg-api').severity).toBe('high');
  });

  it('falls back to the aggregate 5xx of a Classic ELB', () => {
    const inv = lbInventory('aws-clb', { name: 'clb-old', pools: [pool('tg-api', { backend: { server: sourced('node', 'declared') } })], extra: { metrics: [m(ref('load-balancer', 'aws-clb', 'clb-old').id, 'lb.http.5xx', [2])] } });
    const fail = enrichWithEvidence(keepalive(inv), inv)[0]!;
    expect(fail.severity).toBe('critical');
    expect(fail.evidence.details?.raisedBy).toContain('lb.http.5xx = 2 (the load balancer reports 5xx without the code)');
  });

  it('never raises pinned severities, evidence-family results, or a result the check already raised', () => {
    const inv = nodeAlb(fullMetrics([5], [0], [5]));
    const pinned = { checks: { [backendKeepaliveExceedsIdleTimeout.id]: { severity: 'medium' as const } } };
    expect(byPool(enrichWithEvidence(runChecks(inv, [backendKeepaliveExceedsIdleTimeout], pinned), inv, { config: pinned }), 'tg-api').severity).toBe('medium');
    const unexplained = enrichWithEvidence(runChecks(inv, [observed5xxUnexplained]), inv)[0]!;
    expect(unexplained).toMatchObject({ checkId: UNEXPLAINED_CHECK_ID, status: 'fail', severity: 'medium' });
    const slow = { ...inv, metrics: [...inv.metrics.filter((s) => !s.name.startsWith('target.latency')), m(POOL_ID, 'target.latency.p99', [45])] };
    const latency = enrichWithEvidence(runChecks(slow, [idleTimeoutBelowLatency]), slow).find((r) => r.resource.name === 'tg-api')!;
    expect(latency.severity).toBe('high');
  });

  it('attaches metrics to unknown results without changing their severity', () => {
    const inv = albInventory({ extra: { metrics: fullMetrics([3]) } });
    const [unknown] = enrichWithEvidence(keepalive(inv), inv);
    expect(unknown).toMatchObject({ status: 'unknown', severity: 'high' });
    expect(unknown?.evidence.metrics?.find((x) => x.name === 'lb.http.502')?.value).toBe(3);
  });

  it('is pure and idempotent', () => {
    const inv = nodeAlb(fullMetrics([4, 8]));
    const results = keepalive(inv);
    const before = structuredClone(results);
    const once = enrichWithEvidence(results, inv);
    expect(results).toEqual(before);
    expect(enrichWithEvidence(once, inv)).toEqual(once);
  });
});

describe('resolveUnexplained', () => {
  const run = (inv: Inventory) => resolveUnexplained(enrichWithEvidence(runChecks(inv, [backendKeepaliveExceedsIdleTimeout, observed5xxUnexplained]), inv));

  it('turns the unexplained failure into a pass when another failing check on the LB causes the observed codes', () => {
    const r = run(nodeAlb(fullMetrics([12]))).find((x) => x.checkId === UNEXPLAINED_CHECK_ID)!;
    expect(r).toMatchObject({
      status: 'pass',
      messageId: 'explained',
      message: 'alb-web: the LB-generated 502 observed in the window are explained by timeouts/backend-keepalive-exceeds-idle-timeout.',
      evidence: { details: { explainedBy: ['timeouts/backend-keepalive-exceeds-idle-timeout'] } },
    });
  });

  it('keeps the failure when the causing checks pass, or explain other codes only in part', () => {
    const clean = albInventory({ pools: [pool('tg-api', { backend: { keepAliveSeconds: sourced(75, 'declared') } })], extra: { metrics: fullMetrics([12]) } });
    expect(run(clean).find((x) => x.checkId === UNEXPLAINED_CHECK_ID)).toMatchObject({ status: 'fail', messageId: 'unexplained' });

    const partial = run(nodeAlb(fullMetrics([12], [0], [3]))).find((x) => x.checkId === UNEXPLAINED_CHECK_ID)!;
    expect(partial.status).toBe('fail');
    expect(partial.evidence.details).toMatchObject({ explainedCodes: [502], unexplainedCodes: [504], partiallyExplainedBy: ['timeouts/backend-keepalive-exceeds-idle-timeout'] });
    expect(partial.message).toContain('(502 explained by timeouts/backend-keepalive-exceeds-idle-timeout; 504 still unexplained.)');
    expect(resolveUnexplained([partial])).toEqual([partial]);
  });

  it('only counts findings on the same load balancer, and counts suppressed ones', () => {
    const results = runChecks(nodeAlb(fullMetrics([12])), [backendKeepaliveExceedsIdleTimeout, observed5xxUnexplained]);
    const keep = results.find((r) => r.status === 'fail' && r.checkId !== UNEXPLAINED_CHECK_ID)!;
    const elsewhere = { ...keep, resource: { ...keep.resource, loadBalancerId: 'arn:other' } };
    const others = results.filter((r) => r !== keep);
    expect(resolveUnexplained([...others, elsewhere]).find((x) => x.checkId === UNEXPLAINED_CHECK_ID)?.status).toBe('fail');
    const suppressed: CheckResult = { ...keep, status: 'suppressed', suppression: { reason: 'accepted', by: 'fingerprint' } };
    expect(resolveUnexplained([...others, suppressed]).find((x) => x.checkId === UNEXPLAINED_CHECK_ID)?.status).toBe('pass');
  });

  it('is pure and idempotent', () => {
    const inv = nodeAlb(fullMetrics([12]));
    const results = enrichWithEvidence(runChecks(inv, [backendKeepaliveExceedsIdleTimeout, observed5xxUnexplained]), inv);
    const before = structuredClone(results);
    const once = resolveUnexplained(results);
    expect(results).toEqual(before);
    expect(resolveUnexplained(once)).toEqual(once);
  });
});
