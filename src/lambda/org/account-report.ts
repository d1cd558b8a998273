/**
 * One account's report, merged from its items' partial reports (one per region) and the coverage entries of the
 * items that produced none. Pure: the merge reads the partials, this module checks and combines them.
 *
 * Partial reports are read leniently: the JSON report may gain fields (they are carried through untouched), but
 * what the renderers, the diff and the summary read must be there and of the right type, and the report must be
 * about the item's own account and region.
 */
import { SEVERITIES, STATUSES } from '../../engine/index.js';
import type { CoverageGap } from '../../model/index.js';
import { ReportAccumulator } from '../../report/accumulate.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../../report/types.js';
import { expandPassed } from '../../report/passes.js';
import type { AuditItem } from './items.js';
import type { ItemError } from './worker.js';

/** The api of the coverage entry of an item that produced no report for a reason of the map, not of AWS. */
export const MAP_ITEM_API = 'cloud502:map-item';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (v: unknown): v is string => typeof v === 'string';

function resultProblem(r: unknown): string | undefined {
  if (!isRecord(r)) return 'not an object';
  for (const key of ['checkId', 'family', 'message', 'messageId', 'fingerprint'] as const) if (!isString(r[key])) return `${key} is not text`;
  if (!(STATUSES as readonly unknown[]).includes(r.status)) return 'status is not a known status';
  if (!(SEVERITIES as readonly unknown[]).includes(r.severity)) return 'severity is not a known severity';
  const res = r.resource;
  if (!isRecord(res) || !isString(res.id) || !isString(res.name) || !isString(res.kind) || !isString(res.type) || !isString(res.provider)) return 'resource is incomplete';
  // A compact pass or not-applicable result says only what was covered; the other fields, when present, must be right.
  const compact = r.status === 'pass' || r.status === 'not_applicable';
  if (r.evidence !== undefined ? !isRecord(r.evidence) : !compact) return 'evidence is not an object';
  if (r.remediation !== undefined ? !isRecord(r.remediation) || !isString(r.remediation.summary) : !compact) return 'remediation is incomplete';
  // Docs and causes live in the report's `checks` entry of the check when it has one.
  if ((r.docs !== undefined && !Array.isArray(r.docs)) || (r.causes !== undefined && !Array.isArray(r.causes))) return 'docs or causes is not a list';
  return undefined;
}

/**
 * A partial report's JSON value with its grouped passes read back into `results`, or the problem that prevents it.
 * @example readPartialReport(JSON.parse(text), item) // { report } or { problem: 'passed check x has no entry…' }
 */
export function readPartialReport(value: unknown, item: Pick<AuditItem, 'account' | 'region'>): { report: Report } | { problem: string } {
  if (isRecord(value) && value.passed !== undefined) {
    if (!Array.isArray(value.passed)) return { problem: 'passed is not a list' };
    if (value.checks !== undefined && !isRecord(value.checks)) return { problem: 'checks is not an object' };
    try {
      value = expandPassed(value as unknown as Report);
    } catch (e) {
      return { problem: e instanceof Error ? e.message : String(e) };
    }
  }
  const problem = partialReportProblem(value, item);
  return problem === undefined ? { report: value as Report } : { problem };
}

/**
 * What is wrong with a partial report for this item, or undefined when it can be merged.
 * @example partialReportProblem(JSON.parse(text), item) // 'results[3]: severity is not a known severity'
 */
