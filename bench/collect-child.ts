/**
 * One collection, run in a process of its own so that its peak memory is the collector's alone. Reads its job as
 * JSON from argv[2], prints one JSON line of results on stdout. Started by bench/run.ts.
 */
import { collectAws } from '../providers/aws/collect/index.js';
import { RateBudget, type BudgetStats } from '../providers/aws/rate-limit.js';
import type { ApiRateLimit, ProgressEvent } from '../src/provider.js';

export interface CollectJob {
  endpointUrl: string;
  regions: string[];
  roleArns?: string[];
  allRegions?: boolean;
  concurrency?: number;
  metricsWindowSeconds: number;
  rateLimits?: Record<string, ApiRateLimit>;
  now: string;
}

export interface CollectResult {
  wallMs: number;
  /** Until the first ELBv2 resource of any scope was complete (first elbv2 progress event with done ≥ 1). */
  firstResultMs?: number;
  /** process.resourceUsage().maxRSS, in bytes. */
  peakRssBytes: number;
  scopes: Array<{
    account?: string;
    region: string;
    loadBalancers: number;
    classicLoadBalancers: number;
    targetGroups: number;
    targets: number;
    securityGroups: number;
    instances: number;
    metricQueries: number;
    errors: number;
  }>;
  /** Calls that ended failed, by API and error code. */
  errors: Array<{ api: string; code: string; account?: string; region: string; count: number }>;
  budget: BudgetStats[];
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as CollectJob;
  const budget = new RateBudget(job.rateLimits ?? {});
  const started = performance.now();
  let firstResultMs: number | undefined;
  const progress = (e: ProgressEvent) => {
    if (firstResultMs === undefined && e.phase === 'elbv2' && (e.done ?? 0) >= 1) firstResultMs = performance.now() - started;
  };
  const raw = await collectAws(
    {
      regions: job.regions,
      endpointUrl: job.endpointUrl,
      metricsWindowSeconds: job.metricsWindowSeconds,
      now: new Date(job.now),
      progress,
      ...(job.roleArns ? { roleArns: job.roleArns } : {}),
      ...(job.allRegions ? { allRegions: true } : {}),
      ...(job.concurrency ? { concurrency: job.concurrency } : {}),
    },
    { budget },
  );
  const wallMs = performance.now() - started;
  const errors = new Map<string, CollectResult['errors'][number]>();
  for (const r of raw.regions) {
    for (const e of r.errors) {
      const key = `${r.account}|${r.region}|${e.api}|${e.code}`;
      const entry = errors.get(key) ?? { api: e.api, code: e.code, ...(r.account ? { account: r.account } : {}), region: r.region, count: 0 };
      entry.count += 1;
      errors.set(key, entry);
    }
  }
  const result: CollectResult = {
    wallMs,
    ...(firstResultMs !== undefined ? { firstResultMs } : {}),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    scopes: raw.regions.map((r) => ({
      ...(r.account ? { account: r.account } : {}),
      region: r.region,
      loadBalancers: r.elbv2.loadBalancers.length,
      classicLoadBalancers: r.elb.loadBalancers.length,
      targetGroups: r.elbv2.targetGroups.length,
      targets: Object.values(r.elbv2.targetHealth).reduce((n, list) => n + list.length, 0),
      securityGroups: r.ec2.securityGroups.length,
      instances: r.ec2.instances.length,
      metricQueries: r.cloudwatch.queries.length,
      errors: r.errors.length,
    })),
    errors: [...errors.values()],
    budget: budget.stats(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
