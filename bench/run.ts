/**
 * `npm run bench`: collection at scale, measured. Starts moto on 127.0.0.1, seeds a large estate straight into it,
 * puts bench/throttle-proxy.ts in front (30 ms per call, a token bucket per API that answers AWS's throttling
 * errors) and runs the real collector through the proxy in a child process:
 *
 * 1. one account × one region, 300 load balancers, 900 target groups, 3,000 targets, 600 security groups;
 * 2. five accounts (assumed roles) × two regions;
 * 3. CLI start-up: `--help` and `audit --demo --format json`, and that neither loads a cloud SDK.
 *
 * Prints calls per API against the formula minimum (bench/formulas.ts), throttled and failed calls, wall time
 * against the token-bucket lower bound, time to first result and peak memory, with PASS/FAIL per target, and
 * writes bench/results/latest.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { ApiRateLimit } from '../src/provider.js';
import type { CollectJob, CollectResult } from './collect-child.js';
import { MOTO_CAPACITIES, minimumCalls, tokenBucketBoundSeconds } from './formulas.js';
import { startMoto, type MotoServer } from './moto.js';
import { seedLargeEnvironment, type EnvironmentFacts, type EnvironmentPlan } from './seed-large.js';
import { ThrottleProxy, type ApiCounters } from './throttle-proxy.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root: this file runs as dist/bench/run.js. */
const ROOT = resolve(HERE, '..', '..');

const TESTING = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const LATENCY_MS = 30;
const METRICS_WINDOW_SECONDS = 3600;
/** 3,600 s at the 60 s period cloud502 picks for one hour. */
const POINTS_PER_QUERY = 60;

const TARGETS = { callsRatio: 1.1, wallRatio: 1.5, peakRssMb: 300 };

/** 240 ALBs × 3 target groups + 60 NLBs + 120 orphans = 900 target groups; 720 × 4 + 60 × 2 = 3,000 targets. */
const MAIN_PLAN: EnvironmentPlan = {
  vpcs: 3,
  albs: 240,
  nlbs: 60,
  httpsAlbs: 60,
  rulesPerAlb: 2,
  instanceTargetsPerTg: 4,
  ipTargetsPerNlbTg: 2,
  orphanTargetGroups: 120,
  securityGroups: 600,
  classicLbs: 10,
  certificates: 5,
};
const MAIN_REGION = 'eu-west-1';
const MAIN_LIMIT: ApiRateLimit = { ratePerSecond: 20, burst: 40 };

/** Per account × region: 20 load balancers, 60 target groups. */
const MULTI_PLAN: EnvironmentPlan = {
  vpcs: 1,
  albs: 16,
  nlbs: 4,
  httpsAlbs: 4,
  rulesPerAlb: 2,
  instanceTargetsPerTg: 4,
  ipTargetsPerNlbTg: 2,
  orphanTargetGroups: 8,
  securityGroups: 40,
  classicLbs: 2,
  certificates: 1,
};
const MULTI_ACCOUNTS = ['200000000001', '200000000002', '200000000003', '200000000004', '200000000005'];
const MULTI_REGIONS = ['eu-west-2', 'us-east-2'];
/**
 * Scaled down from the main run: moto is one Python process (one interpreter lock), and ten scopes at 20/s per API
 * would need far more calls per second than it serves, so the wall time would measure moto's CPU. At 2/s per
 * access key × region × API the estate needs about 120 calls/s at its peak. What is measured is that scopes are
 * paced independently and in parallel: the wall time follows the slowest scope's bound, not the sum of all scopes.
 */
const MULTI_LIMIT: ApiRateLimit = { ratePerSecond: 2, burst: 4 };
const MULTI_CONCURRENCY = 16;

/**
 * 60 load balancers behind a server that allows 10 calls/s per API (each action its own bucket of two calls):
 * far tighter than the per-action buckets cloud502 assumes from the
 * documentation (ELB 10/s burst 40 per action, EC2 20/s burst 100, CloudWatch 50/s), and the collector is NOT told.
 * It must learn the real rate from the throttling answers, lose nothing, and still finish near the token-bucket bound.
 */
