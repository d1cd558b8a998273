/**
 * The terminal report, diagnosis first: the verdict and counts, then one block per load balancer, worst first, that
 * reads top-down as "what users see → why → the fix": one line per root cause with its fix command, its consequences
 * indented under it. Evidence, traces and metrics are for `--verbose` and `cloud502 explain`. No default line is
 * longer than {@link MAX_LINE_CHARS}. Pure: (report, options) => string.
 */
import type { Severity } from '../engine/result.js';
import { SEVERITIES } from '../engine/result.js';
import type { CoverageGap } from '../model/index.js';
import type { Diagnosed } from './diagnosis.js';
import { diagnosed, diagnosisKey } from './diagnosis.js';
import type { CheckLookup } from './format.js';
import { formatCount, formatDuration, scopeLabel, shellWord } from './format.js';
import type { FindingContext } from './text-finding.js';
import { findingBlock, findingTitle, severityTag } from './text-finding.js';
import type { Part, Style } from './text-style.js';
import { fitLine, makeStyle, safeResult, sanitizeForTerminal, shortFingerprint, visibleLength } from './text-style.js';
import { partialAuditLine } from '../engine/coverage-verdict.js';
import type { LoadBalancerDiagnosis, Report, ReportResult } from './types.js';

export type { CheckInfo, CheckLookup } from './format.js';
export { formatDuration, scopeLabel } from './format.js';
export { sanitizeForTerminal } from './text-style.js';

/** No line of the default text report is longer (visible characters). */
export const MAX_LINE_CHARS = 200;

export interface TextOptions {
  /** ANSI colors; the CLI decides (TTY, --no-color, NO_COLOR). */
  color?: boolean;
  /** Every result in full (evidence, fix commands, docs), passes included. */
  verbose?: boolean;
  /** Check titles and rationales for reports that do not carry them; `registry.get` fits. */
  checks?: CheckLookup;
  /** The flags that name this report's source for `cloud502 explain`, e.g. `--demo` or `--report out.json`. */
  explainFlags?: string;
}

export const DEMO_BANNER = 'DEMO DATA — not your environment';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function severityCounts(counts: Record<Severity, number>, style: Style, skipZero = true): string {
  return SEVERITIES.filter((s) => !skipZero || counts[s] > 0)
    .map((s) => (counts[s] > 0 ? style.severity(s)(`${counts[s]} ${s}`) : `${counts[s]} ${s}`))
    .join(', ');
}

/** `3 critical, 5 high, 2 medium, 1 low · 118 passed · 4 unknown · 0 errors` */
export function summaryLine(report: Report, color = false): string {
  const style = makeStyle(color);
  const f = report.summary.failuresBySeverity;
  const s = report.summary.byStatus;
  const severities = SEVERITIES.filter((sev) => sev !== 'info' || f.info > 0).map((sev) =>
    f[sev] > 0 ? style.severity(sev)(`${f[sev]} ${sev}`) : `${f[sev]} ${sev}`,
  );
  const parts = [severities.join(', '), `${s.pass} passed`, `${s.unknown} unknown`, `${s.error} error${s.error === 1 ? '' : 's'}`];
  if (s.suppressed) parts.push(`${s.suppressed} suppressed`);
  if (report.demo) parts.push(style.banner(DEMO_BANNER));
  return parts.join(' · ');
}

function sourceLabel(report: Report): string {
  if (report.source.kind === 'live') return 'live collection';
  if (report.source.kind === 'demo') return 'bundled demo environment';
  return `snapshot ${report.source.path ?? ''}`.trim();
}

