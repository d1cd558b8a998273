/**
 * Builds the JSON report (the published contract, schema/report.schema.json) and renders it.
 * Every other format renders from the {@link Report} built here.
 *
 * Size matters at scale: check metadata (rationale, docs, fix templates) is written once per report in `checks`, pass
 * results are compact, metric evidence is summaries (series only with `--include-series`), and the JSON text is
 * produced piece by piece ({@link jsonChunks}) so a large report is never one string.
 */
import type { AnyCheck } from '../engine/check.js';
import { linkCauses } from '../engine/causality.js';
import type { CheckResult, Severity, Status } from '../engine/result.js';
import { SEVERITIES, severityRank, STATUSES } from '../engine/result.js';
import type { Inventory } from '../model/index.js';
import { causesByImpact, diagnose } from './diagnosis.js';
import { jsonTextSafe } from './escape.js';
import { groupPasses } from './passes.js';
import type { CheckMeta, LoadBalancerDiagnosis, Report, ReportResult, ReportSummary } from './types.js';
import { REPORT_SCHEMA_VERSION } from './types.js';

/** What the report needs of a check; a catalog entry (`registry.all()`) fits. */
export type CheckMetaSource = Pick<AnyCheck, 'id' | 'title' | 'family' | 'severity' | 'causes' | 'rationale' | 'docs' | 'remediation'>;

export interface BuildReportInput {
  inventory: Inventory;
  /** Taken over by the report: compacted in place (see {@link compactResult}). */
  results: ReadonlyArray<CheckResult | ReportResult>;
  /** Checks that were evaluated (selected, enabled, and for a provider present in the inventory). */
  checksRun: number;
  /** The evaluated checks' metadata (catalog entries or a previous report's `checks`), written once per report. */
  checks?: readonly CheckMetaSource[] | Readonly<Record<string, CheckMeta>>;
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
export function sortResults<T extends Pick<ReportResult, 'status' | 'severity'>>(results: readonly T[]): T[] {
  return [...results].sort((a, b) => {
    const byStatus = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    if (byStatus !== 0) return byStatus;
    return a.status === 'fail' ? severityRank(a.severity) - severityRank(b.severity) : 0;
  });
}

export function summarize(results: ReadonlyArray<Pick<ReportResult, 'status' | 'severity'>>, loadBalancers: number, checksRun: number): ReportSummary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const failuresBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const r of results) {
    byStatus[r.status] += 1;
    if (r.status === 'fail') failuresBySeverity[r.severity] += 1;
  }
  const highestSeverity = SEVERITIES.find((s) => failuresBySeverity[s] > 0) ?? null;
  return { total: results.length, byStatus, failuresBySeverity, loadBalancers, highestSeverity, checksRun };
}

function isMetaRecord(value: BuildReportInput['checks']): value is Readonly<Record<string, CheckMeta>> {
  return value !== undefined && !Array.isArray(value);
}

/** The metadata of the checks that have a result, once per report. */
function checksMeta(source: BuildReportInput['checks'], ids: ReadonlySet<string>): Record<string, CheckMeta> {
  const out: Record<string, CheckMeta> = {};
  if (source === undefined) return out;
  if (isMetaRecord(source)) {
    for (const id of [...ids].sort()) if (source[id]) out[id] = source[id];
    return out;
  }
  for (const c of source) {
    if (!ids.has(c.id)) continue;
    // Fix commands are rendered per finding by the resource's provider; the check itself has only the neutral summary.
    const remediation: CheckMeta['remediation'] = { summary: c.remediation.summary };
    out[c.id] = { title: c.title, family: c.family, severity: c.severity, causes: [...c.causes], rationale: c.rationale, docs: [...c.docs], remediation };
  }
  return out;
}

/**
 * Makes a result what the report carries, in place (the report takes the results over; copying 100,000 of them would
 * hold the report twice): docs live in `checks` when the check is there; a pass or not-applicable result keeps only
 * what says what was covered (no evidence, fix or status codes). Dropped fields are set to `undefined`, which JSON
 * leaves out, so objects keep their shape.
 */
