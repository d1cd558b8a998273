import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildSarif, DEFAULT_INFORMATION_URI, renderSarif, SARIF_FINGERPRINT_KEY, sarifLevel } from '../../src/report/sarif.js';
import { SAMPLE_CATALOG, sampleReport } from '../fixtures/report/sample.js';

const readJson = (rel: string): object => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as object;

// The official OASIS SARIF 2.1.0 schema (draft-07), vendored: see test/fixtures/sarif/SOURCE.md. `strict: false`
// because the official schema lists `required` properties inside anyOf branches, which ajv's strict mode rejects.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(readJson('../fixtures/sarif/sarif-schema-2.1.0.json'));

function errorsOf(value: unknown): string[] {
  return validateSarif(value) ? [] : (validateSarif.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('renderSarif', () => {
  const report = sampleReport();
  const text = renderSarif(report, { checks: SAMPLE_CATALOG });
  const log = buildSarif(report, { checks: SAMPLE_CATALOG });
  const run = log.runs[0]!;

  it('produces SARIF that the official 2.1.0 schema accepts, with and without unknowns and without a catalog', () => {
    expect(errorsOf(JSON.parse(text))).toEqual([]);
    expect(errorsOf(buildSarif(report, { checks: SAMPLE_CATALOG, includeUnknown: true }))).toEqual([]);
    expect(errorsOf(buildSarif(report))).toEqual([]);
    expect(errorsOf(buildSarif({ ...report, results: [], coverage: [] }))).toEqual([]);
  });

  it('is rejected by the schema when it is not valid SARIF (the validator is not a rubber stamp)', () => {
    const bad = JSON.parse(text) as { version: string; runs: Array<{ tool: { driver: Record<string, unknown> }; results: Array<Record<string, unknown>> }> };
    bad.runs[0]!.results[0]!.level = 'critical';
    delete bad.runs[0]!.results[1]!.message;
    delete bad.runs[0]!.tool.driver.name;
    const errors = errorsOf(bad);
    expect(errors).toContain('/runs/0/results/0/level must be equal to one of the allowed values');
    expect(errors).toContain("/runs/0/results/1 must have required property 'message'");
    expect(errors).toContain("/runs/0/tool/driver must have required property 'name'");
    expect(errorsOf({ ...JSON.parse(text), version: '2.0.0' })).not.toEqual([]);
  });

  it('describes the tool with one rule per catalog check', () => {
    const driver = run.tool.driver;
    expect(driver).toMatchObject({ name: 'cloud502', version: '0.1.0', informationUri: DEFAULT_INFORMATION_URI });
    expect(driver.rules.map((r) => r.id)).toEqual(SAMPLE_CATALOG.map((c) => c.id));
    const rule = driver.rules.find((r) => r.id === 'timeouts/idle-timeout-below-latency');
    expect(rule).toEqual({
      id: 'timeouts/idle-timeout-below-latency',
      shortDescription: { text: 'The load balancer idle timeout leaves room for the slowest responses' },
      fullDescription: { text: 'A response slower than the idle timeout is cut off with a 504.' },
      helpUri: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout',
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['timeouts'], severity: 'medium' },
    });
    expect(driver.rules.find((r) => r.id === 'targets/unreferenced-target-group')?.helpUri).toBeUndefined();
  });

  it('maps severities to levels: critical/high error, medium warning, low/info note', () => {
    expect((['critical', 'high', 'medium', 'low', 'info'] as const).map(sarifLevel)).toEqual(['error', 'error', 'warning', 'note', 'note']);
    const bySeverity = new Map(report.results.map((r) => [r.fingerprint, r.severity]));
    for (const r of run.results) expect(r.level).toBe(sarifLevel(bySeverity.get(r.partialFingerprints[SARIF_FINGERPRINT_KEY] ?? '')!));
  });

  it('reports failing and accepted findings only, each pointing at its rule, resource and fingerprint', () => {
    const expected = report.results.filter((r) => r.status === 'fail' || r.status === 'suppressed');
    expect(run.results.map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY])).toEqual(expected.map((r) => r.fingerprint));
    run.results.forEach((r, i) => {
      const source = expected[i]!;
      expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
      expect(r.message.text).toBe(source.message);
      expect(r.locations).toEqual([{ logicalLocations: [{ name: source.resource.name, fullyQualifiedName: source.resource.id, kind: 'resource' }] }]);
      expect(r.properties).toMatchObject({ status: source.status, severity: source.severity, family: source.family });
    });
  });

  it('carries a baseline acceptance as an external suppression', () => {
    const accepted = run.results.filter((r) => r.suppressions);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.suppressions).toEqual([
      {
        kind: 'external',
        state: 'accepted',
        justification: 'Batch reporting runs in one AZ by design | OPS-1234 <b>ok</b> (accepted until 2026-12-31)',
        properties: { expires: '2026-12-31' },
      },
    ]);
  });

  it('adds unknown results as notes only when asked', () => {
    const withUnknown = buildSarif(report, { checks: SAMPLE_CATALOG, includeUnknown: true }).runs[0]!.results;
    const unknown = withUnknown.filter((r) => r.properties.status === 'unknown');
    expect(unknown).toHaveLength(2);
    expect(unknown.every((r) => r.level === 'note')).toBe(true);
    expect(run.results.some((r) => r.properties.status === 'unknown')).toBe(false);
  });

  it('adds a bare rule for a check missing from the catalog, so every ruleIndex resolves', () => {
    const partial = buildSarif(report, { checks: SAMPLE_CATALOG.filter((c) => c.id !== 'health/aggressive-ejection') }).runs[0]!;
    const rule = partial.tool.driver.rules.at(-1);
    expect(rule?.id).toBe('health/aggressive-ejection');
    expect(rule?.defaultConfiguration.level).toBe('warning');
    const result = partial.results.find((r) => r.ruleId === 'health/aggressive-ejection');
    expect(result?.ruleIndex).toBe(partial.tool.driver.rules.length - 1);
  });

  it('reports check errors and coverage gaps as tool notifications', () => {
    const notes = run.invocations[0]?.toolExecutionNotifications ?? [];
    expect(notes.map((n) => n.level)).toEqual(['error', 'warning', 'warning']);
    expect(notes[0]?.associatedRule).toEqual({ id: 'network/health-check-port-allowed' });
    expect(notes[1]?.message.text).toBe(
      'Not collected in aws 123456789012 eu-west-1: elasticloadbalancing:DescribeTargetHealth, missing permission elasticloadbalancing:DescribeTargetHealth (affects target health of tg-api).',
    );
    expect(run.properties).toMatchObject({ demo: true, source: { kind: 'demo' } });
  });
});

