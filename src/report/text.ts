/**
 * The human report: findings grouped by load balancer, worst first, each with why it causes a 5xx, the evidence and
 * the fix. Pure: (report, options) => string.
 */
import type { CheckResult, Evidence, MetricEvidence, Severity, Status } from '../engine/result.js';
import { SEVERITIES } from '../engine/result.js';
import type { CoverageGap, Provider } from '../model/index.js';
import { sanitizeTerminal } from './escape.js';
import { partialAuditLine } from '../engine/coverage-verdict.js';
import type { Report } from './types.js';

/** What the text report needs from the check catalog; `registry.get` fits. */
export interface CheckInfo {
  title: string;
  rationale: string;
}

export type CheckLookup = (checkId: string) => CheckInfo | undefined;

export interface TextOptions {
  /** ANSI colors; the CLI decides (TTY, --no-color, NO_COLOR). */
  color?: boolean;
  /** List pass and not-applicable results one by one instead of counting them. */
  verbose?: boolean;
  /** Supplies each check's rationale ("why it causes 5xx"). */
  checks?: CheckLookup;
}

export const DEMO_BANNER = 'DEMO DATA — not your environment';

interface Style {
  bold(s: string): string;
  dim(s: string): string;
  severity(sev: Severity, s: string): string;
  status(status: Status, s: string): string;
  banner(s: string): string;
}

