/**
 * `cloud502 explain <fingerprint-or-check-id>`: everything about one finding (message, why, evidence with every
 * metric summary, what causes it and what it causes, the full fix, docs) or about one check (what it checks, why,
 * the fix templates, its thresholds, and its results in the report). Pure: returns the text or throws ExplainError.
 */
import type { ThresholdSpec } from '../engine/check.js';
import type { Status } from '../engine/result.js';
import { STATUSES } from '../engine/result.js';
import { diagnosed } from './diagnosis.js';
import { passedResults } from './passes.js';
import { sanitizeTerminal } from './escape.js';
import type { CheckLookup } from './format.js';
import type { CheckMetaSource } from './json.js';
import type { FindingContext } from './text-finding.js';
import { findingBlock, findingTitle, hang, severityTag } from './text-finding.js';
import { makeStyle, safeResult, sanitizeForTerminal } from './text-style.js';
import type { Report, ReportResult } from './types.js';

/** A catalog entry as `explain` shows it; `registry.all()` entries fit. */
export type ExplainCatalogEntry = CheckMetaSource & { thresholds?: Record<string, ThresholdSpec> };

export interface ExplainInput {
  /** A fingerprint (or a prefix of at least 4 hex digits) or a check id. */
  query: string;
  /** The report to look findings up in; without it only check ids can be explained. */
  report?: Report;
  catalog: readonly ExplainCatalogEntry[];
  color?: boolean;
  checks?: CheckLookup;
}

export class ExplainError extends Error {
  override name = 'ExplainError';
}

const FINGERPRINT_PREFIX = /^[0-9a-f]{4,32}$/;

/** True when `query` can only be a fingerprint (explaining it needs a report). */
export function isFingerprintQuery(query: string): boolean {
  return FINGERPRINT_PREFIX.test(query);
}

function catalogLines(entry: ExplainCatalogEntry, style: ReturnType<typeof makeStyle>): string[] {
  const e = sanitizeForTerminal({ ...entry, remediation: undefined, thresholds: undefined });
  const out = [
    `${style.bold(e.id)} — ${e.title}`,
    `  family ${e.family} · default severity ${e.severity} · causes ${entry.causes.join('/') || 'no 5xx by itself'}`,
    `  ${style.bold('Why:')} ${e.rationale}`,
    `  ${style.bold('Fix:')} ${sanitizeForTerminal(entry.remediation.summary)}`,
  ];
  for (const [provider, t] of Object.entries(entry.remediation)) {
    if (provider === 'summary' || typeof t !== 'object' || t === null) continue;
    const templates = t as { cli?: string; terraform?: string; console?: string };
    for (const kind of ['cli', 'terraform', 'console'] as const) {
      const text = templates[kind];
      if (text) out.push(`    ${`${provider} ${kind}`.padEnd(14)} ${hang(sanitizeForTerminal(text, true), 19)}`);
    }
  }
  for (const [name, spec] of Object.entries(entry.thresholds ?? {})) {
    out.push(`  threshold ${sanitizeTerminal(name)} = ${spec.default} ${spec.unit} — ${sanitizeForTerminal(spec.description)}`);
  }
  if (entry.docs.length) out.push(`  ${style.dim(`Docs: ${sanitizeForTerminal(entry.docs.join(' '))}`)}`);
  return out;
}

function where(r: ReportResult, report: Report): string {
  const d = report.diagnosis?.find((x) => x.loadBalancerId !== undefined && x.loadBalancerId === r.resource.loadBalancerId);
  const lb = r.resource.loadBalancerName ?? r.resource.loadBalancerId;
  const parts = [lb ? `on ${lb}` : `in ${[r.resource.account, r.resource.region].filter(Boolean).join(' ')}`, `resource ${r.resource.type} ${r.resource.id}`];
  if (d?.usersSee) parts.push(`users see: ${d.usersSee.summary}`);
  return sanitizeForTerminal(parts.join(' · '));
}

export function renderExplain(input: ExplainInput): string {
  const style = makeStyle(input.color === true);
  const query = input.query.trim();
  const entry = input.catalog.find((c) => c.id === query);
  const report = input.report;

  if (entry || (!isFingerprintQuery(query) && report?.checks?.[query])) {
    const out: string[] = [];
    if (entry) out.push(...catalogLines(entry, style));
    else {
      const meta = report!.checks![query]!;
      out.push(...catalogLines({ id: query, ...meta, remediation: meta.remediation }, style));
    }
    if (report) {
      const dd = diagnosed(report);
      const own = [...dd.results, ...passedResults(report)].filter((r) => r.checkId === query);
      const counts = STATUSES.map((s) => [s, own.filter((r) => r.status === s).length] as [Status, number]).filter(([, n]) => n > 0);
      out.push('', `In this report: ${counts.length ? counts.map(([s, n]) => `${n} ${s}`).join(', ') : 'no result (the check did not run or applied to nothing)'}`);
      const ctx: FindingContext = { report, style, byFingerprint: dd.byFingerprint, ...(input.checks ? { checks: input.checks } : {}) };
      for (const r of own) {
        if (r.status === 'pass' || r.status === 'not_applicable') {
          const safe = safeResult(r);
          out.push(`  ${severityTag(r, style)} ${findingTitle(safe)} — ${safe.message}`);
        } else {
          out.push('', ...findingBlock(safeResult(r), ctx, 2), `    ${style.dim(where(r, report))}`);
        }
      }
    }
    return `${out.join('\n')}\n`;
  }

  if (!isFingerprintQuery(query)) {
    throw new ExplainError(`"${query}" is neither a check id (run "cloud502 checks") nor a finding fingerprint (4 to 32 hex digits)`);
  }
  if (!report) {
    throw new ExplainError(`explaining finding ${query} needs the audit it came from: add --report FILE (a saved JSON report), --demo, --snapshot FILE, or the audit's own flags`);
  }
  const dd = diagnosed(report);
  const matches = [...dd.byFingerprint.values()].filter((r) => r.fingerprint.startsWith(query));
  if (matches.length === 0) throw new ExplainError(`no finding with fingerprint ${query} in this audit`);
  if (matches.length > 1) {
    throw new ExplainError(`fingerprint ${query} is ambiguous in this audit: ${matches.slice(0, 5).map((r) => r.fingerprint.slice(0, 12)).join(', ')}${matches.length > 5 ? ', …' : ''}; give more digits`);
  }
  const r = matches[0]!;
  const ctx: FindingContext = { report, style, byFingerprint: dd.byFingerprint, ...(input.checks ? { checks: input.checks } : {}) };
  return `${[...findingBlock(safeResult(r), ctx, 0), `  ${style.dim(where(r, report))}`].join('\n')}\n`;
}
