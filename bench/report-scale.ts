/**
 * `npm run bench:report`: what an audit and its reports cost as the estate grows. Generates AWS raw snapshots of
 * 1,000, 5,000 and 20,000 target groups (bench/generate-snapshot.ts), runs `cloud502 audit --snapshot … --format
 * json` on each in a child process (bench/report-child.ts), and prints the peak memory and the JSON report size,
 * in total and per 1,000 target groups, with PASS/FAIL against the targets:
 *
 * - 5,000 target groups: peak RSS under 250 MB, JSON report under 15 MB;
 * - 20,000 target groups: the audit completes;
 * - growth is linear: memory and size per 1,000 target groups at 20,000 stay within 1.5 × those at 5,000.
 *
 * Then, for 5,000 target groups, every other format once (text, Markdown, HTML, SARIF, JUnit, CSV), for their sizes.
 * Writes bench/results/report-scale.json. Nothing leaves this machine. Sizes: `node dist/bench/report-scale.js 1000 5000`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSnapshot, type GeneratedFacts } from './generate-snapshot.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root: this file runs as dist/bench/report-scale.js. */
const ROOT = resolve(HERE, '..', '..');
const MB = 1024 * 1024;

const TARGETS = { at: 5_000, peakRssMb: 250, jsonMb: 15, linearRatio: 1.5 };

interface ChildResult {
  code: number;
  wallMs: number;
  peakRssBytes: number;
}

interface Row {
  targetGroups: number;
  loadBalancers: number;
  accounts: number;
  failing: number;
  snapshotMb: number;
  code: number;
  wallS: number;
  peakRssMb: number;
  jsonMb: number;
  rssMbPer1000: number;
  jsonMbPer1000: number;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(HERE, 'report-child.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', () => {
      const line = err.trim().split('\n').at(-1) ?? '';
      try {
        resolvePromise(JSON.parse(line) as ChildResult);
      } catch {
        reject(new Error(`cloud502 ${args.join(' ')} ended without a result: ${err.slice(-1500)}`));
      }
    });
  });
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

async function measure(dir: string, targetGroups: number): Promise<{ row: Row; snapshot: string; facts: GeneratedFacts }> {
  const snapshot = join(dir, `snapshot-${targetGroups}.json`);
  const facts = await generateSnapshot(snapshot, { targetGroups, demoPath: join(ROOT, 'demo', 'aws-demo.json') });
  const json = join(dir, `report-${targetGroups}.json`);
  const r = await runChild(['audit', '--snapshot', snapshot, '--format', 'json', '--output', json, '--fail-on', 'none', '--quiet']);
  const jsonBytes = r.code === 0 ? statSync(json).size : 0;
  const failing = r.code === 0 ? (JSON.parse(readFileSync(json, 'utf8')) as { summary: { byStatus: { fail: number } } }).summary.byStatus.fail : 0;
  const per = facts.targetGroups / 1000;
  const row: Row = {
    targetGroups: facts.targetGroups,
    loadBalancers: facts.loadBalancers,
    accounts: facts.accounts,
    failing,
    snapshotMb: round(facts.bytes / MB),
    code: r.code,
    wallS: round(r.wallMs / 1000),
    peakRssMb: round(r.peakRssBytes / MB),
    jsonMb: round(jsonBytes / MB, 2),
    rssMbPer1000: round(r.peakRssBytes / MB / per),
    jsonMbPer1000: round(jsonBytes / MB / per, 2),
  };
  rmSync(json, { force: true });
  return { row, snapshot, facts };
}

function table(rows: Row[]): string {
  const head = ['target groups', 'LBs', 'accounts', 'failing checks', 'snapshot MB', 'exit', 'wall s', 'peak RSS MB', 'JSON MB', 'RSS MB / 1k TG', 'JSON MB / 1k TG'];
  const body = rows.map((r) => [r.targetGroups, r.loadBalancers, r.accounts, r.failing, r.snapshotMb, r.code, r.wallS, r.peakRssMb, r.jsonMb, r.rssMbPer1000, r.jsonMbPer1000].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isFinite(n) && n > 0);
  const plan = sizes.length ? sizes : [1_000, 5_000, 20_000];
  const dir = mkdtempSync(join(tmpdir(), 'cloud502-report-bench-'));
  const rows: Row[] = [];
  const formats: Array<{ format: string; mb: number; peakRssMb: number; wallS: number }> = [];
  try {
    for (const size of plan) {
      process.stderr.write(`bench: ${size} target groups…\n`);
      const { row, snapshot } = await measure(dir, size);
      rows.push(row);
      if (size === TARGETS.at) {
        for (const format of ['text', 'markdown', 'html', 'sarif', 'junit', 'csv']) {
          const out = join(dir, `report.${format}`);
          const r = await runChild(['audit', '--snapshot', snapshot, '--format', format, '--output', out, '--fail-on', 'none', '--quiet']);
          formats.push({ format, mb: r.code === 0 ? round(statSync(out).size / MB, 2) : -1, peakRssMb: round(r.peakRssBytes / MB), wallS: round(r.wallMs / 1000) });
          rmSync(out, { force: true });
        }
      }
      rmSync(snapshot, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const checks: Array<{ target: string; measured: string; pass: boolean }> = [];
  const at = rows.find((r) => r.targetGroups >= TARGETS.at && r.targetGroups < TARGETS.at + 15);
  if (at) {
    checks.push({ target: `${TARGETS.at} TG: peak RSS < ${TARGETS.peakRssMb} MB`, measured: `${at.peakRssMb} MB`, pass: at.code === 0 && at.peakRssMb < TARGETS.peakRssMb });
    checks.push({ target: `${TARGETS.at} TG: JSON report < ${TARGETS.jsonMb} MB`, measured: `${at.jsonMb} MB`, pass: at.code === 0 && at.jsonMb < TARGETS.jsonMb });
  }
  const big = rows.find((r) => r.targetGroups >= 20_000);
  if (big) checks.push({ target: '20,000 TG: the audit completes', measured: `exit ${big.code} in ${big.wallS} s`, pass: big.code === 0 });
  if (at && big) {
    const rss = big.rssMbPer1000 / at.rssMbPer1000;
    const json = big.jsonMbPer1000 / at.jsonMbPer1000;
    checks.push({ target: `linear: per-1k-TG memory and size at 20,000 within ${TARGETS.linearRatio} × those at ${TARGETS.at}`, measured: `memory ${round(rss, 2)} ×, size ${round(json, 2)} ×`, pass: rss <= TARGETS.linearRatio && json <= TARGETS.linearRatio });
  }

  const out: string[] = [
    '',
    'Report scale on generated snapshots: accounts of 250 target groups, services cloned from the demo\'s healthy ALB',
    '(3 target groups each), and the whole demo region with its findings once per 1,000 target groups; hourly metrics',
    '',
    table(rows),
  ];
  if (formats.length) {
    out.push('', `Other formats at ${TARGETS.at} target groups:`);
    for (const f of formats) out.push(`  ${f.format.padEnd(9)} ${String(f.mb).padStart(8)} MB   peak RSS ${f.peakRssMb} MB   ${f.wallS} s`);
  }
  out.push('', ...checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'}  ${c.target}: ${c.measured}`), '');
  process.stdout.write(out.join('\n'));
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'report-scale.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, rows, formats, checks }, null, 2)}\n`);
  process.exitCode = checks.every((c) => c.pass) ? 0 : 1;
}

await main();
