/**
 * Helpers shared by the targets and health families: which load balancers route to a pool, how a pool finding is
 * placed under its load balancer, what to say when target health or health-check settings were not collected, and
 * metric values that corroborate a finding.
 */
import type { CheckContext, MetricEvidence, OtherOptions, ResourceTarget } from '../../src/engine/index.js';
import { metricEvidence as metricEvidenceOf } from '../../src/engine/evidence.js';
import type { BackendPool, HealthCheck, Inventory, InventoryIndex, LoadBalancer, MetricName, MetricSeries, Target } from '../../src/model/index.js';
import { describeMissing } from '../../src/model/index.js';

/** A pool as seen from one load balancer that routes to it, or on its own when none in the inventory does. */
export interface PoolContext {
  pool: BackendPool;
  /** The load balancer judged with the pool; undefined when no load balancer in the inventory routes to it. */
  lb?: LoadBalancer;
  /** What to report on: the pool, placed under `lb` for report grouping. */
  resource: ResourceTarget;
  /** Fingerprint discriminator: the load balancer id, so a pool shared by two load balancers gets two stable findings. */
  discriminator?: string;
  /** Listeners of `lb` that route to the pool, e.g. `HTTPS:443`. */
  listeners: string[];
  /** True when some load balancer uses the pool (in the inventory, or listed by the provider on the pool). */
  routed: boolean;
}

function listenersRoutingTo(lb: LoadBalancer, poolId: string): string[] {
  return lb.listeners
    .filter((l) => l.defaultPoolIds.includes(poolId) || l.routes.some((r) => r.poolIds.includes(poolId)))
    .map((l) => `${l.protocol}:${l.port}`);
}

/** Load balancers of the inventory that route to the pool: through a listener, or as the provider lists them on the pool. */
export function routingLoadBalancers(inv: Inventory, index: InventoryIndex, pool: BackendPool): LoadBalancer[] {
  const { position, byPool } = routingOf(inv.loadBalancers);
  const found = new Set<number>(byPool.get(pool.ref.id) ?? []);
  for (const lb of index.loadBalancersOf(pool)) {
    const at = position.get(lb.ref.id);
    if (at !== undefined) found.add(at);
  }
  // In inventory order, as the load balancers are listed.
  return [...found].sort((a, b) => a - b).map((at) => inv.loadBalancers[at]!);
}

interface Routing {
  /** Position of each load balancer in the list. */
  position: Map<string, number>;
  /** Positions of the load balancers whose listeners route to each pool. */
  byPool: Map<string, number[]>;
}

/** Built once per list of load balancers: a lookup per pool keeps thousands of pools × load balancers linear. */
const routingCache = new WeakMap<readonly LoadBalancer[], Routing>();

function routingOf(lbs: readonly LoadBalancer[]): Routing {
  const cached = routingCache.get(lbs);
  if (cached && cached.position.size === lbs.length) return cached;
  const position = new Map<string, number>();
  const byPool = new Map<string, number[]>();
  lbs.forEach((lb, at) => {
    position.set(lb.ref.id, at);
    const ids = new Set<string>();
    for (const l of lb.listeners) {
      for (const id of l.defaultPoolIds) ids.add(id);
      for (const r of l.routes) for (const id of r.poolIds) ids.add(id);
    }
    for (const id of ids) byPool.set(id, [...(byPool.get(id) ?? []), at]);
  });
  const routing = { position, byPool };
  routingCache.set(lbs, routing);
  return routing;
}

/**
 * The pools of the inventory the engine handed the check (already scoped to the kinds it claims), each once per load
 * balancer that routes to it (or once on its own), in inventory order.
 */
export function poolContexts(inv: Inventory, index: InventoryIndex): PoolContext[] {
  const out: PoolContext[] = [];
  for (const pool of inv.backendPools) {
    const lbs = routingLoadBalancers(inv, index, pool);
    if (lbs.length === 0) {
      out.push({ pool, resource: pool.ref, listeners: [], routed: pool.loadBalancerIds.length > 0 });
      continue;
    }
    for (const lb of lbs) {
      out.push({ pool, lb, resource: { ref: pool.ref, loadBalancer: lb }, discriminator: lb.ref.id, listeners: listenersRoutingTo(lb, pool.ref.id), routed: true });
    }
  }
  return out;
}

/** `alb-web (HTTPS:443)` or `alb-web`; `no load balancer` when the pool is judged on its own. */
export function lbLabel(c: PoolContext): string {
  if (!c.lb) return 'no load balancer';
  return c.listeners.length ? `${c.lb.ref.name} (${c.listeners.join(', ')})` : c.lb.ref.name;
}

export function isLambdaPool(pool: BackendPool): boolean {
  return pool.targetType === 'lambda' || (pool.targets?.some((t) => t.type === 'lambda') ?? false);
}

