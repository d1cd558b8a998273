/**
 * Format dispatch: one renderer per output format, all from the JSON {@link Report}.
 */
import { renderJson } from './json.js';
import type { CheckLookup } from './text.js';
import { renderText } from './text.js';
import type { Report } from './types.js';

export const REPORT_FORMATS = ['text', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  color?: boolean;
  verbose?: boolean;
  checks?: CheckLookup;
}

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'text':
      return renderText(report, options);
  }
}
