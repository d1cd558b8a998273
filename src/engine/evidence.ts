/**
 * Post-steps over check results that need the whole result set or the metrics, which a single pure check cannot see:
 *
 * - {@link enrichWithEvidence} attaches metric *summaries* (total, peak, p99 over the window, the provider's metric
 *   name and the level the metric is judged against) to every fail and unknown result on a load balancer, and raises
 *   a failure's severity by the rule of {@link judgeRaise};
 * - {@link resolveUnexplained} turns `evidence/observed-5xx-unexplained` failures into passes when another failing
 *   check on the same load balancer causes the observed status codes.
 *
 * {@link enrichWithEvidence} also keeps "no data" apart from "zero": a series without a single data point in the window
 * is not a value (CloudWatch publishes no point when nothing was reported), so it leaves `evidence.metrics` (where it
 * would read `pool.healthy-hosts.min = 0`) and is named under `evidence.details.noDataPoints` instead.
 *
 * Both are pure (new arrays and objects, inputs untouched) and idempotent (applying them twice changes nothing).
 */
import type { BackendPool, Inventory, InventoryIndex, LoadBalancer, MetricName, MetricSeries } from '../model/index.js';
import { indexInventory, metricSum } from '../model/index.js';
import type { AuditConfig } from './config.js';
import type { CheckResult, Evidence, MetricEvidence, MetricThreshold, Severity } from './result.js';
import { raiseSeverity } from './result.js';

/** Most points kept per series with `--include-series`: one day at 5-minute periods. */
export const EVIDENCE_MAX_POINTS = 288;

/** The check whose failures {@link resolveUnexplained} resolves. */
export const UNEXPLAINED_CHECK_ID = 'evidence/observed-5xx-unexplained';

/**
 * A metric raise to critical needs the observed 5xx of the finding's kind to be at least this share of the requests:
 * critical means "most or all traffic fails now", and 103 errors in a million requests is not that.
 */
export const CRITICAL_SHARE = 0.5;

/** Status codes a load balancer generates itself, per normalized metric. */
export const LB_STATUS_METRICS: ReadonlyArray<{ code: 502 | 503 | 504; name: MetricName }> = [
  { code: 502, name: 'lb.http.502' },
  { code: 503, name: 'lb.http.503' },
  { code: 504, name: 'lb.http.504' },
];

/** Series kept per pool when the result is about a pool; looked up on the pool id, then on the load balancer id (Classic ELB). */
const POOL_LEVEL: readonly MetricName[] = ['target.connection-errors', 'target.http.5xx', 'target.latency.p99', 'target.latency.max', 'pool.unhealthy-hosts.max'];

const RAISE_CODES = new Set([502, 503, 504]);

/**
 * Findings about a failure that has not happened yet: present 5xx cannot be of their kind, so metrics never raise
 * them (a certificate that expires in three weeks serves every request today). Keyed by check id and message id.
 */
export const LATENT_FINDINGS: ReadonlyArray<{ checkId: string; messageId: string }> = [
  { checkId: 'tls/listener-certificate-expiry', messageId: 'expiresSoon' },
];

/**
 * Pool-level metrics that show, on the pool itself, a status code the load balancer returns: a failed connection or
 * TLS handshake to a target is answered with 502.
 */
const POOL_STATUS_SIGNALS: ReadonlyArray<{ code: 502 | 503 | 504; name: MetricName; what: string }> = [
  { code: 502, name: 'target.connection-errors', what: 'failed connections to its targets' },
  { code: 502, name: 'target.tls-errors', what: 'failed TLS handshakes with its targets' },
];

export interface EvidenceOptions {
  /** Keep the per-period points of every series (`--include-series`); otherwise only the summaries. */
  includeSeries?: boolean;
  /** Points kept per series with `includeSeries` (default {@link EVIDENCE_MAX_POINTS}); longer series are merged. */
  maxPoints?: number;
  /** Severities pinned in the config (`checks.<id>.severity`) are never raised. */
  config?: AuditConfig;
}

