/**
 * Azure Load Balancers → LoadBalancer (one listener per load-balancing rule) + one BackendPool per (backend pool ×
 * rule) pair: the rule decides the backend port, the probe and the idle timeout of that traffic, and per-rule health
 * is reported per rule. A backend pool no rule uses is a BackendPool of its own, routed by nothing.
 */
import type { BackendPool, HealthCheck, Listener, LoadBalancer, NotCollected, Peer, Sourced, Target } from '../../../src/model/index.js';
import { AZURE_API } from '../apis.js';
import type { RawLoadBalancer, RawRuleHealth } from '../raw.js';
import type { SubscriptionContext } from './context.js';
import { tagsOf, uniq } from './context.js';
import { modelProtocol, notCollectedIf, unusedPools } from './common.js';
import { notCollectedHealth, ruleHealth } from './health.js';
import { IdIndex, idKey, nameOfId, parentAt } from '../ids.js';
import type { Placement } from './targets.js';
import { placementOfAddress, placementOfIpConfig } from './targets.js';
import { virtualNetworkTagAttributes } from './network.js';

type RawPool = NonNullable<RawLoadBalancer['backendAddressPools']>[number];
type RawRule = NonNullable<RawLoadBalancer['loadBalancingRules']>[number];
type RawProbe = NonNullable<RawLoadBalancer['probes']>[number];
type RawNatRule = NonNullable<RawLoadBalancer['inboundNatRules']>[number];

/** Documented defaults: the REST API's probe interval, the rule idle timeout (load-balancer-tcp-idle-timeout), probeThreshold. */
export const LB_DEFAULT_PROBE_INTERVAL_SECONDS = 15;
export const LB_HTTP_PROBE_TIMEOUT_SECONDS = 30;
export const LB_DEFAULT_IDLE_TIMEOUT_MINUTES = 4;

export function rulePairId(pool: RawPool, rule: RawRule): string {
  return `${pool.id ?? ''}~${rule.name ?? nameOfId(rule.id ?? '')}`;
}

function healthCheckOf(rule: RawRule, probe: RawProbe | undefined, ctx: SubscriptionContext, location: string | undefined): HealthCheck {
  if (!probe) return { enabled: false };
  const protocol = modelProtocol(probe.protocol);
  const http = protocol === 'HTTP' || protocol === 'HTTPS';
  const interval: Sourced<number> =
    probe.intervalInSeconds !== undefined
      ? { value: probe.intervalInSeconds, source: 'api', detail: `probe ${probe.name ?? ''} intervalInSeconds` }
      : { value: LB_DEFAULT_PROBE_INTERVAL_SECONDS, source: 'provider-default', detail: 'intervalInSeconds not returned; REST API default 15 s' };
  const threshold: Sourced<number> =
    probe.probeThreshold !== undefined
      ? { value: probe.probeThreshold, source: 'api', detail: `probe ${probe.name ?? ''} probeThreshold` }
      : { value: 1, source: 'provider-default', detail: `probeThreshold not set, default 1${probe.numberOfProbes !== undefined ? ` (the legacy numberOfProbes ${probe.numberOfProbes} is not used)` : ''}` };
  return {
    enabled: true,
    ...(protocol ? { protocol } : {}),
    ...(probe.port !== undefined ? { port: probe.port } : {}),
    usesTrafficPort: probe.port !== undefined && probe.port === rule.backendPort,
    ...(http && probe.requestPath !== undefined ? { path: probe.requestPath } : {}),
    intervalSeconds: interval,
    // Azure has no timeout setting: an HTTP(S) probe gives up after 30 s or the interval, whichever is shorter; a TCP
    // probe fails when the next one is sent.
    timeoutSeconds: http
      ? { value: Math.min(LB_HTTP_PROBE_TIMEOUT_SECONDS, interval.value), source: 'fixed', detail: 'HTTP(S) probes time out after 30 s or the interval, whichever is shorter' }
      : { value: interval.value, source: 'fixed', detail: 'a TCP probe fails when the next probe is sent' },
    healthyThreshold: threshold,
    unhealthyThreshold: threshold,
    // An HTTP(S) probe is healthy only on 200 (no 3xx).
    ...(http ? { matcher: '200', successCodes: [{ from: 200, to: 200 }] } : {}),
    ...(probe.id ? { ref: ctx.ref('backend-pool', 'azure-lb-probe', probe.id, probe.name ?? nameOfId(probe.id), location) } : {}),
  };
}

