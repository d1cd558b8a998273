/**
 * Report formats through the CLI, in-process: repeatable --format with --output-dir, the single-format paths, and
 * `cloud502 report` re-rendering a saved JSON report.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/report/csv.js';
import { REPORT_FORMATS, reportFileName } from '../../src/report/render.js';
import { parseReportJson } from '../../src/report/passes.js';
import type { Report } from '../../src/report/types.js';
import { sampleReport } from '../fixtures/report/sample.js';
import { brokenInventory, fakeDeps, fakeRaw, fakeRegistry } from './support/fakes.js';
import { expectOneLineError, runCli } from './support/run-cli.js';
import { formatErrors, reportSchemaErrors } from './support/schema.js';

const sarifAjv = new Ajv({ allErrors: true, strict: false });
addFormats.default(sarifAjv);
const validateSarif = sarifAjv.compile(JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object);


const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'cloud502-formats-'));
const dir = await tempDir();
const broken = join(dir, 'broken.json');
await writeFile(broken, JSON.stringify(fakeRaw(brokenInventory())));


function parseReport(text: string): Report {
  const errors = reportSchemaErrors(JSON.parse(text));
  const report = parseReportJson(text);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}

describe('audit --format (repeatable) --output-dir', async () => {
  const out = join(await tempDir(), 'nested', 'reports');
  // Every way of listing formats at once: repeated, comma-separated, and a duplicate that must collapse.
  const run = await runCli(
    ['audit', '--snapshot', broken, '--format', 'json', '--format', 'html,sarif', '--format', 'junit,csv,text', '--format', 'markdown,json', '--output-dir', out],
    { deps: fakeDeps(), stdoutTTY: true },
  );
  const file = (format: (typeof REPORT_FORMATS)[number]) => readFile(join(out, reportFileName(format)), 'utf8');
  const report = parseReport(await file('json'));
  const fails = report.results.filter((r) => r.status === 'fail');

  it('writes one file per format, nothing on stdout, one status line on stderr, and keeps the exit code', async () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect((await readdir(out)).sort()).toEqual(
      ['cloud502-report.csv', 'cloud502-report.html', 'cloud502-report.json', 'cloud502-report.junit.xml', 'cloud502-report.md', 'cloud502-report.sarif', 'cloud502-report.txt'],
    );
    expect(run.errLines).toHaveLength(1);
    expect(run.errLines[0]).toMatch(/^cloud502: wrote .*cloud502-report\.json, .*cloud502-report\.html, .*cloud502-report\.sarif/);
    expect(run.errLines[0]).toContain('— 1 critical, 0 high, 1 medium, 0 low');
  });

  it('JSON: schema-valid, with the failures of the audit', () => {
    expect(fails.map((r) => r.checkId).sort()).toEqual(['targets/fake-pool-has-targets', 'timeouts/fake-idle-timeout']);
  });

  it('SARIF: accepted by the official 2.1.0 schema, one run, a rule per catalog check, a result per failure', async () => {
    const log = JSON.parse(await file('sarif')) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string }> }> };
    expect(validateSarif(log) ? [] : validateSarif.errors).toEqual([]);
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(fakeRegistry().all().map((c) => c.id));
    expect(log.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(fails.map((r) => r.checkId).sort());
  });

  it('JUnit: well-formed XML with one failure per failing finding', async () => {
    const xml = await file('junit');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: { tests: string; failures: string; errors: string } };
    // Plain passes are one case per check (named with their number), so "tests" counts the cases written.
    const cases = xml.match(/<testcase /g) ?? [];
    expect(parsed.testsuites).toMatchObject({ tests: String(cases.length), failures: String(fails.length), errors: '1' });
  });

  it('CSV: the header, then one row per finding and per check of plain passes, counting every result', async () => {
    const lines = (await file('csv')).split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.slice(1).reduce((a, l) => a + Number(l.split(',').at(-1)), 0)).toBe(report.results.length);
    for (const f of fails) expect(lines.some((l) => l.includes(f.fingerprint))).toBe(true);
  });

  it('HTML, Markdown and text: each shows the failures; no ANSI colors in a file', async () => {
    const html = await file('html');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<li class="finding[^"]*" [^>]*data-status="fail"/g)).toHaveLength(fails.length);
    expect(await file('markdown')).toMatch(/^# cloud502: 1 of 2 load balancers has a cause of 5xx \(worst: critical\)\n/);
    const text = await file('text');
    expect(text).toContain('■ alb-web');
    expect(text).not.toContain('\u001b[');
  });

  it('every file equals what "cloud502 report" renders from the JSON file', async () => {
    const again = join(await tempDir(), 'again');
    const rerun = await runCli(['report', join(out, 'cloud502-report.json'), '--format', REPORT_FORMATS.join(','), '--output-dir', again], { deps: fakeDeps() });
    expect(rerun.code).toBe(0);
    // The text differs only in how it tells "cloud502 explain" to find the report again (the snapshot, or the JSON file).
    const hint = (text: string): string => text.replace(/^Details: cloud502 explain .*$/m, 'Details: …');
    for (const format of REPORT_FORMATS) {
      expect(hint(await readFile(join(again, reportFileName(format)), 'utf8')), format).toBe(hint(await file(format)));
    }
    expect(await readFile(join(again, reportFileName('text')), 'utf8')).toContain(`cloud502 explain <fingerprint or check id> --report ${join(out, 'cloud502-report.json')}`);
  });
});

describe('output flag rules', () => {
  it('refuses several formats without --output-dir before reading anything', async () => {
    const absent = join(dir, 'absent.json');
    expectOneLineError(await runCli(['audit', '--snapshot', absent, '--format', 'json,html'], { deps: fakeDeps() }), '--format json,html writes 2 reports: give --output-dir DIR');
    expectOneLineError(
      await runCli(['audit', '--snapshot', absent, '--format', 'json', '--format', 'sarif', '--output', join(dir, 'x')], { deps: fakeDeps() }),
      '--format json,sarif writes 2 reports: give --output-dir DIR instead of --output',
    );
    expectOneLineError(
      await runCli(['audit', '--snapshot', absent, '--output', 'a', '--output-dir', 'b'], { deps: fakeDeps() }),
      "option '-o, --output <file>' cannot be used with option '--output-dir <dir>'",
    );
  });

  it('writes a single format into --output-dir too, relative to the working directory', async () => {
    const cwd = await tempDir();
    const run = await runCli(['audit', '--snapshot', broken, '--format', 'sarif', '--output-dir', 'out', '--quiet'], { deps: fakeDeps(), cwd });
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: '' });
    expect(await readdir(join(cwd, 'out'))).toEqual(['cloud502-report.sarif']);
  });

  it('reports an --output-dir that is a file as one line', async () => {
    const notDir = join(dir, 'plain-file');
    await writeFile(notDir, 'x');
    expectOneLineError(await runCli(['audit', '--snapshot', broken, '--format', 'json,csv', '--output-dir', notDir], { deps: fakeDeps() }), `--output-dir ${notDir}`);
  });

  it.each(REPORT_FORMATS.filter((f) => f !== 'text'))('--format %s alone goes to stdout', async (format) => {
    const run = await runCli(['audit', '--snapshot', broken, '--format', format], { deps: fakeDeps() });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout.length).toBeGreaterThan(100);
  });
});

describe('cloud502 report', async () => {
  const saved = join(dir, 'saved.json');
  await runCli(['audit', '--snapshot', broken, '--format', 'json', '--output', saved, '--quiet'], { deps: fakeDeps() });

  it('re-renders a saved report as text by default, exit 0 even with failures', async () => {
    const run = await runCli(['report', saved], { deps: fakeDeps() });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('■ alb-web');
    expect(run.stdout).toContain('Target group tg-empty has 0 registered targets.');
    const verbose = await runCli(['report', saved, '--verbose'], { deps: fakeDeps() });
    expect(verbose.stdout).toContain('Why it causes 503: With no registered targets');
  });

  it('renders the JSON form unchanged, and reads a path relative to the working directory', async () => {
    const run = await runCli(['report', 'saved.json', '--format', 'json'], { deps: fakeDeps(), cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(await readFile(saved, 'utf8')));
  });

  it('writes --output FILE with a status line', async () => {
    const out = join(dir, 'saved.html');
    const run = await runCli(['report', saved, '--format', 'html', '--output', out], { deps: fakeDeps() });
    expect(run.code).toBe(0);
    expect(run.errLines).toEqual([`cloud502: wrote html report to ${out} — 1 critical, 0 high, 1 medium, 0 low · 4 passed · 1 unknown · 1 error`]);
    expect(await readFile(out, 'utf8')).toContain('<!DOCTYPE html>');
  });

  it('renders a report with hostile names safely in text: control characters are shown, not sent', async () => {
    const path = join(dir, 'sample.json');
    await writeFile(path, JSON.stringify(sampleReport()));
    const run = await runCli(['report', path, '--verbose'], { deps: fakeDeps(), stdoutTTY: true, env: { NO_COLOR: '1' } });
    expect(run.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(run.stdout.match(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g) ?? []).toEqual([]);
  });

  const raw = fakeRaw(brokenInventory());
  const valid = JSON.parse(readFileSync(saved, 'utf8')) as Report;
  it.each<[string, string, string]>([
    ['not JSON', 'results: []', 'is not valid JSON'],
    ['empty', '', 'is empty'],
    ['a JSON array', '[]', 'is not a cloud502 JSON report (expected a JSON object)'],
    ['a raw snapshot', JSON.stringify(raw), 'is a raw snapshot, not a JSON report'],
    ['a newer report version', JSON.stringify({ ...valid, schemaVersion: 3 }), 'has schemaVersion 3; this version of cloud502 reads versions 1 and 2 (upgrade cloud502 to read it)'],
    ['another JSON document', JSON.stringify({ name: 'package', version: '1.0.0' }), "is not a cloud502 JSON report (the top level must have required property 'schemaVersion')"],
    ['a report with an extra field', JSON.stringify({ ...valid, extra: 1 }), 'is not a cloud502 JSON report (the top level must NOT have additional properties ("extra"))'],
    ['a report with a bad status', JSON.stringify({ ...valid, results: [{ ...valid.results[0], status: 'exploded' }] }), 'is not a cloud502 JSON report (/results/0/status must be equal to one of the allowed values'],
  ])('refuses %s with one line naming the file, exit 2', async (name, content, message) => {
    const path = join(dir, `bad-${name.replace(/\W+/g, '-')}.json`);
    await writeFile(path, content);
    expectOneLineError(await runCli(['report', path, '--format', 'html'], { deps: fakeDeps() }), `report ${path} ${message}`);
  });

  it('names a missing file as the user wrote it', async () => {
    expectOneLineError(await runCli(['report', 'nope.json'], { deps: fakeDeps(), cwd: dir }), 'report nope.json does not exist');
  });

  it('checks the output flags before reading', async () => {
    expectOneLineError(await runCli(['report', 'nope.json', '--format', 'html,csv'], { deps: fakeDeps(), cwd: dir }), 'give --output-dir DIR');
  });
});
