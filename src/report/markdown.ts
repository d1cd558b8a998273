/**
 * The Markdown report, for a pull-request comment or a change ticket: a summary table, the failures worst first with
 * their evidence and fix folded into `<details>`, then what could not be decided and the coverage gaps.
 *
 * Inline text goes through `escapeMarkdown` (table pipes, emphasis, `<`), code through `markdownCode` /
 * `markdownCodeBlock`, and the `<summary>` line, which GitHub renders as HTML, through `escapeHtml`.
 */
import type { CheckResult, Evidence, Severity } from '../engine/result.js';
import { SEVERITIES, STATUSES, severityRank } from '../engine/result.js';
import { escapeHtml, escapeMarkdown, markdownCode, markdownCodeBlock, oneLine } from './escape.js';
import { describeMetric } from './svg.js';
import type { CheckLookup } from './text.js';
import { formatDuration, scopeLabel } from './text.js';
import type { Report } from './types.js';

export interface MarkdownOptions {
  /** Heading of the report; defaults to one that states the outcome. */
  title?: string;
  /** Supplies each check's rationale for the "why" line; `registry.get` fits. */
  checks?: CheckLookup;
}

const md = escapeMarkdown;
const cell = (value: string): string => markdownCode(value, { table: true });

const SEVERITY_HEADING: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

function compare(a: CheckResult, b: CheckResult): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    a.checkId.localeCompare(b.checkId) ||
    a.resource.name.localeCompare(b.resource.name)
  );
}

function loadBalancerOf(r: CheckResult): string {
  return r.resource.loadBalancerName ?? r.resource.loadBalancerId ?? '';
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

function evidenceItems(r: CheckResult): string[] {
  const e: Evidence = r.evidence;
  const items = [`- **Resource**: ${md(r.resource.type)} ${markdownCode(r.resource.id)}`];
  if (e.path !== undefined) items.push(`- **Field**: ${markdownCode(e.path)}`);
  if (e.observed !== undefined) items.push(`- **Observed**: ${md(formatValue(e.observed))}`);
  if (e.expected !== undefined) items.push(`- **Expected**: ${md(formatValue(e.expected))}`);
  if (e.source !== undefined) items.push(`- **Source**: ${md(e.source)}`);
  for (const m of e.metrics ?? []) items.push(`- **Metric**: ${md(describeMetric(m))}`);
  for (const [k, v] of Object.entries(e.details ?? {})) items.push(`- **${md(k)}**: ${md(formatValue(v))}`);
  if (r.causes.length) items.push(`- **Causes**: HTTP ${r.causes.join(', ')}`);
  items.push(`- **Fingerprint**: ${markdownCode(r.fingerprint)}`);
  return items;
}

/** HTML for the `<summary>` line: a blank line inside it would end GitHub's HTML block, so line breaks collapse. */
function summaryText(value: string): string {
  return escapeHtml(oneLine(value));
}

function detailsBlock(r: CheckResult, checks: CheckLookup | undefined): string {
  const summary = `<code>${summaryText(r.checkId)}</code> on ${summaryText(r.resource.name)}: evidence and fix`;
  // GitHub renders Markdown inside <details> only after a blank line.
  const lines = ['<details>', `<summary>${summary}</summary>`, '', ...evidenceItems(r), ''];
  const rationale = checks?.(r.checkId)?.rationale;
  if (rationale) lines.push(`**Why**: ${md(rationale)}`, '');
  lines.push(`**Fix**: ${md(r.remediation.summary)}`, '');
  if (r.remediation.cli) lines.push(markdownCodeBlock(r.remediation.cli, 'sh'), '');
  if (r.remediation.terraform) lines.push(`Terraform: ${markdownCode(r.remediation.terraform)}`, '');
  if (r.remediation.console) lines.push(`Console: ${md(r.remediation.console)}`, '');
  if (r.docs.length) lines.push(`Docs: ${r.docs.map((d) => markdownCode(d)).join(' ')}`, '');
  lines.push('</details>');
  return lines.join('\n');
}

function findingsSection(fails: readonly CheckResult[], checks: CheckLookup | undefined): string[] {
  if (fails.length === 0) return ['## Findings', '', 'No failing checks.', ''];
  const out = ['## Findings', ''];
  for (const sev of SEVERITIES) {
    const group = fails.filter((r) => r.severity === sev);
    if (group.length === 0) continue;
    out.push(`### ${SEVERITY_HEADING[sev]} (${group.length})`, '');
    out.push('| Check | Resource | Load balancer | Message |', '| --- | --- | --- | --- |');
    for (const r of group) out.push(`| ${cell(r.checkId)} | ${md(r.resource.name)} | ${md(loadBalancerOf(r))} | ${md(r.message)} |`);
    out.push('');
    for (const r of group) out.push(detailsBlock(r, checks), '');
  }
  return out;
}

function undecidedSection(results: readonly CheckResult[]): string[] {
  const rows = results.filter((r) => r.status === 'unknown' || r.status === 'error');
  if (rows.length === 0) return [];
  return [
    '## Not decided',
    '',
    'These checks could not reach a verdict; they are neither passes nor failures.',
    '',
    '| Status | Check | Resource | Load balancer | Why |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.status} | ${cell(r.checkId)} | ${md(r.resource.name)} | ${md(loadBalancerOf(r))} | ${md(r.message)} |`),
    '',
  ];
}

function suppressedSection(results: readonly CheckResult[]): string[] {
  const rows = results.filter((r) => r.status === 'suppressed');
  if (rows.length === 0) return [];
  return [
    '## Accepted (baseline)',
    '',
    '| Severity | Check | Resource | Reason | Expires |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.severity} | ${cell(r.checkId)} | ${md(r.resource.name)} | ${md(r.suppression?.reason ?? '')} | ${md(r.suppression?.expires ?? 'never')} |`,
    ),
    '',
  ];
}

