/**
 * One result in full, for `--verbose` and `cloud502 explain`: the message, why it causes the 5xx, what it causes and
 * what causes it, every piece of evidence, the fix with its commands, and the docs. Takes a result already made safe
 * for a terminal (see `safeResult`).
 */
import type { Evidence } from '../engine/result.js';
import { sanitizeTerminal } from './escape.js';
import type { CheckLookup } from './format.js';
import { causesOf, checkMetaOf, describeMetric, docsOf, formatValue } from './format.js';
import type { Style } from './text-style.js';
import { sanitizeForTerminal, shortFingerprint } from './text-style.js';
import type { Report, ReportResult } from './types.js';

/** Labels longer than this do not widen the column for every other row. */
const MAX_LABEL_WIDTH = 12;

/** Keeps multi-line values (a command with comment lines) aligned under their first line. */
export function hang(text: string, indent: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(indent)}`);
}

function evidenceRows(e: Evidence): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (e.path !== undefined) rows.push(['field', e.path]);
  if (e.observed !== undefined) rows.push(['observed', formatValue(e.observed)]);
  if (e.expected !== undefined) rows.push(['expected', formatValue(e.expected)]);
  if (e.source !== undefined) rows.push(['source', e.source]);
  for (const m of e.metrics ?? []) rows.push(['metric', describeMetric(m)]);
  for (const [k, v] of Object.entries(e.details ?? {}).filter(([, v]) => v !== undefined)) rows.push([k, formatValue(v)]);
  return rows;
}

export function severityTag(r: Pick<ReportResult, 'status' | 'severity'>, style: Style): string {
  if (r.status === 'fail') return style.severity(r.severity)(r.severity.toUpperCase().padEnd(8));
  const label = r.status === 'not_applicable' ? 'n/a' : r.status;
  return style.status(r.status)(label.toUpperCase().padEnd(8));
}

/** `targets/unhealthy-targets · tg-api` (the resource is left out when it is the load balancer itself). */
export function findingTitle(r: ReportResult): string {
  return r.resource.kind === 'load-balancer' ? r.checkId : `${r.checkId} · ${r.resource.name}`;
}

export interface FindingContext {
  report: Report;
  style: Style;
  checks?: CheckLookup;
  /** Other results by fingerprint, to name what a finding causes and what causes it. */
  byFingerprint: ReadonlyMap<string, ReportResult>;
}

function linkLines(label: string, fingerprints: readonly string[] | undefined, ctx: FindingContext): string[] {
  if (!fingerprints?.length) return [];
  return fingerprints.map((fp, i) => {
    const other = ctx.byFingerprint.get(fp);
    const what = other ? sanitizeForTerminal(`${findingTitle(other)}: ${other.message}`) : 'not in this report';
    return `    ${i === 0 ? ctx.style.bold(label) : ' '.repeat(label.length)} ${shortFingerprint(fp)} ${what}`;
  });
}

/** The full block of one (terminal-safe) result, indented by `indent` spaces. */
export function findingBlock(r: ReportResult, ctx: FindingContext, indent = 2): string[] {
  const { style } = ctx;
  const out: string[] = [];
  out.push(`${severityTag(r, style)} ${style.bold(findingTitle(r))}  ${style.dim(`fingerprint ${r.fingerprint}`)}`);
  out.push(`  ${r.message}`);
  if (r.status === 'fail') {
    const rationale = checkMetaOf(ctx.report, r.checkId, ctx.checks)?.rationale;
    const causes = causesOf(ctx.report, r);
    const codes = causes.length ? causes.join('/') : '5xx';
    if (rationale) out.push(`  ${style.bold(`Why it causes ${codes}:`)} ${sanitizeTerminal(rationale).replace(/\n/g, ' ')}`);
    else out.push(`  ${style.bold('Causes:')} ${codes}`);
  }
  out.push(...linkLines('Caused by:', r.causedBy, ctx).map((l) => l.slice(2)));
  out.push(...linkLines('Explains:', r.explains, ctx).map((l) => l.slice(2)));
  const rows = r.evidence ? evidenceRows(r.evidence) : [];
  if (rows.length) {
    out.push(`  ${style.bold('Evidence:')}`);
    const width = Math.min(MAX_LABEL_WIDTH, Math.max(0, ...rows.map(([k]) => k.length)));
    for (const [k, v] of rows) out.push(`    ${k.padEnd(width)}  ${v}`);
  }
  const fix = r.remediation;
  if (fix && (r.status === 'fail' || r.status === 'error' || r.status === 'suppressed')) {
    out.push(`  ${style.bold('Fix:')} ${fix.summary}`);
    const commandIndent = indent + 4 + 11;
    if (fix.cli) out.push(`    cli        ${hang(fix.cli, commandIndent)}`);
    if (fix.terraform) out.push(`    terraform  ${hang(fix.terraform, commandIndent)}`);
    if (fix.console) out.push(`    console    ${hang(fix.console, commandIndent)}`);
  }
  const docs = docsOf(ctx.report, r, ctx.checks);
  if (docs.length && r.status !== 'pass' && r.status !== 'not_applicable') out.push(`  ${style.dim(`Docs: ${sanitizeTerminal(docs.join(' '))}`)}`);
  if (r.status === 'suppressed' && r.suppression) {
    out.push(`  ${style.dim(`Accepted: ${r.suppression.reason}${r.suppression.expires ? ` (until ${r.suppression.expires})` : ''}`)}`);
  }
  const pad = ' '.repeat(indent);
  return out.map((l) => (l === '' ? l : `${pad}${l}`));
}
