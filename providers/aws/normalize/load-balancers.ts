/**
 * ELBv2 load balancers (ALB, NLB, GWLB) → LoadBalancer.
 */
import type { BackendPool, LoadBalancer, LoadBalancerKind, NetworkPolicy, NotCollected, Peer, Sourced, Zone } from '../../../src/model/index.js';
import { AWS_API } from './apis.js';
import type { RawLoadBalancer, RegionContext } from './context.js';
import { attributesToRecord, parseBoolean, parseSeconds, readAttribute, uniq } from './context.js';
import { mapListener } from './listeners.js';

const KINDS: Readonly<Record<string, { kind: LoadBalancerKind; layer: 4 | 7 }>> = {
  application: { kind: 'aws-alb', layer: 7 },
  network: { kind: 'aws-nlb', layer: 4 },
  // GWLB forwards IP packets (GENEVE); 4 is the closest layer the model has.
  gateway: { kind: 'aws-gwlb', layer: 4 },
};

/** The description ELB gives its ENIs: `ELB app/NAME/ID`, `ELB net/NAME/ID`, `ELB gwy/NAME/ID` (the ARN's resource part). */
export function elbv2EniDescription(arn: string): string {
  return `ELB ${arn.split(':loadbalancer/')[1] ?? ''}`;
}

/** Zones with the private addresses of the LB's nodes, from its ENIs (and NLB LoadBalancerAddresses). */
export function zonesWithAddresses(
  zones: Array<{ name: string; subnetId?: string; declared?: string[] }>,
  eniDescription: string,
  ctx: RegionContext,
): Zone[] {
  const enis = ctx.lbEnis(eniDescription);
  return zones.map((z) => {
    const fromEnis = enis
      .filter((e) => (z.subnetId ? e.SubnetId === z.subnetId : e.AvailabilityZone === z.name))
      .flatMap((e) => uniq([e.PrivateIpAddress, ...(e.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress)]))
      .filter((ip): ip is string => !!ip);
    const addresses = uniq([...(z.declared ?? []), ...fromEnis]);
    return { name: z.name, ...(z.subnetId ? { subnetId: z.subnetId } : {}), ...(addresses.length > 0 ? { addresses } : {}) };
  });
}

/**
 * Where an LB's own traffic comes from when it has no security group: its node addresses; when those were not
 * collected, the CIDRs of the subnets the nodes live in; failing that, the VPC CIDR.
 */
export function nodeSources(zones: Zone[], vpcId: string | undefined, ctx: RegionContext): Peer[] {
  const addresses = zones.flatMap((z) => z.addresses ?? []);
  if (addresses.length > 0) return addresses.map((a) => ({ type: 'cidr', cidr: `${a}/32` }));
  const subnetCidrs = zones.map((z) => (z.subnetId ? ctx.subnet(z.subnetId)?.CidrBlock : undefined));
  if (subnetCidrs.length > 0 && subnetCidrs.every((c): c is string => !!c)) return uniq(subnetCidrs).map((cidr) => ({ type: 'cidr', cidr }));
  return (vpcId ? ctx.vpcCidrs(vpcId) : []).map((cidr) => ({ type: 'cidr', cidr }));
}

const groupPeers = (groups: string[]): Peer[] => groups.map((groupId) => ({ type: 'security-group', groupId }));

/**
 * Clients of an NLB that preserves client IPs: the peers its security groups admit on a listener port, or anyone
 * (0.0.0.0/0, and ::/0 when dual-stack) when it has no security group.
 */
function nlbClientSources(lb: RawLoadBalancer, listenerPorts: number[], policies: Map<string, NetworkPolicy>): Peer[] {
  const groups = lb.SecurityGroups ?? [];
  if (groups.length === 0) {
    const any: Peer[] = [{ type: 'cidr', cidr: '0.0.0.0/0' }];
    if (lb.IpAddressType?.startsWith('dualstack')) any.push({ type: 'cidr', cidr: '::/0' });
    return any;
  }
  const peers = new Map<string, Peer>();
  for (const id of groups) {
    for (const rule of policies.get(id)?.rules ?? []) {
      if (rule.direction !== 'ingress') continue;
      const coversListener = !rule.ports || listenerPorts.some((p) => rule.ports && p >= rule.ports.from && p <= rule.ports.to);
      if (coversListener && rule.peer.type !== 'security-group') peers.set(JSON.stringify(rule.peer), rule.peer);
    }
  }
  return [...peers.values()];
}