/** Length of a series' window in seconds, falling back to the inventory's metrics window. */
function windowSecondsOf(series: MetricSeries, fallback: number | undefined): number {
  const span = (Date.parse(series.windowEnd) - Date.parse(series.windowStart)) / 1000;
  if (Number.isFinite(span) && span > 0) return span;
  return fallback ?? series.periodSeconds * series.points.length;
}

/**
 * How a series folds over time, by its statistic: counts add up; maxima, percentiles and latencies keep the peak;
 * minima (HealthyHostCount Minimum) keep the trough. Summing a gauge would report "288 unhealthy hosts" for one host.
 */
export function aggregationOf(series: Pick<MetricSeries, 'aggregation' | 'unit'>): 'sum' | 'max' | 'min' {
  if (series.aggregation === 'min') return 'min';
  if (series.aggregation === 'sum' && series.unit === 'count') return 'sum';
  return 'max';
}

function fold(values: number[], how: 'sum' | 'max' | 'min'): number {
  if (values.length === 0) return 0;
  if (how === 'sum') return values.reduce((a, v) => a + v, 0);
  // A loop, not Math.max(...values): a long series would overflow the argument list.
  let acc = values[0]!;
  for (const v of values) acc = how === 'max' ? Math.max(acc, v) : Math.min(acc, v);
  return acc;
}

