/**
 * Azure Monitor metrics of the audited resources: one query per resource and plan of metrics-catalog.ts (the plans
 * group the metric names that share a `$filter`, at most 20 names a call). Queries go to the batch API
 * (`metrics:getBatch` on the regional data plane: up to 50 resources of one subscription, location and type a call,
 * every resource of a call with the same names and filter); a query the batch API did not answer (refused, failed,
 * or the resource missing from the answer) is sent alone to Resource Manager's `metrics`, as before the batch API.
 * Either way its response is stored in the `metrics` REST shape, so normalize reads one shape.
 */
import type { MetricsQueryResourcesOptions, MetricsQueryResult } from '@azure/monitor-query-metrics';
import type { AzureMetricQuery } from '../raw.js';
import { AZURE_API } from '../apis.js';
import { idKey } from '../ids.js';
import { isoDuration, MAX_METRIC_NAMES_PER_CALL, METRIC_PLANS, metricIntervalSeconds } from '../metrics-catalog.js';
import type { SubscriptionClients } from './clients.js';
import type { CallContext } from './context.js';
import { call } from './context.js';
import type { Audited } from './resources.js';

/** Series split by a dimension are capped at `top` (default 10): enough for every backend pool of a gateway. */
const TOP_SERIES = 100;

/** The batch API takes at most 50 resource ids a call. */
export const MAX_RESOURCES_PER_BATCH = 50;

const NAMESPACE: Readonly<Record<'azure-appgw' | 'azure-lb', string>> = {
  'azure-appgw': 'Microsoft.Network/applicationGateways',
  'azure-lb': 'Microsoft.Network/loadBalancers',
};

type Response = Awaited<ReturnType<SubscriptionClients['monitor']['metrics']['list']>>;

