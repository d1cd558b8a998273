/**
 * Cloud Monitoring calls for one project (REST transport): load-balancer 5xx counts by response code and backend
 * latency p99, for each family of Application Load Balancer. SDK calls only; normalize maps series to resources.
 */
import type { GcpMetricQuery, GcpProjectSnapshot, RawTimeSeries } from '../raw.js';
import type { CollectContext } from './context.js';
import { call, CALL_OPTIONS } from './context.js';
import type { GcpSdk } from './sdk.js';

export type MonitoringClient = InstanceType<GcpSdk['MetricServiceClient']>;

/** Metric prefix and monitored resource of each Application Load Balancer family (https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring). */
const FAMILIES = [
  { prefix: 'loadbalancing.googleapis.com/https', resourceType: 'https_lb_rule' },
  { prefix: 'loadbalancing.googleapis.com/https/external/regional', resourceType: 'http_external_regional_lb_rule' },
  { prefix: 'loadbalancing.googleapis.com/https/internal', resourceType: 'internal_http_lb_rule' },
] as const;

/** The queries of one project: per family, 5xx by code per URL map, and backend latency p99 per backend service. */
export function metricQueries(periodSeconds: number): GcpMetricQuery[] {
  return FAMILIES.flatMap((f, i) => [
    {
      id: `q${i * 2}`,
      metricType: `${f.prefix}/request_count`,
      resourceType: f.resourceType,
      aligner: 'ALIGN_SUM',
      reducer: 'REDUCE_SUM',
      groupBy: ['resource.label.url_map_name', 'resource.label.region', 'metric.label.response_code'],
      periodSeconds,
    },
    {
      id: `q${i * 2 + 1}`,
      metricType: `${f.prefix}/backend_latencies`,
      resourceType: f.resourceType,
      aligner: 'ALIGN_PERCENTILE_99',
      reducer: 'REDUCE_MAX',
      groupBy: ['resource.label.backend_target_name', 'resource.label.region'],
      periodSeconds,
    },
  ]);
}

function filterOf(q: GcpMetricQuery): string {
  const base = `metric.type = "${q.metricType}" AND resource.type = "${q.resourceType}"`;
  return q.metricType.endsWith('/request_count') ? `${base} AND metric.label.response_code_class = 500` : base;
}

interface Timestamp {
  seconds?: string | number | { toString(): string };
  nanos?: number;
}

function iso(t: Timestamp | string | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'string') return t;
  if (t.seconds === undefined) return undefined;
  return new Date(Number(String(t.seconds)) * 1000 + Math.round((t.nanos ?? 0) / 1e6)).toISOString();
}

interface SdkSeries {
  metric?: { type?: string | null; labels?: Record<string, string> | null } | null;
  resource?: { type?: string | null; labels?: Record<string, string> | null } | null;
  points?: Array<{
    interval?: { startTime?: Timestamp | null; endTime?: Timestamp | null } | null;
    value?: { int64Value?: string | number | { toString(): string } | null; doubleValue?: number | null } | null;
  }> | null;
}

/** The SDK's series as plain JSON (timestamps as ISO strings). */
export function toRawSeries(queryId: string, s: SdkSeries): RawTimeSeries {
  return {
    queryId,
    ...(s.metric ? { metric: { ...(s.metric.type ? { type: s.metric.type } : {}), labels: { ...(s.metric.labels ?? {}) } } } : {}),
    ...(s.resource ? { resource: { ...(s.resource.type ? { type: s.resource.type } : {}), labels: { ...(s.resource.labels ?? {}) } } } : {}),
    points: (s.points ?? []).map((p) => {
      const start = iso(p.interval?.startTime ?? undefined);
      const end = iso(p.interval?.endTime ?? undefined);
      const v = p.value;
      const value =
        v?.doubleValue !== undefined && v.doubleValue !== null
          ? { doubleValue: v.doubleValue }
          : v?.int64Value !== undefined && v.int64Value !== null
            ? { int64Value: String(v.int64Value) }
            : {};
      return { interval: { ...(start ? { startTime: start } : {}), ...(end ? { endTime: end } : {}) }, value };
    }),
  };
}

/** Collects the project's load-balancer metrics over `[now - window, now]` into `snap.monitoring`. */
export async function collectMonitoring(ctx: CollectContext, client: MonitoringClient, windowSeconds: number, now: Date, snap: GcpProjectSnapshot): Promise<void> {
  if (windowSeconds <= 0) return;
  const endSeconds = Math.floor(now.getTime() / 1000);
  const startSeconds = endSeconds - windowSeconds;
  // 5-minute points over the window, fewer for long windows (Monitoring keeps 6 weeks at 1-minute granularity).
  const periodSeconds = Math.max(300, Math.ceil(windowSeconds / 288 / 60) * 60);
  const queries = metricQueries(periodSeconds);
  ctx.progress?.({ phase: 'monitoring', scope: ctx.project, message: `${queries.length} time-series queries` });
  const results = await Promise.all(
    queries.map((q) =>
      call(ctx, 'monitoring.timeSeries.list', { resourceId: q.metricType }, async () => {
        const series: RawTimeSeries[] = [];
        const listing = client.listTimeSeriesAsync(
          {
            name: `projects/${ctx.project}`,
            filter: filterOf(q),
            interval: { startTime: { seconds: startSeconds }, endTime: { seconds: endSeconds } },
            aggregation: {
              alignmentPeriod: { seconds: q.periodSeconds },
              perSeriesAligner: q.aligner as 'ALIGN_SUM',
              crossSeriesReducer: q.reducer as 'REDUCE_SUM',
              groupByFields: q.groupBy,
            },
            view: 'FULL',
            pageSize: 500,
          },
          CALL_OPTIONS,
        );
        for await (const s of listing) series.push(toRawSeries(q.id, s as SdkSeries));
        return series;
      }),
    ),
  );
  if (results.every((r) => r === undefined)) return;
  snap.monitoring = {
    window: { start: new Date(startSeconds * 1000).toISOString(), end: new Date(endSeconds * 1000).toISOString(), periodSeconds },
    queries: queries.filter((_, i) => results[i] !== undefined),
    series: results.flatMap((r) => r ?? []),
  };
}