function headerLines(report: Report, d: Diagnosed, style: Style): string[] {
  const lbs = d.diagnosis.filter((x) => x.loadBalancerId !== undefined);
  const failing = lbs.filter((x) => x.worst !== null);
  const byWorst = Object.fromEntries(SEVERITIES.map((s) => [s, failing.filter((x) => x.worst === s).length])) as Record<Severity, number>;
  const causes = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const x of d.diagnosis) for (const c of x.causes) causes[c.impact] += 1;
  const totalCauses = SEVERITIES.reduce((a, s) => a + causes[s], 0);
  const s = report.summary.byStatus;
  const out = [style.bold(`cloud502 ${sanitizeForTerminal(report.tool.version)} — load-balancer 5xx audit`) + (report.demo ? `  ${style.banner(` ${DEMO_BANNER} `)}` : '')];
  const n = report.summary.loadBalancers;
  if (n === 0) out.push(`Verdict: no load balancers found in the audited scopes.`);
  else if (failing.length === 0) out.push(`Verdict: ${style.status('pass')(`no cause of 5xx found`)} on ${plural(n, 'load balancer')}.`);
  else out.push(`Verdict: ${failing.length} of ${plural(n, 'load balancer')} ${failing.length === 1 ? 'has' : 'have'} a cause of 5xx — worst: ${severityCounts(byWorst, style)}.`);
  const counts = [
    `${plural(totalCauses, 'cause')}${totalCauses ? ` (${severityCounts(causes, style)})` : ''} behind ${plural(s.fail, 'failing check')}`,
    `${formatCount(s.pass)} passed`,
    `${formatCount(s.unknown)} unknown`,
    plural(s.error, 'error'),
  ];
  if (s.suppressed) counts.push(`${formatCount(s.suppressed)} suppressed`);
  out.push(`Counts:  ${counts.join(' · ')}`);
  const window = report.metricsWindowSeconds ? `${formatDuration(report.metricsWindowSeconds)} of metrics` : 'metrics not collected';
  const scopes = report.scopes.length ? report.scopes.map(scopeLabel).join(', ') : 'none';
  out.push(
    fitLine(
      [`Audited: ${sanitizeForTerminal(`${sourceLabel(report)} · ${scopes} · collected ${report.collectedAt} · ${window} · ${report.summary.checksRun} checks`)}`],
      MAX_LINE_CHARS,
    ),
  );
  return out;
}

/**
 * `shop-web aws-alb eu-west-1` (with the account when the audit spans several, where names repeat) or
 * `aws 123456789012 eu-west-1 (not tied to a load balancer)`.
 */
function groupTitle(d: LoadBalancerDiagnosis, withAccount: boolean): string {
  if (d.loadBalancerId === undefined) return sanitizeForTerminal(`${d.provider} ${d.name} (not tied to a load balancer)`);
  return sanitizeForTerminal([d.name, d.type, withAccount ? d.account : undefined, d.region].filter(Boolean).join(' '));
}

function groupHeadline(d: LoadBalancerDiagnosis, style: Style, withAccount = false): string {
  const users = d.usersSee ? `users see: ${sanitizeForTerminal(d.usersSee.summary)}` : '';
  if (d.worst === null) {
    const parts: Part[] = [[`✓ ${groupTitle(d, withAccount)}`, style.bold], ' — no cause found'];
    if (users) parts.push(` — ${users}`);
    return fitLine(parts, MAX_LINE_CHARS);
  }
  const parts: Part[] = [['■ ', style.severity(d.worst)], [groupTitle(d, withAccount), style.bold], ' — ', [d.worst.toUpperCase(), style.severity(d.worst)]];
  if (users) parts.push(` — ${users}`);
  return fitLine(parts, MAX_LINE_CHARS);
}

/** Column where the fix line and the consequences of a cause start. */
const DETAIL_INDENT = '    ';

/**
 * Splits a shell command at spaces outside quotes into lines that fit, joined by ` \` continuations, so a long
 * command stays one pasteable command. Undefined when a single word is too long for a line.
 */
export function wrapCommand(command: string, firstWidth: number, restWidth: number): string[] | undefined {
  // Break points: spaces outside single and double quotes and outside `${…}` (a placeholder's message), not escaped.
  const breaks: number[] = [];
  let quote: string | undefined;
  let braces = 0;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === '\\' && quote !== "'") i++;
    else if (c === '$' && command[i + 1] === '{' && quote !== "'") {
      braces++;
      i++;
    } else if (c === '}' && braces > 0 && quote !== "'") braces--;
    else if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ' ' && braces === 0) breaks.push(i);
  }
  const lines: string[] = [];
  let start = 0;
  while (visibleLength(command.slice(start)) > (lines.length === 0 ? firstWidth : restWidth)) {
    const width = (lines.length === 0 ? firstWidth : restWidth) - 2;
    const at = [...breaks].reverse().find((b) => b > start && visibleLength(command.slice(start, b)) <= width);
    if (at === undefined) return undefined;
    lines.push(`${command.slice(start, at)} \\`);
    start = at + 1;
  }
  lines.push(command.slice(start));
  return lines;
}

