/**
 * CSV for spreadsheets and ticket imports: one row per finding (every result that is not a plain pass), and one row per
 * check and status for the plain passes and not-applicable results, with their number in `count` (as the JSON report
 * groups them): 5,000 target groups give some 100,000 passes, which nobody reads row by row. RFC 4180 (CRLF line ends, fields with a comma, quote or
 * line break quoted, quotes doubled).
 *
 * Spreadsheets execute a cell that starts with `=`, `+`, `-` or `@` as a formula, and a leading tab or carriage return
 * can smuggle one in. Resource names and messages are attacker-controlled, so such a cell gets a leading apostrophe,
 * as the OWASP "CSV Injection" guidance recommends: the spreadsheet then shows the text instead of evaluating it.
 */
import { neutralize } from './escape.js';
import { everyResult, foldGroupable } from './passes.js';
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
  'count',
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
    count: '1',
  };
}

/** The row of a check's grouped passes (or not-applicable results): what they share, and how many there are. */
function groupRow(first: ReportResult, count: number, title: string): Record<CsvColumn, string> {
  const what = first.status === 'pass' ? 'passed' : 'not applicable';
  return {
    status: first.status,
    severity: first.severity,
    checkId: first.checkId,
    family: first.family,
    provider: '',
    account: '',
    region: '',
    loadBalancer: '',
    resourceType: '',
    resourceId: '',
    resourceName: '',
    message: `${title}: ${what} on ${count} resource${count === 1 ? '' : 's'}.`,
    fix: '',
    fingerprint: '',
    causedBy: '',
    count: String(count),
  };
}

/**
 * Renders the findings one row each under a header row, in report order, then one row per check and status for the
 * plain passes and not-applicable results.
 */
export function renderCsv(report: Report): string {
  const meta = report.checks ?? {};
  const lines = [CSV_COLUMNS.join(',')];
  const line = (values: Record<CsvColumn, string>): void => void lines.push(CSV_COLUMNS.map((c) => csvCell(values[c])).join(','));
  const { listed, folded } = foldGroupable(everyResult(report), meta);
  for (const r of listed) line(row(r));
  for (const { first, count } of folded) line(groupRow(first, count, meta[first.checkId]?.title ?? first.checkId));
  return `${lines.join('\r\n')}\r\n`;
}
