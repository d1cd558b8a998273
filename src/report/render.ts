/**
 * Format dispatch: one renderer per output format, all from the JSON {@link Report}.
 */
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { SarifRuleSource } from './sarif.js';
import { renderSarif } from './sarif.js';
import type { CheckLookup } from './format.js';
import { renderText } from './text.js';
import type { Report } from './types.js';

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'html', 'sarif', 'junit', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** File name extension per format, as `--output-dir` writes them (`cloud502-report.<ext>`). */
export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  text: '.txt',
  json: '.json',
  markdown: '.md',
  html: '.html',
  sarif: '.sarif',
  junit: '.junit.xml',
  csv: '.csv',
};

/** The file `--output-dir` writes for a format. */
export function reportFileName(format: ReportFormat): string {
  return `cloud502-report${REPORT_EXTENSIONS[format]}`;
}

export interface RenderOptions {
  /** Text only: ANSI colors. */
  color?: boolean;
  /** Text only: every result in full, passes included. */
  verbose?: boolean;
  /** Text only: the flags that find this report again for `cloud502 explain` (e.g. `--demo`). */
  explainFlags?: string;
  /** Titles and rationales of the checks (text, Markdown, HTML); `registry.get` fits. */
  checks?: CheckLookup;
  /** The whole catalog, for SARIF's one-rule-per-check list; `registry.all()` fits. */
  catalog?: readonly SarifRuleSource[];
}

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string {
  const checks = options.checks ? { checks: options.checks } : {};
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'text':
      return renderText(report, options);
    case 'markdown':
      return renderMarkdown(report, checks);
    case 'html':
      return renderHtml(report, checks);
    case 'sarif':
      return renderSarif(report, options.catalog ? { checks: options.catalog } : {});
    case 'junit':
      return renderJunit(report);
    case 'csv':
      return renderCsv(report);
  }
}
