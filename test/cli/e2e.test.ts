/**
 * The built binary end to end: real AWS adapter, real check catalog, hand-written raw snapshots
 * (test/fixtures/cli/aws-*.json, shaped after providers/aws/raw.ts) and a live run against the shared moto server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from './support/schema.js';
import { expectOneLineError } from './support/run-cli.js';
import { bin, cli, root, type Run } from '../support/built-cli.js';

const fixtures = join(root, 'test', 'fixtures', 'cli');
const broken = join(fixtures, 'aws-broken.json');
const healthy = join(fixtures, 'aws-healthy.json');


function json(r: Run): Report {
  const report = JSON.parse(r.stdout) as Report;
  const errors = reportSchemaErrors(report);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}

describe('startup', () => {
  it('has no static import of a cloud SDK on the path from bin.js', () => {
    // Every static import reachable from bin.js (dynamic import() is how providers load lazily).
    const seen = new Set<string>();
    const sdkImports: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (/^@aws-sdk\/|^@azure\/|^@google-cloud\/|^@smithy\//.test(spec)) sdkImports.push(`${relative(root, file)} → ${spec}`);
        else if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      }
    };
    visit(bin);
    expect([...seen].map((f) => relative(root, f))).toEqual(expect.arrayContaining(['dist/src/cli/bin.js', 'dist/src/cli/main.js', 'dist/src/cli/program.js']));
    expect(sdkImports).toEqual([]);
  });

  it('has no @aws-sdk import at all in dist/src/cli and dist/src/*.js', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.js')) files.push(join(dir, e.name));
      }
    };
    walk(join(root, 'dist', 'src', 'cli'));
    for (const e of readdirSync(join(root, 'dist', 'src'))) if (e.endsWith('.js')) files.push(join(root, 'dist', 'src', e));
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['dist/src/audit.js', 'dist/src/snapshot.js', 'dist/src/cli/bin.js']));
    expect(files.filter((f) => readFileSync(f, 'utf8').includes('@aws-sdk'))).toEqual([]);
  });

  it('starts with a shebang and prints help and the version', async () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const help = await cli(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: cloud502');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect((await cli(['--version'])).stdout).toBe(`${pkg.version}\n`);
  });
});

describe('checks', () => {
  it('lists the real catalog as text and JSON', async () => {
    const list = JSON.parse((await cli(['checks', '--format', 'json'])).stdout) as Array<{ id: string; family: string; severity: string; causes: number[]; title: string }>;
    expect(list.length).toBeGreaterThan(5);
    for (const c of list) {
      expect(c.id).toMatch(/^(health|targets|network|tls|timeouts|evidence)\/[a-z0-9-]+$/);
      expect(c.id.startsWith(`${c.family}/`)).toBe(true);
      expect(c.title.length).toBeGreaterThan(0);
    }
    const text = await cli(['checks']);
    expect(text.code).toBe(0);
    for (const c of list) expect(text.stdout).toContain(c.id);
    expect(text.stdout).toContain(`${list.length} checks`);
  });
});

describe('audit --snapshot (real adapter)', () => {
  it('finds the broken fixture\'s failures and exits 1 at the default --fail-on high', async () => {
    const r = await cli(['audit', '--snapshot', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^■ alb-web aws-alb eu-west-1 — CRITICAL — users see: /m);
    expect(r.stdout).toMatch(/^\d+ critical, \d+ high, \d+ medium, \d+ low · \d+ passed · \d+ unknown · \d+ errors?$/m);
    expect(r.stdout).toContain('Coverage gaps (1)');
    expect(r.stdout).toContain('missing acm:DescribeCertificate');
  });

  it('writes a schema-valid JSON report on stdout only', async () => {
    const r = await cli(['audit', '--snapshot', broken, '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = json(r);
    expect(report.source).toEqual({ kind: 'snapshot', path: broken });
    expect(report.scopes).toEqual([{ provider: 'aws', account: '123456789012', region: 'eu-west-1' }]);
    expect(report.summary.highestSeverity).toBe('critical');
    const failing = report.results.filter((x) => x.status === 'fail').map((x) => x.resource.name);
    // tg-admin has no targets; every target of tg-api is unhealthy.
    expect(failing).toEqual(expect.arrayContaining(['tg-admin', 'tg-api']));
    expect(report.results.every((x) => x.status !== 'error')).toBe(true);
  });

  it('exits 0 on the healthy fixture and 1 on the broken one at --fail-on critical', async () => {
    const ok = await cli(['audit', '--snapshot', healthy, '--format', 'json']);
    const report = json(ok);
    expect(report.results.filter((x) => x.status === 'fail').map((x) => `${x.checkId} ${x.message}`)).toEqual([]);
    expect(ok.code).toBe(0);
    expect((await cli(['audit', '--snapshot', broken, '--fail-on', 'critical'])).code).toBe(1);
    expect((await cli(['audit', '--snapshot', broken, '--fail-on', 'none'])).code).toBe(0);
  });

  it('--output writes the report to a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    const out = join(dir, 'report.json');
    const r = await cli(['audit', '--snapshot', broken, '--format', 'json', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toContain(`wrote json report to ${out}`);
    expect(reportSchemaErrors(JSON.parse(await readFile(out, 'utf8')))).toEqual([]);
  });

  it('--checks and --skip-checks select families', async () => {
    const only = json(await cli(['audit', '--snapshot', broken, '--format', 'json', '--checks', 'targets']));
    expect(only.results.length).toBeGreaterThan(0);
    expect(new Set(only.results.map((x) => x.family))).toEqual(new Set(['targets']));
    const skipped = json(await cli(['audit', '--snapshot', broken, '--format', 'json', '--skip-checks', 'targets,evidence']));
    expect(skipped.results.some((x) => x.family === 'targets' || x.family === 'evidence')).toBe(false);
    expect(skipped.results.length).toBeGreaterThan(0);
  });

  it('refuses an unknown check id', async () => {
    expectOneLineError(await cli(['audit', '--snapshot', broken, '--checks', 'timeouts/no-such-check']), 'no check matches "timeouts/no-such-check"');
  });

  it('applies backend declarations from .cloud502.yml through the adapter', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    const id = 'timeouts/backend-keepalive-exceeds-idle-timeout';
    const before = json(await cli(['audit', '--snapshot', broken, '--format', 'json', '--checks', id], { cwd }));
    expect(before.results.find((x) => x.resource.name === 'tg-api')?.status).toBe('unknown');
    // Node's default keep-alive (5 s) is shorter than the ALB's 60 s idle timeout.
    await writeFile(join(cwd, '.cloud502.yml'), 'backends:\n  - match: { pool: "tg-api" }\n    server: node\n');
    const after = json(await cli(['audit', '--snapshot', broken, '--format', 'json', '--checks', id], { cwd }));
    expect(after.results.find((x) => x.resource.name === 'tg-api')?.status).toBe('fail');
  });
});

describe('errors end to end', () => {
  it('a truncated snapshot: one line, exit 2, no stack', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    const path = join(dir, 'truncated.json');
    const text = readFileSync(broken, 'utf8');
    await writeFile(path, text.slice(0, Math.floor(text.length / 2)));
    expectOneLineError(await cli(['audit', '--snapshot', path]), `snapshot ${path} is truncated`);
  });

  it('a snapshot the AWS adapter rejects: one line naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    const path = join(dir, 'bodyless.json');
    await writeFile(path, JSON.stringify({ format: 'cloud502-raw-snapshot', schemaVersion: 1, provider: 'aws', collectedAt: '2026-11-20T12:00:00Z', regions: 'all' }));
    const r = await cli(['audit', '--snapshot', path]);
    expectOneLineError(r, `snapshot ${path}`);
  });

  it.each([
    [['audit', '--no-such-flag'], "unknown option '--no-such-flag'"],
    [['audit', '--snapshot', broken, '--metrics-window', 'forever'], "option '--metrics-window <duration>' argument 'forever' is invalid"],
  ])('%j: one line, exit 2', async (args, message) => {
    expectOneLineError(await cli(args), message);
  });

  it('a bad config file: one line naming the file and the key', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    await writeFile(join(cwd, '.cloud502.yml'), 'checks:\n  timeouts/backend-keepalive-exceeds-idle-timeout:\n    thresholds: { noSuchThreshold: 3 }\n');
    expectOneLineError(
      await cli(['audit', '--snapshot', broken], { cwd }),
      'config .cloud502.yml: checks.timeouts/backend-keepalive-exceeds-idle-timeout.thresholds.noSuchThreshold: unknown threshold',
    );
  });
});

describe('collect and live audit against moto', () => {
  const env = () => ({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: undefined, AWS_ENDPOINT_URL: inject('motoUrl') });

  it('audits live through the SDK and writes a schema-valid report', async () => {
    const r = await cli(['audit', '--region', 'us-east-1', '--format', 'json', '--metrics-window', '0', '--quiet'], { env: env() });
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
    const report = json(r);
    expect(report.source).toEqual({ kind: 'live' });
    expect(report.scopes.map((s) => s.region)).toEqual(['us-east-1']);
  }, 60_000);

  it('collect --out writes a raw snapshot that audit --snapshot reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    const out = join(dir, 'snap.json');
    const c = await cli(['collect', '--out', out, '--region', 'us-east-1', '--metrics-window', '0', '--quiet'], { env: env() });
    expect(c).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const raw = JSON.parse(await readFile(out, 'utf8')) as { format: string; provider: string; schemaVersion: number };
    expect(raw).toMatchObject({ format: 'cloud502-raw-snapshot', provider: 'aws', schemaVersion: 1 });
    const replay = json(await cli(['audit', '--snapshot', out, '--format', 'json']));
    expect(replay.source).toEqual({ kind: 'snapshot', path: out });
  }, 60_000);
});

describe('demo', () => {
  it('marks every output as demo data', async () => {
    const text = await cli(['audit', '--demo']);
    expect(text.stdout).toContain('DEMO DATA — not your environment');
    expect([0, 1]).toContain(text.code);
    const report = json(await cli(['audit', '--demo', '--format', 'json']));
    expect(report).toMatchObject({ demo: true, source: { kind: 'demo' } });
  });
});

describe('formats, report, diff, baseline and catalog (built binary)', () => {
  it('writes every format into --output-dir, and "report" re-renders the JSON to the same bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    const out = join(dir, 'out');
    const r = await cli(['audit', '--snapshot', broken, '--format', 'json,html,sarif', '--format', 'junit,csv,markdown,text', '--output-dir', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.errLines).toHaveLength(1);
    const report = JSON.parse(await readFile(join(out, 'cloud502-report.json'), 'utf8')) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    const sarif = JSON.parse(await readFile(join(out, 'cloud502-report.sarif'), 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results).toHaveLength(report.summary.byStatus.fail + report.summary.byStatus.suppressed);
    expect(await readFile(join(out, 'cloud502-report.junit.xml'), 'utf8')).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    expect((await readFile(join(out, 'cloud502-report.csv'), 'utf8')).split('\r\n')[0]).toMatch(/^status,severity,checkId,/);
    const again = join(dir, 'again.html');
    expect((await cli(['report', join(out, 'cloud502-report.json'), '--format', 'html', '--output', again, '--quiet'])).code).toBe(0);
    expect(await readFile(again, 'utf8')).toBe(await readFile(join(out, 'cloud502-report.html'), 'utf8'));
  });

  it('diff: 1 for new findings at or above --fail-on, 0 for resolved or unchanged, 2 for a file that is not a report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    const before = join(dir, 'before.json');
    const after = join(dir, 'after.json');
    await cli(['audit', '--snapshot', healthy, '--format', 'json', '--output', before, '--quiet']);
    await cli(['audit', '--snapshot', broken, '--format', 'json', '--output', after, '--quiet']);
    const gate = await cli(['diff', before, after]);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/^cloud502 diff: [1-9]\d* new, 0 resolved/);
    expect((await cli(['diff', before, after, '--fail-on', 'none'])).code).toBe(0);
    const back = await cli(['diff', after, before, '--format', 'markdown']);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/### Resolved \(\d+\)/);
    expect((await cli(['diff', after, after, '--fail-on', 'info'])).code).toBe(0);
    expectOneLineError(await cli(['diff', broken, after]), `report ${broken} is a raw snapshot, not a JSON report`);
  });

  it('baseline create, then audit --baseline accepts those findings; an expired acceptance fails again', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'cloud502-e2e-'));
    await cli(['audit', '--snapshot', broken, '--format', 'json', '--output', 'results.json', '--quiet'], { cwd });
    const created = await cli(['baseline', 'create', 'results.json', '--reason', 'tracked in OPS-1', '--expires', '2999-12-31'], { cwd });
    expect(created.code).toBe(0);
    const accepted = await cli(['audit', '--snapshot', broken, '--format', 'json', '--baseline', '.cloud502-baseline.yml'], { cwd });
    expect(accepted.code).toBe(0);
    const report = json(accepted);
    expect(report.summary.byStatus.fail).toBe(0);
    expect(report.summary.byStatus.suppressed).toBeGreaterThan(0);

    const text = await readFile(join(cwd, '.cloud502-baseline.yml'), 'utf8');
    await writeFile(join(cwd, '.cloud502.yml'), text.replace(/"2999-12-31"/g, '"2021-01-31"'));
    const expired = await cli(['audit', '--snapshot', broken], { cwd });
    expect(expired.code).toBe(1);
    expect(expired.stdout).toContain('(baseline acceptance expired on 2021-01-31: tracked in OPS-1)');
  });

  it('checks --format markdown has one row per check of checks --format json, in order', async () => {
    const list = JSON.parse((await cli(['checks', '--format', 'json'])).stdout) as Array<{ id: string; family: string; severity: string; causes: number[]; title: string }>;
    const md = await cli(['checks', '--format', 'markdown']);
    expect(md.code).toBe(0);
    const rows = md.stdout.trimEnd().split('\n');
    expect(rows.slice(0, 2)).toEqual(['| id | family | severity | causes | load balancers | title |', '| --- | --- | --- | --- | --- | --- |']);
    expect(rows.slice(2).map((row) => row.split(' | ').slice(0, 4))).toEqual(list.map((c) => [`| \`${c.id}\``, c.family, c.severity, c.causes.join(', ')]));
  });

  it('iam-policy prints the exact action list, from a module that imports nothing', async () => {
    const r = await cli(['iam-policy']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const { AWS_READ_ONLY_ACTIONS } = await import('../../providers/aws/iam.js');
    expect((JSON.parse(r.stdout) as { Statement: Array<{ Action: string[] }> }).Statement[0]!.Action).toEqual([...AWS_READ_ONLY_ACTIONS]);
    expect(readFileSync(join(root, 'dist', 'providers', 'aws', 'iam.js'), 'utf8')).not.toMatch(/^\s*import\s/m);
  });
});
