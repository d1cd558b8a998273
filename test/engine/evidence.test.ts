import { describe, expect, it } from 'vitest';
import { observed5xxUnexplained } from '../../checks/evidence/observed-5xx-unexplained.js';
import { backendKeepaliveExceedsIdleTimeout } from '../../checks/timeouts/backend-keepalive-exceeds-idle-timeout.js';
import { idleTimeoutBelowLatency } from '../../checks/timeouts/idle-timeout-below-latency.js';
import { describeWindow, EVIDENCE_MAX_POINTS, enrichWithEvidence, isLatent, judgeRaise, metricEvidence, resolveUnexplained, UNEXPLAINED_CHECK_ID } from '../../src/engine/evidence.js';
import { indexInventory } from '../../src/model/index.js';
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
  it('summarizes a series: its fold, sum, peak and when, p99 of the periods; no points unless asked', () => {
    const counts = series(ALB_ID, 'lb.http.502', [0, 4, 0, 8, 1]);
    expect(metricEvidence(counts)).toEqual({
      name: 'lb.http.502', providerName: 'lb.http.502', statistic: 'Sum', aggregation: 'sum', value: 13, unit: 'count', windowSeconds: 86_400,
      resourceId: ALB_ID, periodSeconds: 300, datapoints: 5, sum: 13, peak: 8, peakAt: counts.points[3]!.t, p99: 8,
    });
    const lat = metricEvidence(series(POOL_ID, 'target.latency.max', [1, 7, 2, 3]));
    expect(lat).toMatchObject({ aggregation: 'max', value: 7, peak: 7, p99: 7, datapoints: 4 });
    expect(lat.sum).toBeUndefined();
    expect(lat.points).toBeUndefined();
  });

  it('tells a series with no data points from a measured 0', () => {
    const empty = metricEvidence(series(ALB_ID, 'lb.http.502', []));
    expect(empty).toMatchObject({ value: 0, datapoints: 0 });
    expect(empty.peak).toBeUndefined();
    expect(metricEvidence(series(ALB_ID, 'lb.http.502', [0]))).toMatchObject({ value: 0, datapoints: 1, peak: 0 });
  });

  it('keeps at most maxPoints points when asked, merging periods by sum for counts and by maximum for latencies', () => {
    const counts = series(ALB_ID, 'lb.http.502', Array.from({ length: 1000 }, (_, i) => i % 3));
    const ev = metricEvidence(counts, EVIDENCE_MAX_POINTS);
    expect(ev.points).toHaveLength(Math.ceil(1000 / Math.ceil(1000 / EVIDENCE_MAX_POINTS)));
    expect(ev.points!.reduce((a, [, v]) => a + v, 0)).toBe(ev.value);
    expect(ev.value).toBe(999);
    const lat = metricEvidence(series(POOL_ID, 'target.latency.max', [1, 7, 2, 3]), 2);
    expect(lat).toMatchObject({ value: 7, unit: 'seconds', points: [[expect.any(String), 7], [expect.any(String), 3]] });
  });

  it('describes windows in the largest whole unit', () => {
    expect([describeWindow(86_400), describeWindow(604_800), describeWindow(5_400), describeWindow(45), describeWindow(undefined)]).toEqual(['24 h', '7 d', '90 min', '45 s', 'metrics window']);
  });
});

