import type { BackendPool, Inventory, LoadBalancer, MetricName, MetricSeries, NetworkPolicy, Subnet } from './inventory.js';

/** Read-only indexes over an inventory, built once per evaluation so checks stay O(n). */
export interface InventoryIndex {
  loadBalancer(id: string): LoadBalancer | undefined;
  pool(id: string): BackendPool | undefined;
  policy(id: string): NetworkPolicy | undefined;
  subnet(id: string): Subnet | undefined;
  /** Pools routed to by a load balancer's listeners (default actions and rules), deduplicated, in listener order. */
  poolsOf(lb: LoadBalancer): BackendPool[];
  /** Load balancers that route to a pool. */
  loadBalancersOf(pool: BackendPool): LoadBalancer[];
  /** Metric series of a resource by normalized name. */
  metric(resourceId: string, name: MetricName): MetricSeries | undefined;
}

/**
 * Lookups built over one list, shared by every index of an inventory that holds that same list: the engine indexes
 * several views of one inventory (one per set of load-balancer kinds), which share their policies, subnets and
 * metrics. Rebuilt when the list has changed length since.
 */
const sharedLookups = new WeakMap<readonly unknown[], { length: number; lookup: unknown }>();

function shared<T>(list: readonly unknown[], build: () => T): T {
  const hit = sharedLookups.get(list);
  if (hit && hit.length === list.length) return hit.lookup as T;
  const lookup = build();
  sharedLookups.set(list, { length: list.length, lookup });
  return lookup;
}

export function indexInventory(inv: Inventory): InventoryIndex {
  const lbs = new Map(inv.loadBalancers.map((lb) => [lb.ref.id, lb]));
  const pools = new Map(inv.backendPools.map((p) => [p.ref.id, p]));
  const policies = shared(inv.networkPolicies, () => new Map(inv.networkPolicies.map((p) => [p.ref.id, p])));
  const subnets = shared(inv.subnets, () => new Map(inv.subnets.map((s) => [s.id, s])));
  const metrics = shared(inv.metrics, () => {
    // By resource, then name: no composite key string per series.
    const byResource = new Map<string, Map<string, MetricSeries>>();
    for (const m of inv.metrics) {
      let named = byResource.get(m.resourceId);
      if (!named) {
        named = new Map();
        byResource.set(m.resourceId, named);
      }
      named.set(m.name, m);
    }
    return byResource;
  });
  return {
    loadBalancer: (id) => lbs.get(id),
    pool: (id) => pools.get(id),
    policy: (id) => policies.get(id),
    subnet: (id) => subnets.get(id),
    poolsOf(lb) {
      const ids = new Set<string>();
      for (const l of lb.listeners) {
        for (const id of l.defaultPoolIds) ids.add(id);
        for (const r of l.routes) for (const id of r.poolIds) ids.add(id);
      }
      return [...ids].map((id) => pools.get(id)).filter((p): p is BackendPool => p !== undefined);
    },
    loadBalancersOf: (pool) =>
      pool.loadBalancerIds.map((id) => lbs.get(id)).filter((lb): lb is LoadBalancer => lb !== undefined),
    metric: (resourceId, name) => metrics.get(resourceId)?.get(name),
  };
}

/** Sum of a count series over the window; undefined when the series was not collected. */
export function metricSum(series: MetricSeries | undefined): number | undefined {
  if (!series) return undefined;
  return series.points.reduce((acc, p) => acc + p.v, 0);
}

/** Largest point of a series; undefined when not collected, 0 when collected with no points. */
export function metricMax(series: MetricSeries | undefined): number | undefined {
  if (!series) return undefined;
  return series.points.reduce((acc, p) => Math.max(acc, p.v), 0);
}

/** Smallest point of a series; undefined when not collected or empty. */
export function metricMin(series: MetricSeries | undefined): number | undefined {
  if (!series || series.points.length === 0) return undefined;
  return series.points.reduce((acc, p) => Math.min(acc, p.v), Number.POSITIVE_INFINITY);
}
