import { describe, expect, it } from 'vitest';
import { linkCauses } from '../../src/engine/causality.js';
import type { Severity } from '../../src/engine/result.js';
import { causesByImpact, diagnose, diagnosed, foldCauses, usersSeeOf } from '../../src/report/diagnosis.js';
import type { ReportResult } from '../../src/report/types.js';
import { albInventory, lbInventory, pool, ref, series } from '../support/builders.js';
import { sampleReport } from '../fixtures/report/sample.js';

const ALB_ID = ref('load-balancer', 'aws-alb', 'alb-web').id;

let n = 0;
function result(checkId: string, severity: Severity, opts: { lb?: string; explains?: string[]; causedBy?: string[]; status?: ReportResult['status'] } = {}): ReportResult {
  n += 1;
  return {
    checkId,
    family: checkId.split('/')[0] as ReportResult['family'],
    status: opts.status ?? 'fail',
    severity,
    resource: { provider: 'aws', kind: 'backend-pool', type: 'aws-target-group', id: `tg-${n}`, name: `tg-${n}`, region: 'eu-west-1', account: '1', loadBalancerId: opts.lb ?? ALB_ID, loadBalancerName: 'alb-web' },
    message: `${checkId} ${n}`,
    messageId: 'm',
    fingerprint: n.toString(16).padStart(32, '0'),
    ...(opts.explains ? { explains: opts.explains } : {}),
    ...(opts.causedBy ? { causedBy: opts.causedBy } : {}),
  };
}

describe('usersSeeOf', () => {
  it.each([
    ['5xx per code with the share of requests', [series(ALB_ID, 'lb.http.502', [3, 100]), series(ALB_ID, 'lb.http.503', [0]), series(ALB_ID, 'lb.requests', [1000, 1000])], '502 × 103 (5.2 % of 2,000 requests) in the last 24 h'],
    ['none observed, with the traffic it served', [series(ALB_ID, 'lb.http.502', []), series(ALB_ID, 'lb.requests', [5])], 'no LB-generated 5xx in the last 24 h (5 requests)'],
    ['the application’s own 5xx beside', [series(ALB_ID, 'lb.http.504', [2]), series(ALB_ID, 'target.http.5xx', [7])], '504 × 2 in the last 24 h; the targets themselves returned 5xx × 7'],
    ['a share below 0.1 %', [series(ALB_ID, 'lb.http.502', [1]), series(ALB_ID, 'lb.requests', [100_000])], '502 × 1 (< 0.1 % of 100,000 requests) in the last 24 h'],
    ['nothing collected: not "none observed"', [], '5xx not measured: no 5xx metric was collected in the last 24 h'],
  ])('%s', (_name, metrics, summary) => {
    const inv = albInventory({ extra: { metrics } });
    const seen = usersSeeOf(inv, ALB_ID);
    expect(seen.summary).toBe(summary);
    expect(seen.measured).toBe(metrics.some((m) => m.name.startsWith('lb.http.')));
  });

  it('reports resets for a layer-4 load balancer, which has no HTTP status', () => {
    const nlbId = ref('load-balancer', 'aws-nlb', 'edge').id;
    const inv = lbInventory('aws-nlb', { name: 'edge', extra: { metrics: [series(nlbId, 'lb.tcp.resets', [700, 7]), series(nlbId, 'target.tcp.resets', [11])] } });
    expect(usersSeeOf(inv, nlbId)).toMatchObject({ measured: true, lbResets: 707, targetResets: 11, summary: 'no HTTP status at layer 4; the load balancer reset 707 TCP connections, the targets reset 11 in the last 24 h' });
  });

  it('says when metrics were not collected at all', () => {
    const inv = { ...albInventory(), metricsWindowSeconds: 0 };
    expect(usersSeeOf(inv, ALB_ID).summary).toBe('5xx not measured: metrics were not collected');
  });
});

describe('foldCauses', () => {
  it('ranks roots by the worst severity they lead to, and folds each consequence under one cause only', () => {
    const a = result('network/nacl-return-path-blocked', 'high');
    const b = result('network/health-check-port-blocked', 'critical');
    const c = result('targets/unhealthy-targets', 'high');
    const d = result('timeouts/idle-timeout-below-latency', 'medium');
    const e = result('health/port-protocol-mismatch', 'medium');
    a.explains = [b.fingerprint, c.fingerprint];
    b.causedBy = [a.fingerprint];
    b.explains = [c.fingerprint];
    c.causedBy = [a.fingerprint, b.fingerprint, e.fingerprint];
    e.explains = [c.fingerprint];
    const all = [d, c, b, a, e];
    const causes = foldCauses(all, new Map(all.map((r) => [r.fingerprint, r])));
    expect(causes).toEqual([
      { fingerprint: a.fingerprint, impact: 'critical', consequences: [b.fingerprint, c.fingerprint] },
      { fingerprint: e.fingerprint, impact: 'high', consequences: [] },
      { fingerprint: d.fingerprint, impact: 'medium', consequences: [] },
    ]);
  });

  it('treats a finding as a root when what it was linked to no longer fails', () => {
    const gone = result('network/health-check-port-blocked', 'critical', { status: 'pass' });
    const c = result('targets/unhealthy-targets', 'high', { causedBy: [gone.fingerprint] });
    expect(foldCauses([c], new Map([[c.fingerprint, c]]))).toEqual([{ fingerprint: c.fingerprint, impact: 'high', consequences: [] }]);
  });
});

describe('diagnose', () => {
  it('has one entry per load balancer of the inventory, failing or not, worst first, and one per scope for the rest', () => {
    const inv = albInventory({ pools: [pool('tg-api')] });
    const quiet = lbInventory('aws-alb', { name: 'alb-quiet' });
    const both = { ...inv, loadBalancers: [...quiet.loadBalancers, ...inv.loadBalancers], backendPools: [...inv.backendPools, ...quiet.backendPools] };
    const fail = result('targets/no-registered-targets', 'critical');
    const scoped: ReportResult = { ...result('targets/unreferenced-target-group', 'low'), resource: { provider: 'aws', kind: 'backend-pool', type: 'aws-target-group', id: 'tg-x', name: 'tg-x', region: 'eu-west-1', account: '1' } };
    const d = diagnose([fail, scoped], both);
    expect(d.map((x) => [x.name, x.worst, x.causes.length])).toEqual([
      ['alb-web', 'critical', 1],
      ['alb-quiet', null, 0],
      ['1 eu-west-1', 'low', 1],
    ]);
    expect(d[0]).toMatchObject({ loadBalancerId: ALB_ID, type: 'aws-alb', provider: 'aws', counts: { fail: 1 } });
    expect(d[2]?.loadBalancerId).toBeUndefined();
    expect(causesByImpact(d)).toEqual({ critical: 1, high: 0, medium: 0, low: 1, info: 0 });
  });

  it('derives links and a diagnosis for a report written before they existed (schema version 1)', () => {
    const old = sampleReport();
    expect(old.diagnosis).toBeUndefined();
    const dd = diagnosed(old);
    expect(dd.diagnosis.length).toBeGreaterThan(0);
    expect(dd.results).toEqual(linkCauses(old.results));
    const fails = old.results.filter((r) => r.status === 'fail').length;
    const folded = dd.diagnosis.reduce((a, x) => a + x.causes.length + x.causes.reduce((b, c) => b + c.consequences.length, 0), 0);
    expect(folded).toBe(fails);
  });
});