export function partialReportProblem(value: unknown, item: Pick<AuditItem, 'account' | 'region'>): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  if (value.schemaVersion !== REPORT_SCHEMA_VERSION) return `schemaVersion ${JSON.stringify(value.schemaVersion)} is not ${REPORT_SCHEMA_VERSION}`;
  if (!isString(value.generatedAt)) return 'generatedAt is missing';
  const summary = value.summary;
  if (!isRecord(summary) || typeof summary.loadBalancers !== 'number' || typeof summary.checksRun !== 'number') return 'summary is incomplete';
  if (!Array.isArray(value.scopes) || !Array.isArray(value.coverage) || !Array.isArray(value.results)) return 'scopes, coverage or results is not a list';
  for (const [i, s] of value.scopes.entries()) {
    if (!isRecord(s) || !isString(s.provider) || !isString(s.region)) return `scopes[${i}] is incomplete`;
    if (s.region !== item.region || (s.account !== undefined && s.account !== item.account)) return `scopes[${i}] is ${String(s.account)}/${s.region}, not this item's ${item.account}/${item.region}`;
  }
  for (const [i, g] of value.coverage.entries()) {
    if (!isRecord(g) || !isString(g.provider) || !isString(g.api) || !isString(g.code) || !isString(g.message)) return `coverage[${i}] is incomplete`;
  }
  for (const [i, r] of value.results.entries()) {
    const problem = resultProblem(r);
    if (problem) return `results[${i}]: ${problem}`;
    const res = (r as { resource: { account?: unknown; region?: unknown } }).resource;
    if ((res.account !== undefined && res.account !== item.account) || (res.region !== undefined && res.region !== item.region)) {
      return `results[${i}] is about ${String(res.account)}/${String(res.region)}, not this item's ${item.account}/${item.region}`;
    }
  }
  return undefined;
}

/** The coverage entry of an item that has no report. */
export function itemGap(item: Pick<AuditItem, 'account' | 'region'>, error: ItemError): CoverageGap {
  return {
    provider: 'aws',
    account: item.account,
    region: item.region,
    api: error.api,
    code: error.code,
    message: error.message,
    impact: `${item.account}/${item.region} was not audited`,
  };
}

export interface AccountReportInput {
  /** The run's clock (the plan's generatedAt). */
  generatedAt: Date;
  toolVersion: string;
  /** Partial reports that passed `partialReportProblem`. */
  partials: readonly Report[];
  /** Coverage entries of the account's items without a report. */
  gaps: readonly CoverageGap[];
}

/** A diagnosis as the renderers read it; a partial whose diagnosis is not so is merged without one. */
function isDiagnosis(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((d) => isRecord(d) && isString(d.name) && isString(d.provider) && Array.isArray(d.causes) && isRecord(d.counts) && d.causes.every((c) => isRecord(c) && isString(c.fingerprint) && Array.isArray(c.consequences)))
  );
}

/**
 * The account's report: the JSON report contract, as a single-account audit of those regions would give it, merged as
 * any audit's regions are (`ReportAccumulator`): each region's diagnosis (what its users saw, its causes) is kept. When
 * a partial has no readable diagnosis, the account report has none and renderers derive one from the results.
 */
export function buildAccountReport(input: AccountReportInput): Report {
  const diagnosed = input.partials.every((p) => isDiagnosis(p.diagnosis));
  const accumulated = new ReportAccumulator();
  let checksRun = 0;
  for (const p of input.partials) {
    accumulated.add(diagnosed ? p : { ...p, diagnosis: [] });
    // Every item runs the same selected checks: the count is per audit, not a sum.
    checksRun = Math.max(checksRun, p.summary.checksRun);
  }
  accumulated.addCoverage(input.gaps);
  const built = accumulated.finish({ checksRun, source: { kind: 'live' }, generatedAt: input.generatedAt, toolVersion: input.toolVersion, coverage: accumulated.judge() });
  // One entry per scope, should two partials name the same one.
  const scopes = [...new Map(built.scopes.map((sc) => [`${sc.provider}|${sc.account ?? ''}|${sc.region}`, sc])).values()];
  const report: Report = { ...built, scopes, demo: false };
  if (!diagnosed) {
    delete report.diagnosis;
    delete report.summary.causesByImpact;
  }
  if (Object.keys(report.checks ?? {}).length === 0) delete report.checks;
  return report;
}
