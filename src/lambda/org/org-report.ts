/**
 * The organization report, written one account at a time into scratch files and assembled at the end, so the merge
 * holds one account in memory whatever the size of the organization:
 *
 * - JSON: the report contract (schema/report.schema.json) with the scopes, coverage and results of every account;
 *   results are grouped by account, each account's in the usual order (failures first, worst first);
 * - CSV: one header, then every account's rows;
 * - SARIF: one run whose results, notifications and scopes are every account's.
 *
 * The other formats of the organization are the overview (org-overview.ts); per-account reports carry them all.
 */
import type { Severity, Status } from '../../engine/index.js';
import { SEVERITIES, STATUSES } from '../../engine/index.js';
import type { CoverageGap } from '../../model/index.js';
import { renderCsv } from '../../report/csv.js';
import type { SarifLog, SarifNotification, SarifRule, SarifRuleSource } from '../../report/sarif.js';
import { buildSarif } from '../../report/sarif.js';
import { REPORT_SCHEMA_VERSION, type Report, type ReportSummary } from '../../report/types.js';
import { SectionFile, SplicedFile, type ScratchDir } from './section-file.js';

/** The org-level formats this writer produces (JSON always). */
export const ORG_DOCUMENT_FORMATS = ['json', 'csv', 'sarif'] as const;
export type OrgDocumentFormat = (typeof ORG_DOCUMENT_FORMATS)[number];

export interface OrgReportHeader {
  generatedAt: Date;
  toolVersion: string;
}

function emptySummary(): ReportSummary {
  return {
    total: 0,
    byStatus: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>,
    failuresBySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
    loadBalancers: 0,
    highestSeverity: null,
    checksRun: 0,
  };
}

/** Adds an account's summary into the organization's. */
export function addSummary(total: ReportSummary, part: ReportSummary): void {
  total.total += part.total;
  for (const s of STATUSES) total.byStatus[s] += part.byStatus[s] ?? 0;
  for (const s of SEVERITIES) total.failuresBySeverity[s] += part.failuresBySeverity[s] ?? 0;
  total.loadBalancers += part.loadBalancers;
  total.checksRun = Math.max(total.checksRun, part.checksRun);
  total.highestSeverity = SEVERITIES.find((s) => total.failuresBySeverity[s] > 0) ?? null;
}

function emptyReport(header: OrgReportHeader): Report {
  const at = header.generatedAt.toISOString();
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'cloud502', version: header.toolVersion },
    generatedAt: at,
    collectedAt: at,
    demo: false,
    source: { kind: 'live' },
    scopes: [],
    coverage: [],
    summary: emptySummary(),
    results: [],
  };
}

/** JSON text of a value, indented to sit at `depth` levels inside the assembled document. */
function nested(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth);
  return pad + JSON.stringify(value, null, 2).replaceAll('\n', `\n${pad}`);
}

export class OrgReportWriter {
  readonly summary = emptySummary();
  private metricsWindowSeconds: number | undefined;
  private csvHeader = '';
  private readonly sarifRules: SarifRule[];
  private readonly sarifRuleIndex: Map<string, number>;

  private constructor(
    private readonly dir: ScratchDir,
    private readonly header: OrgReportHeader,
    private readonly formats: ReadonlySet<OrgDocumentFormat>,
    private readonly catalog: readonly SarifRuleSource[],
    private readonly scopes: SectionFile,
    private readonly coverage: SectionFile,
    private readonly results: SectionFile,
    private readonly csv: SectionFile | undefined,
    private readonly sarifResults: SectionFile | undefined,
    private readonly sarifNotes: SectionFile | undefined,
  ) {
    const empty = emptyReport(header);
    this.csvHeader = renderCsv(empty);
    const run = buildSarif(empty, { checks: catalog }).runs[0]!;
    this.sarifRules = [...run.tool.driver.rules];
    this.sarifRuleIndex = new Map(this.sarifRules.map((r, i) => [r.id, i]));
  }

  static async create(dir: ScratchDir, header: OrgReportHeader, formats: Iterable<OrgDocumentFormat>, catalog: readonly SarifRuleSource[]): Promise<OrgReportWriter> {
    const wanted = new Set(formats);
    return new OrgReportWriter(
      dir,
      header,
      wanted,
      catalog,
      await SectionFile.create(dir.file('scopes.part')),
      await SectionFile.create(dir.file('coverage.part')),
      await SectionFile.create(dir.file('results.part')),
      wanted.has('csv') ? await SectionFile.create(dir.file('csv.part'), '') : undefined,
      wanted.has('sarif') ? await SectionFile.create(dir.file('sarif-results.part')) : undefined,
      wanted.has('sarif') ? await SectionFile.create(dir.file('sarif-notes.part')) : undefined,
    );
  }