const ADAPTIVE_PLAN: EnvironmentPlan = {
  vpcs: 1,
  albs: 48,
  nlbs: 12,
  httpsAlbs: 8,
  rulesPerAlb: 2,
  instanceTargetsPerTg: 2,
  ipTargetsPerNlbTg: 2,
  orphanTargetGroups: 12,
  securityGroups: 40,
  classicLbs: 0,
  certificates: 2,
};
const ADAPTIVE_REGION = 'ca-central-1';
const ADAPTIVE_LIMIT: ApiRateLimit = { ratePerSecond: 10, burst: 2 };

interface ApiRow {
  api: string;
  calls: number;
  minimum: number;
  ratio: number | null;
  throttled: number;
  failed: number;
}

interface Check {
  target: string;
  measured: string;
  pass: boolean;
}

function runChild(job: CollectJob): Promise<CollectResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(HERE, 'collect-child.js'), JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: TESTING.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TESTING.secretAccessKey,
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        AWS_ENDPOINT_URL: '',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) reject(new Error(`collector exited with ${code}: ${err.slice(-2000)}`));
      else resolvePromise(JSON.parse(line) as CollectResult);
    });
  });
}

function apiRows(stats: Record<string, ApiCounters>, minimum: Record<string, number>, result: CollectResult): ApiRow[] {
  const failedByApi = new Map<string, number>();
  for (const e of result.errors) failedByApi.set(e.api, (failedByApi.get(e.api) ?? 0) + e.count);
  const apis = [...new Set([...Object.keys(stats), ...Object.keys(minimum)])].sort();
  return apis.map((api) => {
    const calls = stats[api]?.calls ?? 0;
    const min = minimum[api] ?? 0;
    // Failed calls are recorded under the IAM action; Classic ELB shares those names.
    const failed = api.startsWith('elasticloadbalancing-classic:') ? 0 : (failedByApi.get(api) ?? 0);
    return { api, calls, minimum: min, ratio: min > 0 ? calls / min : null, throttled: stats[api]?.throttled ?? 0, failed };
  });
}

function checks(rows: ApiRow[], result: CollectResult, boundSeconds: number, complete: { expected: string; got: string }): Check[] {
  const calls = rows.reduce((n, r) => n + r.calls, 0);
  const minimum = rows.reduce((n, r) => n + r.minimum, 0);
  const worst = rows.filter((r) => r.ratio !== null).sort((a, b) => b.ratio! - a.ratio!)[0];
  const extra = rows.filter((r) => r.minimum === 0 && r.calls > 0);
  const failed = result.errors.reduce((n, e) => n + e.count, 0);
  const wall = result.wallMs / 1000;
  const rssMb = result.peakRssBytes / 2 ** 20;
  return [
    { target: 'environment collected completely', measured: `${complete.got} (seeded ${complete.expected})`, pass: complete.got === complete.expected },
    {
      target: `calls ≤ ${TARGETS.callsRatio} × minimum, every API`,
      measured: `${calls} / ${minimum} = ${(calls / minimum).toFixed(3)}; worst ${worst?.api ?? '-'} ${worst?.ratio?.toFixed(3) ?? '-'}${extra.length ? `; unexpected: ${extra.map((r) => r.api).join(', ')}` : ''}`,
      pass: rows.every((r) => r.ratio === null || r.ratio <= TARGETS.callsRatio) && extra.length === 0,
    },
    { target: 'zero failed calls', measured: `${failed} failed, ${rows.reduce((n, r) => n + r.throttled, 0)} throttled answers (retried)`, pass: failed === 0 },
    {
      target: `wall time ≤ ${TARGETS.wallRatio} × token-bucket bound`,
      measured: `${wall.toFixed(1)} s / ${boundSeconds.toFixed(1)} s = ${(wall / boundSeconds).toFixed(2)}`,
      pass: wall <= TARGETS.wallRatio * boundSeconds,
    },
    { target: `peak RSS < ${TARGETS.peakRssMb} MB`, measured: `${rssMb.toFixed(0)} MB`, pass: rssMb < TARGETS.peakRssMb },
  ];
}