/**
 * The fix lines of a cause: its first command, never cut (a cut command pasted into a shell would do something else)
 * but wrapped with ` \` continuations when long, or its summary when there is no command. Comment lines of a fix are
 * context that `explain` shows; when a fix has several commands, the line says so.
 */
function fixLines(r: ReportResult, explainHint: string): string[] {
  const fix = r.remediation;
  const commands = (fix?.cli ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const explain = `cloud502 explain ${shortFingerprint(r.fingerprint)}${explainHint}`;
  const first = commands[0];
  if (first) {
    const labels = commands.length > 1 ? [`fix (1 of ${commands.length} commands; all: ${explain}): `, `fix (1 of ${commands.length} commands): `] : ['fix: '];
    for (const label of labels) {
      const lead = `${DETAIL_INDENT}${label}`;
      const continuation = `${DETAIL_INDENT}     `;
      const wrapped = wrapCommand(first, MAX_LINE_CHARS - visibleLength(lead), MAX_LINE_CHARS - continuation.length);
      if (wrapped && wrapped.length <= 3) return wrapped.map((l, i) => `${i === 0 ? lead : continuation}${l}`);
    }
  }
  const see = first ? ` (command: ${explain})` : '';
  return [fitLine([`${DETAIL_INDENT}fix: ${fix?.summary ?? explain}`], MAX_LINE_CHARS - visibleLength(see)) + see];
}

function causeLines(d: LoadBalancerDiagnosis, dd: Diagnosed, style: Style, explainHint: string): string[] {
  const out: string[] = [];
  for (const cause of d.causes) {
    const raw = dd.byFingerprint.get(cause.fingerprint);
    if (!raw) continue;
    const r = safeResult(raw);
    const tag = cause.impact.toUpperCase().padEnd(8);
    out.push(fitLine(['  ', [tag, style.severity(cause.impact)], ' ', [shortFingerprint(r.fingerprint), style.dim], ' ', r.message], MAX_LINE_CHARS));
    out.push(...fixLines(r, explainHint));
    for (const fp of cause.consequences) {
      const c = dd.byFingerprint.get(fp);
      if (!c) continue;
      const safe = safeResult(c);
      out.push(fitLine([DETAIL_INDENT, ['↳ ', style.dim], [shortFingerprint(fp), style.dim], ' ', [`${safe.message}`, style.dim]], MAX_LINE_CHARS));
    }
  }
  return out;
}

/** One line for the results of a group that could not decide (unknown) or failed to run (error). */
function undecidedLines(results: readonly ReportResult[], style: Style): string[] {
  const out: string[] = [];
  for (const status of ['unknown', 'error'] as const) {
    const rs = results.filter((r) => r.status === status);
    if (rs.length === 0) continue;
    const byCheck = new Map<string, number>();
    for (const r of rs) byCheck.set(r.checkId, (byCheck.get(r.checkId) ?? 0) + 1);
    const list = [...byCheck].map(([id, n]) => (n > 1 ? `${id} ×${n}` : id)).join(', ');
    const what = status === 'unknown' ? `${plural(rs.length, 'check')} could not decide` : `${plural(rs.length, 'check')} failed to run (a cloud502 bug: please report it)`;
    out.push(fitLine(['  ', [(status === 'unknown' ? '?' : '!').padEnd(8), style.status(status)], ' ', `${what}: ${sanitizeForTerminal(list)}`], MAX_LINE_CHARS));
  }
  return out;
}

function groupLines(d: LoadBalancerDiagnosis, dd: Diagnosed, style: Style, explainHint: string, withAccount: boolean): string[] {
  const results = dd.byGroup.get(diagnosisKey(d)) ?? [];
  return [groupHeadline(d, style, withAccount), ...causeLines(d, dd, style, explainHint), ...undecidedLines(results, style)];
}

function coverageLines(gaps: readonly CoverageGap[], style: Style, verbose: boolean): string[] {
  if (gaps.length === 0) return [];
  const out = [style.bold(`Coverage gaps (${gaps.length}): checks that needed this data answer "unknown"`)];
  for (const raw of gaps) {
    const g = sanitizeForTerminal(raw);
    const where = [g.account, g.region].filter(Boolean).join(' ');
    const head = `  ${g.api}${where ? ` in ${where}` : ''}: ${g.code}`;
    if (verbose) {
      out.push(`${head} — ${g.message}`);
      if (g.permission) out.push(`    missing permission: ${g.permission}`);
      if (g.impact) out.push(`    impact: ${g.impact}`);
    } else {
      out.push(fitLine([head, g.permission ? ` — missing ${g.permission}` : '', g.impact ? ` — impact: ${g.impact}` : ` — ${g.message}`], MAX_LINE_CHARS));
    }
  }
  return out;
}

function suppressedLine(results: readonly ReportResult[], style: Style): string[] {
  const accepted = results.filter((r) => r.status === 'suppressed');
  if (accepted.length === 0) return [];
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, accepted.filter((r) => r.severity === s).length])) as Record<Severity, number>;
  return [style.dim(`Accepted in the baseline (suppressed): ${plural(accepted.length, 'finding')} — ${severityCounts(counts, makeStyle(false))}; --verbose lists them`)];
}

