/**
 * Azure Monitor responses → MetricSeries, through the queries collect recorded. Each time series is attributed by
 * its dimension values: an Application Gateway (pool × settings) pair by `BackendSettingsPool` (`pool~settings`) or
 * `BackendPool` + `BackendHttpSetting`; a Load Balancer (pool × rule) pair by the backend address and port
 * (the lowest availability of its backends); anything without a split belongs to the load balancer itself.
 * Dimension names come back lower-cased, so they are compared case-insensitively.
 */
import type { BackendPool, MetricSeries } from '../../../src/model/index.js';
import type { MetricMapping } from '../metrics-catalog.js';
import { METRIC_MAPPINGS } from '../metrics-catalog.js';
import type { RawApplicationGateway, RawMetricsResponse } from '../raw.js';
import type { SubscriptionContext } from './context.js';
import { pairId } from './app-gateway.js';
import { IdIndex, idKey } from '../ids.js';

type RawTimeSeries = NonNullable<NonNullable<RawMetricsResponse['value']>[number]['timeseries']>[number];
type RawPoint = NonNullable<RawTimeSeries['data']>[number];

function dimensions(ts: RawTimeSeries): Map<string, string> {
  return new Map((ts.metadatavalues ?? []).filter((m) => m.name?.value).map((m) => [(m.name?.value as string).toLowerCase(), m.value ?? '']));
}

function byName<T extends { name?: string }>(items: readonly T[] | undefined, name: string | undefined): T | undefined {
  if (name === undefined) return undefined;
  return (items ?? []).find((i) => i.name?.toLowerCase() === name.toLowerCase());
}

/** The (pool × settings) pair a gateway series is about. */
function appGatewayPair(agw: RawApplicationGateway, dims: Map<string, string>): string | undefined {
  const combined = dims.get('backendsettingspool');
  const [poolName, settingsName] = combined !== undefined ? combined.split('~') : [dims.get('backendpool'), dims.get('backendhttpsetting')];
  const pool = byName(agw.backendAddressPools, poolName);
  const settings = byName(agw.backendHttpSettingsCollection, settingsName);
  return pool && settings ? pairId(pool, settings) : undefined;
}

/** The (pool × rule) pairs of a load balancer whose targets include the series' backend address and port. */
function loadBalancerPairs(lbId: string, dims: Map<string, string>, pools: readonly BackendPool[]): string[] {
  const address = dims.get('backendipaddress');
  const port = dims.get('backendport');
  if (address === undefined) return [];
  return pools
    .filter((p) => p.ref.type === 'azure-lb-backend' && p.loadBalancerIds.some((id) => idKey(id) === idKey(lbId)))
    .filter((p) => p.targets?.some((t) => t.address === address && (port === undefined || p.port === undefined || String(p.port) === port)))
    .map((p) => p.ref.id);
}

function valueOf(point: RawPoint, mapping: MetricMapping): number | undefined {
  const v = point[mapping.field] ?? (mapping.fallbackField ? point[mapping.fallbackField] : undefined);
  return typeof v === 'number' && Number.isFinite(v) ? v * mapping.scale : undefined;
}

function combine(aggregation: MetricMapping['aggregation'], a: number, b: number): number {
  switch (aggregation) {
    case 'min':
      return Math.min(a, b);
    case 'max':
      return Math.max(a, b);
    case 'sum':
      return a + b;
    case 'average':
      return (a + b) / 2;
  }
}

interface Accumulator {
  series: MetricSeries;
  points: Map<string, number>;
}

export function mapMetrics(ctx: SubscriptionContext, pools: readonly BackendPool[]): MetricSeries[] {
  const monitor = ctx.raw.monitor;
  const window = monitor.window;
  if (!window) return [];
  const gateways = new IdIndex(ctx.raw.network.applicationGateways);
  const out = new Map<string, Accumulator>();
  for (const query of monitor.queries) {
    const response = monitor.responses[query.id];
    // No response for a query = the call failed: no series, so checks report unknown.
    if (!response) continue;
    const kind = /\/applicationGateways\//i.test(query.resourceId) ? 'azure-appgw' : /\/loadBalancers\//i.test(query.resourceId) ? 'azure-lb' : undefined;
    if (!kind) continue;
    const agw = kind === 'azure-appgw' ? gateways.get(query.resourceId) : undefined;
    for (const metric of response.value ?? []) {
      const metricName = metric.name?.value ?? '';
      const mappings = METRIC_MAPPINGS.filter((m) => m.kind === kind && m.metric.toLowerCase() === metricName.toLowerCase());
      for (const ts of metric.timeseries ?? []) {
        const dims = dimensions(ts);
        let resourceIds: string[];
        if (dims.size === 0) resourceIds = [query.resourceId];
        else if (kind === 'azure-appgw') resourceIds = agw ? [appGatewayPair(agw, dims)].filter((r): r is string => r !== undefined) : [];
        else resourceIds = loadBalancerPairs(query.resourceId, dims, pools);
        // The gateway-level 5xx series is split by status group only: it still belongs to the gateway.
        if (dims.size > 0 && resourceIds.length === 0 && [...dims.keys()].every((d) => d === 'httpstatusgroup')) resourceIds = [query.resourceId];
        for (const resourceId of resourceIds) {
          for (const mapping of mappings) {
            const key = `${idKey(resourceId)}\u0000${mapping.name}`;
            let acc = out.get(key);
            if (!acc) {
              const split = dims.size > 0 && kind === 'azure-lb' ? ' (lowest backend)' : '';
              acc = {
                series: {
                  resourceId,
                  name: mapping.name,
                  providerName: `Microsoft.Network/${kind === 'azure-appgw' ? 'applicationGateways' : 'loadBalancers'} ${metric.name?.value ?? mapping.metric} ${mapping.field}${split}`,
                  aggregation: mapping.aggregation,
                  unit: mapping.unit,
                  periodSeconds: query.intervalSeconds,
                  windowStart: new Date(window.start).toISOString(),
                  windowEnd: new Date(window.end).toISOString(),
                  points: [],
                },
                points: new Map(),
              };
              out.set(key, acc);
            }
            for (const point of ts.data ?? []) {
              const v = valueOf(point, mapping);
              if (v === undefined || !point.timeStamp) continue;
              const t = new Date(point.timeStamp).toISOString();
              const prev = acc.points.get(t);
              acc.points.set(t, prev === undefined ? v : combine(mapping.aggregation, prev, v));
            }
          }
        }
      }
    }
  }
  return [...out.values()].map((acc) => ({
    ...acc.series,
    points: [...acc.points.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([t, v]) => ({ t, v: Math.round(v * 1e6) / 1e6 })),
  }));
}
