/** Does a rule's protocol, peer, or target selector match an endpoint? Three-valued where data may be missing. */
import type { AddressRange } from '../model/cidr.js';
import { parseCidr, rangeContains, rangesOverlap, toRange } from '../model/cidr.js';
import type { Peer } from '../model/index.js';
import type { Endpoint, NetworkContext } from './types.js';

/** The other side's addresses as a rule sees them. */
export interface AddressSet {
  ranges: AddressRange[];
  /** `all`: every address must be allowed (clients); `some`: one unknown address among them (a node known by its subnet). */
  quantifier: 'all' | 'some';
  text: string;
}

/** How a rule's peer matches the other endpoint. `ranges` still has to be intersected with the endpoint's addresses. */
export type PeerMatch =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'ranges'; ranges: AddressRange[]; text: string }
  | { kind: 'unknown'; reason: string };

const ANY_PROTOCOL = new Set(['-1', 'all', '*', 'any']);
const PROTOCOL_NUMBERS: Record<string, 'tcp' | 'udp'> = { '6': 'tcp', '17': 'udp' };

/** Rule protocols as the providers write them: `tcp`, `Tcp`, `6`, `-1`, `all`, `*`. */
export function protocolMatches(ruleProtocol: string, flowProtocol: 'tcp' | 'udp'): boolean {
  const p = ruleProtocol.trim().toLowerCase();
  if (ANY_PROTOCOL.has(p)) return true;
  return (PROTOCOL_NUMBERS[p] ?? p) === flowProtocol;
}

/**
 * Documented fixed prefixes of service tags. `AzureLoadBalancer` is the host's virtual IP 168.63.129.16, where
 * Azure Load Balancer probes come from (CHECKS.md Z9; https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16).
 */
export const BUILTIN_SERVICE_TAG_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  azureloadbalancer: ['168.63.129.16/32'],
};

