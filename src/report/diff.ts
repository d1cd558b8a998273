/**
 * Change review: compares two reports by finding fingerprint. Only `fail` results are findings; a finding is new,
 * resolved, unchanged, or unchanged in identity with a different severity (evidence can raise or lower it).
 *
 * A finding that is no longer failing is "resolved", but the diff keeps what the later report says about it: passing
 * is a fix, while unknown (e.g. a permission lost) or a missing result is not, and the renderers say so.
 */
import { everyResult } from './passes.js';
import type { Severity, Status } from '../engine/result.js';
import { atLeast, SEVERITIES, severityRank } from '../engine/result.js';
import { escapeMarkdown, markdownCode, sanitizeTerminal } from './escape.js';
import type { Report, ReportResult } from './types.js';

export interface SeverityChange {
  before: ReportResult;
  after: ReportResult;
  direction: 'up' | 'down';
}

export interface ResolvedFinding {
  before: ReportResult;
  /** The later report's status for this fingerprint; undefined when it has no result for it (resource or check gone). */
  afterStatus: Status | undefined;
}

export interface ReportSide {
  generatedAt: string;
  collectedAt: string;
  demo: boolean;
}

export interface ReportDiff {
  before: ReportSide;
  after: ReportSide;
  /** Failing after, not before. Worst first. */
  new: ReportResult[];
  /** Failing before, not after. Worst first (by the earlier severity). */
  resolved: ResolvedFinding[];
  /** Failing in both, with another severity. Increases first. */
  changed: SeverityChange[];
  /** Failing in both with the same severity (the later result). */
  unchanged: ReportResult[];
}

function compare(a: ReportResult, b: ReportResult): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    a.checkId.localeCompare(b.checkId) ||
    a.resource.name.localeCompare(b.resource.name) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

/** Failing results by fingerprint; should a report repeat a fingerprint, the most severe result stands for it. */
function failuresByFingerprint(report: Report): Map<string, ReportResult> {
  const out = new Map<string, ReportResult>();
  for (const r of report.results) {
    if (r.status !== 'fail') continue;
    const seen = out.get(r.fingerprint);
    if (!seen || severityRank(r.severity) < severityRank(seen.severity)) out.set(r.fingerprint, r);
  }
  return out;
}

function side(report: Report): ReportSide {
  return { generatedAt: report.generatedAt, collectedAt: report.collectedAt, demo: report.demo };
}

/** Compares the failing findings of two reports by fingerprint. */
export function diffReports(before: Report, after: Report): ReportDiff {
  const was = failuresByFingerprint(before);
  const now = failuresByFingerprint(after);
  const afterStatus = new Map<string, Status>();
  for (const r of everyResult(after)) if (!afterStatus.has(r.fingerprint)) afterStatus.set(r.fingerprint, r.status);

  const diff: ReportDiff = { before: side(before), after: side(after), new: [], resolved: [], changed: [], unchanged: [] };
  for (const [fp, a] of now) {
    const b = was.get(fp);
    if (!b) diff.new.push(a);
    else if (a.severity === b.severity) diff.unchanged.push(a);
    else diff.changed.push({ before: b, after: a, direction: severityRank(a.severity) < severityRank(b.severity) ? 'up' : 'down' });
  }
  for (const [fp, b] of was) if (!now.has(fp)) diff.resolved.push({ before: b, afterStatus: afterStatus.get(fp) });

  diff.new.sort(compare);
  diff.unchanged.sort(compare);
  diff.resolved.sort((x, y) => compare(x.before, y.before));
  diff.changed.sort((x, y) => (x.direction === y.direction ? compare(x.after, y.after) : x.direction === 'up' ? -1 : 1));
  return diff;
}

/**
 * The change-review gate: true when the later report has a new finding at or above `failOn`, or a finding whose
 * severity rose to at or above `failOn`. Findings that were already there at that severity do not fail a change.
 */
export function diffGate(diff: ReportDiff, failOn: Severity): boolean {
  return (
    diff.new.some((r) => atLeast(r.severity, failOn)) ||
    diff.changed.some((c) => c.direction === 'up' && atLeast(c.after.severity, failOn))
  );
}

function resolvedNote(f: ResolvedFinding): string {
  switch (f.afterStatus) {
    case 'pass':
      return 'now passes';
    case 'suppressed':
      return 'now accepted in the baseline';
    case 'unknown':
      return 'NOT verified: now unknown';
    case 'error':
      return 'NOT verified: the check now errors';
    case 'not_applicable':
      return 'now not applicable';
    case undefined:
      return 'no longer reported (resource or check gone)';
    case 'fail':
      return 'still failing';
  }
}

