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
/** The same partial with its diagnosis, as a worker writes it. */
let diagnosedWire: Record<string, unknown>;

beforeAll(async () => {
  const { report: r } = await runAudit({ source: { kind: 'demo' }, now: new Date('2026-07-01T02:00:00Z') }, { registry: await defaultRegistry() });
  // One item is one account × region of AWS: keep the demo's AWS results of that region.
  const aws = (x: { provider: string; region?: string; account?: string }) => x.provider === 'aws' && x.region === REGION && x.account === ACCOUNT;
  // Expanded, so `results` is every result of the region, grouped passes included.
  const every = expandPassed(r);
  report = { ...every, scopes: r.scopes.filter(aws), coverage: r.coverage.filter(aws), results: every.results.filter((x) => aws(x.resource)) };
  diagnosedWire = JSON.parse(renderJson({ ...report, diagnosis: (r.diagnosis ?? []).filter(aws) })) as Record<string, unknown>;
  delete report.diagnosis;
  wire = JSON.parse(renderJson(report)) as Record<string, unknown>;
});

describe('buildAccountReport', () => {
  const build = (...partials: Report[]): Report => buildAccountReport({ generatedAt: new Date('2026-07-01T02:00:00Z'), toolVersion: '0.0.0', partials, gaps: [] });
  const read = (value: Record<string, unknown>): Report => {
    const r = readPartialReport(value, { account: ACCOUNT, region: REGION });
    if (!('report' in r)) throw new Error(r.problem);
    return r.report;
  };

  it('keeps what each region’s users saw and its causes, and says whether the account was audited in full', () => {
    const merged = build(read(diagnosedWire));
    const lbs = merged.diagnosis!.filter((d) => d.loadBalancerId !== undefined);
    expect(lbs.length).toBeGreaterThan(0);
    expect(lbs.some((d) => d.usersSee?.measured === true)).toBe(true);
    expect(merged.summary.causesByImpact).toBeDefined();
    // The demo's AWS region has a denied call: the account report is partial, as the single-account audit is.
    expect(merged.summary.coverage).toBe('partial');
    const errors = reportSchemaErrors(JSON.parse(renderJson(merged)));
    expect(errors, formatErrors(errors)).toEqual([]);
  });

  it('has no diagnosis when a partial came without one, so renderers derive one for every region', () => {
    const merged = build(read(diagnosedWire), read(wire));
    expect(merged.diagnosis).toBeUndefined();
    expect(merged.summary.causesByImpact).toBeUndefined();
    expect(merged.summary.total).toBe(2 * read(wire).summary.total);
  });
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