/** A query with what batching needs and the snapshot does not keep. */
interface Planned {
  query: AzureMetricQuery;
  kind: 'azure-appgw' | 'azure-lb';
  location: string | undefined;
  /** The plan and, for a plan of more than 20 names, the part: queries batch together only with the same one. */
  plan: string;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `UnhealthyHostCount` from `…/providers/Microsoft.Insights/metrics/UnhealthyHostCount`; the batch client keeps only the localized name. */
function metricIdName(metric: MetricsQueryResult['metrics'][number], asked: readonly string[]): string {
  const fromId = metric.id?.split('/').pop();
  if (fromId && asked.some((n) => n.toLowerCase() === fromId.toLowerCase())) return fromId;
  const squashed = (metric.name ?? '').replace(/\s+/g, '').toLowerCase();
  return asked.find((n) => n.toLowerCase() === squashed) ?? metric.name;
}

/** A batch result for one resource, in the `metrics` REST shape the per-resource call returns. */
export function toMetricsResponse(result: MetricsQueryResult, asked: readonly string[], timespan: string, interval: string): Response {
  return {
    timespan,
    interval,
    ...(result.namespace ? { namespace: result.namespace } : {}),
    ...(result.resourceRegion ? { resourceregion: result.resourceRegion } : {}),
    value: result.metrics
      .filter((m) => !m.errorCode)
      .map((m) => {
        const name = metricIdName(m, asked);
        return {
          id: m.id,
          type: m.type,
          name: { value: name, localizedValue: m.name },
          unit: m.unit,
          timeseries: m.timeseries.map((ts) => ({
            metadatavalues: (ts.metadatavalues ?? []).map((d) => ({ name: { value: (d.name ?? '').replace(/\s+/g, '') }, ...(d.value !== undefined ? { value: d.value } : {}) })),
            data: ts.data ?? [],
          })),
        };
      }),
  } as Response;
}

export async function collectMetrics(ctx: CallContext, clients: SubscriptionClients, audited: Audited, now: Date, windowSeconds: number) {
  const responses: Record<string, Response> = {};
  if (windowSeconds <= 0) return { queries: [] as AzureMetricQuery[], responses };
  const end = new Date(now.getTime());
  const start = new Date(now.getTime() - windowSeconds * 1000);
  const intervalSeconds = metricIntervalSeconds(windowSeconds);
  const resources = [
    ...(audited.applicationGateways ?? []).filter((g) => g.id).map((g) => ({ id: g.id as string, location: g.location, kind: 'azure-appgw' as const })),
    ...(audited.loadBalancers ?? []).filter((l) => l.id).map((l) => ({ id: l.id as string, location: l.location, kind: 'azure-lb' as const })),
  ];
  const planned: Planned[] = [];
  for (const r of resources) {
    METRIC_PLANS.forEach((plan, planIndex) => {
      if (plan.kind !== r.kind) return;
      chunk(plan.metricNames, MAX_METRIC_NAMES_PER_CALL).forEach((names, part) => {
        planned.push({
          query: {
            id: `q${planned.length}`,
            resourceId: r.id,
            metricNames: names,
            aggregations: plan.aggregations,
            ...(plan.filter ? { filter: plan.filter } : {}),
            intervalSeconds,
          },
          kind: r.kind,
          location: r.location,
          plan: `${planIndex}.${part}`,
        });
      });
    });
  }
  const timespan = `${start.toISOString()}/${end.toISOString()}`;
  const interval = isoDuration(intervalSeconds);

  const unanswered = clients.metricsBatch ? await queryInBatches(ctx, clients.metricsBatch, planned, { start, end, interval, timespan }, responses) : planned;

  const tick = ctx.progress.phase('metrics', unanswered.length);
  await Promise.all(
    unanswered.map(async ({ query: q }) => {
      const response = await call(
        ctx,
        AZURE_API.listMetrics,
        () =>
          // The SDK's URL template adds its own leading slash.
          clients.monitor.metrics.list(q.resourceId.replace(/^\/+/, ''), {
            timespan,
            interval,
            metricnames: q.metricNames.join(','),
            aggregation: q.aggregations.join(','),
            ...(q.filter ? { filter: q.filter, top: TOP_SERIES } : {}),
            ...(ctx.signal ? { abortSignal: ctx.signal } : {}),
          }),
        { resourceId: q.resourceId },
      ).finally(tick);
      if (response) responses[q.id] = response;
    }),
  );
  return { window: { start: start.toISOString(), end: end.toISOString() }, queries: planned.map((p) => p.query), responses };
}

interface Window {
  start: Date;
  end: Date;
  interval: string;
  timespan: string;
}

/**
 * Sends the queries in batches: same location, resource type and plan, ≤ 50 resources. Fills `responses` and marks
 * each answered query with its batch; returns the queries left unanswered (a resource without a location cannot be
 * batched: the endpoint is regional).
 */
async function queryInBatches(
  ctx: CallContext,
  clientFor: NonNullable<SubscriptionClients['metricsBatch']>,
  planned: Planned[],
  window: Window,
  responses: Record<string, Response>,
): Promise<Planned[]> {
  const groups = new Map<string, Planned[]>();
  const unbatchable: Planned[] = [];
  for (const p of planned) {
    if (!p.location) {
      unbatchable.push(p);
      continue;
    }
    const key = `${p.location.toLowerCase()}|${p.kind}|${p.plan}`;
    const group = groups.get(key) ?? [];
    group.push(p);
    groups.set(key, group);
  }
  const batches = [...groups.values()].flatMap((g) => chunk(g, MAX_RESOURCES_PER_BATCH));
  const tick = ctx.progress.phase('metrics (batch)', batches.length);
  const left: Planned[] = [...unbatchable];
  const send = async (batch: Planned[], index: number): Promise<void> => {
    const first = batch[0]!;
    const q = first.query;
    const options: MetricsQueryResourcesOptions & { abortSignal?: AbortSignal } = {
      startTime: window.start,
      endTime: window.end,
      interval: window.interval,
      aggregation: q.aggregations.join(','),
      ...(q.filter ? { filter: q.filter, top: TOP_SERIES } : {}),
      ...(ctx.signal ? { abortSignal: ctx.signal } : {}),
    };
    const results = await call(
      ctx,
      AZURE_API.metricsBatch,
      async () => (await clientFor(first.location!)).queryResources(
        batch.map((p) => p.query.resourceId),
        q.metricNames,
        NAMESPACE[first.kind],
        options,
      ),
      { optional: true },
    ).finally(tick);
    const byResource = new Map((results ?? []).filter((r) => r.resourceId).map((r) => [idKey(r.resourceId as string), r]));
    for (const p of batch) {
      const result = byResource.get(idKey(p.query.resourceId));
      if (!result) {
        left.push(p);
        continue;
      }
      p.query.batchId = `b${index}`;
      responses[p.query.id] = toMetricsResponse(result, p.query.metricNames, window.timespan, window.interval);
    }
  };
  // One call first: an identity without the data action (403), a token refused for the data plane (401) or an
  // endpoint that does not answer fails every batch alike, so then the rest go per resource at once.
  const [first, ...rest] = batches;
  if (!first) return left;
  const errorsBefore = ctx.errors.length;
  await send(first, 0);
  const refused = ctx.errors
    .slice(errorsBefore)
    .some((e) => e.api === AZURE_API.metricsBatch.operation && (e.httpStatus === undefined || e.httpStatus === 401 || e.httpStatus === 403));
  if (refused) {
    for (const batch of rest) {
      left.push(...batch);
      tick();
    }
    return left;
  }
  await Promise.all(rest.map((batch, i) => send(batch, i + 1)));
  return left;
}
