/**
 * One merge, run in a process of its own so that its peak memory is the merge's alone (the fake S3 and the fixture
 * generator live in the parent). Reads its job as JSON from argv[2], prints one JSON line. Started by bench/merge.ts.
 */
import { defaultRegistry } from '../src/audit.js';
import { lazyOrgClients } from '../src/lambda/org/clients.js';
import { readMergeConfig } from '../src/lambda/org/config.js';
import { createMergeHandler, type MergeEvent, type MergeSummary } from '../src/lambda/org/merge.js';

export interface MergeJob {
  endpointUrl: string;
  bucket: string;
  formats: string;
  tmpDir: string;
  event: MergeEvent;
}

export interface MergeChildResult {
  wallMs: number;
  /** process.resourceUsage().maxRSS, in bytes. */
  peakRssBytes: number;
  summary: MergeSummary;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as MergeJob;
  const config = readMergeConfig({ CLOUD502_BUCKET: job.bucket, AWS_ENDPOINT_URL: job.endpointUrl, CLOUD502_FORMATS: job.formats });
  const registry = await defaultRegistry();
  const merge = createMergeHandler(config, { clients: lazyOrgClients({ endpointUrl: job.endpointUrl }), registry, tmpDir: job.tmpDir, log: () => undefined });
  const started = performance.now();
  const summary = await merge(job.event);
  const result: MergeChildResult = { wallMs: performance.now() - started, peakRssBytes: process.resourceUsage().maxRSS * 1024, summary };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