interface Member {
  kind: 'nic' | 'ip';
  ref: string;
}

function membersOf(pool: RawPool): Member[] {
  const out: Member[] = [];
  const seen = new Set<string>();
  const add = (m: Member) => {
    const key = `${m.kind}|${m.kind === 'nic' ? idKey(m.ref) : m.ref}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(m);
    }
  };
  for (const c of pool.backendIPConfigurations ?? []) if (c.id) add({ kind: 'nic', ref: c.id });
  for (const a of pool.loadBalancerBackendAddresses ?? []) {
    if (a.networkInterfaceIPConfiguration?.id) add({ kind: 'nic', ref: a.networkInterfaceIPConfiguration.id });
    else if (a.ipAddress) add({ kind: 'ip', ref: a.ipAddress });
  }
  return out;
}

function targetsOf(pool: RawPool, port: number, health: RawRuleHealth | undefined, missingHealth: string, ctx: SubscriptionContext): { targets: Target[]; problems: string[] } {
  const problems: string[] = [];
  const targets = membersOf(pool).map((member): Target => {
    const placement: Placement | undefined = member.kind === 'nic' ? placementOfIpConfig(member.ref, ctx) : placementOfAddress(member.ref, ctx);
    problems.push(...(placement?.declarationProblems ?? []));
    const address = placement?.address ?? (member.kind === 'ip' ? member.ref : undefined);
    const entry = health?.loadBalancerBackendAddresses?.find(
      (a) =>
        (member.kind === 'nic' && a.networkInterfaceIPConfigurationId !== undefined && idKey(a.networkInterfaceIPConfigurationId) === idKey(member.ref)) ||
        (address !== undefined && a.ipAddress === address),
    );
    const state = entry
      ? ruleHealth(entry.state, entry.reason, placement?.instanceState)
      : notCollectedHealth(health ? 'the rule health answer does not list this backend' : missingHealth);
    const nicId = placement?.nicId ?? (member.kind === 'nic' ? parentAt(member.ref, 'networkInterfaces') : undefined);
    return {
      key: `${address ?? member.ref}:${port}`,
      id: member.ref,
      type: member.kind,
      ...(address ? { address } : {}),
      port,
      ...(placement?.zone ? { zone: placement.zone } : {}),
      ...(placement?.subnetId ? { subnetId: placement.subnetId } : {}),
      ...(placement?.instanceState ? { instanceState: placement.instanceState } : {}),
      health: state,
      networkPolicyIds: placement?.networkPolicyIds ?? [],
      ...(placement?.networkTags ? { networkTags: placement.networkTags } : {}),
      ...(nicId ? { nicId } : {}),
      ...(placement?.backend ? { backend: placement.backend } : {}),
    };
  });
  return { targets, problems };
}

/** A rule's idle timeout and TCP reset, with the documented defaults when the API omits them. */
function idleFacts(rule: { name?: string; idleTimeoutInMinutes?: number; enableTcpReset?: boolean }, what: string): Pick<Listener, 'idleTimeoutSeconds' | 'resetsIdleFlows'> {
  const minutes = rule.idleTimeoutInMinutes;
  return {
    idleTimeoutSeconds:
      minutes !== undefined
        ? { value: minutes * 60, source: 'api', detail: `idleTimeoutInMinutes ${minutes} of ${what} ${rule.name ?? ''}` }
        : { value: LB_DEFAULT_IDLE_TIMEOUT_MINUTES * 60, source: 'provider-default', detail: 'idleTimeoutInMinutes not returned; documented default 4 min' },
    resetsIdleFlows:
      rule.enableTcpReset !== undefined
        ? { value: rule.enableTcpReset, source: 'api', detail: `enableTcpReset of ${what} ${rule.name ?? ''}` }
        : { value: false, source: 'provider-default', detail: 'enableTcpReset not returned; off by default' },
  };
}

/**
 * An inbound NAT rule → a listener with its own idle timeout and TCP reset. NAT traffic bypasses the probes, so the rule
 * gets no pool of its own (that would read as a pool with health checks off); it routes to the load-balancing pools
 * that hold its backend (a v2 rule's backend pool, a v1 rule's NIC IP configuration), whose backends' keep-alive the
 * idle-timeout checks compare with. A NAT rule whose backend no load-balancing rule serves routes to nothing.
 */
function natListener(rule: RawNatRule, lbName: string, location: string | undefined, pools: readonly BackendPool[], ctx: SubscriptionContext): Listener {
  const backendPoolId = rule.backendAddressPool?.id;
  const ipConfigId = rule.backendIPConfiguration?.id;
  const routed = pools.filter((p) => {
    if (backendPoolId !== undefined) return idKey(p.ref.id.split('~')[0] ?? '') === idKey(backendPoolId);
    return ipConfigId !== undefined && (p.targets ?? []).some((t) => t.type === 'nic' && idKey(t.id) === idKey(ipConfigId));
  });
  return {
    ref: ctx.ref('listener', 'azure-lb-nat-rule', rule.id ?? '', `${lbName}/${rule.name ?? ''}`, location),
    protocol: modelProtocol(rule.protocol) ?? 'TCP',
    port: rule.frontendPort ?? rule.frontendPortRangeStart ?? 0,
    certificates: [],
    defaultPoolIds: uniq(routed.map((p) => p.ref.id)),
    routes: [],
    ...idleFacts(rule, 'inbound NAT rule'),
  };
}

export interface MappedLoadBalancer {
  loadBalancer: LoadBalancer;
  pools: BackendPool[];
  declarationProblems: Array<{ resourceId: string; problem: string }>;
}

export function mapLoadBalancer(lb: RawLoadBalancer, ctx: SubscriptionContext): MappedLoadBalancer {
  const id = lb.id ?? '';
  const name = lb.name ?? nameOfId(id);
  const location = lb.location;
  const pools = new IdIndex(lb.backendAddressPools ?? []);
  const probes = new IdIndex(lb.probes ?? []);
  const tags = tagsOf(lb);
  const problems: MappedLoadBalancer['declarationProblems'] = [];
  const networkGaps: NotCollected[] = [
    ...notCollectedIf(ctx, 'network-policies', AZURE_API.listNetworkInterfaces),
    ...notCollectedIf(ctx, 'network-policies', AZURE_API.listNetworkSecurityGroups),
    ...notCollectedIf(ctx, 'network-policies', AZURE_API.listVirtualNetworks),
  ];
  const routedPoolKeys = new Set<string>();
  const pairPools: BackendPool[] = [];
  const listeners: Listener[] = (lb.loadBalancingRules ?? []).map((rule) => {
    const poolRefs = rule.backendAddressPools && rule.backendAddressPools.length > 0 ? rule.backendAddressPools : rule.backendAddressPool ? [rule.backendAddressPool] : [];
    const probe = probes.get(rule.probe?.id);
    const ruleId = rule.id ?? '';
    const health = ctx.ruleHealth(ruleId);
    const healthGap = notCollectedIf(ctx, 'target-health', AZURE_API.ruleHealth, ruleId);
    const missingHealth = healthGap.length > 0 ? 'rule health was not collected (see coverage)' : 'rule health was not collected';
    const protocol = modelProtocol(rule.protocol);
    // Backend port 0 with protocol All: HA ports, every port.
    const port = rule.backendPort ?? 0;
    const poolIds: string[] = [];
    for (const ref of poolRefs) {
      const pool = pools.get(ref.id);
      if (!pool?.id) continue;
      routedPoolKeys.add(idKey(pool.id));
      const poolId = rulePairId(pool, rule);
      poolIds.push(poolId);
      const built = targetsOf(pool, port, health, missingHealth, ctx);
      for (const problem of built.problems) problems.push({ resourceId: poolId, problem });
      const notCollected = [...(health ? [] : healthGap.length > 0 ? healthGap : [{ input: 'target-health' as const, api: AZURE_API.ruleHealth.operation, code: 'NotCollected' }]), ...networkGaps];
      const members = membersOf(pool);
      pairPools.push({
        ref: ctx.ref('backend-pool', 'azure-lb-backend', poolId, `${pool.name ?? nameOfId(pool.id)}~${rule.name ?? ''}`, location),
        ...(protocol ? { protocol } : {}),
        ...(port > 0 ? { port } : {}),
        ...(members[0] ? { targetType: members[0].kind } : {}),
        ...(pool.virtualNetwork?.id ? { networkId: pool.virtualNetwork.id } : {}),
        // A rule without a probe: Azure treats every backend as up.
        healthCheck: healthCheckOf(rule, rule.probe?.id ? probe : undefined, ctx, location),
        ...(pool.drainPeriodInSeconds !== undefined ? { drainSeconds: { value: pool.drainPeriodInSeconds, source: 'api', detail: `drainPeriodInSeconds of ${pool.name ?? ''}` } } : {}),
        ...(probe?.noHealthyBackendsBehavior?.toLowerCase() === 'allprobedup'
          ? { whenAllUnhealthy: { value: 'fail-open', source: 'api', detail: `probe ${probe.name ?? ''} noHealthyBackendsBehavior AllProbedUp` } }
          : {}),
        ...(notCollected.length > 0 ? { notCollected } : {}),
        targets: built.targets,
        loadBalancerIds: [id],
        attributes: {
          loadBalancer: name,
          backendAddressPool: pool.name ?? '',
          loadBalancingRule: rule.name ?? '',
          probe: probe?.name ?? '(none)',
          ...(rule.enableFloatingIP !== undefined ? { enableFloatingIP: String(rule.enableFloatingIP) } : {}),
        },
        tags,
      });
    }
    return {
      ref: ctx.ref('listener', 'azure-lb-rule', ruleId, `${name}/${rule.name ?? ''}`, location),
      protocol: protocol ?? 'TCP',
      port: rule.frontendPort ?? 0,
      certificates: [],
      defaultPoolIds: uniq(poolIds),
      routes: [],
      ...idleFacts(rule, 'rule'),
    };
  });

  listeners.push(...(lb.inboundNatRules ?? []).map((rule) => natListener(rule, name, location, pairPools, ctx)));

  const unused = unusedPools({
    pools: lb.backendAddressPools,
    routed: routedPoolKeys,
    type: 'azure-lb-backend',
    targetsOf: (pool, reason) => targetsOf(pool, 0, undefined, reason, ctx),
    reason: 'no load-balancing rule uses this backend pool',
    owner: { loadBalancer: name },
    location,
    tags,
    ctx,
    problems,
  });

  const frontends = lb.frontendIPConfigurations ?? [];
  const isPublic = frontends.some((f) => f.publicIPAddress?.id);
  const publicIp = frontends.map((f) => ctx.publicIp(f.publicIPAddress?.id)).find((p) => p !== undefined);
  const subnetIds = uniq(frontends.map((f) => f.subnet?.id).filter((s): s is string => !!s).map((s) => ctx.subnet(s)?.subnet.id ?? s));
  // L4 pass-through: probes come from 168.63.129.16 (AzureLoadBalancer); traffic keeps the client address.
  const trafficSources: Peer[] = frontends.length === 0 ? [] : [{ type: 'service-tag', tag: isPublic ? 'Internet' : 'VirtualNetwork' }];
  const zones = uniq(frontends.flatMap((f) => f.zones ?? []));
  const lbGaps: NotCollected[] = [...networkGaps, ...notCollectedIf(ctx, 'metrics', AZURE_API.listMetrics, id)];
  const attributes: Record<string, string> = {};
  if (lb.sku?.name) attributes['sku.name'] = lb.sku.name;
  if (lb.sku?.tier) attributes['sku.tier'] = lb.sku.tier;
  // The network of an internal frontend, else of the backend pools: where `VirtualNetwork` is seen from.
  const vnet = frontends.map((f) => ctx.subnet(f.subnet?.id)?.vnet).find((v) => v !== undefined) ?? (lb.backendAddressPools ?? []).map((p) => ctx.vnet(p.virtualNetwork?.id)).find((v) => v !== undefined);
  Object.assign(attributes, virtualNetworkTagAttributes(vnet, ctx));

  const loadBalancer: LoadBalancer = {
    ref: ctx.ref('load-balancer', 'azure-lb', id, name, location),
    kind: 'azure-lb',
    layer: 4,
    ...(frontends.length > 0 ? { scheme: isPublic ? 'internet-facing' : 'internal' } : {}),
    ...(lb.provisioningState ? { state: lb.provisioningState } : {}),
    ...(publicIp?.dnsSettings?.fqdn ? { dnsName: publicIp.dnsSettings.fqdn } : {}),
    zones: zones.map((z) => ({ name: z })),
    crossZoneEnabled: { value: true, source: 'fixed', detail: 'Azure Load Balancer distributes to backends in every zone' },
    listeners,
    ...(lb.sku?.name ? { sku: lb.sku.name } : {}),
    ...(lbGaps.length > 0 ? { notCollected: lbGaps } : {}),
    networkPolicyIds: [],
    subnetIds,
    healthCheckSources: [{ type: 'service-tag', tag: 'AzureLoadBalancer' }],
    trafficSources,
    attributes,
    tags,
  };
  return { loadBalancer, pools: [...pairPools, ...unused], declarationProblems: problems };
}