/** `--verbose`: every result of a group in full, causes first with their consequences, then the rest. */
function verboseGroupLines(d: LoadBalancerDiagnosis, dd: Diagnosed, ctx: FindingContext, withAccount: boolean): string[] {
  const out = [groupHeadline(d, ctx.style, withAccount)];
  if (d.loadBalancerId) out.push(`  ${ctx.style.dim(sanitizeForTerminal(d.loadBalancerId))}`);
  const shown = new Set<string>();
  for (const cause of d.causes) {
    const r = dd.byFingerprint.get(cause.fingerprint);
    if (!r) continue;
    out.push('', ...findingBlock(safeResult(r), ctx, 2));
    shown.add(cause.fingerprint);
    for (const fp of cause.consequences) {
      const c = dd.byFingerprint.get(fp);
      if (!c) continue;
      out.push('', `      ${ctx.style.dim('↳ consequence of the finding above:')}`, ...findingBlock(safeResult(c), ctx, 6));
      shown.add(fp);
    }
  }
  const rest = dd.allOf(d).filter((r) => !shown.has(r.fingerprint) && r.status !== 'fail');
  for (const r of rest) {
    if (r.status === 'pass' || r.status === 'not_applicable') {
      const safe = safeResult(r);
      out.push(`  ${severityTag(r, ctx.style)} ${findingTitle(safe)} — ${safe.message}`);
    } else {
      out.push('', ...findingBlock(safeResult(r), ctx, 2));
    }
  }
  return out;
}

/** `--demo` or `--snapshot FILE` when the report says where its data came from; a live audit needs its own flags. */
function defaultExplainFlags(report: Report): string {
  if (report.source.kind === 'demo') return '--demo';
  if (report.source.kind === 'snapshot' && report.source.path) {
    return sanitizeForTerminal(`--snapshot ${shellWord(report.source.path)}`);
  }
  return '';
}

export function renderText(report: Report, options: TextOptions = {}): string {
  const style = makeStyle(options.color === true);
  const dd = diagnosed(report);
  const explainHint = ` ${options.explainFlags ?? defaultExplainFlags(report)}`.trimEnd();
  const blocks: string[][] = [headerLines(report, dd, style)];
  // A partial audit says so before any finding: what is missing can hide the failures that matter.
  const partial = partialAuditLine(report.summary);
  if (partial) blocks.push([style.banner(partial)]);
  const ctx: FindingContext = { report, style, byFingerprint: dd.byFingerprint, ...(options.checks ? { checks: options.checks } : {}) };
  const withAccount = new Set(report.scopes.map((s) => s.account)).size > 1;
  for (const d of dd.diagnosis) {
    blocks.push(options.verbose ? verboseGroupLines(d, dd, ctx, withAccount) : groupLines(d, dd, style, explainHint, withAccount));
  }
  const coverage = coverageLines(report.coverage, style, options.verbose === true);
  if (coverage.length) blocks.push(coverage);
  const tail = options.verbose ? [] : suppressedLine(dd.results, style);
  if (!options.verbose && dd.diagnosis.some((d) => d.causes.length > 0 || d.counts.unknown > 0)) {
    tail.push(style.dim(fitLine([`Details: cloud502 explain <fingerprint or check id>${explainHint} · every result in full: --verbose`], MAX_LINE_CHARS)));
  }
  tail.push(summaryLine(report, options.color === true));
  blocks.push(tail);
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}