describe('enrichWithEvidence', () => {
  it('attaches the LB counters of the codes a finding causes and the pool’s own series, as summaries with thresholds', () => {
    const inv = nodeAlb(fullMetrics([0]));
    const results = enrichWithEvidence(keepalive(inv), inv);
    const fail = byPool(results, 'tg-api');
    expect(fail.status).toBe('fail');
    expect(fail.evidence.metrics?.map((x) => `${x.name}=${x.value}`)).toEqual([
      'lb.http.502=0',
      'target.connection-errors=0',
      'target.http.5xx=3',
      'target.latency.p99=0.9',
      'target.latency.max=2.5',
    ]);
    expect(fail.evidence.metrics?.every((x) => x.points === undefined)).toBe(true);
    expect(fail.evidence.metrics?.find((x) => x.name === 'lb.http.502')?.threshold).toEqual({ value: 0, label: 'any is a failed request' });
    expect(fail.evidence.metrics?.find((x) => x.name === 'target.latency.p99')?.threshold).toEqual({ value: 60, label: 'idle timeout 60 s: slower responses get 504' });
    expect(fail.severity).toBe('high');
    expect(fail.evidence.details?.raisedBy).toBeUndefined();
    expect(byPool(results, 'tg-other')).toEqual(byPool(keepalive(inv), 'tg-other'));
  });

  it('keeps the per-period points only with includeSeries, for its own and the check’s metrics', () => {
    const inv = nodeAlb(fullMetrics([1, 2, 3]));
    const fail = byPool(enrichWithEvidence(keepalive(inv), inv, { includeSeries: true }), 'tg-api');
    expect(fail.evidence.metrics?.find((x) => x.name === 'lb.http.502')?.points?.map(([, v]) => v)).toEqual([1, 2, 3]);
    const slow = { ...inv, metrics: [...inv.metrics.filter((x) => !x.name.startsWith('target.latency')), m(POOL_ID, 'target.latency.p99', [45, 50]), m(POOL_ID, 'target.latency.max', [59.9])] };
    const latency = enrichWithEvidence(runChecks(slow, [idleTimeoutBelowLatency]), slow, { includeSeries: true }).find((r) => r.resource.name === 'tg-api')!;
    expect(latency.evidence.metrics?.find((x) => x.name === 'target.latency.p99')?.points?.map(([, v]) => v)).toEqual([45, 50]);
    const without = enrichWithEvidence(runChecks(slow, [idleTimeoutBelowLatency]), slow).find((r) => r.resource.name === 'tg-api')!;
    expect(without.evidence.metrics?.every((x) => x.points === undefined)).toBe(true);
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
    const inv = singlePoolAlb([4, 8], 20);
    const results = keepalive(inv);
    const before = structuredClone(results);
    const once = enrichWithEvidence(results, inv);
    expect(once[0]?.severity).toBe('critical');
    expect(results).toEqual(before);
    expect(enrichWithEvidence(once, inv)).toEqual(once);
  });
});

/** One ALB routing only to tg-api (Node, keep-alive 5 s behind 60 s: a high 502 finding), with LB counters. */
function singlePoolAlb(c502: number[], requests?: number, extra: MetricSeries[] = []): Inventory {
  const metrics = [m(ALB_ID, 'lb.http.502', c502), m(ALB_ID, 'lb.http.503', [0]), m(ALB_ID, 'lb.http.504', [0]), ...extra];
  if (requests !== undefined) metrics.push(m(ALB_ID, 'lb.requests', [requests]));
  return albInventory({ pools: [pool('tg-api', { backend: { server: sourced('node', 'declared') } })], extra: { metrics } });
}

