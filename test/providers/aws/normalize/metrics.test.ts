import { describe, expect, it } from 'vitest';
import { mapMetrics } from '../../../../providers/aws/normalize/metrics.js';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import type { AwsMetricQuery, AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import { ALB_ARN, TG_ARN, emptyRegion, region, snapshot } from './raw-builder.js';

const window = { start: '2026-11-19T09:00:00Z', end: '2026-11-20T09:00:00Z', periodSeconds: 300 };
const query = (id: string, metricName: string, stat: string, resourceArn = ALB_ARN): AwsMetricQuery => ({
  id,
  resourceArn,
  namespace: 'AWS/ApplicationELB',
  metricName,
  stat,
  dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' }],
  periodSeconds: 300,
});

function cloudwatch(edit: (cw: AwsRegionSnapshot['cloudwatch']) => void): AwsRegionSnapshot['cloudwatch'] {
  const cw = emptyRegion().cloudwatch;
  cw.window = window;
  edit(cw);
  return cw;
}

describe('metrics', () => {
  it('maps a result through its query, oldest point first (CloudWatch returns newest first)', () => {
    const series = mapMetrics(
      cloudwatch((cw) => {
        cw.queries.push(query('m0', 'HTTPCode_ELB_502_Count', 'Sum'));
        cw.results.push({ Id: 'm0', Label: 'HTTPCode_ELB_502_Count', StatusCode: 'Complete', Timestamps: ['2026-11-20T08:50:00Z', '2026-11-20T08:40:00Z', '2026-11-20T08:30:00Z'], Values: [3, 2, 1] });
      }),
    );
    expect(series).toEqual([
      {
        resourceId: ALB_ARN,
        name: 'lb.http.502',
        providerName: 'AWS/ApplicationELB HTTPCode_ELB_502_Count Sum',
        aggregation: 'sum',
        unit: 'count',
        periodSeconds: 300,
        windowStart: '2026-11-19T09:00:00.000Z',
        windowEnd: '2026-11-20T09:00:00.000Z',
        points: [
          { t: '2026-11-20T08:30:00.000Z', v: 1 },
          { t: '2026-11-20T08:40:00.000Z', v: 2 },
          { t: '2026-11-20T08:50:00.000Z', v: 3 },
        ],
      },
    ]);
  });

  it('a query answered with no points is a series with no points (AWS omits zero periods)', () => {
    const [s] = mapMetrics(
      cloudwatch((cw) => {
        cw.queries.push(query('m0', 'HTTPCode_ELB_504_Count', 'Sum'));
        cw.results.push({ Id: 'm0', StatusCode: 'Complete', Timestamps: [], Values: [] });
      }),
    );
    expect(s).toMatchObject({ name: 'lb.http.504', points: [] });
  });

  it('a query without a result, a metric outside the catalog and an unknown result id give no series', () => {
    const series = mapMetrics(
      cloudwatch((cw) => {
        cw.queries.push(query('m0', 'HTTPCode_ELB_502_Count', 'Sum'), query('m1', 'ConsumedLCUs', 'Sum'));
        cw.results.push({ Id: 'm1', Timestamps: ['2026-11-20T08:00:00Z'], Values: [4] }, { Id: 'm9', Timestamps: ['2026-11-20T08:00:00Z'], Values: [1] });
      }),
    );
    expect(series).toEqual([]);
  });

  it('merges pages of one query and maps latency to seconds on the target group', () => {
    const [s] = mapMetrics(
      cloudwatch((cw) => {
        cw.queries.push(query('m3', 'TargetResponseTime', 'p99', TG_ARN));
        cw.results.push(
          { Id: 'm3', Timestamps: ['2026-11-20T08:55:00Z', '2026-11-20T08:50:00Z'], Values: [0.4, 0.3], StatusCode: 'PartialData' },
          { Id: 'm3', Timestamps: ['2026-11-20T08:45:00Z'], Values: [0.2], StatusCode: 'Complete' },
        );
      }),
    );
    expect(s).toMatchObject({ resourceId: TG_ARN, name: 'target.latency.p99', unit: 'seconds', aggregation: 'p99' });
    expect(s?.points.map((p) => p.v)).toEqual([0.2, 0.3, 0.4]);
  });

  it('no window = metrics not collected: no series and no metrics window on the inventory', () => {
    const r = region((reg) => {
      reg.cloudwatch.queries.push(query('m0', 'RequestCount', 'Sum'));
      reg.cloudwatch.results.push({ Id: 'm0', Timestamps: [], Values: [] });
    });
    const inv = normalizeAws(snapshot(r), {});
    expect(inv.metrics).toEqual([]);
    expect(inv.metricsWindowSeconds).toBeUndefined();
    r.cloudwatch.window = window;
    expect(normalizeAws(snapshot(r), {}).metricsWindowSeconds).toBe(86_400);
  });
});
