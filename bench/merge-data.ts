/**
 * Generated partial reports for the merge: the hand-made sample report (test/fixtures/report/sample-report.json: every
 * status and severity, metric evidence, hostile strings), re-addressed to any account and region with fingerprints
 * of their own. Used by the merge benchmark and the merge tests.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sortResults, summarize } from '../src/report/json.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../src/report/types.js';
import { packageRoot } from '../src/version.js';

export const SAMPLE_ACCOUNT = '123456789012';
export const SAMPLE_REGION = 'eu-west-1';

let template: Report | undefined;

export function sampleTemplate(): Report {
  template ??= JSON.parse(readFileSync(join(packageRoot(), 'test', 'fixtures', 'report', 'sample-report.json'), 'utf8')) as Report;
  return template;
}

export interface PartialOptions {
  /** How many of the sample's 14 results to keep (the first ones: failures first). Default all. */
  results?: number;
  /** Changes one result's fingerprint, so that it reads as a new finding. */
  variant?: string;
}

/** The sample report as a worker would have written it for `account` × `region` at `generatedAt`. */
export function partialReport(account: string, region: string, generatedAt: string, options: PartialOptions = {}): Report {
  const base = sampleTemplate();
  const subset = { ...base, results: base.results.slice(0, options.results ?? base.results.length) };
  const text = JSON.stringify(subset).replaceAll(SAMPLE_ACCOUNT, account).replaceAll(SAMPLE_REGION, region);
  const report = JSON.parse(text) as Report;
  // The sample is a version 1 report; a worker writes the current version (its wire form has optional `checks`).
  report.schemaVersion = REPORT_SCHEMA_VERSION;
  report.demo = false;
  report.source = { kind: 'live' };
  report.generatedAt = generatedAt;
  report.collectedAt = generatedAt;
  report.results.forEach((r, i) => {
    const salt = i === 0 && options.variant ? options.variant : '';
    r.fingerprint = createHash('sha256').update(`${r.fingerprint}|${account}|${region}|${salt}`).digest('hex').slice(0, 32);
  });
  report.results = sortResults(report.results);
  report.summary = summarize(report.results, report.summary.loadBalancers, report.summary.checksRun);
  return report;
}