const ANSI = { reset: '\u001b[0m', bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', blue: '\u001b[34m', magenta: '\u001b[35m', cyan: '\u001b[36m', inverse: '\u001b[7m' };

function makeStyle(color: boolean): Style {
  const wrap = (...codes: string[]) => (s: string) => (color ? `${codes.join('')}${s}${ANSI.reset}` : s);
  const bySeverity: Record<Severity, (s: string) => string> = {
    critical: wrap(ANSI.bold, ANSI.red),
    high: wrap(ANSI.red),
    medium: wrap(ANSI.yellow),
    low: wrap(ANSI.cyan),
    info: wrap(ANSI.dim),
  };
  const byStatus: Partial<Record<Status, (s: string) => string>> = {
    pass: wrap(ANSI.green),
    unknown: wrap(ANSI.magenta),
    error: wrap(ANSI.bold, ANSI.magenta),
    suppressed: wrap(ANSI.dim),
    not_applicable: wrap(ANSI.dim),
  };
  return {
    bold: wrap(ANSI.bold),
    dim: wrap(ANSI.dim),
    severity: (sev, s) => bySeverity[sev](s),
    status: (status, s) => (byStatus[status] ?? ((x: string) => x))(s),
    banner: wrap(ANSI.bold, ANSI.inverse, ANSI.yellow),
  };
}

/** 86400 → `24h`, 1800 → `30m`, 604800 → `7d`, 90 → `90s`. */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 86_400 === 0 && seconds >= 2 * 86_400) return `${seconds / 86_400}d`;
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export function scopeLabel(scope: { provider: Provider; account?: string; region?: string }): string {
  return `${scope.provider} ${scope.account ?? 'unknown-account'} ${scope.region ?? 'global'}`;
}

interface Group {
  key: string;
  title: string;
  subtitle?: string;
  isLoadBalancer: boolean;
  results: CheckResult[];
}

function groupResults(results: readonly CheckResult[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of results) {
    const lbId = r.resource.loadBalancerId;
    const key = lbId ? `lb:${lbId}` : `scope:${scopeLabel(r.resource)}`;
    let g = groups.get(key);
    if (!g) {
      g = lbId
        ? { key, title: r.resource.loadBalancerName ?? lbId, subtitle: lbId, isLoadBalancer: true, results: [] }
        : { key, title: `${scopeLabel(r.resource)} (not tied to a load balancer)`, isLoadBalancer: false, results: [] };
      groups.set(key, g);
    }
    g.results.push(r);
  }
  for (const g of groups.values()) {
    if (!g.isLoadBalancer) continue;
    // The LB's own type and region, from any result about the LB itself.
    const own = g.results.find((r) => r.resource.kind === 'load-balancer' && `lb:${r.resource.id}` === g.key);
    const region = own?.resource.region ?? g.results[0]?.resource.region;
    g.title = [g.title, own?.resource.type, region].filter((x): x is string => Boolean(x)).join(' · ');
  }
  return [...groups.values()].sort(compareGroups);
}

/** Worst first: LB groups before scope groups, then by failure counts per severity, then errors/unknowns, then name. */
function compareGroups(a: Group, b: Group): number {
  if (a.isLoadBalancer !== b.isLoadBalancer) return a.isLoadBalancer ? -1 : 1;
  const ca = failCounts(a.results);
  const cb = failCounts(b.results);
  for (const s of SEVERITIES) if (ca[s] !== cb[s]) return cb[s] - ca[s];
  const ua = a.results.filter((r) => r.status === 'error' || r.status === 'unknown').length;
  const ub = b.results.filter((r) => r.status === 'error' || r.status === 'unknown').length;
  if (ua !== ub) return ub - ua;
  return a.title.localeCompare(b.title);
}

function failCounts(results: readonly CheckResult[]): Record<Severity, number> {
  const c = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const r of results) if (r.status === 'fail') c[r.severity] += 1;
  return c;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

function formatMetric(m: MetricEvidence): string {
  const value = m.unit === 'seconds' ? `${m.value} s` : `${m.value}`;
  // Provider names often carry the statistic already (`AWS/ApplicationELB HTTPCode_ELB_502_Count Sum`).
  const origin = m.providerName.endsWith(` ${m.statistic}`) ? m.providerName : `${m.providerName} ${m.statistic}`;
  const fold = m.aggregation === 'min' ? 'lowest' : m.aggregation === 'max' ? 'peak' : 'total';
  return `${m.name} = ${value}, ${fold} over ${formatDuration(m.windowSeconds)} (${origin})`;
}

/** Keeps multi-line values (e.g. a CLI remediation with comments) aligned under their first line. */
function hang(text: string, indent: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(indent)}`);
}

/** Labels longer than this do not widen the column for every other row. */
const MAX_LABEL_WIDTH = 12;

function evidenceLines(e: Evidence): string[] {
  const rows: Array<[string, string]> = [];
  if (e.path !== undefined) rows.push(['field', e.path]);
  if (e.observed !== undefined) rows.push(['observed', formatValue(e.observed)]);
  if (e.expected !== undefined) rows.push(['expected', formatValue(e.expected)]);
  if (e.source !== undefined) rows.push(['source', e.source]);
  // Counters that stayed at zero are evidence too, but one line for all of them keeps the finding readable.
  const quiet = (e.metrics ?? []).filter((m) => m.aggregation === 'sum' && m.value === 0);
  for (const m of e.metrics ?? []) if (!quiet.includes(m)) rows.push(['metric', formatMetric(m)]);
  if (quiet.length > 0) rows.push(['metric', `${quiet.map((m) => m.name).join(', ')} = 0 over ${formatDuration(quiet[0]!.windowSeconds)}`]);
  for (const [k, v] of Object.entries(e.details ?? {})) rows.push([k, formatValue(v)]);
  const width = Math.min(MAX_LABEL_WIDTH, Math.max(0, ...rows.map(([k]) => k.length)));
  // 6 = the evidence block's indent in findingLines.
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${hang(v, 6 + Math.max(width, k.length) + 2)}`);
}

function severityTag(r: CheckResult, style: Style): string {
  if (r.status === 'fail') return style.severity(r.severity, r.severity.toUpperCase().padEnd(8));
  const label = r.status === 'not_applicable' ? 'n/a' : r.status;
  return style.status(r.status, label.toUpperCase().padEnd(8));
}

function findingLines(r: CheckResult, style: Style, checks: CheckLookup | undefined): string[] {
  const out: string[] = [];
  const resource = r.resource.kind === 'load-balancer' ? '' : ` · ${r.resource.name}`;
  out.push(`  ${severityTag(r, style)} ${style.bold(r.checkId)}${resource}`);
  out.push(`    ${r.message}`);
  if (r.status === 'fail') {
    const rationale = checks?.(r.checkId)?.rationale;
    const codes = r.causes.length ? r.causes.join('/') : '5xx';
    if (rationale) out.push(`    ${style.bold(`Why it causes ${codes}:`)} ${rationale}`);
    else out.push(`    ${style.bold('Causes:')} ${codes}`);
  }
  const ev = evidenceLines(r.evidence);
  if (ev.length) {
    out.push(`    ${style.bold('Evidence:')}`);
    for (const line of ev) out.push(`      ${line}`);
  }
  if (r.status === 'fail' || r.status === 'error') {
    out.push(`    ${style.bold('Fix:')} ${hang(r.remediation.summary, 4)}`);
    if (r.remediation.cli) out.push(`      cli        ${hang(r.remediation.cli, 17)}`);
    if (r.remediation.terraform) out.push(`      terraform  ${hang(r.remediation.terraform, 17)}`);
    if (r.remediation.console) out.push(`      console    ${hang(r.remediation.console, 17)}`);
    if (r.docs.length) out.push(`    ${style.dim(`Docs: ${r.docs.join(' ')}`)}`);
  }
  if (r.status === 'suppressed' && r.suppression) {
    out.push(`    ${style.dim(`Accepted: ${r.suppression.reason}${r.suppression.expires ? ` (until ${r.suppression.expires})` : ''}`)}`);
  }
  return out;
}

function groupHeadline(g: Group, style: Style): string {
  const counts = failCounts(g.results);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => style.severity(s, `${counts[s]} ${s}`));
  const unknown = g.results.filter((r) => r.status === 'unknown').length;
  const errors = g.results.filter((r) => r.status === 'error').length;
  if (unknown) parts.push(style.status('unknown', `${unknown} unknown`));
  if (errors) parts.push(style.status('error', `${errors} error${errors === 1 ? '' : 's'}`));
  const worst = SEVERITIES.find((s) => counts[s] > 0);
  const marker = worst ? style.severity(worst, '■') : style.status('pass', '■');
  return `${marker} ${style.bold(g.title)}${parts.length ? ` — ${parts.join(', ')}` : ' — no failures'}`;
}

function groupLines(g: Group, style: Style, options: TextOptions): string[] {
  const out = [groupHeadline(g, style)];
  if (g.subtitle) out.push(`  ${style.dim(g.subtitle)}`);
  const detailed = g.results.filter((r) => options.verbose || (r.status !== 'pass' && r.status !== 'not_applicable'));
  for (const r of detailed) {
    out.push('');
    if (r.status === 'pass' || r.status === 'not_applicable') {
      const resource = r.resource.kind === 'load-balancer' ? '' : ` · ${r.resource.name}`;
      out.push(`  ${severityTag(r, style)} ${r.checkId}${resource} — ${r.message}`);
    } else {
      out.push(...findingLines(r, style, options.checks));
    }
  }
  if (!options.verbose) {
    const passed = g.results.filter((r) => r.status === 'pass').length;
    const na = g.results.filter((r) => r.status === 'not_applicable').length;
    if (passed || na) {
      const parts = [];
      if (passed) parts.push(style.status('pass', `✓ ${passed} passed`));
      if (na) parts.push(style.dim(`${na} not applicable`));
      out.push('', `  ${parts.join(' · ')}`);
    }
  }
  return out;
}

function coverageLines(gaps: readonly CoverageGap[], style: Style): string[] {
  if (gaps.length === 0) return [];
  const out = [style.bold(`Coverage gaps (${gaps.length}) — checks that needed this data answer "unknown"`)];
  for (const g of gaps) {
    const where = [g.account, g.region].filter(Boolean).join(' ');
    out.push(`  ${style.bold(g.api)}${where ? ` in ${where}` : ''}: ${g.code} — ${g.message}`);
    if (g.permission) out.push(`    missing permission: ${g.permission}`);
    if (g.impact) out.push(`    impact: ${g.impact}`);
  }
  return out;
}

/** `3 critical, 5 high, 2 medium, 1 low · 118 passed · 4 unknown · 0 errors` */
export function summaryLine(report: Report, color = false): string {
  const style = makeStyle(color);
  const f = report.summary.failuresBySeverity;
  const s = report.summary.byStatus;
  const severities = SEVERITIES.filter((sev) => sev !== 'info' || f.info > 0).map((sev) =>
    f[sev] > 0 ? style.severity(sev, `${f[sev]} ${sev}`) : `${f[sev]} ${sev}`,
  );
  const parts = [severities.join(', '), `${s.pass} passed`, `${s.unknown} unknown`, `${s.error} error${s.error === 1 ? '' : 's'}`];
  if (s.suppressed) parts.push(`${s.suppressed} suppressed`);
  if (report.demo) parts.push(style.banner(DEMO_BANNER));
  return parts.join(' · ');
}

function headerLines(report: Report, style: Style): string[] {
  const source =
    report.source.kind === 'live'
      ? 'live collection'
      : report.source.kind === 'demo'
        ? 'bundled demo environment'
        : `snapshot ${report.source.path ?? ''}`.trim();
  const window = report.metricsWindowSeconds ? `${formatDuration(report.metricsWindowSeconds)} of metrics` : 'metrics not collected';
  const rows: Array<[string, string]> = [
    ['source', source],
    ['scopes', report.scopes.length ? report.scopes.map(scopeLabel).join(', ') : 'none'],
    ['collected', report.collectedAt],
    ['window', window],
    ['checks', `${report.summary.checksRun} run on ${report.summary.loadBalancers} load balancer${report.summary.loadBalancers === 1 ? '' : 's'}`],
  ];
  const out = [style.bold(`cloud502 ${report.tool.version} — load-balancer 5xx audit`)];
  for (const [k, v] of rows) out.push(`  ${k.padEnd(9)}  ${v}`);
  if (report.demo) out.push('', style.banner(`  *** ${DEMO_BANNER} ***  `));
  return out;
}

/** Keys under which line breaks are kept: the renderer indents every continuation line of these (see `hang`). */
const MULTILINE_KEYS: ReadonlySet<string> = new Set(['remediation', 'evidence']);

/**
 * Resource names, tags, messages and provider error texts are attacker-controlled, and a terminal acts on control
 * characters (ESC starts a sequence that can recolor, move the cursor or retitle the window; BEL rings). Every string
 * of the report, keys included, has them made visible as `\u{…}`. A line break is made visible too, so a value cannot
 * forge a line of its own, except in remediation and evidence, whose continuation lines the renderer indents.
 */
export function sanitizeForTerminal<T>(value: T, multiline = false): T {
  if (typeof value === 'string') {
    const safe = sanitizeTerminal(value);
    return (multiline ? safe : safe.replace(/\n/g, '\\u{A}')) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => sanitizeForTerminal(v, multiline)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [sanitizeForTerminal(k), sanitizeForTerminal(v, multiline || MULTILINE_KEYS.has(k))]),
    ) as T;
  }
  return value;
}

export function renderText(unsafeReport: Report, options: TextOptions = {}): string {
  const report = sanitizeForTerminal(unsafeReport);
  const lookup = options.checks;
  // The catalog is ours, but it is printed to the same terminal: same treatment.
  if (lookup) {
    options = {
      ...options,
      checks: (id) => {
        const info = lookup(id);
        return info && { title: sanitizeForTerminal(info.title), rationale: sanitizeForTerminal(info.rationale) };
      },
    };
  }
  const style = makeStyle(options.color === true);
  const blocks: string[][] = [headerLines(report, style)];
  // A partial audit says so before any finding: what is missing can hide the failures that matter.
  const partial = partialAuditLine(report.summary);
  if (partial) blocks.push([style.banner(partial)]);
  const groups = groupResults(report.results);
  if (report.summary.loadBalancers === 0) blocks.push(['No load balancers found in the audited scopes.']);
  for (const g of groups) blocks.push(groupLines(g, style, options));
  const coverage = coverageLines(report.coverage, style);
  if (coverage.length) blocks.push(coverage);
  blocks.push([summaryLine(report, options.color === true)]);
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}