/** Why target health is missing and how to provide it. */
export function targetHealthMissing(inv: Inventory, c: PoolContext): string {
  return describeMissing(inv, 'target-health', c.pool, 'target health');
}

/** Why health-check settings (or one field of them) are missing and how to provide them. */
export function healthCheckMissing(inv: Inventory, c: PoolContext, field?: string): string {
  return describeMissing(inv, 'health-check', c.pool, field ? `health-check ${field}` : 'the health-check settings');
}

/**
 * The pool's health check when a health-check check can judge it; otherwise reports why not and returns undefined:
 * not applicable for Lambda pools (one function, routed to whatever its health) and disabled checks
 * (health/check-disabled judges those), unknown when the settings were not collected.
 */
export function judgeableHealthCheck(
  inv: Inventory,
  c: PoolContext,
  ctx: Pick<CheckContext, 'unknown' | 'notApplicable'>,
  opts: OtherOptions,
): HealthCheck | undefined {
  if (isLambdaPool(c.pool)) {
    ctx.notApplicable(c.resource, 'Lambda target groups have a single function target; health-check tuning cannot take capacity away.', opts);
    return undefined;
  }
  const hc = c.pool.healthCheck;
  if (hc === undefined) {
    ctx.unknown(c.resource, healthCheckMissing(inv, c), opts);
    return undefined;
  }
  if (!hc.enabled) {
    ctx.notApplicable(c.resource, 'health checks are disabled (see health/check-disabled).', opts);
    return undefined;
  }
  return hc;
}

/**
 * The registered targets of a routed pool, or undefined after reporting why the pool cannot be judged: not routed
 * (not applicable), Lambda when `lambdaReason` is given (not applicable), target health not collected (unknown),
 * no registered targets (not applicable).
 */
export function judgeableTargets(
  inv: Inventory,
  c: PoolContext,
  ctx: Pick<CheckContext, 'unknown' | 'notApplicable'>,
  opts: OtherOptions,
  reasons: { unrouted: string; lambda?: string },
): Target[] | undefined {
  if (!c.routed) {
    ctx.notApplicable(c.resource, reasons.unrouted, opts);
    return undefined;
  }
  if (reasons.lambda !== undefined && isLambdaPool(c.pool)) {
    ctx.notApplicable(c.resource, reasons.lambda, opts);
    return undefined;
  }
  const targets = c.pool.targets;
  if (targets === undefined) {
    ctx.unknown(c.resource, targetHealthMissing(inv, c), opts);
    return undefined;
  }
  if (targets.length === 0) {
    ctx.notApplicable(c.resource, 'the pool has no registered targets (see targets/no-registered-targets).', opts);
    return undefined;
  }
  return targets;
}

/** Names of the given health-check fields that were not collected. */
export function missingFields<K extends keyof HealthCheck>(hc: HealthCheck, fields: readonly K[]): K[] {
  return fields.filter((f) => hc[f] === undefined);
}


/** A series as evidence, folded by its statistic (see src/engine/evidence.ts). */
export { metricEvidence } from '../../src/engine/evidence.js';

/** The collected series among the given (resource, metric) pairs, as evidence. Missing series are left out. */
export function corroborate(index: InventoryIndex, wanted: Array<[resourceId: string | undefined, name: MetricName]>): MetricEvidence[] {
  const out: MetricEvidence[] = [];
  for (const [id, name] of wanted) {
    if (!id) continue;
    const s = index.metric(id, name);
    if (s) out.push(metricEvidenceOf(s));
  }
  return out;
}

/** Formats a ratio as a percentage with at most one decimal: 0.25 → `25`, 1/3 → `33.3`. */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

/**
 * A pool's metric: the pool's own series, else the load balancer's when the pool is its only one (a Classic ELB is
 * its own pool, and providers that record backend metrics per load balancer do so).
 */
export function poolMetric(index: InventoryIndex, pool: BackendPool, lb: LoadBalancer | undefined, name: MetricName): MetricSeries | undefined {
  const own = index.metric(pool.ref.id, name);
  if (own || !lb) return own;
  return index.poolsOf(lb).length === 1 ? index.metric(lb.ref.id, name) : undefined;
}

/** The load balancer's own counts of the statuses a symptom shows (e.g. `lb.http.503`), plus its 5xx total. */
export function symptomMetrics(index: InventoryIndex, lb: LoadBalancer | undefined, codes: readonly number[]): MetricEvidence[] {
  const names = codes.filter((c) => c === 500 || c === 502 || c === 503 || c === 504).map((c) => `lb.http.${c}` as MetricName);
  return corroborate(index, [...names.map((n): [string | undefined, MetricName] => [lb?.ref.id, n]), [lb?.ref.id, 'lb.http.5xx']]);
}
