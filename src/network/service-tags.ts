/**
 * Service tags whose prefixes depend on the customer's network, derived from collected facts instead of left unknown.
 *
 * Azure's `VirtualNetwork` tag covers "the virtual network address space, all connected on-premises address spaces,
 * peered virtual networks, virtual networks connected to a virtual network gateway, the virtual IP address of the host,
 * and address prefixes used on user-defined routes"
 * (https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags). The derivation is
 * complete only when every one of those parts is known; otherwise it says what is missing and the tag stays unknown.
 *
 * The host's virtual IP (168.63.129.16) is left out on purpose: it is the source of Azure's own probes, which NSGs
 * match through `AzureLoadBalancer`, and a `VirtualNetwork` traffic source (clients of an internal load balancer) never
 * sends from it.
 */
import { toRange } from '../model/cidr.js';
import type { NetworkContext } from './types.js';

/** A peering of the virtual network, as the provider reports it. */
export interface PeeringFacts {
  name: string;
  /** `Connected`, `Initiated`, `Disconnected`: only a connected peering joins the tag. */
  state?: string;
  /** The remote network's address space as the peering reports it; undefined when not reported. */
  remotePrefixes?: string[];
  /** The peering reaches on-premises networks through the remote network's gateway. */
  usesRemoteGateways?: boolean;
}

export interface VirtualNetworkFacts {
  /** The network's own address space; undefined when not collected. */
  addressPrefixes?: string[];
  peerings?: PeeringFacts[];
  /**
   * On-premises prefixes connected through the network's gateway, when the data has them; undefined with `hasGateway`
   * means they exist but are not known.
   */
  onPremisesPrefixes?: string[];
  /** The network has a gateway subnet (VPN / ExpressRoute): on-premises prefixes join the tag. */
  hasGateway?: boolean;
  /** Prefixes of the user-defined routes on its subnets; undefined when a route table could not be read. */
  routePrefixes?: string[];
}

export type DerivedPrefixes = { complete: true; prefixes: string[] } | { complete: false; missing: string };

function usable(prefixes: readonly string[]): boolean {
  return prefixes.every((p) => toRange(p.includes('/') ? p : `${p}/32`) !== undefined);
}

/**
 * The prefixes of Azure's `VirtualNetwork` tag as seen from one virtual network.
 * @example virtualNetworkTagPrefixes({ addressPrefixes: ['10.30.0.0/16'], peerings: [], routePrefixes: [] })
 *   // → { complete: true, prefixes: ['10.30.0.0/16'] }
 */
export function virtualNetworkTagPrefixes(facts: VirtualNetworkFacts): DerivedPrefixes {
  if (!facts.addressPrefixes || facts.addressPrefixes.length === 0) return { complete: false, missing: 'the address space of the virtual network was not collected' };
  if (facts.routePrefixes === undefined) return { complete: false, missing: 'the user-defined routes of its subnets were not collected' };
  const prefixes = [...facts.addressPrefixes];
  for (const p of facts.peerings ?? []) {
    if ((p.state ?? '').toLowerCase() !== 'connected') continue;
    if (!p.remotePrefixes || p.remotePrefixes.length === 0) return { complete: false, missing: `the remote address space of peering ${p.name} was not reported` };
    if (p.usesRemoteGateways) return { complete: false, missing: `peering ${p.name} reaches on-premises networks through a remote gateway, whose prefixes are not collected` };
    prefixes.push(...p.remotePrefixes);
  }
  if (facts.hasGateway) {
    if (facts.onPremisesPrefixes === undefined) return { complete: false, missing: 'the virtual network has a gateway, and the on-premises prefixes it connects are not collected' };
    prefixes.push(...facts.onPremisesPrefixes);
  }
  prefixes.push(...facts.routePrefixes);
  const unique = [...new Set(prefixes.map((p) => p.trim()))];
  if (!usable(unique)) return { complete: false, missing: `a prefix of the tag is not an address block (${unique.join(', ')})` };
  return { complete: true, prefixes: unique };
}

/** The attribute under which an adapter records a derived tag on a load balancer: `serviceTag.VirtualNetwork`. */
export function serviceTagAttribute(tag: string): string {
  return `serviceTag.${tag}`;
}

/** The derived tags recorded in a load balancer's attributes (comma-separated prefixes), by tag. */
export function serviceTagPrefixesFromAttributes(attributes: Readonly<Record<string, string>> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (!key.startsWith('serviceTag.') || value.trim() === '') continue;
    out[key.slice('serviceTag.'.length)] = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  }
  return out;
}

/** A network context that answers the given tags, and defers to `base` for everything else. */
export function withServiceTagPrefixes(base: NetworkContext, prefixes: Readonly<Record<string, string[]>>): NetworkContext {
  const byTag = new Map(Object.entries(prefixes).map(([tag, list]) => [tag.toLowerCase(), list]));
  if (byTag.size === 0) return base;
  return { ...base, serviceTagPrefixes: (tag) => byTag.get(tag.toLowerCase()) ?? base.serviceTagPrefixes(tag) };
}
