/**
 * Cloud Monitoring series → MetricSeries on the load balancer (5xx by code, from `request_count` grouped by URL
 * map) and on the backend service (`backend_latencies` p99, milliseconds → seconds).
 */
import type { BackendPool, LoadBalancer, MetricName, MetricSeries } from '../../../src/model/index.js';
import type { GcpProjectSnapshot, RawTimeSeries } from '../raw.js';

type Monitoring = GcpProjectSnapshot['monitoring'];

function value(p: NonNullable<RawTimeSeries['points']>[number]): number | undefined {
  const v = p.value?.doubleValue ?? (p.value?.int64Value !== undefined ? Number(p.value.int64Value) : undefined);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

class SeriesBuilder {
  private readonly series = new Map<string, { meta: Omit<MetricSeries, 'points'>; points: Map<string, number>; combine: 'sum' | 'max' }>();

  add(meta: Omit<MetricSeries, 'points'>, points: Array<{ t: string; v: number }>, combine: 'sum' | 'max'): void {
    const key = `${meta.resourceId}\u0000${meta.name}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { meta, points: new Map(), combine }));
    for (const p of points) {
      const prev = s.points.get(p.t);
      s.points.set(p.t, prev === undefined ? p.v : combine === 'sum' ? prev + p.v : Math.max(prev, p.v));
    }
  }

  /** Declares a series collected with no points (no 5xx in the window is a finding's evidence too). */
  ensure(meta: Omit<MetricSeries, 'points'>): void {
    const key = `${meta.resourceId}\u0000${meta.name}`;
    if (!this.series.has(key)) this.series.set(key, { meta, points: new Map(), combine: 'sum' });
  }

  build(): MetricSeries[] {
    return [...this.series.values()].map((s) => ({
      ...s.meta,
      points: [...s.points.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => ({ t, v })),
    }));
  }
}

/** The monitored resource each Application Load Balancer kind reports under (https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring). */
const RESOURCE_TYPE: Partial<Record<LoadBalancer['kind'], string>> = {
  'gcp-alb-global': 'https_lb_rule',
  'gcp-alb-classic': 'https_lb_rule',
  'gcp-alb-regional': 'http_external_regional_lb_rule',
  'gcp-alb-internal': 'internal_http_lb_rule',
};

const CODE_METRICS: Record<string, MetricName> = { '502': 'lb.http.502', '503': 'lb.http.503', '504': 'lb.http.504' };

export function mapMetrics(monitoring: Monitoring, lbs: LoadBalancer[], pools: BackendPool[]): MetricSeries[] {
  const window = monitoring.window;
  if (!window) return [];
  const queries = new Map(monitoring.queries.map((q) => [q.id, q]));
  // Series name URL maps and backend services by name and region ("global" for global resources).
  const lbByName = new Map(lbs.filter((lb) => lb.layer === 7).map((lb) => [`${lb.ref.name}\u0000${lb.ref.region ?? 'global'}`, lb]));
  const poolByName = new Map(pools.map((p) => [`${p.ref.name}\u0000${p.ref.region ?? 'global'}`, p]));
  const out = new SeriesBuilder();
  const base = { windowStart: window.start, windowEnd: window.end, periodSeconds: window.periodSeconds };
  for (const q of monitoring.queries) {
    if (q.metricType.endsWith('/backend_latencies')) {
      // A collected query with no series for a backend service means no latency data, not "not collected".
      for (const lb of lbs) {
        if (RESOURCE_TYPE[lb.kind] !== q.resourceType) continue;
        for (const pool of pools) {
          if (!pool.loadBalancerIds.includes(lb.ref.id)) continue;
          out.ensure({ ...base, resourceId: pool.ref.id, name: 'target.latency.p99', providerName: `${q.metricType} ${q.aligner}`, aggregation: 'p99', unit: 'seconds' });
        }
      }
      continue;
    }
    if (!q.metricType.endsWith('/request_count')) continue;
    for (const lb of lbs) {
      if (RESOURCE_TYPE[lb.kind] !== q.resourceType) continue;
      for (const name of ['lb.http.5xx', 'lb.http.502', 'lb.http.503', 'lb.http.504'] as const) {
        out.ensure({ ...base, resourceId: lb.ref.id, name, providerName: `${q.metricType} (response_code_class 500)`, aggregation: 'sum', unit: 'count' });
      }
    }
  }
  for (const s of monitoring.series) {
    const q = queries.get(s.queryId);
    if (!q) continue;
    const labels = s.resource?.labels ?? {};
    const region = labels.region ?? 'global';
    const points = (s.points ?? [])
      .map((p) => ({ t: p.interval?.startTime ?? p.interval?.endTime ?? '', v: value(p) }))
      .filter((p): p is { t: string; v: number } => p.t !== '' && p.v !== undefined);
    if (q.metricType.endsWith('/request_count')) {
      const lb = lbByName.get(`${labels.url_map_name ?? ''}\u0000${region}`);
      if (!lb) continue;
      const code = s.metric?.labels?.response_code ?? '';
      const meta = { ...base, resourceId: lb.ref.id, providerName: `${q.metricType} response_code=${code}`, aggregation: 'sum' as const, unit: 'count' as const };
      out.add({ ...meta, name: 'lb.http.5xx', providerName: `${q.metricType} (response_code_class 500)` }, points, 'sum');
      const specific = CODE_METRICS[code];
      if (specific) out.add({ ...meta, name: specific }, points, 'sum');
    } else if (q.metricType.endsWith('/backend_latencies')) {
      const pool = poolByName.get(`${labels.backend_target_name ?? ''}\u0000${region}`);
      if (!pool) continue;
      out.add(
        { ...base, resourceId: pool.ref.id, name: 'target.latency.p99', providerName: `${q.metricType} ${q.aligner}`, aggregation: 'p99', unit: 'seconds' },
        points.map((p) => ({ t: p.t, v: p.v / 1000 })),
        'max',
      );
    }
  }
  return out.build();
}
