import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { ReportResult as CheckResult } from '../../src/report/types.js';
import { renderJunit } from '../../src/report/junit.js';
import { sampleReport } from '../fixtures/report/sample.js';

interface Case {
  classname: string;
  name: string;
  failure?: { message: string; type: string; '#text': string };
  error?: { message: string; type: string; '#text': string };
  skipped?: { message: string };
}

interface Suite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: Case[];
}

interface Parsed {
  testsuites: { name: string; tests: string; failures: string; errors: string; skipped: string; testsuite: Suite[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Numeric character references (&#10; in attributes) must decode, text must stay exactly as written.
  htmlEntities: true,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});

function parse(xml: string): Parsed {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Parsed;
}

// XML 1.0 Char production; fast-xml-parser's validator does not enforce it, so the test does.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

describe('renderJunit', () => {
  const report = sampleReport();
  const xml = renderJunit(report);
  const doc = parse(xml);
  const cases = doc.testsuites.testsuite.flatMap((s) => s.testcase);

  it('is well-formed XML 1.0 with no character XML cannot carry', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(NOT_XML_CHAR.test(xml)).toBe(false);
  });

  it('encodes line breaks and tabs in attributes, which conformant parsers would otherwise fold into spaces', () => {
    expect(xml).not.toMatch(/\s[\w:-]+="[^"]*[\n\r\t][^"]*"/);
    expect(xml).toContain('message="Deregistration delay of +cmd is 5 s; &quot;long&quot; requests&#10;run up to 30 s, so deploys cut them off."');
  });

  it('has one suite per family and one case per check × resource, with correct counts', () => {
    // Families in catalog order (FAMILIES), only those with results.
    expect(doc.testsuites.testsuite.map((s) => s.name)).toEqual(['health', 'targets', 'network', 'tls', 'timeouts']);
    expect(cases).toHaveLength(report.results.length);
    expect(doc.testsuites).toMatchObject({ tests: '14', failures: '7', errors: '1', skipped: '4' });
    for (const suite of doc.testsuites.testsuite) {
      expect(Number(suite.tests)).toBe(suite.testcase.length);
      expect(Number(suite.failures)).toBe(suite.testcase.filter((c) => c.failure).length);
      expect(Number(suite.errors)).toBe(suite.testcase.filter((c) => c.error).length);
      expect(Number(suite.skipped)).toBe(suite.testcase.filter((c) => c.skipped).length);
    }
  });

  it('can group by check instead', () => {
    const byCheck = parse(renderJunit(report, { groupBy: 'check' }));
    const ids = [...new Set(report.results.map((r) => r.checkId))].sort();
    expect(byCheck.testsuites.testsuite.map((s) => s.name)).toEqual(ids);
    expect(byCheck.testsuites.testsuite.every((s) => s.testcase.every((c) => c.classname === s.name))).toBe(true);
  });

  it('maps statuses: fail → failure, error → error, unknown / n/a / suppressed → skipped, pass → empty case', () => {
    const byFingerprint = new Map(report.results.map((r) => [r.fingerprint, r]));
    const find = (pred: (r: CheckResult) => boolean): Case => {
      const r = report.results.find(pred)!;
      return cases.find((c) => c.classname === r.checkId && c.name.startsWith(r.resource.name))!;
    };
    const critical = find((r) => r.severity === 'critical' && r.status === 'fail');
    expect(critical.failure?.type).toBe('critical');
    expect(critical.failure?.message).toBe(report.results[0]?.message);
    expect(critical.failure?.['#text']).toContain('Fix: Make /healthz on tg-checkout return 200, or fix the matcher.');
    expect(critical.failure?.['#text']).toContain('Metric: lb.http.503 = 1,412 over 3h');
    expect(find((r) => r.status === 'error').error?.message).toContain('failed to evaluate');
    expect(find((r) => r.status === 'suppressed').skipped?.message).toBe(
      'suppressed: Batch reporting runs in one AZ by design | OPS-1234 <b>ok</b> (until 2026-12-31)',
    );
    expect(find((r) => r.status === 'not_applicable').skipped?.message).toMatch(/^not applicable: nlb-payments: TCP listeners only/);
    expect(find((r) => r.status === 'unknown' && r.checkId === 'targets/unhealthy-targets').skipped?.message).toMatch(/^unknown: tg-api/);
    const pass = find((r) => r.status === 'pass' && r.checkId === 'health/aggressive-ejection');
    expect(pass.failure ?? pass.error ?? pass.skipped).toBeUndefined();
    expect(byFingerprint.size).toBe(report.results.length);
  });

  it('round-trips hostile strings exactly and makes invalid control characters visible', () => {
    expect(xml).not.toContain('<img');
    const keepalive = cases.find((c) => c.classname === 'timeouts/backend-keepalive-exceeds-idle-timeout' && c.failure);
    expect(keepalive?.failure?.message).toBe('Targets of tg-api close idle connections after 5 s; <img src=x onerror=alert(1)> reuses them for 60 s.');
    expect(keepalive?.failure?.['#text']).toContain('"team":"\\"</script><script>alert(1)</script>"');
    const multiline = cases.find((c) => c.classname === 'timeouts/deregistration-delay-too-short');
    expect(multiline?.failure?.message).toBe('Deregistration delay of +cmd is 5 s; "long" requests\nrun up to 30 s, so deploys cut them off.');
    const control = cases.find((c) => c.skipped?.message.includes('keep-alive is unknown'));
    expect(control?.skipped?.message).toContain('keep-alive is unknown\\u{1}\\u{B};');
    expect(control?.name.startsWith('\tpool-tab (arn:')).toBe(true);
  });

  it('names cases by resource name and id, and keeps two findings of one check on one resource distinct', () => {
    const r = report.results[0]!;
    const second: CheckResult = { ...r, fingerprint: 'f'.repeat(32), message: 'second port' };
    const twice = parse(renderJunit({ ...report, results: [r, second] })).testsuites.testsuite[0]!.testcase;
    expect(twice.map((c) => c.name)).toEqual([
      `tg-checkout (${r.resource.id}) [${r.fingerprint.slice(0, 8)}]`,
      `tg-checkout (${r.resource.id}) [ffffffff]`,
    ]);
    const once = parse(renderJunit({ ...report, results: [r] })).testsuites.testsuite[0]!.testcase;
    expect(once[0]?.name).toBe(`tg-checkout (${r.resource.id})`);
  });

  it('renders an empty report as an empty, valid testsuites element', () => {
    const empty = renderJunit({ ...report, results: [] });
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(empty).toContain('tests="0" failures="0" errors="0" skipped="0"');
  });
});
