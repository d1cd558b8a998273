/**
 * The merge benchmark: an organization run's leftovers generated on disk (1,000 accounts × 20 regions = 20,000
 * partial reports, the item list, the ResultWriter manifest and result files with some failed and pending batches),
 * served by a disk-backed S3 stand-in on 127.0.0.1 (bench/s3-fake.ts), merged twice by bench/merge-child.ts in its
 * own process: a first run (nothing to compare with) and a second one compared with the first. Prints wall time and
 * peak RSS and checks them against the merge function's memory. `npm run bench:merge`; settings by environment:
 * CLOUD502_BENCH_ACCOUNTS (1000), CLOUD502_BENCH_REGIONS (20), CLOUD502_BENCH_RESULTS (4 per report),
 * CLOUD502_BENCH_FORMATS (html,markdown: the stack's default).
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { itemsFileText } from '../src/lambda/org/plan.js';
import type { AuditItem } from '../src/lambda/org/items.js';
import { datedDir, mapResultsPrefix, runKeys } from '../src/lambda/org/layout.js';
import type { MergeEvent } from '../src/lambda/org/merge.js';
import { AWS_REGIONS } from '../providers/aws/regions.js';
import { renderJson } from '../src/report/json.js';
import { partialReport } from './merge-data.js';
import type { MergeChildResult, MergeJob } from './merge-child.js';
import { startFakeS3, type FakeS3, type S3Counters } from './s3-fake.js';

const run = promisify(execFile);
// The child runs compiled (dist/bench/), also when this module is loaded from its TypeScript source by a test.
const CHILD = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/bench/merge-child.js' : './merge-child.js', import.meta.url));
const BUCKET = 'cloud502-bench-merge';
const PREFIX = 'cloud502/';
/** The merge function's memory in the stack (Cloud502OrgAuditStack mergeMemorySize default), the target. */
export const MERGE_MEMORY_MB = 1024;

export interface MergeBenchOptions {
  accounts: number;
  regions: number;
  resultsPerReport: number;
  itemsPerBatch: number;
  /** One batch in this many fails (its items get no report). */
  failedBatchEvery: number;
  /** The last batches never ran (PENDING). */
  pendingBatches: number;
  formats: string;
  /** Called with the S3 stand-in after both merges, before everything is deleted (tests inspect the output). */
  inspect?: (s3: FakeS3, bucket: string) => Promise<void>;
}

export interface MergeBenchRun {
  label: string;
  wallMs: number;
  peakRssBytes: number;
  reportBytes: number;
  s3: S3Counters;
  summary: MergeChildResult['summary'];
}

export interface MergeBenchResult {
  options: Omit<MergeBenchOptions, 'inspect'>;
  partialReports: number;
  partialBytes: number;
  generationMs: number;
  runs: MergeBenchRun[];
}

const COMMERCIAL = AWS_REGIONS.filter((r) => /^(af|ap|ca|eu|il|me|mx|sa|us)-[a-z]+-\d$/.test(r) && !r.startsWith('us-gov-') && !r.startsWith('us-iso'));

function items(options: MergeBenchOptions): AuditItem[] {
  const regions = COMMERCIAL.slice(0, options.regions);
  if (regions.length < options.regions) throw new Error(`only ${regions.length} regions are known`);
  const out: AuditItem[] = [];
  for (let a = 0; a < options.accounts; a += 1) {
    const account = String(500_000_000_000 + a);
    for (const region of [...regions].sort()) out.push({ account, region, roleArn: `arn:aws:iam::${account}:role/cloud502-audit`, name: `account-${a}` });
  }
  return out;
}

async function writeJsonArray(path: string, values: Iterable<unknown>): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let bytes = 0;
  let first = true;
  const write = (text: string) => {
    bytes += Buffer.byteLength(text);
    return out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  await write('[');
  for (const v of values) {
    await write(`${first ? '' : ','}\n${JSON.stringify(v)}`);
    first = false;
  }
  await write('\n]\n');
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return bytes;
}

