/**
 * `cloud502 explain <fingerprint-or-check-id>` and `audit --include-series`, in-process: a finding in full from a saved
 * report or from the audit the source flags describe, a check from the catalog, and one clear line for what cannot be
 * explained.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { brokenInventory, fakeDeps, fakeRaw } from './support/fakes.js';
import { expectOneLineError, runCli } from './support/run-cli.js';
import { formatErrors, reportSchemaErrors } from './support/schema.js';

const dir = await mkdtemp(join(tmpdir(), 'cloud502-explain-'));
const snapshot = join(dir, 'broken.json');
await writeFile(snapshot, JSON.stringify(fakeRaw(brokenInventory())));
const saved = join(dir, 'saved.json');
await runCli(['audit', '--snapshot', snapshot, '--format', 'json', '--output', saved, '--quiet'], { deps: fakeDeps() });
const report = JSON.parse(await readFile(saved, 'utf8')) as Report;
const empty = report.results.find((r) => r.status === 'fail' && r.resource.name === 'tg-empty')!;

describe('cloud502 explain', () => {
  it('explains a finding of a saved report by the fingerprint prefix the text report shows', async () => {
    const run = await runCli(['explain', empty.fingerprint.slice(0, 8), '--report', saved], { deps: fakeDeps() });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^CRITICAL targets/fake-pool-has-targets · tg-empty {2}fingerprint ${empty.fingerprint}$`, 'm'));
    expect(run.stdout).toContain('Target group tg-empty has 0 registered targets.');
    expect(run.stdout).toContain('Why it causes 503: With no registered targets the load balancer answers every request with 503.');
    expect(run.stdout).toMatch(/Evidence:\n {4}field\s+targetGroup\.targets/);
    expect(run.stdout).toContain('aws elbv2 register-targets --target-group-arn arn:aws:test:eu-west-1:123456789012:aws-target-group/tg-empty --targets Id="${TARGET_ID:?instance id or IP address that serves this target group}"');
    expect(run.stdout).toContain('on alb-web · resource aws-target-group arn:aws:test:eu-west-1:123456789012:aws-target-group/tg-empty · users see: 504 × 7 in the last 24 h');
  });

  it('explains the same finding from the audit the source flags describe', async () => {
    const fromReport = await runCli(['explain', empty.fingerprint, '--report', saved], { deps: fakeDeps() });
    const fromSnapshot = await runCli(['explain', empty.fingerprint, '--snapshot', snapshot, '--quiet'], { deps: fakeDeps() });
    expect(fromSnapshot.code).toBe(0);
    expect(fromSnapshot.stdout).toBe(fromReport.stdout);
  });

  it('explains a check from the catalog without any source, and with one lists its results', async () => {
    const bare = await runCli(['explain', 'targets/fake-pool-has-targets'], { deps: fakeDeps() });
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('targets/fake-pool-has-targets — Target groups in use have registered targets');
    expect(bare.stdout).toContain('family targets · default severity critical · causes 503');
    expect(bare.stdout).toContain('Register healthy targets in');
    expect(bare.stdout).toContain('threshold minTargets = 1 count — fewest targets a pool may have');
    expect(bare.stdout).not.toContain('In this report');
    const withReport = await runCli(['explain', 'targets/fake-pool-has-targets', '--report', saved], { deps: fakeDeps() });
    expect(withReport.stdout).toContain('In this report: 2 pass, 1 fail');
    expect(withReport.stdout).toMatch(/PASS\s+targets\/fake-pool-has-targets · tg-api/);
    expect(withReport.stdout).toContain(`fingerprint ${empty.fingerprint}`);
  });

  it.each<[string, string[], string]>([
    ['an id that is neither', ['explain', 'not-a-check'], '"not-a-check" is neither a check id (run "cloud502 checks") nor a finding fingerprint (4 to 32 hex digits)'],
    ['a fingerprint without a source', ['explain', 'abcd1234'], 'explaining finding abcd1234 needs the audit it came from: add --report FILE (a saved JSON report), --demo, --snapshot FILE'],
    ['a fingerprint not in the report', ['explain', 'ffff0000', '--report', saved], 'no finding with fingerprint ffff0000 in this audit'],
  ])('refuses %s with one line, exit 2', async (_name, args, message) => {
    expectOneLineError(await runCli(args, { deps: fakeDeps() }), message);
  });

  it('refuses an ambiguous prefix and names the candidates', async () => {
    const twins = { ...report, results: [...report.results, { ...empty, fingerprint: `${empty.fingerprint.slice(0, 8)}${'0'.repeat(24)}` }] };
    const file = join(dir, 'twins.json');
    await writeFile(file, JSON.stringify(twins));
    expectOneLineError(await runCli(['explain', empty.fingerprint.slice(0, 8), '--report', file], { deps: fakeDeps() }), `fingerprint ${empty.fingerprint.slice(0, 8)} is ambiguous in this audit`);
  });
});

describe('cloud502 explain on the demo', () => {
  it('names what a cause explains and what a consequence is caused by', async () => {
    const json = await runCli(['audit', '--demo', '--format', 'json']);
    const demo = JSON.parse(json.stdout) as Report;
    const cause = demo.results.find((r) => (r.explains?.length ?? 0) > 1)!;
    const run = await runCli(['explain', cause.fingerprint.slice(0, 8), '--demo', '--quiet']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}Explains: [0-9a-f]{8} /m);
    const consequence = await runCli(['explain', cause.explains![0]!.slice(0, 8), '--demo', '--quiet']);
    expect(consequence.stdout).toContain(`Caused by: ${cause.fingerprint.slice(0, 8)} ${cause.checkId}`);
  });
});

describe('audit --include-series', () => {
  it('keeps every series’ points in the report only when asked; both validate', async () => {
    const plain = JSON.parse((await runCli(['audit', '--demo', '--format', 'json'])).stdout) as Report;
    const series = JSON.parse((await runCli(['audit', '--demo', '--format', 'json', '--include-series'])).stdout) as Report;
    for (const r of [plain, series]) expect(reportSchemaErrors(r), formatErrors(reportSchemaErrors(r))).toEqual([]);
    const points = (r: Report) => r.results.flatMap((x) => x.evidence?.metrics ?? []).filter((m) => m.points !== undefined).length;
    expect(points(plain)).toBe(0);
    expect(points(series)).toBeGreaterThan(0);
    expect(series.results.flatMap((x) => x.evidence?.metrics ?? []).every((m) => (m.points?.length ?? 0) <= 288)).toBe(true);
  });
});
