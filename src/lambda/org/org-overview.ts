/**
 * The organization overview in Markdown, HTML and plain text: one row per account (what was audited, failures by
 * severity, new findings, coverage gaps, links to the account's reports), the items that were not audited, and the
 * worst new findings. Rows go to scratch files as accounts are merged; the document is assembled at the end.
 * Every dynamic string (account names, error messages, resource names) is escaped for its format.
 */
import type { Severity } from '../../engine/index.js';
import { SEVERITIES } from '../../engine/index.js';
import type { CoverageGap } from '../../model/index.js';
import { escapeHtml, escapeMarkdown, markdownCode, sanitizeTerminal } from '../../report/escape.js';
import type { ReportFormat } from '../../report/render.js';
import type { ReportSummary } from '../../report/types.js';
import { accountDir, reportFile } from './layout.js';
import type { NotedFinding } from './org-notify.js';
import { SectionFile, SplicedFile, type ScratchDir } from './section-file.js';

export const OVERVIEW_FORMATS = ['markdown', 'html', 'text'] as const;
export type OverviewFormat = (typeof OVERVIEW_FORMATS)[number];

/** Items listed one by one under "Not audited"; the rest are counted (all are in report.json's coverage). */
export const MAX_LISTED_GAPS = 200;

export interface AccountRow {
  account: string;
  name?: string;
  /** Regions with a report, and how many of them were cut short. */
  regions: number;
  partialRegions: number;
  /** Items without a report. */
  failedItems: number;
  summary: ReportSummary;
  newFindings: number;
  coverageGaps: number;
  /** Compared with a previous report of the account. */
  compared: boolean;
}

export interface OverviewFooter {
  title: string;
  runId: string;
  generatedAt: string;
  summary: ReportSummary;
  accounts: number;
  items: number;
  failedItems: number;
  newFindings: readonly NotedFinding[];
  newTotal: number;
  notifySeverity: Severity;
  /** Per-account formats, for the links. */
  formats: readonly ReportFormat[];
  /** A coverage entry of the whole run (the map failed), when there is one. */
  runGap?: CoverageGap;
}

const md = escapeMarkdown;
const html = escapeHtml;

function severityCells(s: ReportSummary): number[] {
  return SEVERITIES.map((sev) => s.failuresBySeverity[sev]);
}

export class OverviewWriter {
  private gapsListed = 0;
  private gapsTotal = 0;

  private constructor(
    private readonly dir: ScratchDir,
    private readonly formats: ReadonlySet<OverviewFormat>,
    private readonly rows: Record<OverviewFormat, SectionFile | undefined>,
    private readonly gaps: Record<OverviewFormat, SectionFile | undefined>,
  ) {}

  static async create(dir: ScratchDir, formats: Iterable<OverviewFormat>): Promise<OverviewWriter> {
    const wanted = new Set(formats);
    const open = async (f: OverviewFormat, name: string) => (wanted.has(f) ? SectionFile.create(dir.file(`${name}.${f}.part`), '\n') : undefined);
    return new OverviewWriter(
      dir,
      wanted,
      { markdown: await open('markdown', 'rows'), html: await open('html', 'rows'), text: await open('text', 'rows') },
      { markdown: await open('markdown', 'gaps'), html: await open('html', 'gaps'), text: await open('text', 'gaps') },
    );
  }

  async addAccount(row: AccountRow, linkFormats: readonly ReportFormat[]): Promise<void> {
    const name = row.name ?? '';
    const regions = `${row.regions}${row.partialRegions ? ` (${row.partialRegions} partial)` : ''}${row.failedItems ? `, ${row.failedItems} not audited` : ''}`;
    const sev = severityCells(row.summary);
    const newCell = row.compared ? String(row.newFindings) : `${row.newFindings} (first report)`;
    const dir = accountDir('', row.account);
    if (this.rows.markdown) {
      const links = linkFormats.map((f) => `[${f}](${dir}${reportFile(f)})`).join(' ');
      await this.rows.markdown.add(`| ${row.account} | ${md(name)} | ${regions} | ${sev.join(' | ')} | ${newCell} | ${row.coverageGaps} | ${links} |`);
    }
    if (this.rows.html) {
      const links = linkFormats.map((f) => `<a href="${html(`${dir}${reportFile(f)}`)}">${html(f)}</a>`).join(' ');
      const cls = row.failedItems || row.partialRegions ? ' class="partial"' : '';
      await this.rows.html.add(
        `<tr${cls}><td>${row.account}</td><td>${html(name)}</td><td>${html(regions)}</td>${sev.map((n) => `<td class="n">${n}</td>`).join('')}<td class="n">${html(newCell)}</td><td class="n">${row.coverageGaps}</td><td>${links}</td></tr>`,
      );
    }
    if (this.rows.text) {
      await this.rows.text.add(`  ${row.account}  ${sanitizeTerminal(name).padEnd(24).slice(0, 24)}  regions ${regions}; failing ${SEVERITIES.map((s, i) => `${sev[i]} ${s}`).join(', ')}; new ${newCell}; gaps ${row.coverageGaps}`);
    }
  }

