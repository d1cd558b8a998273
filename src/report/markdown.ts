/**
 * The Markdown report, for a pull-request comment or a change ticket: the verdict, a summary table per load balancer
 * and the top causes stay visible; each cause's evidence, fix and consequences are folded into `<details>`. The whole
 * stays under a size budget (GitHub refuses comments over 65,536 characters): what does not fit is cut with a clear
 * "N more in the attached report".
 *
 * Inline text goes through `escapeMarkdown` (table pipes, emphasis, `<`, and what GitHub would autolink), code
 * through `markdownCode` / `markdownCodeBlock`, and the `<summary>` line, which GitHub renders as HTML, through
 * `escapeHtml`. The only links are the checks' documentation links.
 */
import type { Severity } from '../engine/result.js';
import { SEVERITIES } from '../engine/result.js';
import type { Diagnosed } from './diagnosis.js';
import { diagnosed, diagnosisKey } from './diagnosis.js';
import { escapeHtml, escapeMarkdown, markdownCode, markdownCodeBlock, oneLine } from './escape.js';
import type { CheckLookup } from './format.js';
import { checkMetaOf, docsOf, formatCount, formatDuration, formatValue, scopeLabel } from './format.js';
import type { LoadBalancerDiagnosis, Report, ReportResult } from './types.js';

export interface MarkdownOptions {
  /** Heading of the report; defaults to one that states the outcome. */
  title?: string;
  /** Check rationales for reports that do not carry them; `registry.get` fits. */
  checks?: CheckLookup;
  /** Most characters the document may have (default {@link MARKDOWN_BUDGET}). */
  maxChars?: number;
  /** Causes listed in the "Top causes" list (default 5). */
  topCauses?: number;
}

/** Default size budget: under GitHub's 65,536-character comment limit, with room for a wrapper around it. */
export const MARKDOWN_BUDGET = 60_000;

/** Longest rationale shown; the full text is in the attached report and in `cloud502 explain <check-id>`. */
const MAX_RATIONALE_CHARS = 280;

interface MarkdownCtx {
  report: Report;
  checks?: CheckLookup;
  /** Checks whose rationale was already written. */
  whyShown: Set<string>;
}

/** Longest evidence value shown in a `<details>` block; the full value is in the attached report. */
const MAX_VALUE_CHARS = 120;

const md = escapeMarkdown;
const cell = (value: string): string => markdownCode(value, { table: true });

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function clip(value: string, max = MAX_VALUE_CHARS): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** HTML for the `<summary>` line: a blank line inside it would end GitHub's HTML block, so line breaks collapse. */
function summaryText(value: string): string {
  return escapeHtml(oneLine(value));
}

function lbLabel(d: LoadBalancerDiagnosis): string {
  return d.loadBalancerId === undefined ? `${d.provider} ${d.name} (not tied to a load balancer)` : d.name;
}

/** A documentation link: the only links the document has, all from the check catalog. */
function docLinks(docs: readonly string[]): string {
  return docs
    .filter((d) => /^https:\/\/[^\s<>()[\]]+$/.test(d))
    .map((d, i) => `[docs ${i + 1}](${d})`)
    .join(' · ');
}

function firstCommand(r: ReportResult): string | undefined {
  return r.remediation?.cli?.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))?.trim();
}

function evidenceItems(r: ReportResult): string[] {
  const e = r.evidence ?? {};
  const items = [`- **Resource**: ${markdownCode(r.resource.id)}`];
  if (e.path !== undefined) items.push(`- **Field**: ${markdownCode(e.path)}`);
  if (e.observed !== undefined) items.push(`- **Observed**: ${md(clip(formatValue(e.observed)))}`);
  if (e.expected !== undefined) items.push(`- **Expected**: ${md(clip(formatValue(e.expected)))}`);
  if (e.source !== undefined) items.push(`- **Source**: ${md(e.source)}`);
  // One line for every metric: value by name; the provider's metric names and peaks are in the attached report.
  const metrics = e.metrics ?? [];
  if (metrics.length) {
    const quiet = metrics.filter((m) => m.value === 0);
    const loud = metrics.filter((m) => m.value !== 0).map((m) => `${m.name} ${m.aggregation === 'sum' ? '=' : m.aggregation === 'min' ? 'lowest' : 'peak'} ${formatCount(m.value)}${m.unit === 'seconds' ? ' s' : ''}`);
    const window = formatDuration(metrics[0]!.windowSeconds);
    items.push(`- **Metrics** (${window}): ${md(loud.length ? loud.join(' · ') : 'all 0 or no data')}${loud.length && quiet.length ? ` (${quiet.length} more at 0 or no data)` : ''}`);
  }
  const traced: string[] = [];
  for (const [k, v] of Object.entries(e.details ?? {}).filter(([, v]) => v !== undefined)) {
    // Lists of records (reachability traces, per-target lists) do not fit a comment; they are named, not shown.
    if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) traced.push(k);
    else items.push(`- **${md(k)}**: ${md(clip(formatValue(v)))}`);
  }
  if (traced.length) items.push(`- **In the attached report**: ${md(traced.join(', '))}`);
  items.push(`- **Fingerprint**: ${markdownCode(r.fingerprint)}`);
  return items;
}