/** The ResultWriter files of a run, as Step Functions writes them (JSON arrays, Input and Output as JSON text). */
async function writeResults(s3: FakeS3, runId: string, generatedAt: string, all: AuditItem[], options: MergeBenchOptions): Promise<{ manifestKey: string; mapRunArn: string; reportless: Set<string> }> {
  const mapRunId = `${runId}-map`;
  const mapRunArn = `arn:aws:states:us-east-1:123456789012:mapRun:cloud502-org-audit/Audit accounts:${mapRunId}`;
  const dir = `${mapResultsPrefix(PREFIX)}/${mapRunId}`;
  const batches: AuditItem[][] = [];
  for (let i = 0; i < all.length; i += options.itemsPerBatch) batches.push(all.slice(i, i + options.itemsPerBatch));
  const status = (i: number) => (i >= batches.length - options.pendingBatches ? 'PENDING' : i % options.failedBatchEvery === options.failedBatchEvery - 1 ? 'FAILED' : 'SUCCEEDED');
  const reportless = new Set<string>();
  const files: Record<string, Array<{ Key: string; Size: number }>> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const wanted of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
    const entries = function* () {
      for (const [i, batch] of batches.entries()) {
        if (status(i) !== wanted) continue;
        if (wanted !== 'SUCCEEDED') for (const item of batch) reportless.add(`${item.account}/${item.region}`);
        const input = JSON.stringify({ BatchInput: { runId, generatedAt }, Items: batch });
        const common = { ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:cloud502-org-audit/Audit accounts:${mapRunId.slice(0, 8)}-${i}`, Input: input, InputDetails: { Included: true }, Name: `${i}`, RedriveCount: 0, StartDate: generatedAt, StopDate: generatedAt };
        if (wanted === 'SUCCEEDED') {
          const output = { runId, items: batch.map((it) => ({ account: it.account, region: it.region, status: 'complete', key: runKeys(PREFIX, runId).partial(it.account, it.region), failing: 3 })) };
          yield { ...common, Output: JSON.stringify(output), OutputDetails: { Included: true }, RedriveStatus: 'NOT_REDRIVABLE', Status: 'SUCCEEDED' };
        } else if (wanted === 'FAILED') {
          yield { ...common, Error: 'AccessDenied', Cause: JSON.stringify({ errorType: 'AccessDenied', errorMessage: `User is not authorized to perform: sts:AssumeRole on resource: ${batch[0]!.roleArn}`, trace: [] }), RedriveStatus: 'REDRIVABLE', Status: 'FAILED' };
        } else {
          yield { ...common, RedriveStatus: 'REDRIVABLE', Status: 'PENDING' };
        }
      }
    };
    const key = `${dir}/${wanted}_0.json`;
    const size = await writeJsonArray(s3.pathOf(BUCKET, key), entries());
    files[wanted]!.push({ Key: key, Size: size });
  }
  const manifestKey = `${dir}/manifest.json`;
  await writeFile(s3.pathOf(BUCKET, manifestKey), JSON.stringify({ DestinationBucket: BUCKET, MapRunArn: mapRunArn, ResultFiles: files }));
  return { manifestKey, mapRunArn, reportless };
}

async function merge(s3: FakeS3, label: string, event: MergeEvent, options: MergeBenchOptions, scratch: string): Promise<MergeBenchRun> {
  const before = { ...s3.counters };
  const job: MergeJob = { endpointUrl: s3.url, bucket: BUCKET, formats: options.formats, tmpDir: scratch, event };
  const { stdout } = await run(process.execPath, [CHILD, JSON.stringify(job)], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as MergeChildResult;
  const counters = Object.fromEntries(Object.entries(s3.counters).map(([k, v]) => [k, v - before[k as keyof S3Counters]])) as unknown as S3Counters;
  const reportBytes = (await stat(s3.pathOf(BUCKET, result.summary.reportKey))).size;
  return { label, wallMs: result.wallMs, peakRssBytes: result.peakRssBytes, reportBytes, s3: counters, summary: result.summary };
}

/** Generates the fixtures, runs the merge twice, cleans up. */
export async function runMergeBench(options: MergeBenchOptions, progress: (line: string) => void = () => undefined): Promise<MergeBenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'cloud502-bench-merge-'));
  const s3 = await startFakeS3(root);
  try {
    const all = items(options);
    const t1 = '2026-07-01T02:00:00.000Z';
    const run1 = '20260701T020000Z-bench-1';
    const started = performance.now();
    progress(`generating ${all.length} partial reports of ${options.resultsPerReport} results ...`);
    const results1 = await writeResults(s3, run1, t1, all, options);
    let partialBytes = 0;
    let partialReports = 0;
    const limit = pLimit(16);
    await Promise.all(
      all.map((item) =>
        limit(async () => {
          if (results1.reportless.has(`${item.account}/${item.region}`)) return;
          const path = s3.pathOf(BUCKET, runKeys(PREFIX, run1).partial(item.account, item.region));
          const text = renderJson(partialReport(item.account, item.region, t1, { results: options.resultsPerReport }));
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, text);
          partialBytes += Buffer.byteLength(text);
          partialReports += 1;
        }),
      ),
    );
    await writeFile(s3.pathOf(BUCKET, runKeys(PREFIX, run1).items), itemsFileText(all));
    const generationMs = performance.now() - started;
    const scratch = join(root, 'scratch');
    await mkdir(scratch);

    const event = (runId: string, generatedAt: string, r: { manifestKey: string; mapRunArn: string }): MergeEvent => ({
      runId,
      generatedAt,
      bucket: BUCKET,
      itemsKey: runKeys(PREFIX, runId).items,
      map: { MapRunArn: r.mapRunArn, ResultWriterDetails: { Bucket: BUCKET, Key: r.manifestKey } },
    });
    progress('merge 1: first run ...');
    const first = await merge(s3, 'first run (nothing to compare with)', event(run1, t1, results1), options, scratch);

    // The second run finds the same reports (its partial folder is the first's) and compares with the first.
    const t2 = '2026-07-02T02:00:00.000Z';
    const run2 = '20260702T020000Z-bench-2';
    const results2 = await writeResults(s3, run2, t2, all, options);
    await mkdir(dirname(s3.pathOf(BUCKET, runKeys(PREFIX, run2).items)), { recursive: true });
    await writeFile(s3.pathOf(BUCKET, runKeys(PREFIX, run2).items), itemsFileText(all));
    await symlink(dirname(dirname(s3.pathOf(BUCKET, runKeys(PREFIX, run1).partial('x', 'y')))), dirname(dirname(s3.pathOf(BUCKET, runKeys(PREFIX, run2).partial('x', 'y')))));
    progress('merge 2: compared with the first ...');
    const second = await merge(s3, 'second run (compared with the first)', event(run2, t2, results2), options, scratch);
    // The dated folders exist: the reports were written where the layout says.
    await stat(s3.pathOf(BUCKET, `${datedDir(PREFIX, new Date(t2))}report.json`));
    await options.inspect?.(s3, BUCKET);
    const { inspect: _, ...plain } = options;
    return { options: plain, partialReports, partialBytes, generationMs, runs: [first, second] };
  } finally {
    await s3.close();
    await rm(root, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const int = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const env = (key: string, fallback: number) => (process.env[key] ? Number(process.env[key]) : fallback);
  const options: MergeBenchOptions = {
    accounts: env('CLOUD502_BENCH_ACCOUNTS', 1000),
    regions: env('CLOUD502_BENCH_REGIONS', 20),
    resultsPerReport: env('CLOUD502_BENCH_RESULTS', 4),
    itemsPerBatch: 4,
    failedBatchEvery: 100,
    pendingBatches: 2,
    formats: process.env.CLOUD502_BENCH_FORMATS ?? 'html,markdown',
  };
  const result = await runMergeBench(options, (line) => console.error(line));
  const n = options.accounts * options.regions;
  console.log(`merge of ${int(n)} items (${int(options.accounts)} accounts × ${options.regions} regions): ${int(result.partialReports)} partial reports of ${options.resultsPerReport} results (${mb(result.partialBytes)}), formats json,${options.formats}`);
  console.log(`generated in ${(result.generationMs / 1000).toFixed(1)} s; 1 batch in ${options.failedBatchEvery} failed, the last ${options.pendingBatches} pending`);
  console.log('');
  console.log('| run | wall time | peak RSS | GET | PUT | COPY | org report.json | failed items | new findings |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of result.runs) {
    console.log(`| ${r.label} | ${(r.wallMs / 1000).toFixed(1)} s | ${mb(r.peakRssBytes)} | ${int(r.s3.get)} | ${int(r.s3.put + r.s3.multipart)} | ${int(r.s3.copy)} | ${mb(r.reportBytes)} | ${int(r.summary.failedItems)} | ${int(r.summary.newFindings)} |`);
  }
  const worst = Math.max(...result.runs.map((r) => r.peakRssBytes));
  const pass = worst < MERGE_MEMORY_MB * 1_048_576;
  console.log('');
  console.log(`target: peak RSS below the merge function's ${MERGE_MEMORY_MB} MB: ${mb(worst)} ${pass ? 'PASS' : 'FAIL'}`);
  const out = fileURLToPath(new URL('../../bench/results/merge-latest.json', import.meta.url));
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, ...result, target: { peakRssMb: MERGE_MEMORY_MB, pass } }, null, 2)}\n`);
  if (!pass) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
