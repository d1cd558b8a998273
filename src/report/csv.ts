/**
 * CSV for spreadsheets and ticket imports: one row per result, RFC 4180 (CRLF line ends, fields with a comma, quote or
 * line break quoted, quotes doubled).
 *
 * Spreadsheets execute a cell that starts with `=`, `+`, `-` or `@` as a formula, and a leading tab or carriage return
 * can smuggle one in. Resource names and messages are attacker-controlled, so such a cell gets a leading apostrophe,
 * as the OWASP "CSV Injection" guidance recommends: the spreadsheet then shows the text instead of evaluating it.
 */
import { neutralize } from './escape.js';
import type { Report, ReportResult } from './types.js';

export const CSV_COLUMNS = [
  'status',
  'severity',
  'checkId',
  'family',
  'provider',
  'account',
  'region',
  'loadBalancer',
  'resourceType',
  'resourceId',
  'resourceName',
  'message',
  'fix',
  'fingerprint',
  'causedBy',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralizes a cell a spreadsheet would evaluate as a formula. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Quotes a field when RFC 4180 requires it (comma, double quote, CR or LF), doubling inner quotes. */
export function quoteField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * One CSV cell: invisible characters made visible (a bidi override would reverse the cell in a spreadsheet),
 * formula-neutralized, then quoted as needed.
 */
export function csvCell(value: string): string {
  return quoteField(neutralizeFormula(neutralize(value)));
}

function row(r: ReportResult): Record<CsvColumn, string> {
  return {
    status: r.status,
    severity: r.severity,
    checkId: r.checkId,
    family: r.family,
    provider: r.resource.provider,
    account: r.resource.account ?? '',
    region: r.resource.region ?? '',
    loadBalancer: r.resource.loadBalancerName ?? r.resource.loadBalancerId ?? '',
    resourceType: r.resource.type,
    resourceId: r.resource.id,
    resourceName: r.resource.name,
    message: r.message,
    fix: r.status === 'fail' || r.status === 'error' || r.status === 'suppressed' ? (r.remediation?.summary ?? '') : '',
    fingerprint: r.fingerprint,
    // The fingerprints of the findings this one is a consequence of, space-separated.
    causedBy: (r.causedBy ?? []).join(' '),
  };
}

/** Renders every result as one CSV row under a header row, in report order. */
export function renderCsv(report: Report): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of report.results) {
    const values = row(r);
    lines.push(CSV_COLUMNS.map((c) => csvCell(values[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
