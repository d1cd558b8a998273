/**
 * Azure normalize: raw snapshot → provider-neutral inventory. Pure: no I/O, no clock (the clock is the snapshot's
 * `collectedAt`), so a saved snapshot replays identically.
 */
import type { AuditConfig } from '../../../src/engine/config.js';
import type { BackendPool, CoverageGap, Inventory, LoadBalancer } from '../../../src/model/index.js';
import { emptyInventory } from '../../../src/model/index.js';
import { applyBackendDeclarations } from '../../../src/model/declarations.js';
import type { AzureRawSnapshot } from '../raw.js';
import { mapApplicationGateway } from './app-gateway.js';
import { buildContext, uniq } from './context.js';
import { mapCoverage } from './coverage.js';
import { mapLoadBalancer } from './load-balancer.js';
import { mapMetrics } from './metrics.js';
import { mapNetworkSecurityGroup, mapSubnets } from './network.js';

export { appGatewayGeneration } from './app-gateway.js';

/**
 * @example const inventory = normalizeAzure(validateAzureRaw(JSON.parse(text)), {});
 */
export function normalizeAzure(raw: AzureRawSnapshot, config: AuditConfig): Inventory {
  const inv = emptyInventory(raw.collectedAt);
  if (raw.demo === true) inv.demo = true;
  let metricsCollected = false;
  // By problem: a NIC in two pools is one tag to fix.
  const declarationGaps = new Map<string, CoverageGap>();
  for (const sub of raw.subscriptions) {
    const ctx = buildContext(sub);
    const loadBalancers: LoadBalancer[] = [];
    const pools: BackendPool[] = [];
    for (const agw of sub.network.applicationGateways) {
      const mapped = mapApplicationGateway(agw, ctx);
      loadBalancers.push(mapped.loadBalancer);
      pools.push(...mapped.pools);
      for (const p of mapped.declarationProblems) if (!declarationGaps.has(p.problem)) declarationGaps.set(p.problem, declarationGap(sub.subscriptionId, agw.location, p));
    }
    for (const lb of sub.network.loadBalancers) {
      const mapped = mapLoadBalancer(lb, ctx);
      loadBalancers.push(mapped.loadBalancer);
      pools.push(...mapped.pools);
      for (const p of mapped.declarationProblems) if (!declarationGaps.has(p.problem)) declarationGaps.set(p.problem, declarationGap(sub.subscriptionId, lb.location, p));
    }
    const locations = uniq(loadBalancers.map((lb) => lb.ref.region).filter((r): r is string => r !== undefined)).sort();
    for (const region of locations.length > 0 ? locations : [raw.options.location ?? 'all-locations']) {
      inv.scopes.push({ provider: 'azure', account: sub.subscriptionId, region });
    }
    inv.loadBalancers.push(...loadBalancers);
    inv.backendPools.push(...pools);
    inv.networkPolicies.push(...sub.network.networkSecurityGroups.map((n) => mapNetworkSecurityGroup(n, ctx)));
    inv.subnets.push(...sub.network.virtualNetworks.flatMap((v) => mapSubnets(v, ctx)));
    inv.metrics.push(...mapMetrics(ctx, pools));
    if (sub.monitor.window) metricsCollected = true;
  }
  if (raw.subscriptions.length === 0) inv.scopes.push({ provider: 'azure', region: raw.options.location ?? 'all-locations' });
  inv.coverage.push(...mapCoverage(raw), ...declarationGaps.values());
  if (metricsCollected && raw.options.metricsWindowSeconds > 0) inv.metricsWindowSeconds = raw.options.metricsWindowSeconds;
  return applyBackendDeclarations(inv, config);
}

function declarationGap(subscriptionId: string, location: string | undefined, p: { resourceId: string; problem: string }): CoverageGap {
  return {
    provider: 'azure',
    account: subscriptionId,
    ...(location ? { region: location } : {}),
    api: 'cloud502:backend-declaration',
    code: 'InvalidTagValue',
    message: `${p.problem}; the tag declaration was ignored`,
    resourceId: p.resourceId,
    impact: 'declared backend of the targets unknown',
  };
}
