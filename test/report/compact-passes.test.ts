/**
 * Every format scales as the JSON report does: findings in full, plain passes and not-applicable results counted by
 * check instead of listed one by one. An estate with ten times the passes gives (nearly) the same CSV, JUnit and HTML.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/engine/fingerprint.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJunit } from '../../src/report/junit.js';
import { isGroupable } from '../../src/report/passes.js';
import type { Report, ReportResult } from '../../src/report/types.js';
import { SAMPLE_CATALOG, sampleReport } from '../fixtures/report/sample.js';

const PASSING = 'health/aggressive-ejection';
const NOT_APPLICABLE = 'network/health-check-port-allowed';

/** The sample report with `pools` more pools under its first load balancer, each passing one check and not applying to another. */
function withPasses(pools: number): Report {
  const sample = sampleReport();
  const checks = Object.fromEntries(
    SAMPLE_CATALOG.filter((c) => c.id === PASSING || c.id === NOT_APPLICABLE).map((c) => [
      c.id,
      { title: c.title, family: c.family, severity: c.severity, causes: [502], rationale: c.rationale, docs: c.docs, remediation: { summary: 'fix it' } },
    ]),
  );
  const base: Report = { ...sample, checks: { ...sample.checks, ...checks } };
  const lb = base.results.find((r) => r.resource.loadBalancerId)!.resource;
  const plain: ReportResult[] = [];
  for (let i = 0; i < pools; i++) {
    const resource = { ...lb, kind: 'backend-pool' as const, type: 'aws-target-group', id: `${lb.loadBalancerId}/tg-${i}`, name: `tg-${i}` };
    for (const [checkId, status] of [[PASSING, 'pass'], [NOT_APPLICABLE, 'not_applicable']] as const) {
      const meta = base.checks![checkId]!;
      plain.push({
        checkId,
        family: meta.family,
        status,
        severity: meta.severity,
        resource,
        message: status === 'pass' ? `${resource.name}: ${meta.title}.` : `${resource.name}: does not apply.`,
        messageId: status === 'pass' ? 'pass' : 'not-applicable',
        fingerprint: fingerprint(checkId, resource.id),
      });
    }
  }
  return { ...base, results: [...base.results, ...plain] };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });

describe('compact passes in CSV, JUnit and HTML', () => {
  const small = withPasses(10);
  const large = withPasses(1000);

  it('has plain passes to fold in the fixture, and findings that stay in full', () => {
    const meta = large.checks!;
    expect(large.results.filter((r) => isGroupable(r, meta)).length).toBeGreaterThanOrEqual(1000);
    expect(large.results.some((r) => r.status === 'fail')).toBe(true);
    // Not-applicable results fold too, as JSON groups them (their reason is one of a kind's, repeated per resource).
    expect(large.results.filter((r) => r.checkId === NOT_APPLICABLE && isGroupable(r, meta))).toHaveLength(1000);
  });

  it('CSV: one row per finding, one row per check and status for the plain passes, with their count', () => {
    const rows = renderCsv(large).trimEnd().split('\r\n');
    const header = rows[0]!.split(',');
    const count = header.indexOf('count');
    expect(count).toBeGreaterThan(-1);
    const folded = rows.filter((r) => r.startsWith('pass,') && r.includes(PASSING) && r.includes('passed on'));
    expect(folded).toHaveLength(1);
    expect(folded[0]!.split(',')[count]).toBe('1000');
    expect(folded[0]).toContain('passed on 1000 resources');
    expect(rows.filter((r) => r.startsWith('not_applicable,') && r.includes(NOT_APPLICABLE) && r.endsWith(',1000'))).toHaveLength(1);
    const fails = large.results.filter((r) => r.status === 'fail');
    for (const f of fails) expect(rows.some((r) => r.includes(f.fingerprint))).toBe(true);
    // The total of the count column is the number of results.
    const total = rows.slice(1).reduce((a, r) => a + Number(r.split(',').at(-1)), 0);
    expect(total).toBe(large.results.length);
    expect(renderCsv(large).length - renderCsv(small).length).toBeLessThan(renderCsv(small).length);
  });

  it('JUnit: findings are cases, plain passes one case per check named with their number, counts match the cases', () => {
    const doc = xml.parse(renderJunit(large)) as { testsuites: { tests: string; failures: string; testsuite: Array<{ name: string; tests: string; testcase: Array<{ name: string; classname: string }> }> } };
    const suites = doc.testsuites.testsuite;
    for (const s of suites) expect(Number(s.tests)).toBe(s.testcase.length);
    expect(Number(doc.testsuites.tests)).toBe(suites.reduce((a, s) => a + s.testcase.length, 0));
    expect(Number(doc.testsuites.failures)).toBe(large.results.filter((r) => r.status === 'fail').length);
    const passing = suites.flatMap((s) => s.testcase).filter((c) => c.classname === PASSING);
    expect(passing.map((c) => c.name)).toContain('passed on 1000 resources');
    expect(passing.length).toBeLessThan(5);
    expect(renderJunit(large).length).toBeLessThan(renderJunit(small).length * 2);
  });

  it('HTML: a card names its plain passes by check with their number, and grows little with them', () => {
    const html = renderHtml(large);
    expect(html).toMatch(new RegExp(`<li class="folded"><span class="badge st-pass">[^<]+</span> \\d+: .*${PASSING.replace('/', '\\/')}[^<]*×1000`));
    expect(html).not.toContain('tg-999: ');
    const growth = html.length - renderHtml(small).length;
    expect(growth).toBeLessThan(200 * 1000);
  });
});
