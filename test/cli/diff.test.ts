/**
 * `cloud502 diff`, the change-review gate, in-process: reports made by `audit --format json` over the fake catalog.
 * The clean inventory fails nothing; the broken one adds a critical (tg-empty has no targets) and a medium (idle
 * timeout 60 s) finding.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenInventory, cleanInventory, fakeDeps, fakeRaw } from './support/fakes.js';
import { expectOneLineError, runCli, type CliRun } from './support/run-cli.js';


const dir = await mkdtemp(join(tmpdir(), 'cloud502-diff-'));

async function reportOf(name: string, raw: object, flags: string[] = [], config?: string): Promise<string> {
  const snapshot = join(dir, `${name}.snapshot.json`);
  await writeFile(snapshot, JSON.stringify(raw));
  const out = join(dir, `${name}.json`);
  const cwd = await mkdtemp(join(dir, 'cwd-'));
  if (config) await writeFile(join(cwd, '.cloud502.yml'), config);
  const run = await runCli(['audit', '--snapshot', snapshot, '--format', 'json', '--output', out, '--quiet', ...flags], { deps: fakeDeps(), cwd });
  expect(run.stderr).toBe('');
  return out;
}

const clean = await reportOf('clean', fakeRaw(cleanInventory()));
const broken = await reportOf('broken', fakeRaw(brokenInventory()));
/** Only the medium finding is new against the clean report. */
const mediumOnly = await reportOf('medium-only', fakeRaw(brokenInventory()), ['--skip-checks', 'targets']);
/** The medium idle-timeout finding pinned to critical: a severity increase against `broken`. */
const raised = await reportOf('raised', fakeRaw(brokenInventory()), [], 'checks:\n  timeouts/fake-idle-timeout:\n    severity: critical\n');
/** The critical finding pinned down to low: a decrease. */
const lowered = await reportOf('lowered', fakeRaw(brokenInventory()), [], 'checks:\n  targets/fake-pool-has-targets:\n    severity: low\n');

const diff = (args: string[], cwd?: string): Promise<CliRun> => runCli(['diff', ...args], { deps: fakeDeps(), ...(cwd ? { cwd } : {}) });


describe('cloud502 diff exit codes (the gate)', () => {
  it.each<[string, string, string, string[], number]>([
    ['new critical at the default --fail-on high', clean, broken, [], 1],
    ['new critical at --fail-on critical', clean, broken, ['--fail-on', 'critical'], 1],
    ['new critical with --fail-on none', clean, broken, ['--fail-on', 'none'], 0],
    ['only a new medium at the default --fail-on high', clean, mediumOnly, [], 0],
    ['only a new medium at --fail-on medium', clean, mediumOnly, ['--fail-on', 'medium'], 1],
    ['everything resolved', broken, clean, [], 0],
    ['nothing changed', broken, broken, ['--fail-on', 'info'], 0],
    ['a severity raised from medium to critical', broken, raised, [], 1],
    ['a severity lowered from critical to low', broken, lowered, ['--fail-on', 'info'], 0],
  ])('%s → exit %i', async (_name, before, after, flags, code) => {
    const run = await diff([before, after, ...flags]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(code);
  });
});

describe('cloud502 diff output', () => {
  it('text: new, resolved and changed findings by fingerprint', async () => {
    const added = (await diff([clean, broken])).stdout;
    expect(added).toMatch(/^cloud502 diff: 2 new, 0 resolved, 0 severity changed, 0 unchanged$/m);
    expect(added).toContain('+ [critical] targets/fake-pool-has-targets on tg-empty (load balancer alb-web)');
    expect(added).toContain('+ [medium] timeouts/fake-idle-timeout on alb-web');

    const removed = (await diff([broken, clean])).stdout;
    expect(removed).toContain('Resolved (2):');
    // tg-empty does not exist in the clean environment; alb-web's idle timeout was fixed.
    expect(removed).toContain('- [critical] targets/fake-pool-has-targets on tg-empty (load balancer alb-web): no longer reported (resource or check gone)');
    expect(removed).toContain('- [medium] timeouts/fake-idle-timeout on alb-web: now passes');

    const changed = (await diff([broken, raised])).stdout;
    expect(changed).toContain('Severity changed (1):');
    expect(changed).toContain('↑ [medium → critical] timeouts/fake-idle-timeout on alb-web');
    expect(changed).toContain('Unchanged (1): 1 critical');
  });

  it('markdown: a pull-request comment', async () => {
    const run = await diff([clean, broken, '--format', 'markdown']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^## cloud502 diff: 2 new, 0 resolved, 0 severity changed, 0 unchanged\n/);
    expect(run.stdout).toContain('### New findings (2)');
    expect(run.stdout).toContain('| critical | `targets/fake-pool-has-targets` | tg-empty | alb-web |');
  });

  it('json: counts, the gate verdict and the findings', async () => {
    const parsed = JSON.parse((await diff([clean, broken, '--format', 'json', '--fail-on', 'critical'])).stdout) as {
      gate: { failOn: string; failed: boolean };
      counts: Record<string, number>;
      new: Array<{ checkId: string; severity: string; fingerprint: string }>;
    };
    expect(parsed.gate).toEqual({ failOn: 'critical', failed: true });
    expect(parsed.counts).toEqual({ new: 2, resolved: 0, changed: 0, unchanged: 0 });
    const brokenReport = JSON.parse(await readFile(broken, 'utf8')) as { results: Array<{ status: string; fingerprint: string }> };
    expect(parsed.new.map((r) => r.fingerprint).sort()).toEqual(brokenReport.results.filter((r) => r.status === 'fail').map((r) => r.fingerprint).sort());
    const none = JSON.parse((await diff([clean, broken, '--format', 'json', '--fail-on', 'none'])).stdout) as { gate: object };
    expect(none.gate).toEqual({ failOn: 'none', failed: false });
  });

  it('--output writes the diff to a file, relative to the working directory, with a status line', async () => {
    const run = await diff(['clean.json', 'broken.json', '--format', 'markdown', '--output', 'review.md'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.errLines).toEqual(['cloud502: wrote markdown diff to review.md — 2 new, 0 resolved, 0 severity changed']);
    expect(await readFile(join(dir, 'review.md'), 'utf8')).toContain('### New findings (2)');
  });

  it('documents the gate in --help', async () => {
    const run = await runCli(['diff', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: cloud502 diff [options] <before> <after>');
    expect(run.stdout).toContain('1  a new finding, or a finding whose severity rose, at or above --fail-on');
    expect(run.stdout).toMatch(/--fail-on <severity>[\s\S]*default:\s+"high"/);
  });
});

describe('cloud502 diff bad input: one line, exit 2', () => {
  it('a file that is not a report', async () => {
    const snapshot = join(dir, 'clean.snapshot.json');
    expectOneLineError(await diff([snapshot, broken]), `report ${snapshot} is a raw snapshot, not a JSON report`);
  });

  it('a missing file, named as written', async () => {
    expectOneLineError(await diff(['clean.json', 'gone.json'], dir), 'report gone.json does not exist');
  });

  it.each<[string[], string]>([
    [[], "missing required argument 'before'"],
    [['a.json'], "missing required argument 'after'"],
    [['a.json', 'b.json', '--format', 'html'], "argument 'html' is invalid. Allowed choices are text, markdown, json."],
    [['a.json', 'b.json', '--fail-on', 'severe'], "argument 'severe' is invalid"],
    [['a.json', 'b.json', 'c.json'], "too many arguments for 'diff'"],
  ])('%j', async (args, message) => {
    expectOneLineError(await diff(args), message);
  });
});