function headline(diff: ReportDiff): string {
  return `${diff.new.length} new, ${diff.resolved.length} resolved, ${diff.changed.length} severity changed, ${diff.unchanged.length} unchanged`;
}

function where(r: ReportResult): string {
  const lb = r.resource.loadBalancerName ?? r.resource.loadBalancerId;
  return lb && r.resource.kind !== 'load-balancer' ? `${r.resource.name} (load balancer ${lb})` : r.resource.name;
}

/** Plain text for a terminal; control characters in resource names and messages are made visible, never sent. */
export function renderDiffText(diff: ReportDiff): string {
  const t = sanitizeTerminal;
  const line = (mark: string, sev: string, r: ReportResult, note = ''): string =>
    `  ${mark} [${sev}] ${t(r.checkId)} on ${t(where(r))}${note}\n      ${t(r.message)}`;
  const out = [`cloud502 diff: ${headline(diff)}`];
  out.push(`  before: generated ${t(diff.before.generatedAt)}, collected ${t(diff.before.collectedAt)}${diff.before.demo ? ' (demo data)' : ''}`);
  out.push(`  after:  generated ${t(diff.after.generatedAt)}, collected ${t(diff.after.collectedAt)}${diff.after.demo ? ' (demo data)' : ''}`);
  if (diff.new.length) out.push('', `New (${diff.new.length}):`, ...diff.new.map((r) => line('+', r.severity, r)));
  if (diff.changed.length) {
    out.push('', `Severity changed (${diff.changed.length}):`);
    for (const c of diff.changed) out.push(line(c.direction === 'up' ? '↑' : '↓', `${c.before.severity} → ${c.after.severity}`, c.after));
  }
  if (diff.resolved.length) {
    out.push('', `Resolved (${diff.resolved.length}):`);
    for (const f of diff.resolved) out.push(line('-', f.before.severity, f.before, `: ${resolvedNote(f)}`));
  }
  if (diff.unchanged.length) {
    const bySeverity = SEVERITIES.map((s) => [s, diff.unchanged.filter((r) => r.severity === s).length] as const).filter(([, n]) => n > 0);
    out.push('', `Unchanged (${diff.unchanged.length}): ${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

/** Markdown for a pull-request comment. */
export function renderDiffMarkdown(diff: ReportDiff): string {
  const md = escapeMarkdown;
  const code = (s: string): string => markdownCode(s, { table: true });
  const lb = (r: ReportResult): string => md(r.resource.loadBalancerName ?? r.resource.loadBalancerId ?? '');
  const out = [`## cloud502 diff: ${headline(diff)}`, ''];
  if (diff.before.demo || diff.after.demo) out.push('> [!WARNING]', '> **Demo data** on at least one side of this comparison.', '');
  out.push(`Before: generated ${md(diff.before.generatedAt)} · after: generated ${md(diff.after.generatedAt)}`, '');
  if (diff.new.length) {
    out.push(`### New findings (${diff.new.length})`, '', '| Severity | Check | Resource | Load balancer | Message |', '| --- | --- | --- | --- | --- |');
    for (const r of diff.new) out.push(`| ${r.severity} | ${code(r.checkId)} | ${md(r.resource.name)} | ${lb(r)} | ${md(r.message)} |`);
    out.push('');
  }
  if (diff.changed.length) {
    out.push(`### Severity changed (${diff.changed.length})`, '', '| Change | Check | Resource | Load balancer | Message |', '| --- | --- | --- | --- | --- |');
    for (const c of diff.changed) {
      const arrow = c.direction === 'up' ? '↑' : '↓';
      out.push(`| ${arrow} ${c.before.severity} → ${c.after.severity} | ${code(c.after.checkId)} | ${md(c.after.resource.name)} | ${lb(c.after)} | ${md(c.after.message)} |`);
    }
    out.push('');
  }
  if (diff.resolved.length) {
    out.push(`### Resolved (${diff.resolved.length})`, '', '| Severity | Check | Resource | Load balancer | Now |', '| --- | --- | --- | --- | --- |');
    for (const f of diff.resolved) {
      out.push(`| ${f.before.severity} | ${code(f.before.checkId)} | ${md(f.before.resource.name)} | ${lb(f.before)} | ${md(resolvedNote(f))} |`);
    }
    out.push('');
  }
  out.push(`${diff.unchanged.length} finding${diff.unchanged.length === 1 ? '' : 's'} unchanged.`);
  return `${out.join('\n')}\n`;
}