function sameTag(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function rangesOf(texts: readonly string[]): AddressRange[] | undefined {
  const out: AddressRange[] = [];
  for (const t of texts) {
    const r = toRange(t);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}

function tagPrefixes(tag: string, ctx: NetworkContext): string[] | undefined {
  return ctx.serviceTagPrefixes(tag) ?? BUILTIN_SERVICE_TAG_PREFIXES[tag.toLowerCase()]?.slice();
}

/** The endpoint's addresses; undefined when none is known. */
export function addressSetOf(e: Endpoint, ctx: NetworkContext): AddressSet | undefined {
  const one = (text: string, quantifier: AddressSet['quantifier']): AddressSet | undefined => {
    const c = parseCidr(text);
    return c ? { ranges: [{ family: c.family, first: c.first, last: c.last }], quantifier, text } : undefined;
  };
  if (e.address !== undefined) return one(e.address, 'all');
  if (e.cidr !== undefined) return one(e.cidr, 'all');
  if (e.addressIn !== undefined) return one(e.addressIn, 'some');
  if (e.serviceTag !== undefined) {
    const prefixes = tagPrefixes(e.serviceTag, ctx);
    const ranges = prefixes && rangesOf(prefixes);
    if (ranges && ranges.length) return { ranges, quantifier: 'all', text: prefixes.join(', ') };
  }
  return undefined;
}

function label(e: Endpoint): string {
  return e.label ?? e.address ?? e.cidr ?? e.addressIn ?? e.serviceTag ?? 'the endpoint';
}

/** Membership of an endpoint in an Azure service tag. */
function serviceTagMatch(tag: string, e: Endpoint, ctx: NetworkContext): PeerMatch {
  if (tag === '*' || sameTag(tag, 'any')) return { kind: 'all' };
  if (e.serviceTag !== undefined && sameTag(e.serviceTag, tag)) return { kind: 'all' };
  // `VirtualNetwork` covers the VNet's address space and `Internet` is the space outside it, so an endpoint in a
  // subnet is in one and not the other. https://learn.microsoft.com/azure/virtual-network/service-tags-overview
  const inSubnet = e.subnetId !== undefined;
  if (sameTag(tag, 'VirtualNetwork')) {
    if (inSubnet) return { kind: 'all' };
    if (e.serviceTag !== undefined && sameTag(e.serviceTag, 'Internet')) return { kind: 'none' };
  }
  if (sameTag(tag, 'Internet')) {
    if (inSubnet) return { kind: 'none' };
    if (e.serviceTag !== undefined && sameTag(e.serviceTag, 'VirtualNetwork')) return { kind: 'none' };
  }
  // `AzureLoadBalancer` is the host's virtual IP, the source of Azure's own probes: never the address of a machine in
  // a subnet or of a client, even when `VirtualNetwork` spans 0.0.0.0/0 (a user-defined default route joins the tag).
  if (sameTag(tag, 'AzureLoadBalancer') && (inSubnet || (e.serviceTag !== undefined && (sameTag(e.serviceTag, 'VirtualNetwork') || sameTag(e.serviceTag, 'Internet'))))) {
    return { kind: 'none' };
  }
  const prefixes = tagPrefixes(tag, ctx);
  const ranges = prefixes && rangesOf(prefixes);
  if (ranges) return { kind: 'ranges', ranges, text: `${tag} (${prefixes.join(', ')})` };
  return { kind: 'unknown', reason: `whether ${label(e)} is in service tag ${tag} is not known (its prefixes were not collected)` };
}

/** How a rule's peer (the other side of the packet) matches an endpoint. */
export function peerMatch(peer: Peer, other: Endpoint, ctx: NetworkContext): PeerMatch {
  switch (peer.type) {
    case 'any':
      return { kind: 'all' };
    case 'cidr': {
      const r = toRange(peer.cidr);
      return r ? { kind: 'ranges', ranges: [r], text: peer.cidr } : { kind: 'unknown', reason: `rule CIDR "${peer.cidr}" is not an address block` };
    }
    case 'security-group':
      if (other.policyIds === undefined) return { kind: 'unknown', reason: `the security groups of ${label(other)} are not known` };
      return other.policyIds.includes(peer.groupId) ? { kind: 'all' } : { kind: 'none' };
    case 'prefix-list': {
      if (other.prefixListIds?.includes(peer.id)) return { kind: 'all' };
      const entries = ctx.prefixList(peer.id);
      const ranges = entries && rangesOf(entries);
      if (ranges) return { kind: 'ranges', ranges, text: `prefix list ${peer.id}` };
      return { kind: 'unknown', reason: `prefix list ${peer.id}: its entries were not collected` };
    }
    case 'service-tag':
      return serviceTagMatch(peer.tag, other, ctx);
    case 'network-tag':
      if (other.networkTags === undefined) return { kind: 'unknown', reason: `the network tags of ${label(other)} are not known` };
      return other.networkTags.includes(peer.tag) ? { kind: 'all' } : { kind: 'none' };
    case 'service-account':
      if (other.serviceAccount === undefined) return { kind: 'unknown', reason: `the service account of ${label(other)} is not known` };
      return other.serviceAccount === peer.account ? { kind: 'all' } : { kind: 'none' };
  }
}

/**
 * Does a rule apply to the endpoint it protects? `appliesTo` holds Google target tags / service accounts (empty or
 * absent = every instance of the network) or Azure destination prefixes of an inbound rule (source of an outbound one).
 */
export function appliesToLocal(appliesTo: Peer[] | undefined, local: Endpoint, ctx: NetworkContext): true | false | { unknown: string } {
  if (!appliesTo || appliesTo.length === 0) return true;
  const reasons: string[] = [];
  const localSet = addressSetOf(local, ctx);
  for (const sel of appliesTo) {
    const m = peerMatch(sel, local, ctx);
    if (m.kind === 'all') return true;
    if (m.kind === 'unknown') {
      reasons.push(m.reason);
      continue;
    }
    if (m.kind === 'ranges') {
      if (!localSet) {
        reasons.push(`the address of ${label(local)} is not known`);
        continue;
      }
      const inside = localSet.ranges.every((lr) => m.ranges.some((r) => rangeContains(r, lr)));
      if (inside) return true;
      if (localSet.ranges.some((lr) => m.ranges.some((r) => rangesOverlap(r, lr)))) reasons.push(`whether ${label(local)} is in ${m.text} depends on its exact address`);
    }
  }
  return reasons.length ? { unknown: reasons.join('; ') } : false;
}