function sizeOf(result: CollectResult): string {
  const sum = (k: keyof CollectResult['scopes'][number]) => result.scopes.reduce((n, s) => n + (typeof s[k] === 'number' ? (s[k] as number) : 0), 0);
  return `${sum('loadBalancers') + sum('classicLoadBalancers')} LBs, ${sum('targetGroups')} TGs, ${sum('targets')} targets`;
}

function expectedSize(facts: EnvironmentFacts[]): string {
  const lbs = facts.reduce((n, f) => n + f.loadBalancers.application + f.loadBalancers.network + f.loadBalancers.classic, 0);
  return `${lbs} LBs, ${facts.reduce((n, f) => n + f.targetGroups, 0)} TGs, ${facts.reduce((n, f) => n + f.targets, 0)} targets`;
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function cpuDelta(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}

function printPhase(title: string, env: string, rows: ApiRow[], result: CollectResult, boundSeconds: number, motoCpuSeconds: number | undefined, list: Check[]): void {
  console.log(`\n== ${title}\n${env}`);
  console.log(
    table(
      ['API', 'calls', 'minimum', 'ratio', 'throttled', 'failed'],
      rows.map((r) => [r.api, r.calls, r.minimum, r.ratio === null ? '-' : r.ratio.toFixed(2), r.throttled, r.failed]),
    ),
  );
  console.log(
    `wall ${(result.wallMs / 1000).toFixed(1)} s (token-bucket bound ${boundSeconds.toFixed(1)} s; moto CPU ${motoCpuSeconds === undefined ? '-' : `${motoCpuSeconds.toFixed(1)} s`}) · first result ${result.firstResultMs === undefined ? '-' : `${(result.firstResultMs / 1000).toFixed(2)} s`} · peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
  );
  for (const c of list) console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.target}: ${c.measured}`);
}

/** Runs the collector in a child process through a fresh throttling proxy in front of moto, measuring moto's CPU. */
async function collectThroughProxy(moto: MotoServer, limit: ApiRateLimit, job: Omit<CollectJob, 'endpointUrl'>, bucketPer: 'api' | 'service' = 'api') {
  const proxy = new ThrottleProxy({ upstream: moto.url, latencyMs: LATENCY_MS, limitFor: () => limit, bucketPer });
  await proxy.start();
  const cpuBefore = moto.cpuSeconds();
  try {
    const result = await runChild({ ...job, endpointUrl: proxy.url });
    return { proxy, result, motoCpuSeconds: cpuDelta(cpuBefore, moto.cpuSeconds()) };
  } finally {
    await proxy.close();
  }
}

async function benchSingle(moto: MotoServer, now: Date) {
  const motoUrl = moto.url;
  const seedStart = performance.now();
  const facts = await seedLargeEnvironment({ endpoint: motoUrl, region: MAIN_REGION, credentials: TESTING }, MAIN_PLAN, now);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const { proxy, result, motoCpuSeconds } = await collectThroughProxy(moto, MAIN_LIMIT, {
    regions: [MAIN_REGION],
    metricsWindowSeconds: METRICS_WINDOW_SECONDS,
    rateLimits: { '*': MAIN_LIMIT },
    now: now.toISOString(),
  });
  const minimum = minimumCalls(facts, MOTO_CAPACITIES, POINTS_PER_QUERY);
  const bound = tokenBucketBoundSeconds(Object.values(minimum).map((calls) => ({ calls, limit: MAIN_LIMIT })));
  const rows = apiRows(proxy.stats(), minimum, result);
  const list = checks(rows, result, bound, { expected: expectedSize([facts]), got: sizeOf(result) });
  const env =
    `seeded in ${seedSeconds.toFixed(1)} s: ${facts.loadBalancers.application} ALB + ${facts.loadBalancers.network} NLB + ${facts.loadBalancers.classic} CLB, ` +
    `${facts.targetGroups} target groups, ${facts.targets} targets on ${facts.targetInstances} instances, ${facts.securityGroups} security groups, ${facts.vpcs} VPCs; ` +
    `proxy ${LATENCY_MS} ms per call, bucket ${MAIN_LIMIT.ratePerSecond}/s burst ${MAIN_LIMIT.burst} per API; collector concurrency default (8)`;
  printPhase(`1 account × 1 region (${MAIN_REGION})`, env, rows, result, bound, motoCpuSeconds, list);
  return { facts, seedSeconds, rows, result, boundSeconds: bound, motoCpuSeconds, checks: list, limit: MAIN_LIMIT, latencyMs: LATENCY_MS };
}

async function benchAdaptive(moto: MotoServer, now: Date) {
  const seedStart = performance.now();
  const facts = await seedLargeEnvironment({ endpoint: moto.url, region: ADAPTIVE_REGION, credentials: TESTING }, ADAPTIVE_PLAN, now);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  // No rateLimits: the collector paces by AWS's documented buckets and has to find the proxy's lower rate itself.
  const { proxy, result, motoCpuSeconds } = await collectThroughProxy(
    moto,
    ADAPTIVE_LIMIT,
    { regions: [ADAPTIVE_REGION], metricsWindowSeconds: METRICS_WINDOW_SECONDS, now: now.toISOString() },
    'api',
  );
  const minimum = minimumCalls(facts, MOTO_CAPACITIES, POINTS_PER_QUERY);
  // One bucket per API: the bound is the busiest API's calls beyond the burst, at the refill rate.
  const perApi = new Map<string, number>();
  for (const [api, calls] of Object.entries(minimum)) perApi.set(api, (perApi.get(api) ?? 0) + calls);
  const bound = tokenBucketBoundSeconds([...perApi.values()].map((calls) => ({ calls, limit: ADAPTIVE_LIMIT })));
  const rows = apiRows(proxy.stats(), minimum, result);
  // Throttled answers are expected here (the collector starts at the documented rates); what counts is that every
  // throttled call was retried, so the calls beyond the minimum are exactly the throttled ones.
  const list = checks(rows, result, bound, { expected: expectedSize([facts]), got: sizeOf(result) }).filter((c) => !c.target.startsWith('calls ≤'));
  const extra = rows.reduce((n, r) => n + r.calls - r.minimum - r.throttled, 0);
  list.splice(1, 0, { target: 'calls = minimum + throttled retries, every API', measured: `${extra} calls beyond that`, pass: rows.every((r) => r.calls - r.throttled <= r.minimum) });
  const env =
    `seeded in ${seedSeconds.toFixed(1)} s: ${facts.loadBalancers.application} ALB + ${facts.loadBalancers.network} NLB, ${facts.targetGroups} target groups, ` +
    `${facts.targets} targets; proxy ${LATENCY_MS} ms per call, bucket ${ADAPTIVE_LIMIT.ratePerSecond}/s burst ${ADAPTIVE_LIMIT.burst} per API (each action its own bucket), ` +
    'not told to the collector (it starts from the documented defaults); concurrency default (8)';
  printPhase(`throttled below the documented rates (${ADAPTIVE_REGION})`, env, rows, result, bound, motoCpuSeconds, list);
  return { facts, seedSeconds, rows, result, boundSeconds: bound, motoCpuSeconds, checks: list, limit: ADAPTIVE_LIMIT, latencyMs: LATENCY_MS };
}

async function assumedCredentials(motoUrl: string, account: string) {
  const sts = new STSClient({ endpoint: motoUrl, region: 'us-east-1', credentials: TESTING });
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/seed`, RoleSessionName: 'seed' }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  } finally {
    sts.destroy();
  }
}

async function benchMulti(moto: MotoServer, now: Date) {
  const motoUrl = moto.url;
  const seedStart = performance.now();
  const scopes = MULTI_ACCOUNTS.flatMap((account) => MULTI_REGIONS.map((region) => ({ account, region })));
  const facts = await Promise.all(
    scopes.map(async ({ account, region }) =>
      seedLargeEnvironment({ endpoint: motoUrl, region, credentials: await assumedCredentials(motoUrl, account), concurrency: 8 }, MULTI_PLAN, now),
    ),
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const { proxy, result, motoCpuSeconds } = await collectThroughProxy(moto, MULTI_LIMIT, {
    regions: MULTI_REGIONS,
    roleArns: MULTI_ACCOUNTS.map((a) => `arn:aws:iam::${a}:role/cloud502-audit`),
    concurrency: MULTI_CONCURRENCY,
    metricsWindowSeconds: METRICS_WINDOW_SECONDS,
    rateLimits: { '*': MULTI_LIMIT },
    now: now.toISOString(),
  });
  // Every scope's minimum, plus one AssumeRole per account; no GetCallerIdentity with roles.
  const perScope = facts.map((f) => {
    const min = minimumCalls(f, MOTO_CAPACITIES, POINTS_PER_QUERY);
    delete min['sts:GetCallerIdentity'];
    return min;
  });
  const minimum: Record<string, number> = { 'sts:AssumeRole': MULTI_ACCOUNTS.length };
  for (const min of perScope) for (const [api, n] of Object.entries(min)) minimum[api] = (minimum[api] ?? 0) + n;
  const bound = tokenBucketBoundSeconds([
    { calls: MULTI_ACCOUNTS.length, limit: MULTI_LIMIT },
    ...perScope.flatMap((min) => Object.values(min).map((calls) => ({ calls, limit: MULTI_LIMIT }))),
  ]);
  const rows = apiRows(proxy.stats(), minimum, result);
  const list = checks(rows, result, bound, { expected: expectedSize(facts), got: sizeOf(result) });
  const accountsSeen = new Set(result.scopes.map((s) => `${s.account}/${s.region}`));
  list.unshift({
    target: 'every account × region collected with its own account id',
    measured: `${accountsSeen.size} of ${scopes.length} scopes`,
    pass: scopes.every((s) => accountsSeen.has(`${s.account}/${s.region}`)),
  });
  const env =
    `seeded in ${seedSeconds.toFixed(1)} s: ${MULTI_ACCOUNTS.length} accounts × ${MULTI_REGIONS.length} regions, each ` +
    `${MULTI_PLAN.albs + MULTI_PLAN.nlbs + MULTI_PLAN.classicLbs} LBs / ${facts[0]!.targetGroups} TGs / ${facts[0]!.targets} targets; ` +
    `proxy ${LATENCY_MS} ms, bucket ${MULTI_LIMIT.ratePerSecond}/s burst ${MULTI_LIMIT.burst} per access key × region × API; concurrency ${MULTI_CONCURRENCY}`;
  printPhase(`${MULTI_ACCOUNTS.length} accounts × ${MULTI_REGIONS.length} regions (AssumeRole)`, env, rows, result, bound, motoCpuSeconds, list);
  return { facts, seedSeconds, rows, result, boundSeconds: bound, motoCpuSeconds, checks: list, limit: MULTI_LIMIT, latencyMs: LATENCY_MS, concurrency: MULTI_CONCURRENCY };
}

/** Modules under node_modules whose loading means a cloud SDK was loaded. */
const CLOUD_SDK = /node_modules\/(@aws-sdk|@smithy|@azure|@azure-rest|@google-cloud|google-gax|google-auth-library)\//;

function benchStartup() {
  const bin = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
  const recorder = join(HERE, 'record-modules.js');
  const commands = [['--help'], ['audit', '--demo', '--format', 'json']];
  if (!existsSync(bin)) {
    console.log(`\n== CLI start-up\nnot built: ${bin} is missing (npm run build)`);
    return { built: false, commands: [] as unknown[], checks: [] as Check[] };
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const time = (args: string[]) => {
    const t0 = performance.now();
    // Output is discarded: a JSON report is larger than spawnSync's default buffer.
    const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    return { ms: performance.now() - t0, status: run.status };
  };
  const nodeAlone = median(Array.from({ length: 5 }, () => time(['-e', '']).ms));
  const dir = mkdtempSync(join(tmpdir(), 'cloud502-bench-'));
  const results = commands.map((args, i) => {
    const runs = Array.from({ length: 5 }, () => time([bin, ...args]));
    const file = join(dir, `modules-${i}.txt`);
    spawnSync(process.execPath, ['--import', recorder, bin, ...args], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CLOUD502_RECORD_MODULES: file, NO_COLOR: '1' } });
    const modules = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    const cloud = [...new Set(modules.filter((m) => CLOUD_SDK.test(m)).map((m) => CLOUD_SDK.exec(m)![1]!))];
    return { command: `cloud502 ${args.join(' ')}`, medianMs: median(runs.map((r) => r.ms)), exitCode: runs[0]!.status, modules: modules.length, cloudSdks: cloud };
  });
  console.log(`\n== CLI start-up (median of 5; node -e "" alone: ${nodeAlone.toFixed(0)} ms)`);
  console.log(table(['command', 'median ms', 'exit', 'modules', 'cloud SDKs loaded'], results.map((r) => [r.command, r.medianMs.toFixed(0), String(r.exitCode), r.modules, r.cloudSdks.join(', ') || 'none'])));
  const list: Check[] = results.map((r) => ({
    target: `${r.command} loads no cloud SDK`,
    measured: r.modules === 0 ? 'no module list recorded' : r.cloudSdks.length ? r.cloudSdks.join(', ') : `none of ${r.modules} modules`,
    pass: r.modules > 0 && r.cloudSdks.length === 0 && (r.exitCode === 0 || r.exitCode === 1),
  }));
  for (const c of list) console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.target}: ${c.measured}`);
  return { built: true, nodeAloneMs: nodeAlone, commands: results, checks: list };
}