/** One cause, collapsed: why, the fix, the consequences folded under it, and the evidence. */
function causeBlock(r: ReportResult, impact: Severity, consequences: readonly ReportResult[], ctx: MarkdownCtx): string {
  const more = consequences.length ? ` (+${plural(consequences.length, 'consequence')})` : '';
  const summary = `${impact} · <code>${summaryText(r.checkId)}</code> on ${summaryText(r.resource.name)}${more}`;
  // GitHub renders Markdown inside <details> only after a blank line.
  const lines = ['<details>', `<summary>${summary}</summary>`, ''];
  lines.push(md(r.message), '');
  const info = checkMetaOf(ctx.report, r.checkId, ctx.checks);
  // A check's rationale is the same for each of its findings: in full once, then by reference.
  if (info && ctx.whyShown.has(r.checkId)) lines.push(`**Why**: as for ${markdownCode(r.checkId)} above.`, '');
  else if (info) lines.push(`**Why**: ${md(clip(info.rationale, MAX_RATIONALE_CHARS))}`, '');
  ctx.whyShown.add(r.checkId);
  if (r.remediation) {
    lines.push(`**Fix**: ${md(clip(r.remediation.summary, 400))}`, '');
    if (r.remediation.cli) lines.push(markdownCodeBlock(r.remediation.cli, 'sh'), '');
    if (r.remediation.terraform) lines.push(`Terraform: ${markdownCode(r.remediation.terraform)}`, '');
    if (r.remediation.console) lines.push(`Console: ${md(r.remediation.console)}`, '');
  }
  if (consequences.length) {
    lines.push('**Consequences** (folded under this cause; they go away with its fix):', '');
    for (const c of consequences) lines.push(`- ${c.severity} ${markdownCode(c.checkId)} on ${md(c.resource.name)}: ${md(clip(c.message, 120))} (${markdownCode(c.fingerprint.slice(0, 8))})`);
    lines.push('');
  }
  lines.push('**Evidence**', '', ...evidenceItems(r), '');
  const docs = docLinks(docsOf(ctx.report, r, ctx.checks).slice(0, 2));
  if (docs) lines.push(`Docs: ${docs}`, '');
  lines.push('</details>');
  return lines.join('\n');
}

function defaultTitle(report: Report, dd: Diagnosed): string {
  const lbs = Math.max(report.summary.loadBalancers, dd.diagnosis.filter((d) => d.loadBalancerId !== undefined).length);
  const failing = dd.diagnosis.filter((d) => d.loadBalancerId !== undefined && d.worst !== null);
  const worst = SEVERITIES.find((s) => failing.some((d) => d.worst === s));
  if (lbs === 0) return 'cloud502: no load balancers found';
  if (!worst) return `cloud502: no cause of 5xx found on ${plural(lbs, 'load balancer')}`;
  return `cloud502: ${failing.length} of ${plural(lbs, 'load balancer')} ${failing.length === 1 ? 'has' : 'have'} a cause of 5xx (worst: ${worst})`;
}

/** Appends blocks while they fit the budget; says how many did not. */
class Budget {
  readonly #out: string[] = [];
  #used = 0;

  constructor(readonly max: number) {}

  get used(): number {
    return this.#used;
  }

