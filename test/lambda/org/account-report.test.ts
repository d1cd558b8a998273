/**
 * Reading a worker's partial report: the JSON report as `renderJson` writes it (plain passes grouped under `passed`,
 * compact pass results, per-check metadata once in `checks`) reads back into every result, and what cannot be read is
 * a problem in one line, never a crash.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry, runAudit } from '../../../src/audit.js';
import { buildAccountReport, readPartialReport } from '../../../src/lambda/org/account-report.js';
import { renderJson } from '../../../src/report/json.js';
import { expandPassed } from '../../../src/report/passes.js';
import type { Report } from '../../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../../cli/support/schema.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
let report: Report;
let wire: Record<string, unknown>;

beforeAll(async () => {
  const { report: r } = await runAudit({ source: { kind: 'demo' }, now: new Date('2026-07-01T02:00:00Z') }, { registry: await defaultRegistry() });
  // One item is one account × region of AWS: keep the demo's AWS results of that region.
  const aws = (x: { provider: string; region?: string; account?: string }) => x.provider === 'aws' && x.region === REGION && x.account === ACCOUNT;
  // Expanded, so `results` is every result of the region, grouped passes included.
  const every = expandPassed(r);
  report = { ...every, scopes: r.scopes.filter(aws), coverage: r.coverage.filter(aws), results: every.results.filter((x) => aws(x.resource)) };
  delete report.diagnosis;
  wire = JSON.parse(renderJson(report)) as Record<string, unknown>;
});

describe('readPartialReport', () => {
  it('reads the grouped passes of the wire form back into results', () => {
    expect(Array.isArray(wire.passed) && wire.passed.length).toBeGreaterThan(0);
    const read = readPartialReport(wire, { account: ACCOUNT, region: REGION });
    if (!('report' in read)) throw new Error(read.problem);
    expect(read.report.results).toHaveLength(report.results.length);
    expect(new Set(read.report.results.map((r) => r.fingerprint))).toEqual(new Set(report.results.map((r) => r.fingerprint)));
  });

  it('keeps the checks metadata in the account report, which stays a valid report', () => {
    const read = readPartialReport(wire, { account: ACCOUNT, region: REGION });
    if (!('report' in read)) throw new Error(read.problem);
    const merged = buildAccountReport({ generatedAt: new Date('2026-07-01T02:00:00Z'), toolVersion: '0.0.0', partials: [read.report], gaps: [] });
    expect(Object.keys(merged.checks ?? {}).sort()).toEqual(Object.keys(report.checks ?? {}).sort());
    const errors = reportSchemaErrors(JSON.parse(renderJson(merged)));
    expect(errors, formatErrors(errors)).toEqual([]);
  });

  it('names a grouped pass whose check has no metadata', () => {
    expect(readPartialReport({ ...wire, checks: {} }, { account: ACCOUNT, region: REGION })).toEqual({ problem: expect.stringMatching(/^passed check \S+ has no entry/) });
  });

  it('names a passed list that is not a list', () => {
    expect(readPartialReport({ ...wire, passed: 'x' }, { account: ACCOUNT, region: REGION })).toEqual({ problem: 'passed is not a list' });
  });

  it('refuses a failure without evidence, and a report about another region', () => {
    const results = (wire.results as Array<Record<string, unknown>>).map((r) => (r.status === 'fail' ? { ...r, evidence: undefined } : r));
    expect(readPartialReport(JSON.parse(JSON.stringify({ ...wire, results })), { account: ACCOUNT, region: REGION })).toEqual({ problem: expect.stringMatching(/evidence is not an object/) });
    expect(readPartialReport(wire, { account: ACCOUNT, region: 'us-east-1' })).toEqual({ problem: expect.stringMatching(/not this item's/) });
  });
});
