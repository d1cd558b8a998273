/**
 * The baseline through the CLI, in-process: `.cloud502.yml` `baseline:` and `--baseline FILE` accept findings,
 * expired acceptances fail again and say so, and `baseline create` round-trips through `audit --baseline`.
 * The broken inventory fails `targets/fake-pool-has-targets` on tg-empty (critical) and `timeouts/fake-idle-timeout`
 * on alb-web (medium).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { brokenInventory, fakeDeps, fakeRaw } from './support/fakes.js';
import { expectOneLineError, runCli, type CliRun } from './support/run-cli.js';
import { formatErrors, reportSchemaErrors } from './support/schema.js';


const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'cloud502-baseline-'));
const dir = await tempDir();
const broken = join(dir, 'broken.json');
await writeFile(broken, JSON.stringify(fakeRaw(brokenInventory())));

const CRITICAL = 'targets/fake-pool-has-targets';
const MEDIUM = 'timeouts/fake-idle-timeout';

function parseReport(run: CliRun): Report {
  const report = JSON.parse(run.stdout) as Report;
  const errors = reportSchemaErrors(report);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}

async function audit(args: string[], files: Record<string, string> = {}): Promise<{ run: CliRun; cwd: string }> {
  const cwd = await tempDir();
  for (const [name, text] of Object.entries(files)) await writeFile(join(cwd, name), text);
  return { run: await runCli(['audit', '--snapshot', broken, ...args], { deps: fakeDeps(), cwd }), cwd };
}

const entry = (expires: string, extra = ''): string =>
  `baseline:\n  - check: ${CRITICAL}\n    resource: tg-empty\n    reason: decommissioned next sprint (OPS-42)\n    expires: "${expires}"\n${extra}`;


describe('baseline in .cloud502.yml', () => {
  it('an active acceptance suppresses the finding, counts it as suppressed and changes the exit code', async () => {
    const without = await audit(['--format', 'json']);
    expect(without.run.code).toBe(1);
    const { run } = await audit(['--format', 'json'], { '.cloud502.yml': entry('2999-12-31') });
    expect(run.code).toBe(0);
    const report = parseReport(run);
    const accepted = report.results.find((r) => r.checkId === CRITICAL && r.resource.name === 'tg-empty');
    expect(accepted).toMatchObject({ status: 'suppressed', suppression: { reason: 'decommissioned next sprint (OPS-42)', expires: '2999-12-31', by: 'pattern' } });
    expect(report.summary.byStatus).toMatchObject({ fail: 1, suppressed: 1 });
    expect(report.summary.failuresBySeverity).toMatchObject({ critical: 0, medium: 1 });
    expect(report.summary.highestSeverity).toBe('medium');
  });

  it('the text report says what was accepted in one line, and --verbose lists it', async () => {
    const { run } = await audit([], { '.cloud502.yml': entry('2999-12-31') });
    expect(run.stdout).toContain('Accepted in the baseline (suppressed): 1 finding — 1 critical; --verbose lists them');
    expect(run.stdout).not.toContain('Accepted: decommissioned next sprint');
    const { run: verbose } = await audit(['--verbose'], { '.cloud502.yml': entry('2999-12-31') });
    expect(verbose.stdout).toMatch(/SUPPRESSED\s+targets\/fake-pool-has-targets · tg-empty/);
    expect(verbose.stdout).toContain('Accepted: decommissioned next sprint (OPS-42) (until 2999-12-31)');
    expect(run.stdout).toContain('0 critical, 0 high, 1 medium, 0 low · 4 passed · 1 unknown · 1 error · 1 suppressed');
  });

  it('an expired acceptance fails again and says so', async () => {
    const { run } = await audit(['--format', 'json'], { '.cloud502.yml': entry('2020-01-31') });
    expect(run.code).toBe(1);
    const report = parseReport(run);
    const again = report.results.find((r) => r.checkId === CRITICAL && r.resource.name === 'tg-empty');
    expect(again?.status).toBe('fail');
    expect(again?.message).toBe('Target group tg-empty has 0 registered targets. (baseline acceptance expired on 2020-01-31: decommissioned next sprint (OPS-42))');
    expect(again?.evidence?.details?.baselineExpired).toEqual({ expires: '2020-01-31', reason: 'decommissioned next sprint (OPS-42)' });
    expect(report.summary.byStatus.suppressed).toBe(0);
    expect(report.summary.failuresBySeverity.critical).toBe(1);
    const text = await audit([], { '.cloud502.yml': entry('2020-01-31') });
    expect(text.run.stdout).toContain('(baseline acceptance expired on 2020-01-31: decommissioned next sprint (OPS-42))');
  });

  it.each<[string, string, string]>([
    ['an impossible date', entry('2026-02-30'), 'baseline[0].expires: "2026-02-30" is not a date (use YYYY-MM-DD)'],
    ['an impossible date-time', entry('2026-02-30T10:00:00Z'), 'baseline[0].expires: "2026-02-30T10:00:00Z" is not a date'],
    ['a misspelt key', 'baseline:\n  - check: tls/fake-throws\n    reason: r\n    expiry: 2027-01-01\n', 'baseline[0].expiry: unknown key'],
    ['an unknown check', 'baseline:\n  - check: tls/nope\n    reason: r\n', 'baseline[0].check: unknown check id "tls/nope"'],
  ])('refuses %s with one line naming the config file', async (_name, yaml, message) => {
    const { run } = await audit([], { '.cloud502.yml': yaml });
    expectOneLineError(run, `config .cloud502.yml: ${message}`);
  });
});

describe('audit --baseline FILE', () => {
  it('adds to the config file\'s baseline (YAML)', async () => {
    const bl = `baseline:\n  - check: timeouts\n    reason: idle timeout is owned by the platform team\n`;
    const { run } = await audit(['--format', 'json', '--baseline', 'accepted.yml', '--fail-on', 'info'], { '.cloud502.yml': entry('2999-12-31'), 'accepted.yml': bl });
    expect(run.code).toBe(0);
    const report = parseReport(run);
    expect(report.summary.byStatus).toMatchObject({ fail: 0, suppressed: 2 });
    expect(report.results.find((r) => r.checkId === MEDIUM)?.suppression).toEqual({ reason: 'idle timeout is owned by the platform team', by: 'pattern' });
  });

  it('reads JSON too', async () => {
    const bl = JSON.stringify({ baseline: [{ check: MEDIUM, resource: 'alb-*', reason: 'r', expires: '2999-01-01' }] });
    const { run } = await audit(['--format', 'json', '--baseline', 'accepted.json'], { 'accepted.json': bl });
    expect(parseReport(run).results.find((r) => r.checkId === MEDIUM)?.status).toBe('suppressed');
  });

  it.each<[string, string | undefined, string]>([
    ['a missing file', undefined, 'baseline accepted.yml does not exist'],
    ['an empty file', '', 'baseline accepted.yml is empty'],
    ['a list instead of a mapping', '- check: timeouts\n  reason: r\n', 'baseline accepted.yml must be a mapping with a "baseline:" list'],
    ['another top-level key', 'checks: {}\nbaseline: []\n', 'baseline accepted.yml: checks: unknown key (allowed: baseline)'],
    ['an entry without reason', 'baseline:\n  - check: timeouts\n', 'baseline accepted.yml: baseline[0].reason: is required'],
    ['bad YAML', 'baseline: [\n', 'baseline accepted.yml is not valid YAML'],
  ])('refuses %s with one line', async (_name, text, message) => {
    const { run } = await audit(['--baseline', 'accepted.yml'], text === undefined ? {} : { 'accepted.yml': text });
    expectOneLineError(run, message);
  });
});

describe('cloud502 baseline create', () => {
  it('round trip: accepts every failure by fingerprint, and audit --baseline suppresses exactly those', async () => {
    const cwd = await tempDir();
    const first = await runCli(['audit', '--snapshot', broken, '--format', 'json', '--output', 'results.json', '--quiet'], { deps: fakeDeps(), cwd });
    expect(first.code).toBe(1);
    const before = JSON.parse(await readFile(join(cwd, 'results.json'), 'utf8')) as Report;
    const fails = before.results.filter((r) => r.status === 'fail');

    const created = await runCli(['baseline', 'create', 'results.json', '--reason', 'known, tracked in OPS-7', '--expires', '2999-06-30'], { deps: fakeDeps(), cwd });
    expect(created.code).toBe(0);
    expect(created.errLines).toEqual(['cloud502: wrote 2 accepted findings to .cloud502-baseline.yml; audit with --baseline .cloud502-baseline.yml']);
    const file = parse(await readFile(join(cwd, '.cloud502-baseline.yml'), 'utf8')) as { baseline: Array<Record<string, string>> };
    expect(file.baseline.map((e) => e.fingerprint).sort()).toEqual(fails.map((r) => r.fingerprint).sort());
    for (const e of file.baseline) expect(e).toMatchObject({ reason: 'known, tracked in OPS-7', expires: '2999-06-30' });

    const after = await runCli(['audit', '--snapshot', broken, '--format', 'json', '--baseline', '.cloud502-baseline.yml', '--fail-on', 'info'], { deps: fakeDeps(), cwd });
    expect(after.code).toBe(0);
    const report = parseReport(after);
    const suppressed = report.results.filter((r) => r.status === 'suppressed');
    expect(suppressed.map((r) => r.fingerprint).sort()).toEqual(fails.map((r) => r.fingerprint).sort());
    for (const r of suppressed) expect(r.suppression).toEqual({ reason: 'known, tracked in OPS-7', expires: '2999-06-30', by: 'fingerprint' });
    expect(report.summary.byStatus).toMatchObject({ fail: 0, suppressed: 2 });

    // Regenerating from the baselined report keeps the earlier acceptances' own reasons.
    await writeFile(join(cwd, 'baselined.json'), after.stdout);
    const again = await runCli(['baseline', 'create', 'baselined.json', '--reason', 'other', '--out', 'again.yml', '--quiet'], { deps: fakeDeps(), cwd });
    expect(again).toMatchObject({ code: 0, stderr: '' });
    const regenerated = parse(await readFile(join(cwd, 'again.yml'), 'utf8')) as typeof file;
    expect(regenerated.baseline.map((e) => e.reason)).toEqual(['known, tracked in OPS-7', 'known, tracked in OPS-7']);
  });

  it('an acceptance written without --expires never expires; one that has expired fails again', async () => {
    const cwd = await tempDir();
    await runCli(['audit', '--snapshot', broken, '--format', 'json', '--output', 'results.json', '--quiet'], { deps: fakeDeps(), cwd });
    await runCli(['baseline', 'create', 'results.json', '--reason', 'accepted', '--quiet'], { deps: fakeDeps(), cwd });
    const text = await readFile(join(cwd, '.cloud502-baseline.yml'), 'utf8');
    expect(text).not.toMatch(/^\s+expires:/m);
    // The same file with an expiry in the past, as it would read after its date.
    await writeFile(join(cwd, 'expired.yml'), text.replace(/reason: accepted\n/g, 'reason: accepted\n    expires: "2021-03-01"\n'));
    const run = await runCli(['audit', '--snapshot', broken, '--format', 'json', '--baseline', 'expired.yml'], { deps: fakeDeps(), cwd });
    expect(run.code).toBe(1);
    const fails = parseReport(run).results.filter((r) => r.status === 'fail');
    expect(fails).toHaveLength(2);
    for (const r of fails) expect(r.message).toMatch(/\(baseline acceptance expired on 2021-03-01: accepted\)$/);
  });

  it('refuses to replace an existing file unless --force', async () => {
    const cwd = await tempDir();
    await runCli(['audit', '--snapshot', broken, '--format', 'json', '--output', 'results.json', '--quiet'], { deps: fakeDeps(), cwd });
    await writeFile(join(cwd, 'keep.yml'), 'baseline: []\n');
    expectOneLineError(await runCli(['baseline', 'create', 'results.json', '--reason', 'r', '--out', 'keep.yml'], { deps: fakeDeps(), cwd }), '--out keep.yml already exists (pass --force to replace it)');
    expect(await readFile(join(cwd, 'keep.yml'), 'utf8')).toBe('baseline: []\n');
    const forced = await runCli(['baseline', 'create', 'results.json', '--reason', 'r', '--out', 'keep.yml', '--force', '--quiet'], { deps: fakeDeps(), cwd });
    expect(forced.code).toBe(0);
    expect((parse(await readFile(join(cwd, 'keep.yml'), 'utf8')) as { baseline: unknown[] }).baseline).toHaveLength(2);
  });

  it.each<[string[], string]>([
    [['--reason', 'r', '--expires', '2026-02-30'], '--expires "2026-02-30" is not a date (use YYYY-MM-DD)'],
    [['--reason', 'r', '--expires', 'next week'], '--expires "next week" is not a date'],
    [['--reason', 'r', '--expires', '2020-01-01'], '--expires 2020-01-01 is in the past'],
    [['--reason', '  '], '--reason must say why these findings are accepted'],
    [[], "required option '--reason <text>' not specified"],
  ])('%j → one line, exit 2', async (flags, message) => {
    const cwd = await tempDir();
    await runCli(['audit', '--snapshot', broken, '--format', 'json', '--output', 'results.json', '--quiet'], { deps: fakeDeps(), cwd });
    expectOneLineError(await runCli(['baseline', 'create', 'results.json', ...flags], { deps: fakeDeps(), cwd }), message);
  });

  it('refuses a file that is not a JSON report', async () => {
    expectOneLineError(await runCli(['baseline', 'create', broken, '--reason', 'r', '--out', join(dir, 'x.yml')], { deps: fakeDeps() }), `report ${broken} is a raw snapshot, not a JSON report`);
  });
});
