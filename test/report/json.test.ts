import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine/index.js';
import { buildReport, failuresAtOrAbove, jsonChunks, renderJson, sortResults } from '../../src/report/json.js';
import { fingerprint } from '../../src/engine/fingerprint.js';
import { everyResult, expandGroup, expandPassed, groupPasses, isGroupable, parseReportJson } from '../../src/report/passes.js';
import type { Report, ReportResult } from '../../src/report/types.js';
import { brokenInventory, cleanInventory, fakeChecks } from '../cli/support/fakes.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';
import { sampleReport } from '../fixtures/report/sample.js';

const GENERATED = new Date('2026-11-20T12:05:00.000Z');

/** Every status the engine produces, plus one suppressed result (suppression is applied after evaluation). */
/** The report as buildReport holds it: plain passes grouped in `passed`. */
function builtReport(): Report {
  const inv = brokenInventory();
  const results = runChecks(inv, fakeChecks);
  const pass = results.find((r) => r.status === 'pass');
  if (!pass) throw new Error('fixture must contain a pass');
  const suppressed: ReportResult = { ...pass, status: 'suppressed', fingerprint: 'f'.repeat(32), suppression: { reason: 'accepted until the migration', expires: '2027-01-01', by: 'fingerprint' } };
  return buildReport({ inventory: inv, results: [...results, suppressed], checks: fakeChecks, checksRun: fakeChecks.length, source: { kind: 'snapshot', path: 'x.json' }, generatedAt: GENERATED, toolVersion: '0.1.0' });
}

/** The same report with every result in `results`, as a reader gets it back from the JSON. */
function everyStatusReport(): Report {
  return expandPassed(builtReport());
}

describe('buildReport', () => {
  it('produces a schema-valid report with every status present', () => {
    const report = everyStatusReport();
    expect(new Set(report.results.map((r) => r.status))).toEqual(new Set(['fail', 'error', 'unknown', 'suppressed', 'pass', 'not_applicable']));
    const errors = reportSchemaErrors(JSON.parse(renderJson(report)));
    expect(errors, formatErrors(errors)).toEqual([]);
  });

  it('counts statuses and failing severities and names the highest severity', () => {
    const { summary } = everyStatusReport();
    // Fails: tg-empty (critical), alb-web idle 60 s (medium). Unknown: tg-empty's health check. Error: tls/fake-throws.
    expect(summary.failuresBySeverity).toEqual({ critical: 1, high: 0, medium: 1, low: 0, info: 0 });
    expect(summary.byStatus).toEqual({ pass: 4, fail: 2, unknown: 1, error: 1, not_applicable: 1, suppressed: 1 });
    expect(summary.total).toBe(10);
    expect(summary.highestSeverity).toBe('critical');
    expect(summary.loadBalancers).toBe(2);
    expect(summary.checksRun).toBe(4);
  });

  it('reports highestSeverity null and the metrics window when nothing fails', () => {
    const inv = cleanInventory();
    const report = buildReport({ inventory: inv, results: runChecks(inv, fakeChecks.filter((c) => c.family !== 'tls')), checksRun: 3, source: { kind: 'live' }, generatedAt: GENERATED, toolVersion: '0.1.0' });
    expect(report.summary.highestSeverity).toBeNull();
    expect(report.metricsWindowSeconds).toBe(86_400);
    expect(report.demo).toBe(false);
    expect(failuresAtOrAbove(report, 'info')).toBe(0);
    expect(reportSchemaErrors(report)).toEqual([]);
  });

  it('sorts failures by severity, then errors, unknowns, suppressed, passes, not applicable; stable otherwise', () => {
    const r = (status: ReportResult['status'], severity: ReportResult['severity'], id: string): ReportResult =>
      ({ ...everyStatusReport().results[0]!, status, severity, checkId: id });
    const sorted = sortResults([
      r('pass', 'high', 'targets/p1'), r('fail', 'low', 'targets/f-low'), r('not_applicable', 'low', 'targets/na'),
      r('unknown', 'high', 'targets/u1'), r('fail', 'critical', 'targets/f-crit'), r('error', 'low', 'targets/e'),
      r('pass', 'low', 'targets/p2'), r('fail', 'low', 'targets/f-low2'), r('suppressed', 'high', 'targets/s'), r('unknown', 'low', 'targets/u2'),
    ]);
    expect(sorted.map((x) => x.checkId)).toEqual([
      'targets/f-crit', 'targets/f-low', 'targets/f-low2', 'targets/e', 'targets/u1', 'targets/u2', 'targets/s', 'targets/p1', 'targets/p2', 'targets/na',
    ]);
  });

  it('counts failures at or above a threshold for --fail-on', () => {
    const report = everyStatusReport();
    expect(failuresAtOrAbove(report, 'critical')).toBe(1);
    expect(failuresAtOrAbove(report, 'high')).toBe(1);
    expect(failuresAtOrAbove(report, 'medium')).toBe(2);
  });
});

