/**
 * Post-steps over check results that need the whole result set or the metrics, which a single pure check cannot see:
 *
 * - {@link enrichWithEvidence} attaches the load balancer's 5xx / error / latency series to every fail and unknown
 *   result on a load balancer, and raises a failure's severity one level when the load balancer itself returned the
 *   5xx that the finding causes (DESIGN.md "Severity may be raised by evidence");
 * - {@link resolveUnexplained} turns `evidence/observed-5xx-unexplained` failures into passes when another failing
 *   check on the same load balancer causes the observed status codes.
 *
 * Both are pure (new arrays and objects, inputs untouched) and idempotent (applying them twice changes nothing).
 */
import type { Inventory, MetricName, MetricSeries } from '../model/index.js';
import { indexInventory, metricSum } from '../model/index.js';
import type { AuditConfig } from './config.js';
import type { CheckResult, Evidence, MetricEvidence } from './result.js';
import { raiseSeverity } from './result.js';

/** Most points kept per series in evidence: one day at 5-minute periods. */
export const EVIDENCE_MAX_POINTS = 288;

/** The check whose failures {@link resolveUnexplained} resolves. */
export const UNEXPLAINED_CHECK_ID = 'evidence/observed-5xx-unexplained';

/** Status codes a load balancer generates itself, per normalized metric. */
export const LB_STATUS_METRICS: ReadonlyArray<{ code: 502 | 503 | 504; name: MetricName }> = [
  { code: 502, name: 'lb.http.502' },
  { code: 503, name: 'lb.http.503' },
  { code: 504, name: 'lb.http.504' },
];

/** Series kept per load balancer (always looked up on the load balancer id). */
const LB_LEVEL: readonly MetricName[] = ['lb.http.502', 'lb.http.503', 'lb.http.504', 'lb.http.5xx', 'target.tls-errors'];
/** Series kept per pool when the result is about a pool; looked up on the pool id, then on the load balancer id (Classic ELB). */
const POOL_LEVEL: readonly MetricName[] = ['target.http.5xx', 'target.connection-errors', 'target.latency.p99', 'target.latency.max'];

const RAISE_CODES = new Set([502, 503, 504]);

export interface EvidenceOptions {
  /** Points kept per series (default {@link EVIDENCE_MAX_POINTS}); longer series are aggregated into buckets. */
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
  return how === 'max' ? Math.max(...values) : Math.min(...values);
}

/**
 * One series as {@link MetricEvidence}: folded over the window by {@link aggregationOf}, with at most `maxPoints`
 * points (consecutive periods are merged the same way when the series is longer).
 */
export function metricEvidence(series: MetricSeries, maxPoints = EVIDENCE_MAX_POINTS, fallbackWindowSeconds?: number): MetricEvidence {
  const how = aggregationOf(series);
  const limit = Math.max(1, Math.floor(maxPoints));
  const bucket = Math.max(1, Math.ceil(series.points.length / limit));
  const points: Array<[string, number]> = [];
  for (let i = 0; i < series.points.length; i += bucket) {
    const slice = series.points.slice(i, i + bucket);
    points.push([slice[0]!.t, fold(slice.map((p) => p.v), how)]);
  }
  return {
    name: series.name,
    providerName: series.providerName,
    statistic: series.aggregation,
    aggregation: how,
    value: fold(series.points.map((p) => p.v), how),
    unit: series.unit,
    windowSeconds: windowSecondsOf(series, fallbackWindowSeconds),
    points,
  };
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
export function statusCodesOf(result: CheckResult): number[] {
  const narrowed = result.evidence.details?.statusCodes;
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

/**
 * Attaches the matching load-balancer metrics to every `fail` / `unknown` result whose resource has a
 * `loadBalancerId`, and raises a failure one severity level when the load balancer returned, in the window, an
 * LB-generated 502/503/504 that the finding causes. The raise is recorded in `evidence.details.raisedBy` (and the
 * original severity in `evidence.details.raisedFrom`); results of the `evidence` family, results already raised (by a
 * previous enrichment, or by the check itself when it set its severity from the same metrics and recorded `raisedBy`)
 * and severities pinned in the config are left as they are.
 *
 * Metrics already present in a result's evidence (same name) are kept as the check wrote them.
 *
 * @example
 * const results = resolveUnexplained(enrichWithEvidence(runChecks(inv, checks, config), inv, { config }));
 */
export function enrichWithEvidence(results: CheckResult[], inv: Inventory, options: EvidenceOptions = {}): CheckResult[] {
  const index = indexInventory(inv);
  const maxPoints = options.maxPoints ?? EVIDENCE_MAX_POINTS;
  return results.map((result) => {
    const lbId = result.resource.loadBalancerId;
    if (!lbId || (result.status !== 'fail' && result.status !== 'unknown')) return result;

    const poolId = result.resource.kind === 'backend-pool' ? result.resource.id : undefined;
    const found: MetricSeries[] = [];
    for (const name of LB_LEVEL) {
      const s = index.metric(lbId, name);
      if (s) found.push(s);
    }
    for (const name of POOL_LEVEL) {
      const s = (poolId ? index.metric(poolId, name) : undefined) ?? index.metric(lbId, name);
      if (s) found.push(s);
    }
    const existing = result.evidence.metrics ?? [];
    const have = new Set(existing.map((m) => m.name));
    const added = found.filter((s) => !have.has(s.name)).map((s) => metricEvidence(s, maxPoints, inv.metricsWindowSeconds));
    const evidence: Evidence = { ...result.evidence, ...(existing.length || added.length ? { metrics: [...existing, ...added] } : {}) };

    let severity = result.severity;
    const pinned = options.config?.checks?.[result.checkId]?.severity !== undefined;
    const alreadyRaised = result.evidence.details?.raisedBy !== undefined;
    if (result.status === 'fail' && result.family !== 'evidence' && !pinned && !alreadyRaised) {
      const codes = statusCodesOf(result).filter((c) => RAISE_CODES.has(c));
      const observed = codes.length ? observedLbStatus(inv, lbId, index) : undefined;
      if (observed) {
        const seen = codes.filter((c) => (observed.counts.get(c) ?? 0) > 0);
        if (seen.length > 0) {
          const window = describeWindow(inv.metricsWindowSeconds);
          const what = observed.perCode
            ? seen.map((c) => `lb.http.${c} = ${observed.counts.get(c)}`).join(', ')
            : `lb.http.5xx = ${observed.counts.get(seen[0]!)} (the load balancer reports 5xx without the code)`;
          severity = raiseSeverity(result.severity);
          evidence.details = {
            ...evidence.details,
            raisedBy: `${result.resource.loadBalancerName ?? lbId} returned LB-generated ${seen.join('/')} in the last ${window} (${what}); this finding causes ${codes.join('/')}: ${result.severity} → ${severity}`,
            raisedFrom: result.severity,
          };
        }
      }
    }
    return { ...result, severity, evidence };
  });
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