function coverageSection(report: Report): string[] {
  if (report.coverage.length === 0) return [];
  return [
    '## Coverage gaps',
    '',
    'Not collected; the checks that needed these report unknown, never pass.',
    '',
    '| API | Scope | Missing permission | Code | Impact | Message |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.coverage.map(
      (g) =>
        `| ${cell(g.api)} | ${md(scopeLabel(g))} | ${g.permission ? cell(g.permission) : ''} | ${md(g.code)} | ${md(g.impact ?? '')} | ${md(g.message)} |`,
    ),
    '',
  ];
}

function defaultTitle(report: Report): string {
  const fails = report.summary.byStatus.fail;
  const lbs = report.summary.loadBalancers;
  const where = `${lbs} load balancer${lbs === 1 ? '' : 's'}`;
  return fails === 0 ? `cloud502: no failing checks on ${where}` : `cloud502: ${fails} failing check${fails === 1 ? '' : 's'} on ${where}`;
}

/** Renders the report as GitHub-flavoured Markdown. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const s = report.summary;
  const out: string[] = [`# ${md(options.title ?? defaultTitle(report))}`, ''];
  if (report.demo) {
    out.push('> [!WARNING]', '> **Demo data**: this report comes from the bundled demo environment, not from your cloud account.', '');
  }
  const facts = [
    `Generated ${md(report.generatedAt)}`,
    `data collected ${md(report.collectedAt)}`,
    `source ${md(report.source.kind)}${report.source.path ? ` ${markdownCode(report.source.path)}` : ''}`,
    report.metricsWindowSeconds !== undefined ? `metrics window ${md(formatDuration(report.metricsWindowSeconds))}` : 'metrics not collected',
    `cloud502 ${md(report.tool.version)}`,
  ];
  out.push(`${facts.join(' · ')}  `, `Scopes: ${report.scopes.map((sc) => md(scopeLabel(sc))).join(', ') || 'none'}`, '');

  out.push('## Summary', '', '| Severity | Failures |', '| --- | ---: |');
  for (const sev of SEVERITIES) out.push(`| ${sev} | ${s.failuresBySeverity[sev]} |`);
  out.push('', '| Status | Results |', '| --- | ---: |');
  for (const st of STATUSES) out.push(`| ${st} | ${s.byStatus[st]} |`);
  out.push('', `${s.checksRun} checks on ${s.loadBalancers} load balancers; highest severity: **${s.highestSeverity ?? 'none'}**.`, '');

  const fails = report.results.filter((r) => r.status === 'fail').sort(compare);
  out.push(...findingsSection(fails, options.checks));
  out.push(...undecidedSection(report.results));
  out.push(...suppressedSection(report.results));
  out.push(...coverageSection(report));
  return `${out.join('\n').trimEnd()}\n`;
}