async function main(): Promise<void> {
  const now = new Date();
  console.log(`cloud502 bench · node ${process.version} · ${now.toISOString()}`);
  // `npm run bench -- adaptive` (or single, multi, startup) runs only the phases named.
  const only = new Set(process.argv.slice(2));
  const wanted = (phase: string) => only.size === 0 || only.has(phase);
  const moto = await startMoto();
  try {
    const single = wanted('single') ? await benchSingle(moto, now) : undefined;
    const multi = wanted('multi') ? await benchMulti(moto, now) : undefined;
    const adaptive = wanted('adaptive') ? await benchAdaptive(moto, now) : undefined;
    const startup = wanted('startup') ? benchStartup() : undefined;
    const all = [...(single?.checks ?? []), ...(multi?.checks ?? []), ...(adaptive?.checks ?? []), ...(startup?.checks ?? [])];
    const passed = all.filter((c) => c.pass).length;
    console.log(`\n${passed}/${all.length} targets passed`);
    const out = join(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    // A partial run (phases named on the command line) goes to a file of its own, so latest.json stays a full run.
    const name = only.size === 0 ? 'latest.json' : `latest-${[...only].sort().join('-')}.json`;
    writeFileSync(
      join(out, name),
      `${JSON.stringify({ generatedAt: now.toISOString(), node: process.version, targets: TARGETS, single, multi, adaptive, startup, passed, total: all.length }, null, 2)}\n`,
    );
    console.log(`wrote ${join('bench', 'results', name)}`);
    process.exitCode = passed === all.length ? 0 : 1;
  } finally {
    await moto.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