describe('report schema', () => {
  it('rejects a result with an invalid status, so validation cannot pass vacuously', () => {
    const report = JSON.parse(renderJson(everyStatusReport())) as { results: Array<Record<string, unknown>> };
    report.results[0]!.status = 'failed';
    expect(formatErrors(reportSchemaErrors(report))).toContain('/results/0/status');
  });

  it('rejects unknown properties, missing summary counts and a suppressed result without its reason', () => {
    const extra = { ...JSON.parse(renderJson(everyStatusReport())), extra: 1 } as Record<string, unknown>;
    expect(reportSchemaErrors(extra).length).toBeGreaterThan(0);
    const missing = JSON.parse(renderJson(everyStatusReport())) as { summary: { byStatus: Record<string, number> } };
    delete missing.summary.byStatus.suppressed;
    expect(formatErrors(reportSchemaErrors(missing))).toContain('/summary/byStatus');
    const noReason = JSON.parse(renderJson(everyStatusReport())) as { results: Array<Record<string, unknown>> };
    const s = noReason.results.find((x) => x.status === 'suppressed')!;
    delete s.suppression;
    expect(reportSchemaErrors(noReason).length).toBeGreaterThan(0);
  });

  it('rejects a bad date-time and a bad fingerprint', () => {
    const report = JSON.parse(renderJson(everyStatusReport())) as Record<string, unknown> & { results: Array<Record<string, unknown>> };
    report.generatedAt = 'yesterday';
    report.results[0]!.fingerprint = 'abc';
    const text = formatErrors(reportSchemaErrors(report));
    expect(text).toContain('/generatedAt');
    expect(text).toContain('/results/0/fingerprint');
  });
});