  /** Adds one account's report; `sarif` is its rendered SARIF when that format is wanted. */
  async addAccount(report: Report, rendered: { csv?: string; sarif?: string }): Promise<void> {
    for (const s of report.scopes) await this.scopes.add(nested(s, 2));
    for (const g of report.coverage) await this.coverage.add(nested(g, 2));
    for (const r of report.results) await this.results.add(nested(r, 2));
    addSummary(this.summary, report.summary);
    this.metricsWindowSeconds ??= report.metricsWindowSeconds;
    if (this.csv && rendered.csv !== undefined) {
      // Every account's CSV starts with the same header line: keep its rows only.
      const body = rendered.csv.startsWith(this.csvHeader) ? rendered.csv.slice(this.csvHeader.length) : rendered.csv;
      await this.csv.add(body);
    }
    if (this.sarifResults && this.sarifNotes && rendered.sarif !== undefined) {
      const run = (JSON.parse(rendered.sarif) as SarifLog).runs[0];
      const accountRules = run?.tool.driver.rules ?? [];
      for (const result of run?.results ?? []) {
        // Rule indexes point into the account's rule list; re-point them into the organization's.
        const rule = accountRules[result.ruleIndex] ?? this.sarifRules[this.sarifRuleIndex.get(result.ruleId) ?? -1];
        let index = this.sarifRuleIndex.get(result.ruleId);
        if (index === undefined) {
          index = this.sarifRules.push(rule ?? { id: result.ruleId, defaultConfiguration: { level: result.level }, properties: { tags: [] } }) - 1;
          this.sarifRuleIndex.set(result.ruleId, index);
        }
        await this.sarifResults.add(nested({ ...result, ruleIndex: index }, 4));
      }
      for (const note of run?.invocations?.[0]?.toolExecutionNotifications ?? []) await this.sarifNotes.add(nested(note, 5));
    }
  }

  /** A coverage entry of the whole run (e.g. the map failed), not of one account's report. */
  async addGap(gap: CoverageGap): Promise<void> {
    await this.coverage.add(nested(gap, 2));
    if (this.sarifNotes) {
      const note: SarifNotification = { level: 'warning', message: { text: `Not collected: ${gap.api}, ${gap.code}: ${gap.message}${gap.impact ? ` (affects ${gap.impact})` : ''}.` } };
      await this.sarifNotes.add(nested(note, 5));
    }
  }

  /** Assembles the documents; returns the file of each format. */
  async finish(): Promise<Map<OrgDocumentFormat, string>> {
    const sections = [this.scopes, this.coverage, this.results, this.csv, this.sarifResults, this.sarifNotes].filter((s): s is SectionFile => s !== undefined);
    for (const s of sections) await s.close();
    const out = new Map<OrgDocumentFormat, string>();
    out.set('json', await this.assembleJson());
    if (this.csv) {
      const file = SplicedFile.create(this.dir.file('report.csv'));
      await file.text(this.csvHeader);
      await file.section(this.csv);
      await file.close();
      out.set('csv', file.path);
    }
    if (this.sarifResults && this.sarifNotes) out.set('sarif', await this.assembleSarif(this.sarifResults, this.sarifNotes));
    return out;
  }

  private headFields(): string {
    const report = emptyReport(this.header);
    const head: Record<string, unknown> = {
      schemaVersion: report.schemaVersion,
      tool: report.tool,
      generatedAt: report.generatedAt,
      collectedAt: report.collectedAt,
      demo: report.demo,
      source: report.source,
    };
    if (this.metricsWindowSeconds !== undefined) head.metricsWindowSeconds = this.metricsWindowSeconds;
    return Object.entries(head)
      .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replaceAll('\n', '\n  ')}`)
      .join(',\n');
  }

  private async assembleJson(): Promise<string> {
    const file = SplicedFile.create(this.dir.file('report.json'));
    const list = async (name: string, section: SectionFile, last = false) => {
      await file.text(`  ${JSON.stringify(name)}: [${section.count ? '\n' : ''}`);
      await file.section(section);
      await file.text(`${section.count ? '\n  ' : ''}]${last ? '\n' : ',\n'}`);
    };
    await file.text(`{\n${this.headFields()},\n`);
    await list('scopes', this.scopes);
    await list('coverage', this.coverage);
    await file.text(`  "summary": ${JSON.stringify(this.summary, null, 2).replaceAll('\n', '\n  ')},\n`);
    await list('results', this.results, true);
    await file.text('}\n');
    await file.close();
    return file.path;
  }

  private async assembleSarif(results: SectionFile, notes: SectionFile): Promise<string> {
    const file = SplicedFile.create(this.dir.file('report.sarif'));
    const report = emptyReport(this.header);
    const skeleton = buildSarif(report, { checks: this.catalog });
    const driver = { ...skeleton.runs[0]!.tool.driver, rules: this.sarifRules };
    const list = async (section: SectionFile, depth: number) => {
      await file.text(`[${section.count ? '\n' : ''}`);
      await file.section(section);
      await file.text(`${section.count ? `\n${'  '.repeat(depth)}` : ''}]`);
    };
    await file.text(`{\n  "$schema": ${JSON.stringify(skeleton.$schema)},\n  "version": "2.1.0",\n  "runs": [\n    {\n`);
    await file.text(`      "tool": {\n        "driver": ${JSON.stringify(driver, null, 2).replaceAll('\n', '\n        ')}\n      },\n`);
    await file.text(`      "invocations": [\n        {\n          "executionSuccessful": true,\n          "endTimeUtc": ${JSON.stringify(report.generatedAt)},\n          "toolExecutionNotifications": `);
    await list(notes, 5);
    await file.text('\n        }\n      ],\n      "results": ');
    await list(results, 3);
    const properties: Record<string, unknown> = { demo: false, source: report.source, collectedAt: report.collectedAt };
    if (this.metricsWindowSeconds !== undefined) properties.metricsWindowSeconds = this.metricsWindowSeconds;
    const props = JSON.stringify(properties, null, 2).replaceAll('\n', '\n      ');
    await file.text(`,\n      "properties": ${props.slice(0, -1).trimEnd()},\n        "scopes": `);
    // The scopes section was written for the JSON report at depth 2; SARIF nests it deeper, which JSON ignores.
    await list(this.scopes, 4);
    await file.text(`,\n        "summary": ${JSON.stringify(this.summary, null, 2).replaceAll('\n', '\n        ')}\n      }\n    }\n  ]\n}\n`);
    await file.close();
    return file.path;
  }
}
