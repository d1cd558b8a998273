import type { Inventory } from './inventory.js';
import { emptyInventory } from './inventory.js';

/**
 * One inventory from several (one per provider snapshot, as the demo has): lists are concatenated; the evaluation
 * clock is the latest collection time; the metrics window the longest.
 */
export function mergeInventories(inventories: readonly Inventory[]): Inventory {
  if (inventories.length === 1 && inventories[0]) return inventories[0];
  const collectedAt = inventories.map((i) => i.collectedAt).sort().at(-1) ?? new Date(0).toISOString();
  const out = emptyInventory(collectedAt);
  for (const inv of inventories) {
    out.scopes.push(...inv.scopes);
    out.loadBalancers.push(...inv.loadBalancers);
    out.backendPools.push(...inv.backendPools);
    out.networkPolicies.push(...inv.networkPolicies);
    out.subnets.push(...inv.subnets);
    out.metrics.push(...inv.metrics);
    out.observations.push(...inv.observations);
    out.coverage.push(...inv.coverage);
    if (inv.demo) out.demo = true;
    if (inv.metricsWindowSeconds !== undefined) out.metricsWindowSeconds = Math.max(out.metricsWindowSeconds ?? 0, inv.metricsWindowSeconds);
  }
  return out;
}
