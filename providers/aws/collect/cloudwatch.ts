/**
 * CloudWatch metrics of the load balancers and their target groups (GetMetricData), as listed in
 * providers/aws/metrics-catalog.ts. SDK calls only: each query is recorded so normalize can map results back.
 */
import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { LoadBalancer, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
import { AWS_METRICS, periodFor, type AwsMetricSpec } from '../metrics-catalog.js';
import type { AwsMetricQuery } from '../raw.js';
import { classicLoadBalancerArn } from '../arns.js';
import { chunk, mapInOrder, paginate, sendOptions, type CollectContext } from './context.js';

/** GetMetricData accepts at most 500 queries per call. */
const QUERIES_PER_CALL = 500;

/** The `LoadBalancer` dimension: the ARN after `:loadbalancer/`, e.g. `app/web/50dc6c495c0c9188`. */
export function loadBalancerDimension(arn: string): string {
  const i = arn.indexOf(':loadbalancer/');
  return i >= 0 ? arn.slice(i + ':loadbalancer/'.length) : arn;
}

/** The `TargetGroup` dimension: the ARN after the last `:`, e.g. `targetgroup/web/73e2d6bc24d8a067`. */
export function targetGroupDimension(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

export { classicLoadBalancerArn } from '../arns.js';

export interface MetricSources {
  loadBalancers: LoadBalancer[];
  targetGroups: TargetGroup[];
  classicLoadBalancers: LoadBalancerDescription[];
  account?: string;
}

/** Every query of the catalog for every load balancer and each of its target groups, ids `m0`, `m1`, ... */
export function buildMetricQueries(region: string, sources: MetricSources, periodSeconds: number): AwsMetricQuery[] {
  const queries: AwsMetricQuery[] = [];
  const add = (spec: AwsMetricSpec, resourceArn: string, dimensions: AwsMetricQuery['dimensions']) => {
    queries.push({ id: `m${queries.length}`, resourceArn, namespace: spec.namespace, metricName: spec.metricName, stat: spec.stat, dimensions, periodSeconds });
  };
  for (const lb of sources.loadBalancers) {
    const arn = lb.LoadBalancerArn;
    if (!arn) continue;
    const specs = lb.Type === 'application' ? AWS_METRICS.application : lb.Type === 'network' ? AWS_METRICS.network : undefined;
    if (!specs) continue;
    const lbDim = { Name: 'LoadBalancer', Value: loadBalancerDimension(arn) };
    const pools = sources.targetGroups.filter((tg) => tg.TargetGroupArn && tg.LoadBalancerArns?.includes(arn));
    for (const spec of specs.filter((s) => s.level === 'lb')) add(spec, arn, [lbDim]);
    for (const tg of pools) {
      const tgArn = tg.TargetGroupArn!;
      for (const spec of specs.filter((s) => s.level === 'pool')) {
        add(spec, tgArn, [{ Name: 'TargetGroup', Value: targetGroupDimension(tgArn) }, lbDim]);
      }
    }
  }
  for (const lb of sources.classicLoadBalancers) {
    const name = lb.LoadBalancerName;
    if (!name) continue;
    const arn = classicLoadBalancerArn(region, sources.account, name);
    for (const spec of AWS_METRICS.classic) add(spec, arn, [{ Name: 'LoadBalancerName', Value: name }]);
  }
  return queries;
}

export interface CloudWatchCollected {
  window?: { start: string; end: string; periodSeconds: number };
  queries: AwsMetricQuery[];
  results: MetricDataResult[];
}

function toSdkQuery(q: AwsMetricQuery): MetricDataQuery {
  return {
    Id: q.id,
    MetricStat: { Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: q.dimensions }, Period: q.periodSeconds, Stat: q.stat },
    ReturnData: true,
  };
}

/** GetMetricData pages split one query's points across pages; join them so each query has one result. */
function mergeResults(pages: MetricDataResult[][]): Map<string, MetricDataResult> {
  const byId = new Map<string, MetricDataResult>();
  for (const result of pages.flat()) {
    if (!result.Id) continue;
    const prior = byId.get(result.Id);
    if (!prior) {
      byId.set(result.Id, { ...result, Timestamps: [...(result.Timestamps ?? [])], Values: [...(result.Values ?? [])] });
      continue;
    }
    prior.Timestamps!.push(...(result.Timestamps ?? []));
    prior.Values!.push(...(result.Values ?? []));
    if (result.StatusCode) prior.StatusCode = result.StatusCode;
    if (result.Messages?.length) prior.Messages = [...(prior.Messages ?? []), ...result.Messages];
  }
  return byId;
}

/**
 * Queries the window [now − windowSeconds, now]. The queries of a failed call are dropped from `queries`
 * (the error is recorded), so a recorded query without data points really had none.
 */
export async function collectCloudWatch(ctx: CollectContext, sources: MetricSources, now: Date, windowSeconds: number): Promise<CloudWatchCollected> {
  if (windowSeconds <= 0) return { queries: [], results: [] };
  const { cloudwatch: sdk } = ctx.sdk;
  const client = ctx.clients.cloudwatch;
  const periodSeconds = periodFor(windowSeconds);
  const end = new Date(now.getTime());
  const start = new Date(now.getTime() - windowSeconds * 1000);
  const queries = buildMetricQueries(ctx.region, sources, periodSeconds);
  const batches = chunk(queries, QUERIES_PER_CALL);
  const tick = ctx.progress.phase('cloudwatch', batches.length);

  const answered = await mapInOrder(batches, async (batch) => {
    const MetricDataQueries = batch.map(toSdkQuery);
    const pages = await paginate(
      ctx,
      'cloudwatch:GetMetricData',
      (NextToken) =>
        client.send(new sdk.GetMetricDataCommand({ MetricDataQueries, StartTime: start, EndTime: end, ScanBy: 'TimestampAscending', NextToken }), sendOptions(ctx)),
      (page) => page.NextToken,
    );
    tick();
    return pages ? { batch, results: pages.map((p) => p.MetricDataResults ?? []) } : undefined;
  });

  const kept: AwsMetricQuery[] = [];
  const results: MetricDataResult[] = [];
  for (const done of answered) {
    if (!done) continue;
    const byId = mergeResults(done.results);
    for (const q of done.batch) {
      kept.push(q);
      const r = byId.get(q.id);
      if (r) results.push(r);
    }
  }
  const collected: CloudWatchCollected = { queries: kept, results };
  if (batches.length === 0 || kept.length > 0) {
    collected.window = { start: start.toISOString(), end: end.toISOString(), periodSeconds };
  }
  return collected;
}
