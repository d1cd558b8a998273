import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { fakeRegistry } from '../cli/support/fakes.js';

const registry = fakeRegistry();

const VALID_YAML = `
checks:
  targets/fake-pool-has-targets:
    severity: high
    thresholds:
      minTargets: 2
  tls/fake-throws:
    enabled: false
backends:
  - match: { pool: "tg-api*" }
    server: gunicorn
    keepAliveSeconds: 75
  - match: { tag: { key: app, value: billing } }
    maxRequestSeconds: 30
baseline:
  - check: timeouts/*
    resource: "alb-legacy*"
    reason: replaced in Q1
    expires: 2027-03-31
`;

const EXPECTED = {
  checks: {
    'targets/fake-pool-has-targets': { severity: 'high', thresholds: { minTargets: 2 } },
    'tls/fake-throws': { enabled: false },
  },
  backends: [
    { match: { pool: 'tg-api*' }, server: 'gunicorn', keepAliveSeconds: 75 },
    { match: { tag: { key: 'app', value: 'billing' } }, maxRequestSeconds: 30 },
  ],
  baseline: [{ check: 'timeouts/*', resource: 'alb-legacy*', reason: 'replaced in Q1', expires: '2027-03-31' }],
};

async function tempDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cloud502-config-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('parseConfig', () => {
  it('reads YAML into an AuditConfig', () => {
    expect(parseConfig(VALID_YAML, '.cloud502.yml', registry)).toEqual(EXPECTED);
  });

  it('reads the same config as JSON', () => {
    expect(parseConfig(JSON.stringify(EXPECTED), 'c.json', registry)).toEqual(EXPECTED);
  });

  it('treats an empty file as an empty config', () => {
    expect(parseConfig('', 'c.yml', registry)).toEqual({});
    expect(parseConfig('# nothing yet\n', 'c.yml', registry)).toEqual({});
  });

  const bad: Array<[string, string, string]> = [
    ['an unknown top-level key', 'checkz: {}', 'config c.yml: checkz: unknown key (allowed: checks, backends, baseline)'],
    ['an unknown check id', 'checks: { timeouts/nope: { enabled: false } }', 'config c.yml: checks.timeouts/nope: unknown check id "timeouts/nope"'],
    ['a wrong type', 'checks: { tls/fake-throws: { enabled: "no" } }', 'config c.yml: checks.tls/fake-throws.enabled: must be true or false, got "no"'],
    ['an unknown setting of a check', 'checks: { tls/fake-throws: { enable: false } }', 'config c.yml: checks.tls/fake-throws.enable: unknown key'],
    ['an unknown severity', 'checks: { tls/fake-throws: { severity: urgent } }', 'config c.yml: checks.tls/fake-throws.severity: must be one of critical, high, medium, low, info, got "urgent"'],
    ['an unknown threshold name', 'checks: { targets/fake-pool-has-targets: { thresholds: { minTarget: 2 } } }', 'config c.yml: checks.targets/fake-pool-has-targets.thresholds.minTarget: unknown threshold (known: minTargets)'],
    ['a threshold out of range', 'checks: { targets/fake-pool-has-targets: { thresholds: { minTargets: 500 } } }', 'config c.yml: checks.targets/fake-pool-has-targets.thresholds.minTargets: 500 is outside 0..100 count'],
    ['a threshold that is not a number', 'checks: { targets/fake-pool-has-targets: { thresholds: { minTargets: "2" } } }', 'config c.yml: checks.targets/fake-pool-has-targets.thresholds.minTargets: must be a number, got "2"'],
    ['a threshold on a check without thresholds', 'checks: { tls/fake-throws: { thresholds: { x: 1 } } }', 'config c.yml: checks.tls/fake-throws.thresholds.x: unknown threshold (this check has none)'],
    ['an invalid server kind', 'backends: [ { match: { pool: a }, server: express } ]', 'config c.yml: backends[0].server: unknown server kind "express" (known: node, gunicorn, uvicorn, nginx, apache, tomcat, go, other)'],
    ['a negative keep-alive', 'backends: [ { match: { pool: a }, keepAliveSeconds: -1 } ]', 'config c.yml: backends[0].keepAliveSeconds: must be at least 0, got -1'],
    ['a backend without match', 'backends: [ { server: node } ]', 'config c.yml: backends[0].match: is required'],
    ['an empty match', 'backends: [ { match: {}, server: node } ]', 'config c.yml: backends[0].match: needs at least one of pool, loadBalancer, tag'],
    ['a backend that declares nothing', 'backends: [ { match: { pool: a } } ]', 'config c.yml: backends[0]: declares nothing'],
    ['backends that are not a list', 'backends: { pool: a }', 'config c.yml: backends: must be a list, got a mapping'],
    ['a baseline entry without reason', 'baseline: [ { check: tls/fake-throws } ]', 'config c.yml: baseline[0].reason: is required'],
    ['a baseline entry with a bad date', 'baseline: [ { check: tls/fake-throws, reason: r, expires: soon } ]', 'config c.yml: baseline[0].expires: "soon" is not a date'],
    ['a baseline entry for an unknown check', 'baseline: [ { check: tls/nope, reason: r } ]', 'config c.yml: baseline[0].check: unknown check id "tls/nope"'],
    ['a baseline entry expiring on a day that does not exist', 'baseline: [ { check: tls/fake-throws, reason: r, expires: 2026-02-30 } ]', 'config c.yml: baseline[0].expires: "2026-02-30" is not a date'],
    ['a baseline entry expiring at an instant of a day that does not exist', 'baseline: [ { check: tls/fake-throws, reason: r, expires: "2026-02-30T10:00:00Z" } ]', 'config c.yml: baseline[0].expires: "2026-02-30T10:00:00Z" is not a date'],
    ['a baseline entry with a misspelt key', 'baseline: [ { check: tls/fake-throws, reason: r, expiry: 2027-01-01 } ]', 'config c.yml: baseline[0].expiry: unknown key'],
    ['a baseline that is not a list', 'baseline: { check: tls/fake-throws }', 'config c.yml: baseline: must be a list of entries, got a mapping'],
    ['a list at the top', '- a\n- b', 'config c.yml: must be a mapping, got a list'],
    ['invalid YAML', 'checks: [\n', 'config c.yml is not valid YAML'],
    ['a duplicated key', 'checks: {}\nchecks: {}\n', 'config c.yml is not valid YAML (Map keys must be unique at line 2, column 1)'],
  ];

  it.each(bad)('rejects %s with one line naming the file and the key', (_name, text, message) => {
    let error: unknown;
    try {
      parseConfig(text, 'c.yml', registry);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('accepts a fingerprint entry whose check label is no longer in the catalog (the fingerprint is what matches)', () => {
    const fp = 'a'.repeat(32);
    expect(parseConfig(`baseline: [ { fingerprint: "${fp}", check: tls/renamed, reason: r } ]`, 'c.yml', registry)).toEqual({
      baseline: [{ fingerprint: fp, check: 'tls/renamed', reason: 'r' }],
    });
  });

  it('rejects invalid JSON in a .json file', () => {
    expect(() => parseConfig('{"checks": ', 'c.json', registry)).toThrow(/^config c\.json is not valid JSON/);
  });
});

describe('loadConfig', () => {
  it('uses .cloud502.yml from the working directory when present', async () => {
    const cwd = await tempDir({ '.cloud502.yml': VALID_YAML });
    expect(await loadConfig({ cwd, registry })).toEqual({ config: EXPECTED, path: '.cloud502.yml' });
  });

  it('uses .cloud502.json too', async () => {
    const cwd = await tempDir({ '.cloud502.json': JSON.stringify(EXPECTED) });
    expect(await loadConfig({ cwd, registry })).toEqual({ config: EXPECTED, path: '.cloud502.json' });
  });

  it('returns an empty config when there is no file', async () => {
    expect(await loadConfig({ cwd: await tempDir({}), registry })).toEqual({ config: {} });
  });

  it('refuses two default files rather than picking one silently', async () => {
    const cwd = await tempDir({ '.cloud502.yml': '', '.cloud502.json': '{}' });
    await expect(loadConfig({ cwd, registry })).rejects.toThrow('config: found .cloud502.yml and .cloud502.json');
  });

  it('prefers --config over the default file and reports a missing one', async () => {
    const cwd = await tempDir({ '.cloud502.yml': 'nonsense: 1', 'team.yaml': VALID_YAML });
    expect((await loadConfig({ cwd, registry, path: join(cwd, 'team.yaml') })).config).toEqual(EXPECTED);
    await expect(loadConfig({ cwd, registry, path: join(cwd, 'missing.yml') })).rejects.toThrow(`config ${join(cwd, 'missing.yml')} does not exist`);
  });

  it('reads a relative --config from the given working directory, not the process\'s', async () => {
    const cwd = await tempDir({ 'team.yaml': VALID_YAML });
    expect(await loadConfig({ cwd, registry, path: 'team.yaml' })).toEqual({ config: EXPECTED, path: 'team.yaml' });
  });
});
