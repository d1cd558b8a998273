/**
 * "No data points" is not "0": a series CloudWatch returned empty never reads as a value in a finding's evidence (it
 * used to print `pool.healthy-hosts.min = 0`), while a series of real zeros still does.
 */
import { describe, expect, it } from 'vitest';
import { backendKeepaliveExceedsIdleTimeout } from '../../checks/timeouts/backend-keepalive-exceeds-idle-timeout.js';
import { enrichWithEvidence, metricEvidence, NO_DATA_POINTS_KEY } from '../../src/engine/evidence.js';
import type { CheckResult } from '../../src/engine/index.js';
import { runChecks } from '../../src/engine/index.js';
import type { Inventory, MetricSeries } from '../../src/model/index.js';
import { buildReport } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { albInventory, COLLECTED_AT, pool, ref, series, sourced } from '../support/builders.js';

const ALB_ID = ref('load-balancer', 'aws-alb', 'alb-web').id;
const POOL_ID = ref('backend-pool', 'aws-target-group', 'tg-api').id;

/** The keep-alive finding on tg-api (Node behind a 60 s ALB), with a check-attached series of the pool. */
function finding(inv: Inventory, attached: MetricSeries): CheckResult[] {
  return runChecks(inv, [backendKeepaliveExceedsIdleTimeout]).map((r) =>
    r.status === 'fail' ? { ...r, evidence: { ...r.evidence, metrics: [metricEvidence(attached, undefined, inv.metricsWindowSeconds)] } } : r,
  );
}

function inventoryWith(metrics: MetricSeries[]): Inventory {
  return albInventory({ pools: [pool('tg-api', { backend: { server: sourced('node', 'declared') } })], extra: { metrics, metricsWindowSeconds: 86_400 } });
}

describe('evidence of series without data points', () => {
  it('names an empty series under noDataPoints instead of reading it as 0', () => {
    const healthy = series(POOL_ID, 'pool.healthy-hosts.min', []);
    const inv = inventoryWith([series(ALB_ID, 'lb.http.502', []), healthy]);
    const [fail] = enrichWithEvidence(finding(inv, healthy), inv).filter((r) => r.status === 'fail');
    expect(fail!.evidence.metrics ?? []).toEqual([]);
    expect(fail!.evidence.details?.[NO_DATA_POINTS_KEY]).toBe('pool.healthy-hosts.min, lb.http.502 (no data points in the 24 h window: not zero, unknown)');
    const text = renderText(buildReport({ inventory: inv, results: [fail!], checksRun: 1, source: { kind: 'live' }, generatedAt: new Date(COLLECTED_AT), toolVersion: '0' }));
    expect(text).not.toMatch(/healthy-hosts\.min = 0|lb\.http\.502.* = 0/);
    expect(text).toContain('noDataPoints');
  });

  it('keeps a series of real zeros as the value 0', () => {
    const healthy = series(POOL_ID, 'pool.healthy-hosts.min', [0, 0]);
    const inv = inventoryWith([series(ALB_ID, 'lb.http.502', [0]), healthy]);
    const [fail] = enrichWithEvidence(finding(inv, healthy), inv).filter((r) => r.status === 'fail');
    expect(fail!.evidence.metrics?.map((m) => [m.name, m.value])).toEqual([
      ['pool.healthy-hosts.min', 0],
      ['lb.http.502', 0],
    ]);
    expect(fail!.evidence.details?.[NO_DATA_POINTS_KEY]).toBeUndefined();
  });

  it('is idempotent', () => {
    const healthy = series(POOL_ID, 'pool.healthy-hosts.min', []);
    const inv = inventoryWith([series(ALB_ID, 'lb.http.502', []), series(ALB_ID, 'lb.http.503', [1]), healthy]);
    const once = enrichWithEvidence(finding(inv, healthy), inv);
    expect(enrichWithEvidence(once, inv)).toEqual(once);
  });
});
