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
import type { AwsCollectionError } from '../raw.js';
import { ACCESS_DENIED_CODES } from '../normalize/apis.js';
import { breakerOpen, chunk, DEADLINE_EXCEEDED, mapInOrder, paginate, type CollectContext } from './context.js';

const GET_METRIC_DATA = 'cloudwatch:GetMetricData';

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

/** The answered pages of a batch, or the failures of its call (not yet recorded). */
type FailedBatch = { batch: AwsMetricQuery[]; failures: AwsCollectionError[] };
type BatchOutcome = { batch: AwsMetricQuery[]; pages: MetricDataResult[][] } | FailedBatch;

/**
 * Whether halving a failed batch can help: a 5xx, a timeout, an unparseable answer or a query the service rejects can
 * be the batch's own (its size, one bad query); a denied permission, exhausted throttling or the deadline cannot.
 */
function worthSplitting(ctx: CollectContext, failures: readonly AwsCollectionError[]): boolean {
  if (ctx.deadline?.aborted || breakerOpen(ctx, GET_METRIC_DATA)) return false;
  return failures.every((f) => !ACCESS_DENIED_CODES.has(f.code) && f.code !== DEADLINE_EXCEEDED && !/^(Throttling|ThrottlingException|RequestLimitExceeded)$/.test(f.code));
}

/**
 * A failure about the API as a whole (a denied permission, the deadline) is recorded once for the region; one about
 * a batch, per resource of the batch, so the coverage names whose metrics are missing.
 */
function recordFailures(ctx: CollectContext, failures: readonly AwsCollectionError[]): void {
  for (const f of failures) {
    const entry: AwsCollectionError = ACCESS_DENIED_CODES.has(f.code) || f.code === DEADLINE_EXCEEDED ? (({ resourceId: _, ...whole }) => whole)(f) : f;
    // Two halves of a split batch can both be about one resource.
    if (!ctx.errors.some((e) => e.api === entry.api && e.code === entry.code && e.resourceId === entry.resourceId)) ctx.errors.push(entry);
  }
}

/**
 * Queries the window [now − windowSeconds, now]. A batch whose call fails after its retries is split in halves and
 * retried, so one failing call (an HTTP 500, a timeout, one query the service rejects) loses only the queries it
 * cannot do without, not every metric of the region: when one half succeeds, the other is split again (a binary
 * search for the bad queries); when both fail, the API itself is failing and both are recorded. The queries of a
 * failed call are dropped from `queries` (the error is recorded per resource), so a recorded query without data
 * points really had none.
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

  const attempt = async (batch: AwsMetricQuery[]): Promise<BatchOutcome> => {
    const MetricDataQueries = batch.map(toSdkQuery);
    const failures: AwsCollectionError[] = [];
    const pages = await paginate(
      ctx,
      GET_METRIC_DATA,
      (NextToken, send) =>
        client.send(new sdk.GetMetricDataCommand({ MetricDataQueries, StartTime: start, EndTime: end, ScanBy: 'TimestampAscending', NextToken }), send),
      (page) => page.NextToken,
      { resourceIds: [...new Set(batch.map((q) => q.resourceArn))], errors: failures, requires: 'MetricDataResults' },
    );
    return pages ? { batch, pages: pages.map((p) => p.MetricDataResults ?? []) } : { batch, failures };
  };

  /** A failed batch, halved; each half that fails while its sibling succeeds is halved again. */
  const split = async (failed: FailedBatch): Promise<BatchOutcome[]> => {
    if (failed.batch.length <= 1 || !worthSplitting(ctx, failed.failures)) return [failed];
    const middle = Math.ceil(failed.batch.length / 2);
    const halves = await Promise.all([attempt(failed.batch.slice(0, middle)), attempt(failed.batch.slice(middle))]);
    if (halves.every((h) => 'failures' in h)) return halves;
    return (await Promise.all(halves.map((h) => ('failures' in h ? split(h) : [h])))).flat();
  };

  const answered = await mapInOrder(batches, async (batch) => {
    const first = await attempt(batch);
    const outcomes = 'failures' in first ? await split(first) : [first];
    tick();
    return outcomes;
  });

  const kept: AwsMetricQuery[] = [];
  const results: MetricDataResult[] = [];
  for (const done of answered.flat()) {
    if ('failures' in done) {
      recordFailures(ctx, done.failures);
      continue;
    }
    const byId = mergeResults(done.pages);
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