describe('the sample report fixture', () => {
  it('is a valid cloud502 report per schema/report.schema.json', () => {
    const v = new Ajv2020({ allErrors: true });
    addFormats.default(v);
    const validate = v.compile(readJson('../../schema/report.schema.json'));
    expect(validate(sampleReport()), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('rule help links by cloud', () => {
  const check = {
    id: 'network/health-check-port-blocked',
    title: 'Health checks reach targets',
    family: 'network' as const,
    severity: 'high' as const,
    rationale: 'r',
    docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html', 'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview'],
  };
  const withScopes = (...providers: Array<'aws' | 'azure'>) => ({ ...sampleReport(), scopes: providers.map((provider) => ({ provider, region: 'r', account: 'a' })) });

  it("links the page of the report's cloud when the report is about one cloud, else the check's first page", () => {
    const helpOf = (providers: Array<'aws' | 'azure'>): string | undefined => buildSarif(withScopes(...providers), { checks: [check as never] }).runs[0]!.tool.driver.rules.find((r) => r.id === check.id)?.helpUri;
    expect(helpOf(['azure'])).toBe(check.docs[1]);
    expect(helpOf(['aws'])).toBe(check.docs[0]);
    expect(helpOf(['aws', 'azure'])).toBe(check.docs[0]);
  });
});