/** Nearest-rank percentile of the period values. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Rounds away floating-point noise (0.30000000000000004) without losing the precision metrics carry. */
function tidy(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/**
 * One series as {@link MetricEvidence}: its fold over the window ({@link aggregationOf}) and a summary (data points,
 * sum for counts, peak and when, p99 of the periods). With `maxPoints` > 0 the per-period points are kept too, at most
 * `maxPoints` of them (consecutive periods merged the same way when the series is longer).
 */
export function metricEvidence(series: MetricSeries, maxPoints = 0, fallbackWindowSeconds?: number): MetricEvidence {
  const how = aggregationOf(series);
  const values = series.points.map((p) => p.v);
  const ev: MetricEvidence = {
    name: series.name,
    providerName: series.providerName,
    statistic: series.aggregation,
    aggregation: how,
    value: tidy(fold(values, how)),
    unit: series.unit,
    windowSeconds: windowSecondsOf(series, fallbackWindowSeconds),
    resourceId: series.resourceId,
    periodSeconds: series.periodSeconds,
    datapoints: values.length,
  };
  if (values.length > 0) {
    if (how === 'sum') ev.sum = tidy(fold(values, 'sum'));
    let peakIndex = 0;
    values.forEach((v, i) => {
      if (v > values[peakIndex]!) peakIndex = i;
    });
    ev.peak = tidy(values[peakIndex]!);
    ev.peakAt = series.points[peakIndex]!.t;
    ev.p99 = tidy(percentile(values, 99));
  }
  if (maxPoints > 0) ev.points = pointsOf(series, maxPoints);
  return ev;
}

function pointsOf(series: MetricSeries, maxPoints: number): Array<[string, number]> {
  const how = aggregationOf(series);
  const limit = Math.max(1, Math.floor(maxPoints));
  const bucket = Math.max(1, Math.ceil(series.points.length / limit));
  const points: Array<[string, number]> = [];
  for (let i = 0; i < series.points.length; i += bucket) {
    const slice = series.points.slice(i, i + bucket);
    points.push([slice[0]!.t, tidy(fold(slice.map((p) => p.v), how))]);
  }
  return points;
}

/** A window length for messages: `24 h`, `90 min`, `45 s`, `7 d`. */
export function describeWindow(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'metrics window';
  if (seconds >= 172_800 && seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds >= 3_600 && seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * The status codes a result is about: `evidence.details.statusCodes` when the check narrowed them for this resource
 * (e.g. 502 on an ALB, 504 on a Classic ELB), otherwise the check's `causes`.
 */
export function statusCodesOf(result: Pick<CheckResult, 'causes'> & { evidence?: Evidence }): number[] {
  const narrowed = result.evidence?.details?.statusCodes;
  if (Array.isArray(narrowed) && narrowed.every((c) => typeof c === 'number')) return narrowed as number[];
  return result.causes;
}

/**
 * Counts of LB-generated 502/503/504 over the window. `perCode` is false when only the aggregate `lb.http.5xx` exists
 * (Classic ELB `HTTPCode_ELB_5XX`), in which case the count is reported under every code. Undefined when none of
 * these series was collected.
 */
export function observedLbStatus(
  inv: Inventory,
  loadBalancerId: string,
  index = indexInventory(inv),
): { counts: Map<number, number>; perCode: boolean; series: MetricSeries[] } | undefined {
  const perCode = LB_STATUS_METRICS.map((m) => ({ ...m, series: index.metric(loadBalancerId, m.name) })).filter(
    (m): m is typeof m & { series: MetricSeries } => m.series !== undefined,
  );
  if (perCode.length > 0) {
    return { counts: new Map(perCode.map((m) => [m.code, metricSum(m.series) ?? 0])), perCode: true, series: perCode.map((m) => m.series) };
  }
  const aggregate = index.metric(loadBalancerId, 'lb.http.5xx');
  if (!aggregate) return undefined;
  const total = metricSum(aggregate) ?? 0;
  return { counts: new Map([502, 503, 504].map((c) => [c, total])), perCode: false, series: [aggregate] };
}

/** True for a finding about a failure still to come ({@link LATENT_FINDINGS}). */
export function isLatent(result: Pick<CheckResult, 'checkId' | 'messageId'>): boolean {
  return LATENT_FINDINGS.some((l) => l.checkId === result.checkId && l.messageId === result.messageId);
}

/** The traffic a finding affects, as far as metrics can attribute 5xx to it. */
type AffectedScope =
  | { level: 'load-balancer'; lb: LoadBalancer; label: string }
  | { level: 'pool'; lb: LoadBalancer; pool: BackendPool; label: string };

/**
 * Where a finding's 5xx would show. A finding on the load balancer or a listener owns the load balancer's own
 * counters; so does a pool finding when the pool is the only one the load balancer routes to (all its traffic goes
 * there). A pool among several owns only its pool-level counters: the load balancer's 502 cannot be pinned on it.
 */
function affectedScope(result: CheckResult, index: InventoryIndex): AffectedScope | undefined {
  const lbId = result.resource.loadBalancerId;
  const lb = lbId ? index.loadBalancer(lbId) : undefined;
  if (!lb) return undefined;
  const lbLabel = `${lb.ref.name} (the load balancer)`;
  if (result.resource.kind === 'load-balancer' || result.resource.kind === 'listener') return { level: 'load-balancer', lb, label: lbLabel };
  const routed = index.poolsOf(lb);
  const pool = result.resource.kind === 'backend-pool' ? index.pool(result.resource.id) : undefined;
  if (routed.length <= 1 && (!pool || routed[0]?.ref.id === pool.ref.id)) {
    return { level: 'load-balancer', lb, label: `${lb.ref.name} (all its traffic goes to ${pool?.ref.name ?? result.resource.name})` };
  }
  return pool ? { level: 'pool', lb, pool, label: pool.ref.name } : undefined;
}

export interface SeverityRaise {
  severity: Severity;
  /** One sentence: what was observed where, and how the severity moved. */
  raisedBy: string;
  raisedFrom: Severity;
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(n);
}

function formatShare(errors: number, requests: number): string {
  const pct = (100 * errors) / requests;
  return `${pct >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10} % of ${formatCount(requests)} requests`;
}

/**
 * The severity rule for metrics (README "Severity"): a failure is raised one level when, in the metrics window, the
 * resource it affects returned the 5xx it causes; it is raised to critical only when those 5xx were at least
 * {@link CRITICAL_SHARE} of that resource's requests. Never raised: passes and other statuses, the evidence family,
 * severities pinned in the config, results already raised (by the check or by an earlier pass), latent findings
 * ({@link LATENT_FINDINGS}), and 5xx that cannot be attributed to the affected resource.
 */
export function judgeRaise(result: CheckResult, inv: Inventory, index: InventoryIndex, config?: AuditConfig): SeverityRaise | undefined {
  if (result.status !== 'fail' || result.family === 'evidence') return undefined;
  if (config?.checks?.[result.checkId]?.severity !== undefined) return undefined;
  if (result.evidence.details?.raisedBy !== undefined || isLatent(result)) return undefined;
  const codes = statusCodesOf(result).filter((c) => RAISE_CODES.has(c));
  if (codes.length === 0) return undefined;
  const scope = affectedScope(result, index);
  if (!scope) return undefined;
  const window = describeWindow(inv.metricsWindowSeconds);

  let seen: string[] = [];
  let errors = 0;
  let requests: number | undefined;
  if (scope.level === 'load-balancer') {
    const observed = observedLbStatus(inv, scope.lb.ref.id, index);
    if (!observed) return undefined;
    const hit = codes.filter((c) => (observed.counts.get(c) ?? 0) > 0);
    if (hit.length === 0) return undefined;
    if (observed.perCode) {
      seen = hit.map((c) => `${formatCount(observed.counts.get(c)!)} × ${c}`);
      errors = hit.reduce((a, c) => a + observed.counts.get(c)!, 0);
    } else {
      // The aggregate counts every LB-generated 5xx once, whatever its code.
      errors = observed.counts.get(hit[0]!)!;
      seen = [`${formatCount(errors)} LB-generated 5xx (the provider does not split them by code; this finding causes ${codes.join('/')})`];
    }
    requests = metricSum(index.metric(scope.lb.ref.id, 'lb.requests'));
  } else {
    for (const signal of POOL_STATUS_SIGNALS) {
      if (!codes.includes(signal.code)) continue;
      const count = metricSum(index.metric(scope.pool.ref.id, signal.name)) ?? 0;
      if (count > 0) {
        seen.push(`${formatCount(count)} ${signal.what} (${signal.name}, answered with ${signal.code})`);
        errors += count;
      }
    }
    if (seen.length === 0) return undefined;
  }

  let severity = raiseSeverity(result.severity);
  let share = '';
  if (severity === 'critical') {
    // Critical means most or all of the traffic fails now: only a majority of failed requests earns it.
    if (requests === undefined || requests <= 0 || errors / requests < CRITICAL_SHARE) severity = 'high';
    else share = ` (${formatShare(errors, requests)})`;
  }
  if (severity === result.severity) return undefined;
  return {
    severity,
    raisedFrom: result.severity,
    raisedBy: `${scope.label} returned ${seen.join(', ')} in the last ${window}, the kind of 5xx this finding causes: ${result.severity} → ${severity}${share}`,
  };
}

/** The level a normalized metric is judged against, for its chart and its reading. */
function thresholdOf(name: string, lb: LoadBalancer | undefined): MetricThreshold | undefined {
  if (name.startsWith('lb.http.') || name === 'target.connection-errors' || name === 'target.tls-errors') {
    return { value: 0, label: 'any is a failed request' };
  }
  if (name === 'pool.unhealthy-hosts.max') return { value: 0, label: 'any unhealthy target is out of rotation' };
  if (name === 'pool.healthy-hosts.min') return { value: 1, label: 'below 1 no target can serve' };
  if (name === 'target.latency.p99' || name === 'target.latency.max') {
    const limit = lb?.requestTimeoutSeconds ?? lb?.backendIdleTimeoutSeconds;
    const what = lb?.requestTimeoutSeconds ? 'request timeout' : 'idle timeout';
    if (limit) return { value: limit.value, label: `${what} ${limit.value} s: slower responses get 504` };
  }
  return undefined;
}

/** The LB-level series a result is about: its status codes, per code where the provider splits them. */
function lbSeriesFor(result: CheckResult, lbId: string, index: InventoryIndex): MetricSeries[] {
  const codes = statusCodesOf(result).filter((c) => RAISE_CODES.has(c));
  const perCode = LB_STATUS_METRICS.filter((m) => codes.includes(m.code))
    .map((m) => index.metric(lbId, m.name))
    .filter((s): s is MetricSeries => s !== undefined);
  const found = perCode.length > 0 ? perCode : [index.metric(lbId, 'lb.http.5xx')].filter((s): s is MetricSeries => s !== undefined);
  if (result.family === 'tls') {
    const tls = index.metric(lbId, 'target.tls-errors');
    if (tls) found.push(tls);
  }
  return found;
}

/**
 * Attaches metric summaries to every `fail` / `unknown` result on a load balancer: the load balancer's counters of
 * the status codes the finding causes, and the pool's own series when the result is about a pool. Raises a failure
 * by {@link judgeRaise} and records the sentence in `evidence.details.raisedBy` (the original in `raisedFrom`).
 * Metrics already present in a result's evidence (same name) are kept as the check wrote them; their points are
 * dropped unless `includeSeries`, and filled in from the inventory when it is set.
 *
 * @example
 * const results = resolveUnexplained(enrichWithEvidence(runChecks(inv, checks, config), inv, { config }));
 */
export function enrichWithEvidence(results: CheckResult[], inv: Inventory, options: EvidenceOptions = {}): CheckResult[] {
  return attachLbEvidence(results, inv, options).map((r) => separateEmptySeries(r, inv.metricsWindowSeconds));
}

/** Series that had no data point in the window, named apart from the ones that have values. */
export const NO_DATA_POINTS_KEY = 'noDataPoints';

/**
 * Moves metric evidence without a single point out of `evidence.metrics` into `evidence.details.noDataPoints`: a
 * check that attached an empty series (HealthyHostCount with no data) must not read as `pool.healthy-hosts.min = 0`.
 */
function separateEmptySeries(result: CheckResult, windowSeconds: number | undefined): CheckResult {
  const metrics = result.evidence.metrics ?? [];
  const empty = metrics.filter((m) => m.points !== undefined && m.points.length === 0);
  if (empty.length === 0) return result;
  const kept = metrics.filter((m) => !empty.includes(m));
  const { metrics: _, ...rest } = result.evidence;
  const prior = result.evidence.details?.[NO_DATA_POINTS_KEY];
  const names = [...new Set([...(typeof prior === 'string' ? prior.split(' (')[0]!.split(', ') : []), ...empty.map((m) => m.name)])];
  return {
    ...result,
    evidence: {
      ...rest,
      ...(kept.length ? { metrics: kept } : {}),
      details: { ...result.evidence.details, [NO_DATA_POINTS_KEY]: `${names.join(', ')} (no data points in the ${describeWindow(windowSeconds)} window: not zero, unknown)` },
    },
  };
}

function attachLbEvidence(results: CheckResult[], inv: Inventory, options: EvidenceOptions): CheckResult[] {
  const index = indexInventory(inv);
  const maxPoints = options.includeSeries ? (options.maxPoints ?? EVIDENCE_MAX_POINTS) : 0;
  return results.map((result) => {
    const lbId = result.resource.loadBalancerId;
    if (!lbId || (result.status !== 'fail' && result.status !== 'unknown')) return result;
    const lb = index.loadBalancer(lbId);

    const poolId = result.resource.kind === 'backend-pool' ? result.resource.id : undefined;
    const found = lbSeriesFor(result, lbId, index);
    if (poolId) {
      for (const name of POOL_LEVEL) {
        const s = index.metric(poolId, name) ?? index.metric(lbId, name);
        if (s) found.push(s);
      }
    }
    const existing = (result.evidence.metrics ?? []).map((m) => withSeriesAndThreshold(m, index, lb, maxPoints));
    const have = new Set(existing.map((m) => m.name));
    const added = found
      .filter((s) => !have.has(s.name))
      .map((s) => withSeriesAndThreshold(metricEvidence(s, maxPoints, inv.metricsWindowSeconds), index, lb, maxPoints));
    const evidence: Evidence = { ...result.evidence, ...(existing.length || added.length ? { metrics: [...existing, ...added] } : {}) };

    const raise = judgeRaise(result, inv, index, options.config);
    if (!raise) return { ...result, evidence };
    evidence.details = { ...evidence.details, raisedBy: raise.raisedBy, raisedFrom: raise.raisedFrom };
    return { ...result, severity: raise.severity, evidence };
  });
}

/** A metric with its threshold, and with its points only when series were asked for. */
function withSeriesAndThreshold(m: MetricEvidence, index: InventoryIndex, lb: LoadBalancer | undefined, maxPoints: number): MetricEvidence {
  const out: MetricEvidence = { ...m };
  const threshold = m.threshold ?? thresholdOf(m.name, lb);
  if (threshold) out.threshold = threshold;
  if (maxPoints === 0) {
    delete out.points;
  } else if (!out.points && m.resourceId) {
    const series = index.metric(m.resourceId, m.name as MetricName);
    if (series) out.points = pointsOf(series, maxPoints);
  }
  return out;
}

/**
 * Resolves `evidence/observed-5xx-unexplained` failures against the other results: a failure whose observed codes
 * (`evidence.details.observedCodes`) are all caused by other failing (or suppressed) findings on the same load balancer
 * becomes a `pass` with message "explained by <check ids>"; a partly explained one stays a failure, names what
 * explains which codes and keeps the rest as `evidence.details.unexplainedCodes`.
 */
export function resolveUnexplained(results: CheckResult[]): CheckResult[] {
  return results.map((result) => {
    if (result.checkId !== UNEXPLAINED_CHECK_ID || result.status !== 'fail') return result;
    if (result.evidence.details?.partiallyExplainedBy !== undefined) return result;
    const lbId = result.resource.loadBalancerId;
    const raw = result.evidence.details?.observedCodes;
    const observed = Array.isArray(raw) ? raw.filter((c): c is number => typeof c === 'number') : [];
    if (!lbId || observed.length === 0) return result;

    const explainers = results.filter(
      (o) =>
        o.checkId !== UNEXPLAINED_CHECK_ID &&
        (o.status === 'fail' || o.status === 'suppressed') &&
        o.resource.loadBalancerId === lbId &&
        statusCodesOf(o).some((c) => observed.includes(c)),
    );
    if (explainers.length === 0) return result;
    const ids = [...new Set(explainers.map((o) => o.checkId))].sort();
    const explained = observed.filter((c) => explainers.some((o) => statusCodesOf(o).includes(c)));
    const unexplained = observed.filter((c) => !explained.includes(c));
    const name = result.resource.loadBalancerName ?? result.resource.name;

    if (unexplained.length === 0) {
      return {
        ...result,
        status: 'pass',
        messageId: 'explained',
        message: `${name}: the LB-generated ${observed.join('/')} observed in the window are explained by ${ids.join(', ')}.`,
        evidence: { ...result.evidence, details: { ...result.evidence.details, explainedBy: ids } },
      };
    }
    return {
      ...result,
      message: `${result.message} (${explained.join('/')} explained by ${ids.join(', ')}; ${unexplained.join('/')} still unexplained.)`,
      evidence: {
        ...result.evidence,
        details: { ...result.evidence.details, partiallyExplainedBy: ids, explainedCodes: explained, unexplainedCodes: unexplained },
      },
    };
  });
}