describe('the report at scale', () => {
  it('writes the same JSON piece by piece as in one string, one line per result', () => {
    const report = everyStatusReport();
    const chunks = [...jsonChunks(report)];
    expect(chunks.length).toBeGreaterThan(report.results.length);
    expect(chunks.join('')).toBe(renderJson(report));
    expect(parseReportJson(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
    const lines = renderJson(report).split('\n');
    const resultLines = lines.filter((l) => l.startsWith('    {"checkId":'));
    const groups = lines.filter((l) => l.startsWith('    {"resource":'));
    const grouped = report.results.filter((r) => !resultLines.some((l) => l.includes(`"fingerprint":"${r.fingerprint}"`)));
    // What is not on a line of its own is a pass or a not-applicable result, written in its resource's group.
    expect(grouped.every((r) => r.status === 'pass' || r.status === 'not_applicable')).toBe(true);
    expect(resultLines.length + grouped.length).toBe(report.results.length);
    expect(groups.length).toBeGreaterThan(0);
  });

  it('writes check metadata once, with the neutral fix summary, and no docs in results', () => {
    const report = everyStatusReport();
    const meta = report.checks!['targets/fake-pool-has-targets']!;
    expect(meta).toEqual({
      title: 'Target groups in use have registered targets',
      family: 'targets',
      severity: 'critical',
      causes: [503],
      rationale: 'With no registered targets the load balancer answers every request with 503.',
      docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/'],
      remediation: { summary: 'Register healthy targets in {{resourceName}}.' },
    });
    expect(Object.keys(report.checks!).sort()).toEqual(fakeChecks.map((c) => c.id).sort());
    expect(report.results.every((r) => r.docs === undefined)).toBe(true);
  });

  it('keeps passes compact: no evidence, fix or status codes', () => {
    const pass = everyStatusReport().results.find((r) => r.status === 'pass')!;
    expect(Object.keys(JSON.parse(JSON.stringify(pass)) as object).sort()).toEqual(['checkId', 'family', 'fingerprint', 'message', 'messageId', 'resource', 'severity', 'status']);
    const fail = everyStatusReport().results.find((r) => r.status === 'fail')!;
    expect(fail).toMatchObject({ causes: [503], remediation: { summary: 'Register healthy targets in tg-empty.' } });
  });

  it('carries a diagnosis per load balancer and counts root causes by impact', () => {
    const report = everyStatusReport();
    expect(report.diagnosis?.map((d) => [d.name, d.worst, d.causes.length])).toEqual([
      ['alb-web', 'critical', 2],
      ['alb-quiet', null, 0],
      ['123456789012 eu-west-1', null, 0],
    ]);
    expect(report.summary.causesByImpact).toEqual({ critical: 1, high: 0, medium: 1, low: 0, info: 0 });
    expect(report.diagnosis?.[0]?.usersSee).toMatchObject({ measured: true, byCode: [{ code: 504, count: 7 }] });
  });

  it('keeps a version 1 report valid against the schema', () => {
    const old = JSON.parse(JSON.stringify(sampleReport())) as Record<string, unknown>;
    expect(old.schemaVersion).toBe(1);
    expect(reportSchemaErrors(old)).toEqual([]);
  });
});

describe('compact passes on the wire', () => {
  it('holds plain passes grouped in memory as the JSON writes them, and writes the same JSON as the expanded report', () => {
    const built = builtReport();
    expect(built.passed?.length).toBeGreaterThan(0);
    expect(built.results.some((r) => isGroupable(r, built.checks!))).toBe(false);
    expect(built.results.every((r) => r.status !== 'pass' && r.status !== 'not_applicable')).toBe(true);
    const expanded = expandPassed(built);
    expect(expanded.passed).toBeUndefined();
    expect([...everyResult(built)]).toEqual(expanded.results);
    expect(expanded.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(0);
    expect(renderJson(built)).toBe(renderJson(expanded));
    // The summary counts every result, the grouped passes included.
    expect(built.summary.total).toBe(expanded.results.length);
  });

  it('groups plain passes by resource and reads them back as the same results, discriminators included', () => {
    const report = everyStatusReport();
    const withCert = { ...report, results: [...report.results] };
    const pass = withCert.results.find((r) => r.status === 'pass')!;
    const disc = { ...pass, discriminator: 'arn:aws:acm:cert/1', fingerprint: fingerprint(pass.checkId, pass.resource.id, 'arn:aws:acm:cert/1') };
    withCert.results.splice(withCert.results.indexOf(pass) + 1, 0, disc);
    const { rest, passed } = groupPasses(withCert.results, withCert.checks!);
    expect(rest.some((r) => r.status === 'pass' && isGroupable(r, withCert.checks!))).toBe(false);
    expect(passed.flatMap((g) => g.checks)).toContainEqual([pass.checkId, 'arn:aws:acm:cert/1']);
    const back = expandPassed({ ...withCert, results: rest, passed });
    expect(new Set(back.results.map((r) => JSON.stringify(r)))).toEqual(new Set(withCert.results.map((r) => JSON.stringify(r))));
  });

  it('groups passes with their own message and not-applicable results too, but keeps anything with evidence in results', () => {
    const report = everyStatusReport();
    const pass = report.results.find((r) => r.status === 'pass')!;
    const na = report.results.find((r) => r.status === 'not_applicable')!;
    expect(isGroupable(pass, report.checks!)).toBe(true);
    expect(isGroupable(na, report.checks!)).toBe(true);
    const custom = { ...pass, message: `${pass.resource.name}: valid until 2027 (300 days).` };
    expect(isGroupable(custom, report.checks!)).toBe(true);
    expect(expandGroup(groupPasses([custom, na], report.checks!).passed[0]!, report.checks!)[0]).toEqual(custom);
    expect(isGroupable({ ...pass, evidence: { details: { explainedBy: ['x'] } } }, report.checks!)).toBe(false);
    expect(isGroupable({ ...pass, severity: 'low' }, report.checks!)).toBe(false);
    expect(isGroupable({ ...pass, status: 'fail' }, report.checks!)).toBe(false);
    expect(isGroupable(pass, {})).toBe(false);
  });

  it('writes a discriminator that is the resource’s load balancer as @lb, and reads it back', () => {
    const report = everyStatusReport();
    const pass = report.results.find((r) => r.status === 'pass' && r.resource.loadBalancerId !== undefined && r.resource.kind === 'backend-pool')!;
    const lbId = pass.resource.loadBalancerId!;
    const byLb = { ...pass, discriminator: lbId, fingerprint: fingerprint(pass.checkId, pass.resource.id, lbId) };
    const { passed } = groupPasses([byLb], report.checks!);
    expect(passed[0]?.checks).toEqual([`${pass.checkId}@lb`]);
    expect(expandGroup(passed[0]!, report.checks!)).toEqual([byLb]);
    expect(reportSchemaErrors({ ...JSON.parse(renderJson(report)), passed })).toEqual([]);
  });

  it('writes a schema-valid wire form, and reading it back gives the report', () => {
    const report = everyStatusReport();
    const wire = JSON.parse(renderJson(report)) as Record<string, unknown> & { passed: unknown[] };
    expect(wire.passed.length).toBeGreaterThan(0);
    expect(reportSchemaErrors(wire), formatErrors(reportSchemaErrors(wire))).toEqual([]);
    expect(parseReportJson(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
    const broken = { ...wire, passed: [{ resource: report.results[0]!.resource, checks: ['targets/not-in-checks'] }] };
    expect(() => parseReportJson(JSON.stringify(broken))).toThrow('passed check targets/not-in-checks has no entry');
  });
});
