/**
 * The CLI in-process, over an in-test adapter and check catalog: flag handling, exit codes, formats, errors.
 * The built binary over the real AWS adapter is covered by e2e.test.ts.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditDeps } from '../../src/audit.js';
import type { Report } from '../../src/report/types.js';
import type { ProviderAdapter } from '../../src/provider.js';
import { brokenInventory, cleanInventory, fakeAdapter, fakeRaw, fakeRegistry } from './support/fakes.js';
import { runCli, expectOneLineError } from './support/run-cli.js';
import { formatErrors, reportSchemaErrors } from './support/schema.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cloud502-cli-'));
}

async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

function deps(adapter: ProviderAdapter = fakeAdapter()): AuditDeps & { adapter: ProviderAdapter } {
  return { adapter, registry: fakeRegistry(), loadAdapter: async () => adapter };
}

const dir = await tempDir();
const broken = await writeJson(dir, 'broken.json', fakeRaw(brokenInventory()));
const clean = await writeJson(dir, 'clean.json', fakeRaw(cleanInventory()));

/** Every JSON report these tests read is validated against the published schema. */
function parseReport(stdout: string): Report {
  const report = JSON.parse(stdout) as Report;
  const errors = reportSchemaErrors(report);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}


describe('audit exit codes and --fail-on', () => {
  it('exits 1 when a failure is at or above the default --fail-on high', async () => {
    const run = await runCli(['audit', '--snapshot', broken], { deps: deps() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('1 critical, 0 high, 1 medium, 0 low · 4 passed · 1 unknown · 1 error');
    expect(run.stderr).toBe('');
  });

  it.each([
    [['--fail-on', 'critical'], 1],
    // Only a medium failure left: the default --fail-on (high) lets it pass.
    [['--skip-checks', 'targets'], 0],
    [['--skip-checks', 'targets', '--fail-on', 'high'], 0],
    [['--skip-checks', 'targets', '--fail-on', 'medium'], 1],
    [['--fail-on', 'none'], 0],
  ])('%j → exit %i', async (flags, code) => {
    expect((await runCli(['audit', '--snapshot', broken, ...flags], { deps: deps() })).code).toBe(code);
  });

  it('exits 0 when nothing fails even at --fail-on info', async () => {
    const run = await runCli(['audit', '--snapshot', clean, '--skip-checks', 'tls', '--fail-on', 'info'], { deps: deps() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 critical, 0 high, 0 medium, 0 low · 3 passed · 0 unknown · 0 errors');
  });

  it('rejects an unknown severity', async () => {
    expectOneLineError(await runCli(['audit', '--snapshot', broken, '--fail-on', 'severe'], { deps: deps() }), "argument 'severe' is invalid");
  });
});

describe('audit output', () => {
  it('--format json writes a schema-valid report and nothing else', async () => {
    const run = await runCli(['audit', '--snapshot', broken, '--format', 'json'], { deps: deps(), stdoutTTY: true });
    expect(run.stderr).toBe('');
    const report = parseReport(run.stdout);
    expect(report.source).toEqual({ kind: 'snapshot', path: broken });
    expect(report.summary.failuresBySeverity.critical).toBe(1);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('--output writes the report to a file and a status line to stderr', async () => {
    const out = join(dir, 'report.json');
    const run = await runCli(['audit', '--snapshot', broken, '--format', 'json', '--output', out], { deps: deps() });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.errLines).toEqual([`cloud502: wrote json report to ${out} — 1 critical, 0 high, 1 medium, 0 low · 4 passed · 1 unknown · 1 error`]);
    parseReport(await readFile(out, 'utf8'));
    const quiet = await runCli(['audit', '--snapshot', broken, '--output', join(dir, 'report.txt'), '--quiet'], { deps: deps() });
    expect(quiet.stderr).toBe('');
    expect(await readFile(join(dir, 'report.txt'), 'utf8')).toContain('■ alb-web');
  });

  it('reports an --output that cannot be written as one line', async () => {
    expectOneLineError(await runCli(['audit', '--snapshot', broken, '--output', join(dir, 'missing', 'r.txt')], { deps: deps() }), 'cannot write --output');
  });

  it('colors text only on a terminal without --no-color or NO_COLOR', async () => {
    const tty = await runCli(['audit', '--snapshot', broken], { deps: deps(), stdoutTTY: true });
    expect(tty.stdout).toContain('\u001b[');
    for (const run of [
      await runCli(['audit', '--snapshot', broken], { deps: deps(), stdoutTTY: false }),
      await runCli(['audit', '--snapshot', broken, '--no-color'], { deps: deps(), stdoutTTY: true }),
      await runCli(['audit', '--snapshot', broken], { deps: deps(), stdoutTTY: true, env: { NO_COLOR: '1' } }),
    ]) {
      expect(run.stdout).not.toContain('\u001b[');
      expect(run.stdout).toContain('■ alb-web');
    }
  });

  it('--verbose lists passes one by one', async () => {
    const run = await runCli(['audit', '--snapshot', broken, '--verbose'], { deps: deps() });
    expect(run.stdout).toMatch(/PASS\s+targets\/fake-pool-has-targets · tg-api/);
  });
});

describe('check selection', () => {
  const ids = async (flags: string[]) => {
    const run = await runCli(['audit', '--snapshot', broken, '--format', 'json', ...flags], { deps: deps() });
    return [...new Set(parseReport(run.stdout).results.map((r) => r.checkId))].sort();
  };

  it('runs only --checks (ids, families, globs; comma-separated and repeatable)', async () => {
    expect(await ids(['--checks', 'targets'])).toEqual(['targets/fake-pool-has-targets']);
    expect(await ids(['--checks', 'targets/fake-pool-has-targets,timeouts/*', '--checks', 'health'])).toEqual([
      'health/fake-health-check-known', 'targets/fake-pool-has-targets', 'timeouts/fake-idle-timeout',
    ]);
  });

  it('skips --skip-checks', async () => {
    expect(await ids(['--skip-checks', 'tls/*,health'])).toEqual(['targets/fake-pool-has-targets', 'timeouts/fake-idle-timeout']);
  });

  it('refuses an unknown check id with one line, before reading the snapshot', async () => {
    expectOneLineError(await runCli(['audit', '--snapshot', join(dir, 'absent.json'), '--checks', 'targets/nope'], { deps: deps() }), 'no check matches "targets/nope"');
  });
});

describe('snapshot errors', () => {
  const cases: Array<[string, string | object, string]> = [
    ['truncated JSON', JSON.stringify(fakeRaw(brokenInventory())).slice(0, 200), 'is truncated'],
    ['not JSON', 'format: yaml\n', 'is not valid JSON'],
    ['an empty file', '', 'is empty'],
    ['a JSON array', '[]', 'is not a cloud502 raw snapshot (expected a JSON object)'],
    ['another format', { format: 'terraform-plan' }, 'is not a cloud502 raw snapshot (format "terraform-plan"; expected "cloud502-raw-snapshot")'],
    ['a JSON report', { schemaVersion: 1, summary: {}, results: [] }, 'is a cloud502 JSON report, not a raw snapshot'],
    ['an unknown provider', { ...fakeRaw(cleanInventory()), provider: 'oracle' }, 'has unknown provider "oracle"'],
    ['a provider this build does not know', { ...fakeRaw(cleanInventory()), provider: 'oracle' }, 'has unknown provider "oracle"'],
    ['a newer schemaVersion', { ...fakeRaw(cleanInventory()), schemaVersion: 2 }, 'has schemaVersion 2; this version of cloud502 reads aws snapshots of version 1 (upgrade cloud502 to read it)'],
    ['a bad collectedAt', { ...fakeRaw(cleanInventory()), collectedAt: 'noon' }, 'has no valid "collectedAt" timestamp'],
    ['a body the adapter rejects', { format: 'cloud502-raw-snapshot', schemaVersion: 1, provider: 'aws', collectedAt: '2026-11-20T12:00:00Z' }, 'has no inventory'],
  ];

  it.each(cases)('%s → exit 2 with one line naming the file', async (name, content, message) => {
    const path = await writeJson(dir, `${name.replace(/\W+/g, '-')}.json`, content);
    const run = await runCli(['audit', '--snapshot', path], { deps: deps() });
    expectOneLineError(run, `snapshot ${path}`);
    expect(run.errLines[0]).toContain(message);
  });

  it('names a missing file', async () => {
    expectOneLineError(await runCli(['audit', '--snapshot', join(dir, 'absent.json')], { deps: deps() }), `snapshot ${join(dir, 'absent.json')} does not exist`);
  });
});

describe('usage errors', () => {
  it.each([
    [['audit', '--bogus'], "unknown option '--bogus'"],
    [['audit', '--formt', 'json'], "unknown option '--formt' (Did you mean --format?)"],
    [['audit', '--metrics-window', '2w'], "option '--metrics-window <duration>' argument '2w' is invalid"],
    [['audit', '--metrics-window', '90d'], 'at most 63d'],
    [['audit', '--metrics-window', '30s'], 'at least 1m'],
    [['audit', '--concurrency', '0'], "option '--concurrency <n>' argument '0' is invalid"],
    [['audit', '--region', 'Ireland'], '"Ireland" is not a region name'],
    [['audit', '--endpoint-url', 'localhost:4566'], 'is not an http(s) URL'],
    [['audit', '--format', 'xml'], "argument 'xml' is invalid. Allowed choices are text, json, markdown, html, sarif, junit, csv."],
    [['audit', '--format', 'json,xml'], "argument 'json,xml' is invalid. \"xml\" is not a format. Allowed choices are text, json, markdown, html, sarif, junit, csv."],
    [['audit', '--snapshot', 'a.json', '--region', 'eu-west-1'], "option '--region <region>' cannot be used with option '--snapshot <file>'"],
    [['audit', '--snapshot', 'a.json', '--demo'], "option '--snapshot <file>' cannot be used with option '--demo'"],
    [['audit', '--quiet', '--verbose'], "option '-q, --quiet' cannot be used with option '-v, --verbose'"],
    [['audit', 'extra'], "too many arguments for 'audit'"],
    [['collect'], "required option '--out <file>' not specified"],
    [['report'], "missing required argument 'report'"],
    [['report', 'a.json', '--format', 'pdf'], "argument 'pdf' is invalid. Allowed choices are text, json, markdown, html, sarif, junit, csv."],
    [['baseline', 'create', '--reason', 'r'], "missing required argument 'report'"],
    [['baseline', 'remove'], "unknown command 'remove'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ])('%j → one line, exit 2', async (args, message) => {
    expectOneLineError(await runCli(args, { deps: deps() }), message);
  });

  it('rejects a malformed AWS_ENDPOINT_URL (read by the AWS adapter, before any call)', async () => {
    expectOneLineError(await runCli(['audit'], { deps: { registry: fakeRegistry() }, env: { AWS_ENDPOINT_URL: 'not a url' } }), 'AWS_ENDPOINT_URL: "not a url" is not a URL');
  });

  it('rejects a provider that cannot be loaded', async () => {
    const run = await runCli(['audit'], { deps: { registry: fakeRegistry(), loadAdapter: async () => Promise.reject(new Error('module missing')) } });
    expectOneLineError(run, 'cannot load the aws provider: module missing');
  });

  it('shows help on stderr and exits 2 without a command', async () => {
    const run = await runCli([], { deps: deps() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: cloud502');
  });
});

describe('config files', () => {
  it('applies .cloud502.yml from the working directory', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, '.cloud502.yml'), 'checks:\n  targets/fake-pool-has-targets:\n    enabled: false\n  timeouts/fake-idle-timeout:\n    severity: critical\n');
    const run = await runCli(['audit', '--snapshot', broken, '--format', 'json'], { deps: deps(), cwd });
    const report = parseReport(run.stdout);
    expect(report.results.some((r) => r.checkId === 'targets/fake-pool-has-targets')).toBe(false);
    expect(report.results.find((r) => r.status === 'fail')?.severity).toBe('critical');
    expect(report.summary.checksRun).toBe(3);
  });

  it('applies --config thresholds', async () => {
    const cfg = join(dir, 'three.yml');
    await writeFile(cfg, 'checks:\n  targets/fake-pool-has-targets:\n    thresholds: { minTargets: 3 }\n');
    const run = await runCli(['audit', '--snapshot', clean, '--config', cfg, '--format', 'json', '--checks', 'targets'], { deps: deps() });
    expect(run.code).toBe(1);
    expect(parseReport(run.stdout).results[0]?.message).toBe('Target group tg-api has 2 registered targets.');
  });

  it('refuses a bad config file with one line naming the file and the key', async () => {
    const cfg = join(dir, 'bad.yml');
    await writeFile(cfg, 'backends:\n  - match: { pool: api }\n    server: express\n');
    expectOneLineError(await runCli(['audit', '--snapshot', broken, '--config', cfg], { deps: deps() }), `config ${cfg}: backends[0].server: unknown server kind "express"`);
  });
});

describe('live collection', () => {
  it('passes the source flags to the adapter and reports progress on a terminal only', async () => {
    const d = deps(fakeAdapter());
    const run = await runCli(
      ['audit', '--region', 'eu-west-1,us-east-1', '--region', 'eu-west-1', '--profile', 'prod', '--metrics-window', '6h', '--concurrency', '4', '--format', 'json'],
      { deps: d, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, stderrTTY: true },
    );
    expect(run.code).toBe(1);
    const calls = (d.adapter as ReturnType<typeof fakeAdapter>).calls;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      providerOptions: { region: ['eu-west-1', 'us-east-1'], profile: 'prod' },
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' },
      metricsWindowSeconds: 21_600,
      concurrency: 4,
    });
    expect(run.stderr).toContain('\r\u001b[2Kcollecting: elbv2 · eu-west-1 · 1/2');
    expect(run.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect(parseReport(run.stdout).source).toEqual({ kind: 'live' });
  });

  it('defaults to a 24h window, lets --endpoint-url win over the environment, and 0 disables metrics', async () => {
    const d = deps(fakeAdapter());
    await runCli(['audit', '--endpoint-url', 'https://elb.example.test'], { deps: d, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' } });
    await runCli(['audit', '--metrics-window', '0'], { deps: d });
    const calls = (d.adapter as ReturnType<typeof fakeAdapter>).calls;
    expect(calls[0]).toMatchObject({ endpointUrl: 'https://elb.example.test', metricsWindowSeconds: 86_400 });
    expect(calls[0]?.providerOptions.region).toBeUndefined();
    expect(calls[1]?.metricsWindowSeconds).toBe(0);
  });

  it('writes no progress when stderr is not a terminal or with --quiet', async () => {
    expect((await runCli(['audit', '--format', 'json'], { deps: deps() })).stderr).toBe('');
    expect((await runCli(['audit', '--format', 'json', '--quiet'], { deps: deps(), stderrTTY: true })).stderr).toBe('');
  });

  it('collect --out writes a snapshot that audit --snapshot replays to the same results', async () => {
    const out = join(dir, 'collected.json');
    const d = deps(fakeAdapter());
    const collected = await runCli(['collect', '--out', out, '--region', 'eu-west-1'], { deps: d });
    expect(collected.code).toBe(0);
    // The fake inventory carries one coverage gap: the snapshot says it is partial.
    expect(collected.errLines).toEqual([`cloud502: wrote aws snapshot to ${out}`, 'cloud502: the snapshot is partial: 1 coverage gap (acm:DescribeCertificate AccessDeniedException): checks that needed that data answer "unknown"']);
    const raw = JSON.parse(await readFile(out, 'utf8')) as { format: string; sdkDate: unknown; collectedWith: { providerOptions: { region: string[] } } };
    expect(raw.format).toBe('cloud502-raw-snapshot');
    expect(typeof raw.sdkDate).toBe('string');
    expect(raw.collectedWith.providerOptions.region).toEqual(['eu-west-1']);

    const live = parseReport((await runCli(['audit', '--format', 'json'], { deps: d })).stdout);
    const replay = parseReport((await runCli(['audit', '--snapshot', out, '--format', 'json'], { deps: d })).stdout);
    expect(replay.results.map((r) => [r.fingerprint, r.status, r.message])).toEqual(live.results.map((r) => [r.fingerprint, r.status, r.message]));
    expect(replay.summary).toEqual(live.summary);
  });
});

describe('unexpected errors', () => {
  const exploding = (): ProviderAdapter => ({ ...fakeAdapter(), normalize: () => { throw new Error('kaput\nsecond line'); } });

  it('prints one line and a hint, without a stack', async () => {
    const run = await runCli(['audit', '--snapshot', broken], { deps: deps(exploding()) });
    expectOneLineError(run, 'cloud502: internal error: kaput second line (run with --verbose for the stack)');
  });

  it('prints the stack with --verbose', async () => {
    const run = await runCli(['audit', '--snapshot', broken, '--verbose'], { deps: deps(exploding()) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^\s+at /m);
  });

  it('says so when the adapter is missing from the build', async () => {
    const run = await runCli(['audit', '--snapshot', broken], { deps: { registry: fakeRegistry(), loadAdapter: async () => undefined as unknown as ProviderAdapter } });
    expectOneLineError(run, 'the aws provider adapter is not available in this build');
  });
});

describe('checks, help and version', () => {
  it('lists the catalog as a table', async () => {
    const run = await runCli(['checks'], { deps: deps() });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+FAMILY\s+SEVERITY\s+CAUSES\s+TITLE$/);
    expect(run.stdout).toMatch(/targets\/fake-pool-has-targets\s+targets\s+critical\s+503\s+Target groups in use have registered targets/);
    expect(run.stdout).toContain('4 checks');
  });

  it('lists the catalog as JSON', async () => {
    const run = await runCli(['checks', '--format', 'json'], { deps: deps() });
    const list = JSON.parse(run.stdout) as Array<{ id: string; family: string; severity: string; causes: number[]; title: string }>;
    expect(list.map((c) => c.id)).toEqual(['targets/fake-pool-has-targets', 'timeouts/fake-idle-timeout', 'health/fake-health-check-known', 'tls/fake-throws']);
    expect(list[0]).toMatchObject({ family: 'targets', severity: 'critical', causes: [503], title: 'Target groups in use have registered targets' });
  });

  it.each([
    [['--help']], [['audit', '--help']], [['collect', '--help']], [['checks', '--help']], [['help', 'audit']],
    [['report', '--help']], [['diff', '--help']], [['baseline', '--help']], [['baseline', 'create', '--help']], [['iam-policy', '--help']],
  ])('%j prints help and exits 0', async (args) => {
    const run = await runCli(args, { deps: deps() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: cloud502');
    expect(run.stderr).toBe('');
  });

  it('lists every command in --help', async () => {
    const run = await runCli(['--help']);
    for (const command of ['audit', 'collect', 'report', 'diff', 'baseline', 'checks', 'iam-policy']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('documents repeatable --format and --output-dir in audit --help', async () => {
    const help = (await runCli(['audit', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('report format: text, json, markdown, html, sarif, junit, csv; repeat or comma-separate for several');
    expect(help).toContain('--output-dir <dir> write each format to DIR/cloud502-report.<ext>');
    expect(help).toContain('--baseline <file>');
  });

  it('documents the exit codes and the --fail-on default in audit --help', async () => {
    const run = await runCli(['audit', '--help']);
    expect(run.stdout).toContain('2  usage, config, credentials or snapshot error');
    expect(run.stdout).toMatch(/--fail-on <severity>[\s\S]*default:\s+"high"/);
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});
