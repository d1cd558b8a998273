/**
 * Where an organization run keeps its objects in the report bucket (everything under `<prefix>org/`):
 *
 * - `runs/<runId>/items.json`: the plan's item list, the Distributed Map's ItemReader source;
 * - `runs/<runId>/partial/<account>/<region>.json`: one worker's partial report per item;
 * - `map-results/<mapRunId>/manifest.json` and its result files: written by Step Functions (ResultWriter);
 * - `<yyyy>/<mm>/<dd>/<iso>/`: the dated reports of a run: `report.<ext>` for the organization,
 *   `accounts/<account>/report.<ext>` per account, and `run.json` (what the run did);
 * - `latest/`: the same layout, the last complete report of each account and of the organization; an account's
 *   `latest/accounts/<account>/report.json` is what its next run is compared with.
 *
 * runs/ and map-results/ are scratch space, expired by the stack's lifecycle rules.
 */
import { REPORT_EXTENSIONS, type ReportFormat } from '../../report/render.js';

/** Step Functions execution names and our run ids: letters, digits, `.`, `_`, `-`. */
export const RUN_ID = /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/;

export function orgRoot(prefix: string): string {
  return `${prefix}org/`;
}

export interface RunKeys {
  items: string;
  partialPrefix: string;
  partial(account: string, region: string): string;
}

export function runKeys(prefix: string, runId: string): RunKeys {
  if (!RUN_ID.test(runId)) throw new Error(`run id ${JSON.stringify(runId.slice(0, 140))} is not valid`);
  const base = `${orgRoot(prefix)}runs/${runId}/`;
  return {
    items: `${base}items.json`,
    partialPrefix: `${base}partial/`,
    partial: (account, region) => `${base}partial/${account}/${region}.json`,
  };
}

/** The ResultWriter `Prefix`; Step Functions adds `/<mapRunId>/manifest.json` and the result files below it. */
export function mapResultsPrefix(prefix: string): string {
  return `${orgRoot(prefix)}map-results`;
}

/** The folder of a run's dated reports, e.g. `cloud502/org/2026/03/04/2026-03-04T05:06:07.089Z/`. */
export function datedDir(prefix: string, generatedAt: Date): string {
  const iso = generatedAt.toISOString();
  return `${orgRoot(prefix)}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso}/`;
}

export function latestDir(prefix: string): string {
  return `${orgRoot(prefix)}latest/`;
}

export function accountDir(dir: string, account: string): string {
  return `${dir}accounts/${account}/`;
}

/** `report.json`, `report.md`, `report.junit.xml`, ... */
export function reportFile(format: ReportFormat): string {
  return `report${REPORT_EXTENSIONS[format]}`;
}

export const RUN_SUMMARY_FILE = 'run.json';

export const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  sarif: 'application/sarif+json; charset=utf-8',
  junit: 'application/xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};
