/**
 * Google Cloud normalize: raw snapshot → provider-neutral inventory. Pure: no I/O, no clock (the clock is the
 * snapshot's `collectedAt`), so a saved snapshot replays identically.
 */
import type { AuditConfig } from '../../../src/engine/config.js';
import { applyBackendDeclarations } from '../../../src/model/declarations.js';
import type { BackendPool, CoverageGap, Inventory, LoadBalancer, Subnet } from '../../../src/model/index.js';
import { emptyInventory } from '../../../src/model/index.js';
import { parseLink, relativeName } from '../links.js';
import type { GcpProjectSnapshot, GcpRawSnapshot } from '../raw.js';
import { buildContext, regionOfLink } from './context.js';
import { mapCoverage } from './coverage.js';
import { mapFirewalls } from './firewalls.js';
import { mapLoadBalancers } from './load-balancers.js';
import { mapMetrics } from './metrics.js';
import { mapPool } from './pools.js';
import { vmPlacement } from './vms.js';

function mapSubnets(raw: GcpProjectSnapshot): Subnet[] {
  return raw.compute.subnetworks.map((s) => {
    const id = relativeName(s.selfLink);
    const region = regionOfLink(s.selfLink);
    return {
      id,
      ...(s.ipCidrRange ? { cidr: s.ipCidrRange } : {}),
      ...(s.ipv6CidrRange ? { ipv6Cidrs: [s.ipv6CidrRange] } : {}),
      ...(region ? { zone: region } : {}),
      ...(s.network ? { networkId: relativeName(s.network) } : {}),
      networkPolicyIds: [],
      ...(s.purpose ? { purpose: s.purpose } : {}),
    };
  });
}

/** The networks a backend service's groups live in. */
function groupNetworks(raw: GcpProjectSnapshot): (serviceId: string) => string[] {
  const ctx = buildContext(raw);
  return (serviceId) => {
    const service = ctx.backendService(serviceId);
    const out: string[] = [];
    if (service?.network) out.push(relativeName(service.network));
    for (const b of service?.backends ?? []) {
      const link = parseLink(b.group);
      const network = link?.collection === 'instanceGroups' ? ctx.instanceGroup(link.relative)?.network : link ? ctx.neg(link.relative)?.network : undefined;
      if (network) out.push(relativeName(network));
    }
    return out;
  };
}

function normalizeProject(raw: GcpProjectSnapshot, inv: Inventory): void {
  const ctx = buildContext(raw);
  const gaps: CoverageGap[] = [];
  const firewalls = mapFirewalls(ctx);
  const lbs: LoadBalancer[] = mapLoadBalancers(ctx, groupNetworks(raw));
  const placement = vmPlacement(ctx, firewalls, gaps);
  const lbsOfPool = new Map<string, LoadBalancer[]>();
  for (const lb of lbs) {
    const ids = new Set(lb.listeners.flatMap((l) => [...l.defaultPoolIds, ...l.routes.flatMap((r) => r.poolIds)]));
    for (const id of ids) lbsOfPool.set(id, [...(lbsOfPool.get(id) ?? []), lb]);
  }
  const pools: BackendPool[] = raw.compute.backendServices.map((s) => mapPool(ctx, s, lbsOfPool.get(relativeName(s.selfLink)) ?? [], placement));
  inv.scopes.push({ provider: 'gcp', account: raw.project, region: 'global' });
  inv.loadBalancers.push(...lbs);
  inv.backendPools.push(...pools);
  inv.networkPolicies.push(...firewalls.policies);
  inv.subnets.push(...mapSubnets(raw));
  inv.metrics.push(...mapMetrics(raw.monitoring, lbs, pools));
  inv.coverage.push(...mapCoverage(raw.errors), ...firewalls.gaps, ...gaps);
}

/**
 * @example const inventory = normalizeGcp(validateGcpRaw(JSON.parse(text)), {});
 */
export function normalizeGcp(raw: GcpRawSnapshot, config: AuditConfig): Inventory {
  const inv = emptyInventory(raw.collectedAt);
  if (raw.demo === true) inv.demo = true;
  for (const project of raw.projects) normalizeProject(project, inv);
  if (raw.options.metricsWindowSeconds > 0 && raw.projects.some((p) => p.monitoring.window)) inv.metricsWindowSeconds = raw.options.metricsWindowSeconds;
  return applyBackendDeclarations(inv, config);
}
