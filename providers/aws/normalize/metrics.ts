/**
 * CloudWatch GetMetricData results → MetricSeries, through the queries collect recorded.
 */
import type { MetricAggregation, MetricSeries } from '../../../src/model/index.js';
import { specFor } from '../metrics-catalog.js';
import type { AwsRegionSnapshot } from '../raw.js';

export function mapMetrics(cloudwatch: AwsRegionSnapshot['cloudwatch']): MetricSeries[] {
  const window = cloudwatch.window;
  if (!window) return [];
  // A paginated GetMetricData can return one query id in several pieces: merge them.
  const pointsById = new Map<string, Array<{ t: string; v: number }>>();
  for (const result of cloudwatch.results) {
    if (!result.Id) continue;
    const list = pointsById.get(result.Id) ?? [];
    const timestamps = result.Timestamps ?? [];
    const values = result.Values ?? [];
    for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
      const t = timestamps[i];
      const v = values[i];
      if (t !== undefined && v !== undefined) list.push({ t: new Date(t).toISOString(), v });
    }
    pointsById.set(result.Id, list);
  }
  const series: MetricSeries[] = [];
  for (const query of cloudwatch.queries) {
    const points = pointsById.get(query.id);
    // No result for a query = it was not answered (the call failed): no series, so checks report unknown.
    if (!points) continue;
    const spec = specFor(query.namespace, query.metricName, query.stat);
    if (!spec) continue;
    series.push({
      resourceId: query.resourceArn,
      name: spec.normalized,
      providerName: `${query.namespace} ${query.metricName} ${query.stat}`,
      aggregation: aggregationOfStat(query.stat),
      unit: spec.unit,
      periodSeconds: query.periodSeconds,
      windowStart: new Date(window.start).toISOString(),
      windowEnd: new Date(window.end).toISOString(),
      // CloudWatch returns newest first by default; the model wants oldest first.
      points: [...new Map(points.map((p) => [p.t, p])).values()].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0)),
    });
  }
  return series;
}

/** CloudWatch statistic → neutral aggregation (extended statistics such as p99 keep their name). */
function aggregationOfStat(stat: string): MetricAggregation {
  switch (stat) {
    case 'Sum':
      return 'sum';
    case 'Minimum':
      return 'min';
    case 'Maximum':
      return 'max';
    case 'Average':
      return 'average';
    default:
      return 'p99';
  }
}
