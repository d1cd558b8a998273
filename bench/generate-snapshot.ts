/**
 * Generated AWS raw snapshots of any size for the report benchmark, built from the bundled demo region, one account
 * per copy as a multi-account audit collects it. Most accounts are healthy: they hold the demo's three load balancers
 * that have no finding (catalog, auth, ingest: 3 target groups). One account in `brokenEvery` (default 20) holds
 * the whole demo region (10 load balancers, 15 target groups, 34 failing checks). Each copy gets its own account id,
 * its own resource ids (every hex id rewritten) and its own metric query ids, so no two copies share a resource.
 * Metrics are the demo's, thinned to one period in `pointsEvery` (default 12: hourly points over the day);
 * `pointsEvery: 1` keeps them all.
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
  /** One account in this many holds the whole demo region with its findings; the others only its healthy part. */
  brokenEvery?: number;
  demoPath: string;
}

export interface GeneratedFacts {
  copies: number;
  brokenCopies: number;
  loadBalancers: number;
  targetGroups: number;
  bytes: number;
}

type Json = Record<string, unknown>;

interface DemoRegion {
  account: string;
  elbv2: Json & { loadBalancers: Json[]; targetGroups: Json[]; tags: Json[] };
  elb: Json & { loadBalancers: Json[]; tags: Json[] };
  ec2: Json & { instances: Json[]; networkInterfaces: Json[] };
  cloudwatch: { queries: Json[]; results: Array<{ Id: string; Timestamps: string[]; Values: number[] }> };
  errors: unknown[];
}

/** The load balancers of the demo that have no failing finding. */
const HEALTHY = new Set(['catalog', 'auth', 'ingest']);

function keepKeys(record: unknown, keep: (key: string) => boolean): Json {
  return Object.fromEntries(Object.entries(record as Json).filter(([k]) => keep(k)));
}

/** The demo region reduced to its healthy load balancers and what belongs to them. */
function healthyPart(region: DemoRegion): DemoRegion {
  const lbs = region.elbv2.loadBalancers.filter((lb) => HEALTHY.has(String(lb.LoadBalancerName)));
  const lbArns = new Set(lbs.map((lb) => String(lb.LoadBalancerArn)));
  const tgs = region.elbv2.targetGroups.filter((tg) => ((tg.LoadBalancerArns as string[] | undefined) ?? []).some((a) => lbArns.has(a)));
  const tgArns = new Set(tgs.map((tg) => String(tg.TargetGroupArn)));
  const listeners = keepKeys(region.elbv2.listeners, (k) => lbArns.has(k));
  const listenerArns = new Set(Object.values(listeners).flatMap((ls) => (ls as Json[]).map((l) => String(l.ListenerArn))));
  const targetHealth = keepKeys(region.elbv2.targetHealth, (k) => tgArns.has(k));
  const targetIds = new Set(Object.values(targetHealth).flatMap((hs) => (hs as Json[]).map((h) => String((h.Target as Json | undefined)?.Id))));
  const owned = (arn: string): boolean => lbArns.has(arn) || tgArns.has(arn) || listenerArns.has(arn);
  const queries = region.cloudwatch.queries.filter((q) => owned(String(q.resourceArn)));
  const queryIds = new Set(queries.map((q) => String(q.id)));
  const lbNames = [...lbs].map((lb) => `/${String(lb.LoadBalancerName)}/`);
  return {
    ...region,
    elbv2: {
      ...region.elbv2,
      loadBalancers: lbs,
      targetGroups: tgs,
      tags: region.elbv2.tags.filter((t) => owned(String(t.ResourceArn))),
      loadBalancerAttributes: keepKeys(region.elbv2.loadBalancerAttributes, (k) => lbArns.has(k)),
      listeners,
      listenerAttributes: keepKeys(region.elbv2.listenerAttributes, (k) => listenerArns.has(k)),
      listenerCertificates: keepKeys(region.elbv2.listenerCertificates, (k) => listenerArns.has(k)),
      rules: keepKeys(region.elbv2.rules, (k) => listenerArns.has(k)),
      targetGroupAttributes: keepKeys(region.elbv2.targetGroupAttributes, (k) => tgArns.has(k)),
      targetHealth,
    },
    elb: { ...region.elb, loadBalancers: [], tags: [], attributes: {}, instanceHealth: {} },
    ec2: {
      ...region.ec2,
      instances: region.ec2.instances.filter((i) => targetIds.has(String(i.InstanceId))),
      // The load balancers' own interfaces (described "ELB app/<name>/…") and those of IP targets.
      networkInterfaces: region.ec2.networkInterfaces.filter(
        (n) => lbNames.some((name) => String(n.Description ?? '').includes(name)) || targetIds.has(String(n.PrivateIpAddress)),
      ),
    },
    cloudwatch: { ...region.cloudwatch, queries, results: region.cloudwatch.results.filter((r) => queryIds.has(r.Id)) },
    errors: [],
  };
}

/**
 * Rewrites the last four digits of every hex id (8+ hex digits with at least one letter, so numbers are left alone),
 * so each copy's ids are its own and stay valid.
 */
function rewriteIds(text: string, copy: number): string {
  const tag = copy.toString(16).padStart(4, '0');
  return text.replace(/\b([0-9a-f]{4,})([0-9a-f]{4})\b/g, (whole, head: string) => (/[a-f]/.test(whole) ? `${head}${tag}` : whole));
}

/** One copy of a region as JSON text: its own account, ids and metric query ids; thinned metrics. */
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
  const healthy = healthyPart(region);
  const brokenEvery = Math.max(1, options.brokenEvery ?? 20);
  const texts = { broken: JSON.stringify(region), healthy: JSON.stringify(healthy) };
  const tgs = { broken: region.elbv2.targetGroups.length, healthy: healthy.elbv2.targetGroups.length };
  const lbs = {
    broken: region.elbv2.loadBalancers.length + region.elb.loadBalancers.length,
    healthy: healthy.elbv2.loadBalancers.length,
  };
  const out = createWriteStream(path, { encoding: 'utf8' });
  let bytes = 0;
  const write = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  const envelope = { format: 'cloud502-raw-snapshot', schemaVersion: 1, provider: 'aws', tool: demo.tool, collectedAt: demo.collectedAt, options: demo.options };
  await write(`${JSON.stringify(envelope).slice(0, -1)},"regions":[`);
  const facts: GeneratedFacts = { copies: 0, brokenCopies: 0, loadBalancers: 0, targetGroups: 0, bytes: 0 };
  while (facts.targetGroups < options.targetGroups) {
    const kind = facts.copies % brokenEvery === 0 ? 'broken' : 'healthy';
    await write(`${facts.copies ? ',' : ''}${copyOf(texts[kind], region.account, facts.copies, options.pointsEvery ?? 12)}`);
    facts.copies += 1;
    if (kind === 'broken') facts.brokenCopies += 1;
    facts.targetGroups += tgs[kind];
    facts.loadBalancers += lbs[kind];
  }
  await write(']}\n');
  out.end();
  await once(out, 'finish');
  return { ...facts, bytes };
}