  /** Adds a block (lines joined by \n) if it fits with `reserve` characters left over; returns whether it did. */
  add(block: string, reserve = 0): boolean {
    const size = block.length + 1;
    if (this.#used + size + reserve > this.max) return false;
    this.#out.push(block);
    this.#used += size;
    return true;
  }

  /** Adds a block whatever its size (short, fixed texts only). */
  force(block: string): void {
    this.#out.push(block);
    this.#used += block.length + 1;
  }

  text(): string {
    return `${this.#out.join('\n').trimEnd()}\n`;
  }
}

/** Renders the report as GitHub-flavoured Markdown within the size budget. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const dd = diagnosed(report);
  const ctx: MarkdownCtx = { report, whyShown: new Set(), ...(options.checks ? { checks: options.checks } : {}) };
  const budget = new Budget(options.maxChars ?? MARKDOWN_BUDGET);
  const s = report.summary;
  const undecided = dd.results.filter((r) => r.status === 'unknown' || r.status === 'error');
  // Room kept for the closing sections (as they will be, up to a cap) and the "more in the attached report" lines.
  const RESERVE = Math.min(12_000, 600 + 240 * undecided.length + 200 * report.coverage.length);

  const head = [`# ${md(options.title ?? defaultTitle(report, dd))}`, ''];
  if (report.demo) head.push('> [!WARNING]', '> **Demo data**: this report comes from the bundled demo environment, not from your cloud account.', '');
  const causes = SEVERITIES.map((sev) => [sev, dd.diagnosis.reduce((a, d) => a + d.causes.filter((c) => c.impact === sev).length, 0)] as const);
  const totalCauses = causes.reduce((a, [, n]) => a + n, 0);
  head.push(
    `**${plural(totalCauses, 'cause')}**${totalCauses ? ` (${causes.filter(([, n]) => n > 0).map(([sev, n]) => `${n} ${sev}`).join(', ')})` : ''} behind ${plural(s.byStatus.fail, 'failing check')} · ` +
      `${formatCount(s.byStatus.pass)} passed · ${formatCount(s.byStatus.unknown)} unknown · ${plural(s.byStatus.error, 'error')}` +
      `${s.byStatus.suppressed ? ` · ${formatCount(s.byStatus.suppressed)} accepted in the baseline` : ''}`,
    '',
  );
  const facts = [
    `Generated ${md(report.generatedAt)}`,
    `data collected ${md(report.collectedAt)}`,
    `source ${md(report.source.kind)}${report.source.path ? ` ${markdownCode(report.source.path)}` : ''}`,
    report.metricsWindowSeconds !== undefined ? `metrics window ${md(formatDuration(report.metricsWindowSeconds))}` : 'metrics not collected',
    `${s.checksRun} checks`,
    `cloud502 ${md(report.tool.version)}`,
  ];
  head.push(`${facts.join(' · ')}  `, `Scopes: ${report.scopes.map((sc) => md(scopeLabel(sc))).join(', ') || 'none'}`, '');
  budget.force(head.join('\n'));

  // Summary table: one row per load balancer, worst first.
  const rows = dd.diagnosis.map((d) => {
    const own = dd.byGroup.get(diagnosisKey(d)) ?? [];
    const fails = own.filter((r) => r.status === 'fail').length;
    return `| ${md(lbLabel(d))} | ${d.worst ?? 'none'} | ${md(d.usersSee?.summary ?? 'not measured')} | ${d.causes.length} | ${fails} | ${d.counts.unknown} |`;
  });
  budget.force(['## Load balancers', '', '| Load balancer | Worst | Users see (LB-generated 5xx) | Causes | Failing checks | Unknown |', '| --- | --- | --- | ---: | ---: | ---: |'].join('\n'));
  let shownRows = 0;
  for (const row of rows) {
    if (!budget.add(row, RESERVE)) break;
    shownRows++;
  }
  if (shownRows < rows.length) budget.force(`| ${rows.length - shownRows} more load balancers in the attached report | | | | | |`);
  budget.force('');

  // Top causes across the estate: visible without opening anything.
  const all = dd.diagnosis.flatMap((d) => d.causes.map((c) => ({ d, c })));
  const ranked = [...all].sort((a, b) => SEVERITIES.indexOf(a.c.impact) - SEVERITIES.indexOf(b.c.impact));
  const top = ranked.slice(0, options.topCauses ?? 5);
  if (top.length) {
    budget.force('## Top causes\n');
    let n = 0;
    for (const { d, c } of top) {
      const r = dd.byFingerprint.get(c.fingerprint);
      if (!r) continue;
      const cmd = firstCommand(r);
      const fix = cmd ? ` Fix: ${markdownCode(cmd)}` : r.remediation ? ` Fix: ${md(clip(r.remediation.summary, 200))}` : '';
      const folded = c.consequences.length ? ` (+${plural(c.consequences.length, 'consequence')})` : '';
      if (!budget.add(`${n + 1}. **${c.impact}** ${md(lbLabel(d))}: ${md(clip(r.message, 160))}${folded}${fix}`, RESERVE)) break;
      n++;
    }
    if (n < all.length) budget.force(`\n${plural(all.length - n, 'more cause')} below.`);
    budget.force('');
  }

  // Per load balancer: the causes collapsed, as many as fit; a load balancer is shown with at least its first cause.
  budget.force('## Diagnosis by load balancer\n');
  let causesCut = 0;
  let lbsCut = 0;
  for (const d of dd.diagnosis) {
    const blocks = d.causes.flatMap((c) => {
      const r = dd.byFingerprint.get(c.fingerprint);
      if (!r) return [];
      const consequences = c.consequences.map((fp) => dd.byFingerprint.get(fp)).filter((x): x is ReportResult => x !== undefined);
      return [`${causeBlock(r, c.impact, consequences, ctx)}\n`];
    });
    if (blocks.length === 0) continue;
    if (!budget.add(`### ${md(lbLabel(d))}: ${d.worst}\n\n${blocks[0]}`, RESERVE)) {
      lbsCut++;
      causesCut += blocks.length;
      continue;
    }
    for (let i = 1; i < blocks.length; i++) {
      if (!budget.add(blocks[i]!, RESERVE)) {
        causesCut += blocks.length - i;
        break;
      }
    }
    budget.force('');
  }
  if (causesCut > 0) {
    budget.force(`**${plural(causesCut, 'more cause')}${lbsCut ? ` on ${plural(lbsCut, 'more load balancer')}` : ''} in the attached report** (the JSON or HTML report of this audit).\n`);
  }

  // What could not be decided, accepted findings and coverage gaps: short tables, capped.
  if (undecided.length) {
    budget.force(['## Not decided', '', 'These checks could not reach a verdict; they are neither passes nor failures.', '', '| Status | Check | Resource | Load balancer | Why |', '| --- | --- | --- | --- | --- |'].join('\n'));
    let n = 0;
    for (const r of undecided) {
      if (!budget.add(`| ${r.status} | ${cell(r.checkId)} | ${md(r.resource.name)} | ${md(r.resource.loadBalancerName ?? '')} | ${md(clip(r.message, 160))} |`, 220 * report.coverage.length + 300)) break;
      n++;
    }
    if (n < undecided.length) budget.force(`| ${undecided.length - n} more in the attached report | | | | |`);
    budget.force('');
  }
  const accepted = dd.results.filter((r) => r.status === 'suppressed');
  if (accepted.length) {
    const bySev = SEVERITIES.map((sev) => [sev, accepted.filter((r) => r.severity === sev).length] as const).filter(([, n]) => n > 0);
    budget.force(`**Accepted in the baseline**: ${plural(accepted.length, 'finding')} (${bySev.map(([sev, n]) => `${n} ${sev}`).join(', ')}), listed in the attached report.\n`);
  }
  if (report.coverage.length) {
    budget.force(['## Coverage gaps', '', 'Not collected; the checks that needed these report unknown, never pass.', '', '| API | Scope | Missing permission | Code | Impact |', '| --- | --- | --- | --- | --- |'].join('\n'));
    let n = 0;
    for (const g of report.coverage) {
      if (!budget.add(`| ${cell(g.api)} | ${md(scopeLabel(g))} | ${g.permission ? cell(g.permission) : ''} | ${md(g.code)} | ${md(clip(g.impact ?? g.message, 200))} |`, 200)) break;
      n++;
    }
    if (n < report.coverage.length) budget.force(`| ${report.coverage.length - n} more in the attached report | | | | |`);
  }
  return budget.text();
}
