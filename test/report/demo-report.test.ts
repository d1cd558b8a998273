/**
 * The demo, tried as a new user would: the text reads "what users see → why → the fix" for each load balancer within
 * the line budget, the JSON is compact and valid, causes and consequences are folded the same way in the JSON and the
 * text, and severities follow the README's rule. Whatever clouds the demo holds, nothing here names a provider.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { everyResult, isGroupable } from '../../src/report/passes.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { REPORT_FORMATS, renderReport } from '../../src/report/render.js';
import { MAX_LINE_CHARS, renderText } from '../../src/report/text.js';
import type { Report, ReportResult } from '../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';

let report: Report;
let text: string;
const byFp = (fp: string): ReportResult => report.results.find((r) => r.fingerprint === fp)!;

beforeAll(async () => {
  report = (await runAudit({ source: { kind: 'demo' }, now: new Date('2026-11-20T09:05:00Z') })).report;
  text = renderText(report);
});

describe('the demo', () => {
  it('holds 25 load balancers on three clouds', () => {
    expect(report.summary.loadBalancers).toBe(25);
    expect(new Set(report.scopes.map((s) => s.provider))).toEqual(new Set(['aws', 'azure', 'gcp']));
  });

  it.each([...REPORT_FORMATS])('names no internal document in its %s report', (format) => {
    const out = [renderReport(report, format), ...(format === 'text' ? [renderText(report, { verbose: true })] : [])].join('\n');
    expect(out.length).toBeGreaterThan(0);
    expect(out).not.toMatch(/\b(?:CHECKS|DESIGN|STYLE|HARNESS)\.md\b/);
  });
});

describe('the demo text report', () => {
  it('takes at most 12 lines per load balancer on average, no line over 200 characters', () => {
    const lines = text.trimEnd().split('\n');
    expect(lines.length / report.summary.loadBalancers).toBeLessThanOrEqual(12);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(MAX_LINE_CHARS);
  });

  it('gives every failing load balancer: what users see, then each cause, its fix, its consequences', () => {
    const lines = text.split('\n');
    for (const d of report.diagnosis!.filter((x) => x.loadBalancerId && x.worst)) {
      // Names repeat across clouds (the AWS and Google demos both have a shop-web): match the load balancer's own line.
      const head = lines.findIndex((l) => l.startsWith(`■ ${d.name} `) && l.includes(`— ${d.worst!.toUpperCase()} — users see: `));
      expect(head, d.name).toBeGreaterThan(-1);
      expect(lines[head]).toContain(`— ${d.worst!.toUpperCase()} — users see: `);
      let i = head + 1;
      for (const c of d.causes) {
        expect(lines[i], d.name).toContain(c.fingerprint.slice(0, 8));
        i++;
        expect(lines[i], d.name).toMatch(/^ {4}fix/);
        while (lines[i + 1]?.startsWith('         ')) i++;
        i++;
        for (const fp of c.consequences) {
          expect(lines[i], d.name).toMatch(/^ {4}↳ /);
          expect(lines[i]).toContain(fp.slice(0, 8));
          i++;
        }
      }
    }
  });

  it('starts with the verdict and counts', () => {
    const [title, verdict, counts] = text.split('\n');
    expect(title).toContain('DEMO DATA');
    expect(verdict).toMatch(/^Verdict: \d+ of \d+ load balancers have a cause of 5xx — worst: /);
    expect(counts).toMatch(/^Counts: {2}\d+ causes \(.*\) behind \d+ failing checks · \d+ passed · \d+ unknown · \d+ errors$/);
  });
});

describe('the demo JSON report', () => {
  it('validates against the published schema and is a fraction of the old size', () => {
    const json = renderJson(report);
    const errors = reportSchemaErrors(JSON.parse(json));
    expect(errors, formatErrors(errors)).toEqual([]);
    expect(json.length).toBeLessThan(1_000_000);
    expect(report.schemaVersion).toBe(2);
  });

  it('writes check metadata once, compact passes, and metric summaries without series', () => {
    const every = [...everyResult(report)];
    expect(every.length).toBe(report.summary.total);
    expect(report.results.some((r) => isGroupable(r, report.checks!))).toBe(false);
    expect(Object.keys(report.checks!).sort()).toEqual([...new Set(every.map((r) => r.checkId))].sort());
    for (const r of every) {
      expect(r.docs).toBeUndefined();
      if (r.status === 'pass' || r.status === 'not_applicable') {
        expect(r.remediation).toBeUndefined();
        expect(r.causes).toBeUndefined();
      }
      for (const m of r.evidence?.metrics ?? []) expect(m.points).toBeUndefined();
    }
  });

  it('links causes and consequences both ways, and folds every failure exactly once', () => {
    const fails = report.results.filter((r) => r.status === 'fail');
    for (const r of fails) {
      for (const fp of r.causedBy ?? []) expect(byFp(fp).explains).toContain(r.fingerprint);
      for (const fp of r.explains ?? []) expect(byFp(fp).causedBy).toContain(r.fingerprint);
    }
    const placed = report.diagnosis!.flatMap((d) => d.causes.flatMap((c) => [c.fingerprint, ...c.consequences]));
    expect(placed.sort()).toEqual(fails.map((r) => r.fingerprint).sort());
  });

  it('folds one blocked path seen by several checks, and the unhealthy targets it causes, under one cause', () => {
    const folded = report.diagnosis!.flatMap((d) => d.causes).filter((c) => c.consequences.length > 0);
    const summary = folded.map((c) => `${byFp(c.fingerprint).checkId} > ${c.consequences.map((fp) => byFp(fp).checkId).sort().join(', ')}`);
    expect(summary).toEqual(
      expect.arrayContaining([
        'network/nacl-return-path-blocked > network/health-check-port-blocked, network/traffic-port-blocked, targets/unhealthy-targets',
        'health/response-code-mismatch > targets/unhealthy-targets',
        'network/nlb-security-specifics > network/health-check-port-blocked, network/nlb-security-specifics, network/traffic-port-blocked, targets/all-targets-unhealthy',
        'health/port-protocol-mismatch > network/health-check-port-blocked, targets/all-targets-unhealthy',
        'tls/target-tls-negotiation-errors > targets/all-targets-unhealthy',
      ]),
    );
  });

  it('raises no severity from 5xx that cannot be pinned on the finding, and never a certificate weeks from expiry', () => {
    const cert = report.results.find((r) => r.checkId === 'tls/listener-certificate-expiry' && r.status === 'fail')!;
    expect(cert.messageId).toBe('expiresSoon');
    expect(cert.severity).toBe('high');
    expect(cert.evidence?.details?.raisedBy).toBeUndefined();
    for (const r of report.results.filter((x) => x.evidence?.details?.raisedFrom !== undefined && x.checkId !== 'timeouts/idle-timeout-below-latency')) {
      // Every raise says where the 5xx were seen and that they are the kind the finding causes.
      expect(String(r.evidence!.details!.raisedBy)).toMatch(/the kind of 5xx this finding causes: \w+ → \w+/);
    }
  });

  it('renders Markdown under 60,000 characters: the worst load balancers\' causes in full, the rest counted in the cut line', () => {
    const md = renderMarkdown(report);
    expect(md.length).toBeLessThan(60_000);
    const worst = report.diagnosis!.find((d) => d.causes.length > 0)!;
    for (const c of worst.causes) expect(md).toContain(c.fingerprint);
    const missing = report.diagnosis!.flatMap((d) => d.causes).filter((c) => !md.includes(c.fingerprint));
    if (missing.length > 0) expect(md).toMatch(/more causes? .*in the attached report/);
  });
});