export function compactResult<T extends CheckResult | ReportResult>(r: T, meta: Readonly<Record<string, CheckMeta>>): ReportResult {
  const out = r as ReportResult;
  if (out.docs !== undefined && (out.docs.length === 0 || meta[r.checkId])) out.docs = undefined;
  if (r.status === 'pass' || r.status === 'not_applicable') {
    // A pass that says why it passed (e.g. "explained by ...") keeps that.
    const details = out.evidence?.details;
    out.evidence = details && Object.keys(details).length > 0 ? { details } : undefined;
    out.remediation = undefined;
    out.causes = undefined;
  }
  return out;
}

export function buildReport(input: BuildReportInput): Report {
  const { inventory } = input;
  const ids = new Set(input.results.map((r) => r.checkId));
  const checks = checksMeta(input.checks, ids);
  for (const r of input.results) compactResult(r, checks);
  const sorted = sortResults(linkCauses(input.results as ReadonlyArray<ReportResult>));
  const diagnosis: LoadBalancerDiagnosis[] = diagnose(sorted, inventory);
  const summary = summarize(sorted, inventory.loadBalancers.length, input.checksRun);
  summary.causesByImpact = causesByImpact(diagnosis);
  // Plain passes are held grouped by resource, as the JSON writes them: a fraction of the memory of one object each.
  const { rest: results, passed } = groupPasses(sorted, checks);
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'cloud502', version: input.toolVersion },
    generatedAt: input.generatedAt.toISOString(),
    collectedAt: inventory.collectedAt,
    demo: inventory.demo === true || input.source.kind === 'demo',
    source: { ...input.source },
    scopes: inventory.scopes,
    coverage: inventory.coverage,
    summary,
    checks,
    diagnosis,
    results,
  };
  if (passed.length) report.passed = passed;
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

/** Top-level keys in writing order; the large collections go one entry per line. */
const LINE_PER_ENTRY = new Set(['checks', 'diagnosis', 'results', 'passed']);

function indent(text: string, prefix: string): string {
  return text.replace(/\n/g, `\n${prefix}`);
}

/**
 * The JSON report as text, in pieces: small top-level values pretty-printed, then one line per check, per load
 * balancer diagnosis and per result. Joined, the pieces are one JSON document; written one by one, a report of any
 * size is never one string. Format and bidi characters are written as `\u` escapes (same data, inert on a terminal).
 */
export function* jsonChunks(report: Report): Generator<string> {
  // Plain passes go grouped by resource (see passes.ts), as a built report holds them; reading the file back gives the
  // same results. A report whose passes are in `results` (read back expanded) is grouped here.
  const { rest, passed } = groupPasses(report.results, report.checks ?? {});
  const { passed: held, ...others } = report;
  const allPassed = passed.length ? [...(held ?? []), ...passed] : held;
  // `passed` last, wherever the report holds it, so a report read back and written again is the same file.
  const wire: Record<string, unknown> = { ...others, results: rest, passed: allPassed?.length ? allPassed : undefined };
  const entries = Object.entries(wire).filter(([, v]) => v !== undefined);
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i]!;
    const comma = i < entries.length - 1 ? ',' : '';
    if (LINE_PER_ENTRY.has(key) && Array.isArray(value)) {
      yield `  ${JSON.stringify(key)}: [`;
      for (let j = 0; j < value.length; j++) yield `${j === 0 ? '\n' : ',\n'}    ${jsonTextSafe(JSON.stringify(value[j]))}`;
      yield `${value.length ? '\n  ' : ''}]${comma}\n`;
    } else if (LINE_PER_ENTRY.has(key) && typeof value === 'object' && value !== null) {
      const inner = Object.entries(value as Record<string, unknown>);
      yield `  ${JSON.stringify(key)}: {`;
      for (let j = 0; j < inner.length; j++) {
        const [k, v] = inner[j]!;
        yield `${j === 0 ? '\n' : ',\n'}    ${JSON.stringify(k)}: ${jsonTextSafe(JSON.stringify(v))}`;
      }
      yield `${inner.length ? '\n  ' : ''}}${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${jsonTextSafe(indent(JSON.stringify(value, null, 2), '  '))}${comma}\n`;
    }
  }
  yield '}\n';
}

/** The whole JSON report as one string; for large reports write {@link jsonChunks} instead. */
export function renderJson(report: Report): string {
  return [...jsonChunks(report)].join('');
}