  /** An item without a report: listed while under MAX_LISTED_GAPS, counted always. */
  async addNotAudited(gap: CoverageGap): Promise<void> {
    this.gapsTotal += 1;
    if (this.gapsListed >= MAX_LISTED_GAPS) return;
    this.gapsListed += 1;
    const where = `${gap.account ?? '?'}/${gap.region ?? '?'}`;
    await this.gaps.markdown?.add(`| ${md(where)} | ${markdownCode(gap.api, { table: true })} | ${md(gap.code)} | ${md(gap.message)} |`);
    await this.gaps.html?.add(`<tr><td>${html(where)}</td><td><code>${html(gap.api)}</code></td><td>${html(gap.code)}</td><td>${html(gap.message)}</td></tr>`);
    await this.gaps.text?.add(`  ${sanitizeTerminal(where)}  ${sanitizeTerminal(gap.api)}  ${sanitizeTerminal(gap.code)}: ${sanitizeTerminal(gap.message)}`);
  }

  async finish(footer: OverviewFooter): Promise<Map<OverviewFormat, string>> {
    for (const f of OVERVIEW_FORMATS) {
      await this.rows[f]?.close();
      await this.gaps[f]?.close();
    }
    const out = new Map<OverviewFormat, string>();
    if (this.formats.has('markdown')) out.set('markdown', await this.markdown(footer));
    if (this.formats.has('html')) out.set('html', await this.html(footer));
    if (this.formats.has('text')) out.set('text', await this.text(footer));
    return out;
  }

  private facts(f: OverviewFooter): string {
    return `run ${f.runId}, generated ${f.generatedAt}; ${f.accounts} accounts, ${f.items} account/region items, ${f.failedItems} not audited; ${f.summary.byStatus.fail} failing checks on ${f.summary.loadBalancers} load balancers`;
  }

  private async markdown(f: OverviewFooter): Promise<string> {
    const file = SplicedFile.create(this.dir.file('overview.md'));
    const s = f.summary;
    await file.text(`# ${md(f.title)}\n\n${md(this.facts(f))}\n\n`);
    if (f.runGap) await file.text(`> [!WARNING]\n> ${md(`${f.runGap.code}: ${f.runGap.message}`)}\n\n`);
    await file.text(`## Summary\n\n| Severity | Failures |\n| --- | ---: |\n${SEVERITIES.map((sev) => `| ${sev} | ${s.failuresBySeverity[sev]} |`).join('\n')}\n\n`);
    await file.text(`## Accounts\n\n| Account | Name | Regions | ${SEVERITIES.join(' | ')} | New | Coverage gaps | Reports |\n| --- | --- | --- | ${SEVERITIES.map(() => '---:').join(' | ')} | ---: | ---: | --- |\n`);
    await file.section(this.rows.markdown!);
    await file.text('\n');
    if (this.gapsTotal) {
      await file.text(`\n## Not audited (${this.gapsTotal})\n\n| Account/region | API | Code | Error |\n| --- | --- | --- | --- |\n`);
      await file.section(this.gaps.markdown!);
      await file.text(`\n${this.gapsTotal > this.gapsListed ? `\n... and ${this.gapsTotal - this.gapsListed} more in report.json (coverage).\n` : ''}`);
    }
    if (f.newTotal) {
      await file.text(`\n## New findings at or above ${f.notifySeverity} (${f.newTotal})\n\n| Severity | Check | Account/region | Resource | Message |\n| --- | --- | --- | --- | --- |\n`);
      for (const n of f.newFindings) {
        const r = n.result;
        await file.text(`| ${r.severity} | ${markdownCode(r.checkId, { table: true })} | ${md(`${n.account}/${r.resource.region ?? '?'}`)} | ${md(r.resource.name)} | ${md(r.message)} |\n`);
      }
      if (f.newTotal > f.newFindings.length) await file.text(`\n... and ${f.newTotal - f.newFindings.length} more in the account reports.\n`);
    }
    await file.close();
    return file.path;
  }

