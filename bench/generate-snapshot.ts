/**
 * Generated AWS raw snapshots of any size for the report benchmark: the bundled demo region (10 load balancers, 15
 * target groups, a realistic mix of findings) copied once per account, as a multi-account audit collects it. Each
 * copy gets its own account id, its own resource ids (every hex id rewritten) and its own metric query ids, so no two
 * copies share a resource. Metrics are the demo's, thinned to one period in `pointsEvery` (default 12: hourly
 * points over the day), as a 24 h window of sparse counters looks; `pointsEvery: 1` keeps them all.
 *
 * The snapshot is written piece by piece (one account at a time), so generating 20,000 target groups does not need
 * the whole file in memory.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';

export interface GenerateOptions {
  /** Target groups wanted; rounded up to whole copies of the demo region. */
  targetGroups: number;
  /** Keep one metric period in this many (default 12). */
  pointsEvery?: number;
  demoPath: string;
}

export interface GeneratedFacts {
  copies: number;
  loadBalancers: number;
  targetGroups: number;
  bytes: number;
}

interface DemoRegion {
  account: string;
  elbv2: { loadBalancers: unknown[]; targetGroups: unknown[] };
  elb: { loadBalancers: unknown[] };
  cloudwatch: { results: Array<{ Timestamps: string[]; Values: number[] }> };
  errors: unknown[];
}

/**
 * Rewrites the last four digits of every hex id (8+ hex digits with at least one letter, so numbers are left alone),
 * so each copy's ids are its own and stay valid.
 */
function rewriteIds(text: string, copy: number): string {
  const tag = copy.toString(16).padStart(4, '0');
  return text.replace(/\b([0-9a-f]{4,})([0-9a-f]{4})\b/g, (whole, head: string) => (/[a-f]/.test(whole) ? `${head}${tag}` : whole));
}

/** One copy of the demo region as JSON text: its own account, ids and metric query ids; thinned metrics. */
function copyOf(demoText: string, demoAccount: string, copy: number, pointsEvery: number): string {
  const account = String(100_000_000_000 + copy).padStart(12, '0');
  let text = demoText.split(demoAccount).join(account);
  text = rewriteIds(text, copy);
  text = text.replace(/"(id|Id)":"m(\d+)"/g, `"$1":"c${copy}m$2"`);
  const region = JSON.parse(text) as DemoRegion;
  if (pointsEvery > 1) {
    for (const r of region.cloudwatch.results) {
      r.Timestamps = r.Timestamps.filter((_, i) => i % pointsEvery === 0);
      r.Values = r.Values.filter((_, i) => i % pointsEvery === 0);
    }
  }
  // One coverage gap for the whole estate, not one per account.
  if (copy > 0) region.errors = [];
  return JSON.stringify(region);
}

/** Writes a generated snapshot to `path` and returns what it holds. */
export async function generateSnapshot(path: string, options: GenerateOptions): Promise<GeneratedFacts> {
  const demo = JSON.parse(readFileSync(options.demoPath, 'utf8')) as { regions: DemoRegion[]; collectedAt: string; options: unknown; tool: unknown };
  const region = demo.regions[0]!;
  const perCopy = region.elbv2.targetGroups.length;
  const copies = Math.max(1, Math.ceil(options.targetGroups / perCopy));
  const demoText = JSON.stringify(region);
  const out = createWriteStream(path, { encoding: 'utf8' });
  let bytes = 0;
  const write = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  const envelope = { format: 'cloud502-raw-snapshot', schemaVersion: 1, provider: 'aws', tool: demo.tool, collectedAt: demo.collectedAt, options: demo.options };
  await write(`${JSON.stringify(envelope).slice(0, -1)},"regions":[`);
  for (let c = 0; c < copies; c++) await write(`${c ? ',' : ''}${copyOf(demoText, region.account, c, options.pointsEvery ?? 12)}`);
  await write(']}\n');
  out.end();
  await once(out, 'finish');
  return {
    copies,
    loadBalancers: copies * (region.elbv2.loadBalancers.length + region.elb.loadBalancers.length),
    targetGroups: copies * perCopy,
    bytes,
  };
}
