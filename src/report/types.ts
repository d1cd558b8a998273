import type { CoverageGap, Scope } from '../model/index.js';
import type { CheckResult, Severity, Status } from '../engine/result.js';
import type { CoverageSummary } from '../engine/coverage-verdict.js';

export const REPORT_SCHEMA_VERSION = 1;

/** The coverage fields are absent in reports written before cloud502 judged coverage. */
export interface ReportSummary extends Partial<CoverageSummary> {
  total: number;
  byStatus: Record<Status, number>;
  /** Counts of `fail` results by severity. */
  failuresBySeverity: Record<Severity, number>;
  loadBalancers: number;
  /** Most severe failing severity, or null when nothing fails. */
  highestSeverity: Severity | null;
  checksRun: number;
}

/**
 * The JSON report: a published contract (schema/report.schema.json). Every other format renders from it.
 */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'cloud502'; version: string };
  generatedAt: string;
  /** When the audited data was collected (equals generatedAt for live audits). */
  collectedAt: string;
  /** True when the audit ran on the bundled demo environment. */
  demo: boolean;
  source: { kind: 'live' | 'snapshot' | 'demo'; path?: string };
  metricsWindowSeconds?: number;
  scopes: Scope[];
  coverage: CoverageGap[];
  summary: ReportSummary;
  results: CheckResult[];
}
