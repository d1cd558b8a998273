/**
 * Network security groups → NetworkPolicy, virtual-network subnets → Subnet (with their NSG and user-defined routes).
 */
import type { NetworkPolicy, Peer, PolicyRule, PortRange, Subnet, SubnetRoute } from '../../../src/model/index.js';
import { parseCidr } from '../../../src/model/cidr.js';
import type { DerivedPrefixes } from '../../../src/network/service-tags.js';
import { serviceTagAttribute, virtualNetworkTagPrefixes } from '../../../src/network/service-tags.js';
import type { RawNetworkSecurityGroup, RawVirtualNetwork } from '../raw.js';
import type { SubscriptionContext } from './context.js';
import { lowerProtocol, uniq } from './context.js';
import { idKey, parentAt } from '../ids.js';

type RawSecurityRule = NonNullable<RawNetworkSecurityGroup['securityRules']>[number];

/** The network tag an application security group's members carry in the model (see Target.networkTags). */
export function asgTag(asgId: string): string {
  return `asg:${idKey(asgId)}`;
}

/** `*`, `80`, `1000-2000`; undefined for a spec that is not a port or range (never read as "all ports"). */
export function parsePortSpec(spec: string): PortRange | 'all' | undefined {
  const s = spec.trim();
  if (s === '*' || s.toLowerCase() === 'any') return 'all';
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] !== undefined ? Number(m[2]) : from;
  return from <= to && to <= 65535 ? { from, to } : undefined;
}

/** An NSG address prefix → peer: `*` any, a CIDR or address, else a service tag (`Internet`, `AzureLoadBalancer`, `Storage.WestEurope`). */
export function prefixPeer(prefix: string): Peer {
  const p = prefix.trim();
  if (p === '*' || p.toLowerCase() === 'any') return { type: 'any' };
  const withLength = p.includes('/') ? p : `${p}/${p.includes(':') ? 128 : 32}`;
  if (parseCidr(withLength)) return { type: 'cidr', cidr: withLength };
  return { type: 'service-tag', tag: p };
}

function peersOf(single: string | undefined, list: string[] | undefined, asgs: Array<{ id?: string }> | undefined): Peer[] {
  const fromAsgs: Peer[] = (asgs ?? []).filter((a) => a.id).map((a) => ({ type: 'network-tag', tag: asgTag(a.id as string) }));
  const prefixes = list && list.length > 0 ? list : single !== undefined && single !== '' ? [single] : [];
  // Application security groups replace the address prefix; a leftover `*` beside them does not mean "any".
  const peers = prefixes.map(prefixPeer).filter((p) => fromAsgs.length === 0 || p.type !== 'any');
  return [...peers, ...fromAsgs];
}

/**
 * One stored rule → model rules: one per (peer × port range). Inbound rules match the source as the peer and apply to
 * their destination prefixes; outbound rules the reverse. A port spec that cannot be read drops that part of the rule
 * (never widened to all ports).
 */
export function mapSecurityRule(rule: RawSecurityRule): PolicyRule[] {
  const ingress = (rule.direction ?? '').toLowerCase() === 'inbound';
  const egress = (rule.direction ?? '').toLowerCase() === 'outbound';
  if ((!ingress && !egress) || rule.priority === undefined) return [];
  const sources = peersOf(rule.sourceAddressPrefix, rule.sourceAddressPrefixes, rule.sourceApplicationSecurityGroups);
  const destinations = peersOf(rule.destinationAddressPrefix, rule.destinationAddressPrefixes, rule.destinationApplicationSecurityGroups);
  const peers = ingress ? sources : destinations;
  const local = ingress ? destinations : sources;
  // A rule for any local address applies everywhere; otherwise its prefixes select the protected endpoint.
  const appliesTo = local.some((p) => p.type === 'any') ? [] : local;
  const portSpecs = rule.destinationPortRanges && rule.destinationPortRanges.length > 0 ? rule.destinationPortRanges : [rule.destinationPortRange ?? '*'];
  const ports = portSpecs.map(parsePortSpec).filter((p): p is PortRange | 'all' => p !== undefined);
  const out: PolicyRule[] = [];
  for (const peer of peers) {
    for (const range of ports) {
      out.push({
        ...(rule.name ? { id: rule.name } : {}),
        direction: ingress ? 'ingress' : 'egress',
        action: (rule.access ?? '').toLowerCase() === 'allow' ? 'allow' : 'deny',
        protocol: lowerProtocol(rule.protocol),
        ...(range !== 'all' ? { ports: range } : {}),
        peer,
        priority: rule.priority,
        ...(rule.description ? { description: rule.description } : {}),
        ...(appliesTo.length > 0 ? { appliesTo } : {}),
      });
    }
  }
  return out;
}

