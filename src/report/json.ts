/**
 * Builds the JSON report (the published contract, schema/report.schema.json) and renders it.
 * Every other format renders from the {@link Report} built here.
 */
import type { CheckResult, Severity, Status } from '../engine/result.js';
import { SEVERITIES, severityRank, STATUSES } from '../engine/result.js';
import type { Inventory } from '../model/index.js';
import type { Report, ReportSummary } from './types.js';
import { REPORT_SCHEMA_VERSION } from './types.js';

export interface BuildReportInput {
  inventory: Inventory;
  results: CheckResult[];
  /** Checks that were evaluated (selected, enabled, and for a provider present in the inventory). */
  checksRun: number;
  source: Report['source'];
  /** When the report is built; for a live audit, equal to the collection time in practice. */
  generatedAt: Date;
  toolVersion: string;
}

/** Order of statuses in a report: what needs action first. */
const STATUS_ORDER: Readonly<Record<Status, number>> = {
  fail: 0,
  error: 1,
  unknown: 2,
  suppressed: 3,
  pass: 4,
  not_applicable: 5,
};

/**
 * Sorts results: failures first, most severe first; then errors and unknowns; then suppressed, passes and
 * not-applicable. Equal keys keep their evaluation order (check catalog order), so the output is stable.
 */
export function sortResults(results: readonly CheckResult[]): CheckResult[] {
  return [...results].sort((a, b) => {
    const byStatus = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    if (byStatus !== 0) return byStatus;
    return a.status === 'fail' ? severityRank(a.severity) - severityRank(b.severity) : 0;
  });
}

export function summarize(results: readonly CheckResult[], loadBalancers: number, checksRun: number): ReportSummary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const failuresBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const r of results) {
    byStatus[r.status] += 1;
    if (r.status === 'fail') failuresBySeverity[r.severity] += 1;
  }
  const highestSeverity = SEVERITIES.find((s) => failuresBySeverity[s] > 0) ?? null;
  return { total: results.length, byStatus, failuresBySeverity, loadBalancers, highestSeverity, checksRun };
}

export function buildReport(input: BuildReportInput): Report {
  const { inventory } = input;
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'cloud502', version: input.toolVersion },
    generatedAt: input.generatedAt.toISOString(),
    collectedAt: inventory.collectedAt,
    demo: inventory.demo === true || input.source.kind === 'demo',
    source: { ...input.source },
    scopes: inventory.scopes,
    coverage: inventory.coverage,
    summary: summarize(input.results, inventory.loadBalancers.length, input.checksRun),
    results: sortResults(input.results),
  };
  if (inventory.metricsWindowSeconds !== undefined) report.metricsWindowSeconds = inventory.metricsWindowSeconds;
  return report;
}

/** Failures at or above a severity: what decides exit code 1. */
export function failuresAtOrAbove(report: Report, threshold: Severity): number {
  return SEVERITIES.filter((s) => severityRank(s) <= severityRank(threshold)).reduce(
    (acc, s) => acc + report.summary.failuresBySeverity[s],
    0,
  );
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