describe('the severity rule for metrics (README "Severity")', () => {
  // Each row: the inventory, the finding's result before the rule, and what the rule makes of it.
  const rows: Array<{ name: string; inv: () => Inventory; expected: 'critical' | 'high' | 'medium'; says?: string }> = [
    { name: 'no 5xx observed: stays high', inv: () => singlePoolAlb([0], 1000), expected: 'high' },
    { name: '502 on the only pool, 12 of 20 requests (60 %): critical', inv: () => singlePoolAlb([4, 8], 20), expected: 'critical', says: 'alb-web (all its traffic goes to tg-api) returned 12 × 502 in the last 24 h, the kind of 5xx this finding causes: high → critical (60 % of 20 requests)' },
    { name: 'boundary: exactly half of the requests failed: critical', inv: () => singlePoolAlb([10], 20), expected: 'critical' },
    { name: 'boundary: just under half: stays high', inv: () => singlePoolAlb([9], 20), expected: 'high' },
    { name: '502 on the only pool, requests not collected: stays high', inv: () => singlePoolAlb([12]), expected: 'high' },
    { name: '504 only, the finding causes 502 on an ALB: stays high', inv: () => {
      const i = singlePoolAlb([0], 10);
      return { ...i, metrics: i.metrics.map((x) => (x.name === 'lb.http.504' ? m(ALB_ID, 'lb.http.504', [9]) : x)) };
    }, expected: 'high' },
    { name: '502 on an LB with two pools, nothing on this pool: not attributable, stays high', inv: () => nodeAlb([...fullMetrics([12]), m(ALB_ID, 'lb.requests', [12])]), expected: 'high' },
  ];

  it.each(rows)('$name', ({ inv, expected, says }) => {
    const i = inv();
    const fail = byPool(enrichWithEvidence(keepalive(i), i), 'tg-api');
    expect(fail.severity).toBe(expected);
    if (says) expect(fail.evidence.details?.raisedBy).toBe(says);
    if (expected === 'high' && fail.evidence.details?.raisedBy === undefined) expect(fail.evidence.details?.raisedFrom).toBeUndefined();
  });

  it('raises a medium finding to high (never to critical) when the share is small', () => {
    const i = singlePoolAlb([9], 20);
    const [fail] = enrichWithEvidence(keepalive(i).map((r) => ({ ...r, severity: 'medium' as const })), i);
    expect(fail).toMatchObject({ severity: 'high', evidence: { details: { raisedFrom: 'medium' } } });
    const [high] = enrichWithEvidence(keepalive(i), i);
    expect(high?.severity).toBe('high');
    expect(high?.evidence.details?.raisedBy).toBeUndefined();
  });

  it('on a pool among several, raises from the pool’s own failed connections (the LB answers them with 502)', () => {
    const i = nodeAlb([...fullMetrics([12]).filter((x) => x.name !== 'target.connection-errors'), m(POOL_ID, 'target.connection-errors', [7])]);
    const fail = byPool(enrichWithEvidence(keepalive(i), i), 'tg-api');
    expect(fail.severity).toBe('high');
    const mediumFirst = enrichWithEvidence(keepalive(i).map((r) => ({ ...r, severity: r.status === 'fail' ? ('medium' as const) : r.severity })), i);
    expect(byPool(mediumFirst, 'tg-api')).toMatchObject({ severity: 'high' });
    expect(byPool(mediumFirst, 'tg-api').evidence.details?.raisedBy).toBe(
      'tg-api returned 7 failed connections to its targets (target.connection-errors, answered with 502) in the last 24 h, the kind of 5xx this finding causes: medium → high',
    );
  });

  it('falls back to the aggregate 5xx of a Classic ELB, and names it as such', () => {
    const clbId = ref('load-balancer', 'aws-clb', 'clb-old').id;
    const inv = lbInventory('aws-clb', {
      name: 'clb-old',
      pools: [pool('tg-api', { backend: { server: sourced('node', 'declared') } })],
      extra: { metrics: [m(clbId, 'lb.http.5xx', [15]), m(clbId, 'lb.requests', [20])] },
    });
    const fail = enrichWithEvidence(keepalive(inv), inv)[0]!;
    expect(fail.severity).toBe('critical');
    expect(fail.evidence.details?.raisedBy).toContain('15 LB-generated 5xx (the provider does not split them by code');
  });

  it('never raises a latent finding: a certificate weeks from expiry is not critical, whatever the 502s', () => {
    const base = singlePoolAlb([20], 20);
    const fail = keepalive(base)[0]!;
    const cert = { ...fail, checkId: 'tls/listener-certificate-expiry', messageId: 'expiresSoon', family: 'tls' as const, resource: { ...fail.resource, kind: 'listener' as const } };
    expect(isLatent(cert)).toBe(true);
    expect(judgeRaise(cert, base, indexInventory(base))).toBeUndefined();
    expect(judgeRaise({ ...cert, messageId: 'expired' }, base, indexInventory(base))?.severity).toBe('critical');
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