  private async html(f: OverviewFooter): Promise<string> {
    const file = SplicedFile.create(this.dir.file('overview.html'));
    const s = f.summary;
    const style =
      'body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td.n{text-align:right}tr.partial{background:#fff4e5}.warn{background:#fff4e5;border-left:4px solid #e8a33d;padding:.5em 1em}';
    await file.text(`<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
    await file.text(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>${html(f.title)}</title><style>${style}</style></head><body>\n`);
    await file.text(`<h1>${html(f.title)}</h1>\n<p>${html(this.facts(f))}</p>\n`);
    if (f.runGap) await file.text(`<p class="warn">${html(`${f.runGap.code}: ${f.runGap.message}`)}</p>\n`);
    await file.text(`<h2>Summary</h2>\n<table><tr><th>Severity</th><th>Failures</th></tr>${SEVERITIES.map((sev) => `<tr><td>${sev}</td><td class="n">${s.failuresBySeverity[sev]}</td></tr>`).join('')}</table>\n`);
    await file.text(`<h2>Accounts</h2>\n<table>\n<tr><th>Account</th><th>Name</th><th>Regions</th>${SEVERITIES.map((sev) => `<th>${sev}</th>`).join('')}<th>New</th><th>Coverage gaps</th><th>Reports</th></tr>\n`);
    await file.section(this.rows.html!);
    await file.text('\n</table>\n');
    if (this.gapsTotal) {
      await file.text(`<h2>Not audited (${this.gapsTotal})</h2>\n<table>\n<tr><th>Account/region</th><th>API</th><th>Code</th><th>Error</th></tr>\n`);
      await file.section(this.gaps.html!);
      await file.text(`\n</table>\n${this.gapsTotal > this.gapsListed ? `<p>... and ${this.gapsTotal - this.gapsListed} more in report.json (coverage).</p>\n` : ''}`);
    }
    if (f.newTotal) {
      await file.text(`<h2>New findings at or above ${html(f.notifySeverity)} (${f.newTotal})</h2>\n<table>\n<tr><th>Severity</th><th>Check</th><th>Account/region</th><th>Resource</th><th>Message</th></tr>\n`);
      for (const n of f.newFindings) {
        const r = n.result;
        await file.text(`<tr><td>${html(r.severity)}</td><td><code>${html(r.checkId)}</code></td><td>${html(`${n.account}/${r.resource.region ?? '?'}`)}</td><td>${html(r.resource.name)}</td><td>${html(r.message)}</td></tr>\n`);
      }
      await file.text(`</table>\n${f.newTotal > f.newFindings.length ? `<p>... and ${f.newTotal - f.newFindings.length} more in the account reports.</p>\n` : ''}`);
    }
    await file.text('</body></html>\n');
    await file.close();
    return file.path;
  }

  private async text(f: OverviewFooter): Promise<string> {
    const file = SplicedFile.create(this.dir.file('overview.txt'));
    const t = sanitizeTerminal;
    await file.text(`${t(f.title)}\n${t(this.facts(f))}\n`);
    if (f.runGap) await file.text(`WARNING: ${t(`${f.runGap.code}: ${f.runGap.message}`)}\n`);
    await file.text(`\nAccounts:\n`);
    await file.section(this.rows.text!);
    await file.text('\n');
    if (this.gapsTotal) {
      await file.text(`\nNot audited (${this.gapsTotal}):\n`);
      await file.section(this.gaps.text!);
      await file.text(`\n${this.gapsTotal > this.gapsListed ? `  ... and ${this.gapsTotal - this.gapsListed} more in report.json (coverage).\n` : ''}`);
    }
    if (f.newTotal) {
      await file.text(`\nNew findings at or above ${f.notifySeverity} (${f.newTotal}):\n`);
      for (const n of f.newFindings) await file.text(`  [${n.result.severity}] ${t(n.result.checkId)} on ${t(n.result.resource.name)} in ${n.account}/${t(n.result.resource.region ?? '?')}\n      ${t(n.result.message)}\n`);
    }
    await file.close();
    return file.path;
  }
}
