/**
 * One report from the reports of disjoint parts of an audit (the scopes of a snapshot read one at a time, the regions
 * of a scheduled audit), so that no step ever holds the inventory or the results of the whole estate: each part is
 * evaluated and built into its small report (failures in full, passes grouped, one diagnosis per load balancer), then
 * its inventory is dropped.
 *
 * Parts must not share a load balancer or a scope: causes are linked and load balancers diagnosed within a part. A check
 * that fails to evaluate is one `error` result per part it ran on, each on that part's scope.
 */
import { SEVERITIES, STATUSES, severityRank, type Severity, type Status } from '../engine/result.js';
import { coverageSummary, judgeCoverage, type CoverageVerdict } from '../engine/coverage-verdict.js';
import type { CoverageGap, Scope } from '../model/index.js';
import { causesByImpact, compareDiagnoses, diagnosisKey } from './diagnosis.js';
import { sortResults } from './json.js';
import type { CheckMeta, LoadBalancerDiagnosis, PassedGroup, Report, ReportResult, ReportSummary } from './types.js';
import { REPORT_SCHEMA_VERSION } from './types.js';

export interface AccumulatedHead {
  /** Checks that were evaluated in the whole audit (a part may hold none of a check's provider). */
  checksRun: number;
  /** Check ids in catalog order: the order of `checks` and of results with equal status and severity. */
  checkOrder?: readonly string[];
  source: Report['source'];
  generatedAt: Date;
  toolVersion: string;
  /** The audit's coverage verdict (see {@link ReportAccumulator.judge}), written into the summary. */
  coverage?: CoverageVerdict;
}

function zeroed<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Two diagnoses of one load balancer or scope (a defensive case: parts are disjoint), as one. */
function combine(a: LoadBalancerDiagnosis, b: LoadBalancerDiagnosis): LoadBalancerDiagnosis {
  const causes = [...a.causes, ...b.causes].sort((x, y) => severityRank(x.impact) - severityRank(y.impact));
  const counts = zeroed(STATUSES);
  for (const s of STATUSES) counts[s] = a.counts[s] + b.counts[s];
  return { ...a, ...(a.usersSee ?? b.usersSee ? { usersSee: (a.usersSee ?? b.usersSee)! } : {}), causes, counts, worst: causes[0]?.impact ?? null };
}

/** Collects part reports; {@link finish} gives the audit's report. */
export class ReportAccumulator {
  readonly scopes: Scope[] = [];
  readonly coverage: CoverageGap[] = [];
  private readonly results: ReportResult[] = [];
  private readonly passed: PassedGroup[] = [];
  private readonly diagnoses = new Map<string, LoadBalancerDiagnosis>();
  private readonly checks = new Map<string, CheckMeta>();
  private readonly byStatus = zeroed(STATUSES);
  private readonly failuresBySeverity = zeroed(SEVERITIES);
  private total = 0;
  private loadBalancers = 0;
  private demo = false;
  private collectedAt: string | undefined;
  private metricsWindowSeconds: number | undefined;

  /** Adds a part's report; the accumulator takes its results and groups over. */
  add(part: Report): void {
    this.scopes.push(...part.scopes);
    this.coverage.push(...part.coverage);
    for (const r of part.results) this.results.push(r);
    for (const g of part.passed ?? []) this.passed.push(g);
    for (const d of part.diagnosis ?? []) {
      const key = diagnosisKey(d);
      const seen = this.diagnoses.get(key);
      this.diagnoses.set(key, seen ? combine(seen, d) : d);
    }
    for (const [id, meta] of Object.entries(part.checks ?? {})) if (!this.checks.has(id)) this.checks.set(id, meta);
    for (const s of STATUSES) this.byStatus[s] += part.summary.byStatus[s];
    for (const s of SEVERITIES) this.failuresBySeverity[s] += part.summary.failuresBySeverity[s];
    this.total += part.summary.total;
    this.loadBalancers += part.summary.loadBalancers;
    this.demo ||= part.demo;
    // Parts of one audit share their collection time; the latest stands for all should they differ, as when
    // inventories are merged.
    if (this.collectedAt === undefined || part.collectedAt > this.collectedAt) this.collectedAt = part.collectedAt;
    this.metricsWindowSeconds ??= part.metricsWindowSeconds;
  }

  /** The coverage verdict of everything added so far: whether the audit saw anything, and what it missed. */
  judge(): CoverageVerdict {
    return judgeCoverage({ scopes: this.scopes, coverage: this.coverage, loadBalancers: { length: this.loadBalancers } });
  }

  /** Adds coverage gaps that belong to no part (a region that could not be audited at all). */
  addCoverage(gaps: readonly CoverageGap[]): void {
    this.coverage.push(...gaps);
  }

  /** The audit's report: results in report order, diagnosis worst first, the summary over every part. */
  finish(head: AccumulatedHead): Report {
    const order = new Map((head.checkOrder ?? []).map((id, i) => [id, i]));
    const rank = (id: string): number => order.get(id) ?? order.size;
    // Within a status and severity, results go in catalog order, as one evaluation of the whole estate gives them.
    const byCheck = [...this.results].sort((a, b) => rank(a.checkId) - rank(b.checkId));
    const results = sortResults(byCheck);
    const diagnosis = [...this.diagnoses.values()].sort(compareDiagnoses);
    const highestSeverity: Severity | null = SEVERITIES.find((s) => this.failuresBySeverity[s] > 0) ?? null;
    const summary: ReportSummary = {
      total: this.total,
      byStatus: { ...this.byStatus } as Record<Status, number>,
      failuresBySeverity: { ...this.failuresBySeverity },
      loadBalancers: this.loadBalancers,
      highestSeverity,
      checksRun: head.checksRun,
      causesByImpact: causesByImpact(diagnosis),
      ...(head.coverage ? coverageSummary(head.coverage) : {}),
    };
    const ids = [...this.checks.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const generatedAt = head.generatedAt.toISOString();
    const report: Report = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'cloud502', version: head.toolVersion },
      generatedAt,
      collectedAt: this.collectedAt ?? generatedAt,
      demo: this.demo || head.source.kind === 'demo',
      source: { ...head.source },
      scopes: this.scopes,
      coverage: this.coverage,
      summary,
      checks: Object.fromEntries(ids.map((id) => [id, this.checks.get(id)!])),
      diagnosis,
      results,
    };
    if (this.passed.length) report.passed = this.passed;
    if (this.metricsWindowSeconds !== undefined) report.metricsWindowSeconds = this.metricsWindowSeconds;
    return report;
  }
}
