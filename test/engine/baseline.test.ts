import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  applyBaseline,
  baselineExpiry,
  createBaseline,
  escapeGlob,
  globToRegExp,
  serializeBaseline,
  validateBaselineEntries,
} from '../../src/engine/baseline.js';
import type { BaselineEntry } from '../../src/engine/config.js';
import type { CheckResult } from '../../src/engine/result.js';
import { ConfigError } from '../../src/errors.js';
import { sampleReport } from '../fixtures/report/sample.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');

function sample(): CheckResult[] {
  // The sample is a version 1 report: its results are complete check results.
  return sampleReport().results as CheckResult[];
}

function byName(results: CheckResult[], name: string): CheckResult {
  const r = results.find((x) => x.resource.name === name && x.status === 'fail');
  if (!r) throw new Error(`no failing result on ${name}`);
  return r;
}

describe('globToRegExp', () => {
  it.each([
    ['arn:aws:*:targetgroup/tg-*', 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/tg-api/73e2', true],
    ['tg-???', 'tg-api', true],
    ['tg-???', 'tg-apis', false],
    ['timeouts/*', 'timeouts/idle-timeout-below-latency', true],
    ['timeouts/*', 'health/aggressive-ejection', false],
    ['@SUM(1)', '@SUM(1)', true],
    ['a.b', 'axb', false],
    ['literal\\*', 'literal*', true],
    ['literal\\*', 'literally', false],
    ['TG-API', 'tg-api', false],
  ])('%j matches %j: %s', (glob, value, expected) => {
    expect(globToRegExp(glob).test(value)).toBe(expected);
  });

  it('escapes a literal name so it only matches itself', () => {
    const name = 'weird*name?\\x';
    expect(globToRegExp(escapeGlob(name)).test(name)).toBe(true);
    expect(globToRegExp(escapeGlob(name)).test('weirdXnameY\\x')).toBe(false);
  });
});

describe('baselineExpiry', () => {
  it('ends a date-only expiry at the end of that UTC day', () => {
    expect(baselineExpiry('2026-11-20')?.toISOString()).toBe('2026-11-21T00:00:00.000Z');
    expect(baselineExpiry('2026-12-31')?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(baselineExpiry('2028-02-29')?.toISOString()).toBe('2028-03-01T00:00:00.000Z');
  });

  it('takes a date-time as the instant itself', () => {
    expect(baselineExpiry('2026-11-20T18:30:00+02:00')?.toISOString()).toBe('2026-11-20T16:30:00.000Z');
  });

  it.each(['2026-02-30', '2027-02-29', '2026-13-01', '2026-1-5', 'tomorrow', '20261120', '2026-11-20T25:00:00Z', '2026-11-20T10:00'])(
    'rejects %j',
    (value) => {
      expect(baselineExpiry(value)).toBeUndefined();
    },
  );
});

describe('applyBaseline', () => {
  it('suppresses a failure accepted by fingerprint, keeping reason and expiry', () => {
    const results = sample();
    const target = byName(results, 'tg-checkout');
    const out = applyBaseline(results, [{ fingerprint: target.fingerprint, reason: 'Migration in progress', expires: '2026-12-01' }], NOW);
    const r = out.find((x) => x.fingerprint === target.fingerprint);
    expect(r?.status).toBe('suppressed');
    expect(r?.suppression).toEqual({ reason: 'Migration in progress', expires: '2026-12-01', by: 'fingerprint' });
    expect(out.filter((x) => x.status === 'suppressed')).toHaveLength(2);
  });

  it('matches by check (id, family or glob) and resource glob over id or name', () => {
    const results = sample();
    const suppressed = (entries: BaselineEntry[]) =>
      applyBaseline(results, entries, NOW)
        .filter((r, i) => r.status === 'suppressed' && results[i]?.status === 'fail')
        .map((r) => r.resource.name);
    expect(suppressed([{ check: 'timeouts/*', reason: 'r' }])).toEqual(['tg-api', 'alb-shop-prod', '+cmd']);
    expect(suppressed([{ check: 'timeouts', reason: 'r' }])).toEqual(['tg-api', 'alb-shop-prod', '+cmd']);
    expect(suppressed([{ check: 'timeouts/deregistration-delay-too-short', resource: '+cmd', reason: 'r' }])).toEqual(['+cmd']);
    expect(suppressed([{ check: 'timeouts/*', resource: '*:loadbalancer/app/alb-shop-prod/*', reason: 'r' }])).toEqual(['alb-shop-prod']);
    expect(suppressed([{ resource: '@SUM(1)', reason: 'r' }])).toEqual(['@SUM(1)']);
    expect(suppressed([{ check: 'health/*', resource: 'tg-*', reason: 'r' }])).toEqual([]);
    const viaPattern = applyBaseline(results, [{ check: 'tls/*', reason: 'r' }], NOW).find((r) => r.resource.name === '@SUM(1)');
    expect(viaPattern?.suppression?.by).toBe('pattern');
  });

  it('uses only the fingerprint when an entry has one; its check and resource are labels', () => {
    const results = sample();
    const out = applyBaseline(results, [{ fingerprint: '0'.repeat(32), check: 'timeouts/*', resource: '*', reason: 'r' }], NOW);
    expect(out.filter((r) => r.status === 'suppressed')).toHaveLength(1);
  });

  it('leaves non-failing results alone', () => {
    const results = sample();
    const out = applyBaseline(results, [{ check: '*', reason: 'everything' }], NOW);
    results.forEach((r, i) => {
      if (r.status !== 'fail') expect(out[i]).toBe(r);
      else expect(out[i]?.status).toBe('suppressed');
    });
  });

  it('accepts an entry through the end of its expiry day (UTC) and fails it again from the next day', () => {
    const results = sample();
    const target = byName(results, '+cmd');
    const entry: BaselineEntry = { fingerprint: target.fingerprint, reason: 'Long requests moved to a queue', expires: '2026-11-20' };
    const at = (iso: string) => applyBaseline(results, [entry], new Date(iso)).find((r) => r.fingerprint === target.fingerprint)!;

    expect(at('2026-11-20T00:00:00.000Z').status).toBe('suppressed');
    expect(at('2026-11-20T23:59:59.999Z').status).toBe('suppressed');

    const expired = at('2026-11-21T00:00:00.000Z');
    expect(expired.status).toBe('fail');
    expect(expired.message).toBe(`${target.message} (baseline acceptance expired on 2026-11-20: Long requests moved to a queue)`);
    expect(expired.evidence.details?.baselineExpired).toEqual({ expires: '2026-11-20', reason: 'Long requests moved to a queue' });
    expect(expired.evidence.path).toBe(target.evidence.path);
    expect(expired.suppression).toBeUndefined();
  });

  it('treats "expires yesterday" as expired and "expires today" as active', () => {
    const results = sample();
    const target = byName(results, 'tg-api');
    const status = (expires: string) =>
      applyBaseline(results, [{ fingerprint: target.fingerprint, reason: 'r', expires }], NOW).find((r) => r.fingerprint === target.fingerprint)?.status;
    expect(status('2026-11-19')).toBe('fail');
    expect(status('2026-11-20')).toBe('suppressed');
  });

  it('lets an active entry win over an expired one, in any order', () => {
    const results = sample();
    const fp = byName(results, 'tg-api').fingerprint;
    const old: BaselineEntry = { fingerprint: fp, reason: 'old', expires: '2026-01-01' };
    const current: BaselineEntry = { check: 'timeouts/*', resource: 'tg-api', reason: 'current' };
    for (const entries of [[old, current], [current, old]]) {
      const r = applyBaseline(results, entries, NOW).find((x) => x.fingerprint === fp);
      expect(r?.suppression?.reason).toBe('current');
    }
  });

  it('does not mutate its inputs', () => {
    const results = sample();
    const snapshot = structuredClone(results);
    const fp = byName(results, '+cmd').fingerprint;
    applyBaseline(results, [{ fingerprint: fp, reason: 'r', expires: '2020-01-01' }, { check: 'health', reason: 'r' }], NOW);
    expect(results).toEqual(snapshot);
  });
});

describe('createBaseline and serializeBaseline', () => {
  const report = sampleReport();

  it('accepts every failing finding by fingerprint, keeping earlier acceptances, sorted for stable diffs', () => {
    const { baseline } = createBaseline(report, { reason: '  Accepted at go-live; see OPS-42  ', expires: '2027-03-31' });
    const fails = report.results.filter((r) => r.status === 'fail');
    expect(baseline).toHaveLength(fails.length + 1);
    const checks = baseline.map((e) => e.check ?? '');
    expect(checks).toEqual([...checks].sort((a, b) => a.localeCompare(b)));
    const hyper = baseline.find((e) => e.check === 'targets/unreferenced-target-group');
    expect(hyper).toEqual({
      fingerprint: fails.find((r) => r.checkId === 'targets/unreferenced-target-group')?.fingerprint,
      check: 'targets/unreferenced-target-group',
      resource: '=HYPERLINK("http://x","y")',
      reason: 'Accepted at go-live; see OPS-42',
      expires: '2027-03-31',
    });
    const kept = baseline.find((e) => e.check === 'targets/single-az-healthy');
    expect(kept).toMatchObject({ reason: 'Batch reporting runs in one AZ by design | OPS-1234 <b>ok</b>', expires: '2026-12-31' });
  });

  it('produces a baseline that suppresses every failure it was made from', () => {
    const { baseline } = createBaseline(report, { reason: 'accepted' });
    const out = applyBaseline(report.results as CheckResult[], baseline, NOW);
    expect(out.filter((r) => r.status === 'fail')).toEqual([]);
    expect(out.filter((r) => r.status === 'suppressed')).toHaveLength(8);
    expect(baseline.every((e) => e.expires === undefined || e.check === 'targets/single-az-healthy')).toBe(true);
  });

  it('escapes glob characters in resource names so the labels stay literal', () => {
    const r = structuredClone(report);
    r.results[0]!.resource.name = 'tg-*-blue?';
    const entry = createBaseline(r, { reason: 'x' }).baseline.find((e) => e.check === r.results[0]!.checkId);
    expect(entry?.resource).toBe('tg-\\*-blue\\?');
  });

  it('refuses to create a baseline without a reason or with a bad date', () => {
    expect(() => createBaseline(report, { reason: ' ' })).toThrow(ConfigError);
    expect(() => createBaseline(report, { reason: 'r', expires: '31/12/2026' })).toThrow(/"31\/12\/2026" is not a date/);
  });

  it('serializes to the .cloud502.yml shape and round-trips through YAML and validation', () => {
    const { baseline } = createBaseline(report, { reason: 'Accepted: "legacy" | see #12', expires: '2027-01-31' });
    const yaml = serializeBaseline(baseline);
    expect(yaml.startsWith('# cloud502 baseline: accepted findings.')).toBe(true);
    expect(yaml).toMatch(/^baseline:\n {2}- fingerprint: "[0-9a-f]{32}"\n {4}check: /m);
    expect(yaml).toContain('expires: "2027-01-31"');
    const parsed = parse(yaml) as { baseline: unknown };
    expect(Object.keys(parsed)).toEqual(['baseline']);
    expect(validateBaselineEntries(parsed.baseline)).toEqual(baseline);
  });

  it('quotes an all-digit fingerprint so no YAML reader turns it into a number', () => {
    const yaml = serializeBaseline([{ fingerprint: '1'.repeat(32), reason: 'r' }]);
    expect(yaml).toContain(`fingerprint: "${'1'.repeat(32)}"`);
    expect((parse(yaml) as { baseline: BaselineEntry[] }).baseline[0]?.fingerprint).toBe('1'.repeat(32));
  });
});

describe('validateBaselineEntries', () => {
  it('accepts fingerprint, pattern and resource-only entries', () => {
    const entries = [
      { fingerprint: 'c0947ee6e92c3c9e805b63677e4fd539', reason: 'r', expires: '2026-12-31' },
      { check: 'timeouts/*', resource: 'arn:aws:*:targetgroup/legacy-*', reason: 'r' },
      { check: 'tls', reason: 'r', expires: '2026-12-31T18:00:00Z' },
      { resource: 'tg-batch', reason: 'r' },
    ];
    expect(validateBaselineEntries(entries)).toEqual(entries);
  });

  it.each([
    [{ check: 'tls/*' }, 'baseline[0].reason: is required: say why the finding is accepted'],
    [{ check: 'tls/*', reason: '  ' }, 'baseline[0].reason: must be a non-empty string, got string "  "'],
    [{ check: 'tls/*', reason: 'r', expires: '2026-02-30' }, 'baseline[0].expires: "2026-02-30" is not a date (use YYYY-MM-DD)'],
    [{ check: 'tls/*', reason: 'r', expires: 20261231 }, 'baseline[0].expires: must be a non-empty string, got number 20261231'],
    [{ check: 'tls/*', reason: 'r', expiry: '2026-12-31' }, 'baseline[0].expiry: unknown key (allowed: fingerprint, check, resource, reason, expires)'],
    [{ fingerprint: 'C0947EE6', reason: 'r' }, 'baseline[0].fingerprint: "C0947EE6" is not 32 lowercase hex characters (copy it from a JSON report)'],
    [{ reason: 'r' }, 'baseline[0]: matches nothing: give a fingerprint, or a check and/or resource pattern'],
    [{ check: 'timeout', reason: 'r' }, 'baseline[0].check: "timeout" is neither a check id (family/name), a family nor a glob'],
    ['tls/*', 'baseline[0]: must be a mapping, got string "tls/*"'],
  ])('rejects %j with one clear line', (entry, message) => {
    let error: unknown;
    try {
      validateBaselineEntries([entry]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('names the failing entry by index and rejects a non-list', () => {
    expect(() => validateBaselineEntries([{ check: 'tls', reason: 'r' }, { check: 'tls' }])).toThrow(/^baseline\[1\]\.reason:/);
    expect(() => validateBaselineEntries({ check: 'tls', reason: 'r' })).toThrow('baseline: must be a list of entries, got a mapping');
  });
});
