/**
 * Azure Monitor metrics of the audited resources: one `metrics` call per resource and plan of metrics-catalog.ts
 * (the plans group the metric names that share a `$filter`, at most 20 names a call).
 */
import type { AzureMetricQuery } from '../raw.js';
import { AZURE_API } from '../apis.js';
import { isoDuration, MAX_METRIC_NAMES_PER_CALL, METRIC_PLANS, metricIntervalSeconds } from '../metrics-catalog.js';
import type { SubscriptionClients } from './clients.js';
import type { CallContext } from './context.js';
import { call } from './context.js';
import type { Audited } from './resources.js';

/** Series split by a dimension are capped at `top` (default 10): enough for every backend pool of a gateway. */
const TOP_SERIES = 100;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function collectMetrics(ctx: CallContext, clients: SubscriptionClients, audited: Audited, now: Date, windowSeconds: number) {
  type Response = Awaited<ReturnType<SubscriptionClients['monitor']['metrics']['list']>>;
  const responses: Record<string, Response> = {};
  if (windowSeconds <= 0) return { queries: [] as AzureMetricQuery[], responses };
  const end = new Date(now.getTime());
  const start = new Date(now.getTime() - windowSeconds * 1000);
  const intervalSeconds = metricIntervalSeconds(windowSeconds);
  const resources = [
    ...(audited.applicationGateways ?? []).filter((g) => g.id).map((g) => ({ id: g.id as string, kind: 'azure-appgw' as const })),
    ...(audited.loadBalancers ?? []).filter((l) => l.id).map((l) => ({ id: l.id as string, kind: 'azure-lb' as const })),
  ];
  const queries: AzureMetricQuery[] = [];
  for (const r of resources) {
    for (const plan of METRIC_PLANS.filter((p) => p.kind === r.kind)) {
      for (const names of chunk(plan.metricNames, MAX_METRIC_NAMES_PER_CALL)) {
        queries.push({
          id: `q${queries.length}`,
          resourceId: r.id,
          metricNames: names,
          aggregations: plan.aggregations,
          ...(plan.filter ? { filter: plan.filter } : {}),
          intervalSeconds,
        });
      }
    }
  }
  const tick = ctx.progress.phase('metrics', queries.length);
  const timespan = `${start.toISOString()}/${end.toISOString()}`;
  await Promise.all(
    queries.map(async (q) => {
      const response = await call(
        ctx,
        AZURE_API.listMetrics,
        () =>
          // The SDK's URL template adds its own leading slash.
          clients.monitor.metrics.list(q.resourceId.replace(/^\/+/, ''), {
            timespan,
            interval: isoDuration(q.intervalSeconds),
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
  return { window: { start: start.toISOString(), end: end.toISOString() }, queries, responses };
}
