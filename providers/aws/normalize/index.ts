/**
 * AWS normalize: raw snapshot → provider-neutral inventory. Pure: no I/O, no clock (the clock is the snapshot's
 * `collectedAt`), so a saved snapshot replays identically.
 */
import type { AuditConfig } from '../../../src/engine/config.js';
import type { BackendPool, Inventory, NetworkPolicy } from '../../../src/model/index.js';
import { emptyInventory } from '../../../src/model/index.js';
import { applyBackendDeclarations } from '../../../src/model/declarations.js';
import type { AwsRawSnapshot } from '../raw.js';
import { mapClassic } from './classic.js';
import { buildContext } from './context.js';
import { mapCoverage } from './coverage.js';
import { mapLoadBalancer } from './load-balancers.js';
import { mapMetrics } from './metrics.js';
import { mapNetworkAcl, mapSecurityGroup, mapSubnet } from './network.js';
import { mapTargetGroup } from './target-groups.js';

export { AWS_API, ACCESS_DENIED_CODES } from './apis.js';
export { classicLoadBalancerArn } from './context.js';
export { parseClassicHealthTarget } from './classic.js';

export function normalizeAws(raw: AwsRawSnapshot, config: AuditConfig): Inventory {
  const inv = emptyInventory(raw.collectedAt);
  if (raw.demo === true) inv.demo = true;
  let metricsCollected = false;
  for (const region of raw.regions) {
    const ctx = buildContext(region);
    inv.scopes.push({ provider: 'aws', ...(region.account ? { account: region.account } : {}), region: region.region });

    const policies: NetworkPolicy[] = [
      ...region.ec2.securityGroups.map((g) => mapSecurityGroup(g, ctx)),
      ...region.ec2.networkAcls.map((a) => mapNetworkAcl(a, ctx)),
    ];
    const policiesById = new Map(policies.map((p) => [p.ref.id, p]));
    // Pools first: an NLB's traffic sources depend on whether its target groups preserve client IPs.
    const pools: BackendPool[] = region.elbv2.targetGroups.map((tg) => mapTargetGroup(tg, ctx));
    inv.loadBalancers.push(...region.elbv2.loadBalancers.map((lb) => mapLoadBalancer(lb, pools, policiesById, ctx)));
    for (const clb of region.elb.loadBalancers) {
      const { loadBalancer, pool } = mapClassic(clb, ctx);
      inv.loadBalancers.push(loadBalancer);
      pools.push(pool);
    }
    inv.backendPools.push(...pools);
    inv.networkPolicies.push(...policies);
    inv.subnets.push(...region.ec2.subnets.map((s) => mapSubnet(s, ctx)));
    inv.metrics.push(...mapMetrics(region.cloudwatch));
    if (region.cloudwatch.window) metricsCollected = true;
    inv.coverage.push(...mapCoverage(ctx));
  }
  if (metricsCollected && raw.options.metricsWindowSeconds > 0) inv.metricsWindowSeconds = raw.options.metricsWindowSeconds;
  return applyBackendDeclarations(inv, config);
}
