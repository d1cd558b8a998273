import type { CoverageGap, Provider, Scope } from '../model/index.js';
import type { CheckResult, Evidence, Family, Remediation, ResultResource, Severity, Status } from '../engine/result.js';
import type { CoverageSummary } from '../engine/coverage-verdict.js';

/** The schema version this build writes. */
export const REPORT_SCHEMA_VERSION = 2;
/**
 * Versions this build reads (`report`, `diff`, `baseline create`, the Lambda's previous report). Version 1 reports
 * repeat docs in every result and carry full metric series; everything they have, version 2 can render.
 */
export const READABLE_REPORT_SCHEMA_VERSIONS: readonly number[] = [1, 2];

/** The coverage fields are absent in reports written before cloud502 judged coverage. */
export interface ReportSummary extends Partial<CoverageSummary> {
  total: number;
  byStatus: Record<Status, number>;
  /** Counts of `fail` results by severity. */
  failuresBySeverity: Record<Severity, number>;
  /** Root causes (failures that are not a consequence of another failure) by their impact. */
  causesByImpact?: Record<Severity, number>;
  loadBalancers: number;
  /** Most severe failing severity, or null when nothing fails. */
  highestSeverity: Severity | null;
  checksRun: number;
}

/** Per-check metadata, once per report (as SARIF's rules): what results would otherwise repeat. */
export interface CheckMeta {
  title: string;
  family: Family;
  /** The check's default severity (a result's own severity may differ). */
  severity: Severity;
  /** HTTP statuses the misconfiguration causes. */
  causes: number[];
  /** Why it causes the 5xx. */
  rationale: string;
  docs: string[];
  /** The fix templates, `{{placeholders}}` filled per finding: the summary and, per provider of the report, its commands. */
  remediation: { summary: string } & Partial<Record<Provider, { cli?: string; terraform?: string; console?: string }>>;
}

/**
 * A result as the report carries it: failures in full; passes and not-applicable results compact (no evidence, fix or
 * status codes); docs in the report's `checks` instead of every result.
 */
export type ReportResult = Omit<CheckResult, 'evidence' | 'remediation' | 'docs' | 'causes'> & {
  evidence?: Evidence;
  remediation?: Remediation;
  docs?: string[];
  causes?: number[];
};

/** What a load balancer's users saw in the metrics window: the 5xx the load balancer generated itself. */
export interface UsersSee {
  /** LB-generated 502 / 503 / 504 per code; absent when the provider reports them only together or none was collected. */
  byCode?: Array<{ code: number; count: number }>;
  /** LB-generated 5xx without the code (e.g. Classic ELB), when that is all the provider reports. */
  lbGenerated5xx?: number;
  /** 5xx the targets returned themselves (the application's own errors), when collected. */
  targetGenerated5xx?: number;
  /** Layer-4 load balancers have no status codes: the TCP resets the load balancer and the targets sent. */
  lbResets?: number;
  targetResets?: number;
  requests?: number;
  windowSeconds?: number;
  /** False when none of these metrics was collected: "none observed" cannot be claimed then. */
  measured: boolean;
  /** One line: `502 × 103, 503 × 2,200 (0.4 % of 600,000 requests) in the last 24 h`, or `none observed …`. */
  summary: string;
}

export interface DiagnosisCause {
  fingerprint: string;
  /** The worst severity of the cause and everything folded under it. */
  impact: Severity;
  /** Findings folded under this cause, direct and indirect consequences, in display order. */
  consequences: string[];
}

/** One load balancer (or one scope, for findings tied to none): what users see → why → the fix. */
export interface LoadBalancerDiagnosis {
  /** Absent for the group of findings not tied to a load balancer in a scope. */
  loadBalancerId?: string;
  name: string;
  provider: Provider;
  type?: string;
  region?: string;
  account?: string;
  /** The worst impact of its causes; null when nothing fails. */
  worst: Severity | null;
  usersSee?: UsersSee;
  /** Root causes, worst impact first. */
  causes: DiagnosisCause[];
  /** Results on it by status (suppressed and passing included). */
  counts: Record<Status, number>;
}

/**
 * The JSON report: a published contract (schema/report.schema.json). Every other format renders from it.
 */
export interface Report {
  schemaVersion: number;
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
  /** Metadata of every check with a result, by check id (absent in version 1 reports). */
  checks?: Record<string, CheckMeta>;
  /** Per load balancer, worst first (absent in version 1 reports; renderers derive it then). */
  diagnosis?: LoadBalancerDiagnosis[];
  /** The results, except the plain passes and not-applicable results that `passed` holds. */
  results: ReportResult[];
  /**
   * Plain passes and not-applicable results, grouped by resource: the same form in memory as on the wire, so an estate
   * of 100,000 passes is held as some 15,000 small groups. `everyResult` (passes.ts) gives them back as results, after
   * `results`.
   */
  passed?: PassedGroup[];
}

/**
 * A check that passed (or did not apply) on a resource, as `passed` holds it: the check id alone for a pass whose
 * message is the check's own ("<name>: <title>."), `[id, discriminator]` for such a pass with a discriminator, and
 * `{ check, discriminator?, message?, status? }` otherwise. `<id>@lb` stands for "discriminated by the resource's load
 * balancer".
 */
export type PassedCheck =
  | string
  | [checkId: string, discriminator: string]
  | { check: string; discriminator?: string; message?: string; status?: 'not_applicable' };

/** The plain passes of one resource. */
export interface PassedGroup {
  resource: ResultResource;
  checks: PassedCheck[];
}