export function mapLoadBalancer(lb: RawLoadBalancer, pools: BackendPool[], policies: Map<string, NetworkPolicy>, ctx: RegionContext): LoadBalancer {
  const arn = lb.LoadBalancerArn ?? '';
  const name = lb.LoadBalancerName ?? arn;
  const { kind, layer } = KINDS[lb.Type ?? 'application'] ?? { kind: 'aws-alb', layer: 7 };
  const attributes = ctx.failed(AWS_API.describeLoadBalancerAttributes, arn) ? undefined : ctx.raw.elbv2.loadBalancerAttributes[arn];
  const listeners = ctx.failed(AWS_API.describeListeners, arn) ? [] : (ctx.raw.elbv2.listeners[arn] ?? []);
  const zones = zonesWithAddresses(
    (lb.AvailabilityZones ?? []).map((z) => ({
      name: z.ZoneName ?? '',
      ...(z.SubnetId ? { subnetId: z.SubnetId } : {}),
      declared: (z.LoadBalancerAddresses ?? []).map((a) => a.PrivateIPv4Address).filter((ip): ip is string => !!ip),
    })),
    elbv2EniDescription(arn),
    ctx,
  );
  const groups = lb.SecurityGroups ?? [];

  let backendIdle: Sourced<number> | undefined;
  let clientKeepAlive: Sourced<number> | undefined;
  let crossZone: Sourced<boolean> | undefined;
  if (kind === 'aws-alb') {
    backendIdle = readAttribute(attributes, 'idle_timeout.timeout_seconds', parseSeconds, { value: 60, doc: 'documented default 60 s' });
    clientKeepAlive = readAttribute(attributes, 'client_keep_alive.seconds', parseSeconds, { value: 3600, doc: 'documented default 3600 s' });
    crossZone = readAttribute(attributes, 'load_balancing.cross_zone.enabled', parseBoolean, { value: true, doc: 'always on for ALB' });
  } else if (kind === 'aws-nlb') {
    crossZone = readAttribute(attributes, 'load_balancing.cross_zone.enabled', parseBoolean, { value: false, doc: 'documented default off for NLB' });
  } else {
    crossZone = readAttribute(attributes, 'load_balancing.cross_zone.enabled', parseBoolean);
  }

  // ALB nodes are always behind the ALB's security groups. An NLB's probes and forwarded traffic leave from its
  // security groups when it has some, else from its node addresses (CHECKS.md N5, aws.nlb.sg-health-check).
  const own = groups.length > 0 ? groupPeers(groups) : nodeSources(zones, lb.VpcId, ctx);
  let trafficSources = own;
  if (kind === 'aws-nlb') {
    const mine = pools.filter((p) => p.loadBalancerIds.includes(arn));
    if (mine.some((p) => p.preservesClientIp?.value === true)) {
      const ports = listeners.map((l) => l.Port).filter((p): p is number => p !== undefined);
      const clients = nlbClientSources(lb, ports, policies);
      const seen = new Set(own.map((p) => JSON.stringify(p)));
      trafficSources = [...own, ...clients.filter((c) => !seen.has(JSON.stringify(c)))];
    }
  }

  return {
    ref: ctx.ref('load-balancer', kind, arn, name),
    kind,
    layer,
    ...(lb.Scheme ? { scheme: lb.Scheme } : {}),
    ...(lb.State?.Code ? { state: lb.State.Code } : {}),
    ...(lb.DNSName ? { dnsName: lb.DNSName } : {}),
    ...(lb.VpcId ? { networkId: lb.VpcId } : {}),
    zones,
    ...(crossZone ? { crossZoneEnabled: crossZone } : {}),
    listeners: listeners.map((l) => mapListener(l, { name, ...(lb.Type ? { type: lb.Type } : {}) }, ctx)),
    ...(backendIdle ? { backendIdleTimeoutSeconds: backendIdle } : {}),
    ...(clientKeepAlive ? { clientKeepAliveSeconds: clientKeepAlive } : {}),
    networkPolicyIds: [...groups],
    subnetIds: zones.map((z) => z.subnetId).filter((s): s is string => !!s),
    healthCheckSources: own,
    trafficSources,
    attributes: attributesToRecord(attributes),
    tags: ctx.elbv2Tags(arn),
    ...notCollectedOn(ctx, arn, listeners),
  };
}

/**
 * What could not be read about an ELBv2 load balancer: its listeners, their rules (a failed DescribeRules on any
 * listener), its attributes. Checks answer `unknown` for what depends on them instead of "routes to no pool".
 */
function notCollectedOn(ctx: RegionContext, arn: string, listeners: Array<{ ListenerArn?: string }>): { notCollected?: NotCollected[] } {
  const list: NotCollected[] = [
    ...ctx.notCollected(AWS_API.describeListeners, 'listeners', arn),
    ...ctx.notCollected(AWS_API.describeLoadBalancerAttributes, 'attributes', arn),
    ...listeners.flatMap((l) => ctx.notCollected(AWS_API.describeRules, 'routes', l.ListenerArn ?? '')).slice(0, 1),
  ];
  return list.length ? { notCollected: list } : {};
}