export function mapNetworkSecurityGroup(nsg: RawNetworkSecurityGroup, ctx: SubscriptionContext): NetworkPolicy {
  const id = nsg.id ?? '';
  const rules = [...(nsg.securityRules ?? []), ...(nsg.defaultSecurityRules ?? [])].flatMap(mapSecurityRule);
  const subnetIds = (nsg.subnets ?? []).map((s) => s.id).filter((s): s is string => !!s);
  const nicIds = (nsg.networkInterfaces ?? []).map((n) => n.id).filter((n): n is string => !!n);
  const networkId = subnetIds.map((s) => parentAt(s, 'virtualNetworks')).find((v) => v !== undefined);
  return {
    ref: ctx.ref('network-policy', 'azure-nsg', id, nsg.name ?? id, nsg.location),
    kind: 'azure-nsg',
    stateful: true,
    ...(networkId ? { networkId: ctx.raw.network.virtualNetworks.find((v) => v.id && idKey(v.id) === idKey(networkId))?.id ?? networkId } : {}),
    rules,
    attachedTo: uniq([...subnetIds, ...nicIds]).sort(),
  };
}

function routesOf(routeTableId: string | undefined, ctx: SubscriptionContext): { routeTableId?: string; routes?: SubnetRoute[] } {
  if (!routeTableId) return { routes: [] };
  const table = ctx.routeTable(routeTableId);
  // Associated but not read (listing failed, or the table lives in a subscription not audited): routes unknown.
  if (!table) return { routeTableId };
  const routes = (table.routes ?? [])
    .filter((r) => r.addressPrefix && r.nextHopType)
    .map((r) => ({
      name: r.name ?? '',
      addressPrefix: r.addressPrefix as string,
      nextHopType: r.nextHopType as string,
      ...(r.nextHopIpAddress ? { nextHopAddress: r.nextHopIpAddress } : {}),
    }));
  return { routeTableId: table.id ?? routeTableId, routes };
}

export function mapSubnets(vnet: RawVirtualNetwork, ctx: SubscriptionContext): Subnet[] {
  return (vnet.subnets ?? [])
    .filter((s) => s.id)
    .map((s) => {
      const prefixes = s.addressPrefix ? [s.addressPrefix] : (s.addressPrefixes ?? []);
      const v4 = prefixes.find((p) => !p.includes(':'));
      const v6 = prefixes.filter((p) => p.includes(':'));
      const nsgId = s.networkSecurityGroup?.id ? (ctx.nsg(s.networkSecurityGroup.id)?.id ?? s.networkSecurityGroup.id) : undefined;
      return {
        id: s.id as string,
        ...(v4 ? { cidr: v4 } : {}),
        ...(v6.length > 0 ? { ipv6Cidrs: v6 } : {}),
        ...(vnet.id ? { networkId: vnet.id } : {}),
        networkPolicyIds: nsgId ? [nsgId] : [],
        ...(s.purpose ? { purpose: s.purpose } : {}),
        ...routesOf(s.routeTable?.id, ctx),
      };
    });
}

/**
 * The `VirtualNetwork` service tag as seen from a virtual network: its address space, its connected peerings' remote
 * address spaces and the prefixes of the user-defined routes on its subnets. On-premises prefixes are not collected,
 * so a network with a gateway subnet, or a peering that uses a remote gateway, leaves the tag undecided.
 */
export function virtualNetworkTag(vnet: RawVirtualNetwork, ctx: SubscriptionContext): DerivedPrefixes {
  const routePrefixes: string[] = [];
  let routesKnown = true;
  for (const subnet of vnet.subnets ?? []) {
    if (!subnet.routeTable?.id) continue;
    const table = ctx.routeTable(subnet.routeTable.id);
    if (!table) routesKnown = false;
    else routePrefixes.push(...(table.routes ?? []).map((r) => r.addressPrefix).filter((a): a is string => !!a));
  }
  return virtualNetworkTagPrefixes({
    ...(vnet.addressSpace?.addressPrefixes ? { addressPrefixes: vnet.addressSpace.addressPrefixes } : {}),
    peerings: (vnet.virtualNetworkPeerings ?? []).map((p) => {
      const remote = p.remoteVirtualNetworkAddressSpace?.addressPrefixes ?? p.remoteAddressSpace?.addressPrefixes;
      return {
        name: p.name ?? nameOfPeering(p.id),
        ...(p.peeringState ? { state: p.peeringState } : {}),
        ...(remote ? { remotePrefixes: remote } : {}),
        ...(p.useRemoteGateways ? { usesRemoteGateways: true } : {}),
      };
    }),
    hasGateway: (vnet.subnets ?? []).some((s) => (s.name ?? '').toLowerCase() === 'gatewaysubnet'),
    ...(routesKnown ? { routePrefixes } : {}),
  });
}

function nameOfPeering(id: string | undefined): string {
  return id?.split('/').pop() ?? '?';
}

/** The load balancer attributes that carry the derived `VirtualNetwork` tag (nothing when it cannot be derived). */
export function virtualNetworkTagAttributes(vnet: RawVirtualNetwork | undefined, ctx: SubscriptionContext): Record<string, string> {
  if (!vnet) return {};
  const derived = virtualNetworkTag(vnet, ctx);
  return derived.complete ? { [serviceTagAttribute('VirtualNetwork')]: derived.prefixes.join(',') } : {};
}
