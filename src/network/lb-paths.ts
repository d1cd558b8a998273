/**
 * Load balancer → target flows, derived from the model, for the network checks.
 *
 * The sources are the load balancer's nodes: one per zone (per node address when the provider exposes them,
 * else "some address in the zone's subnet"), carrying the load balancer's own policies (AWS: its security groups)
 * and located in the zone's subnet (whose network ACL applies). `healthCheckSources` / `trafficSources` say who the
 * target sees: peers that describe the nodes (the LB's own security groups, CIDRs of its subnets) become the nodes;
 * other peers (client ranges of an NLB that preserves client IPs, Google probe ranges, Azure service tags) become
 * sources of their own, still leaving through the nodes' policies and subnets where the load balancer has them.
 */
import type { AddressRange } from '../model/cidr.js';
import { parseIp, rangeContains, toRange } from '../model/cidr.js';
import type { BackendPool, CoverageGap, InputKind, Inventory, InventoryIndex, LoadBalancer, NotCollected, Peer, ResourceRef, Target } from '../model/index.js';
import { failedCallFor, gapFor, kindFacts, notCollected } from '../model/index.js';
import { evaluateFlow, networkContextFromIndex } from './evaluate.js';
import type { Endpoint, Flow, FlowVerdict, NetworkContext, Reachability } from './types.js';

export type PathPurpose = 'health-check' | 'traffic';

export interface FlowResult {
  flow: Flow;
  verdict: FlowVerdict;
  /** `node`: an LB node is the source the target sees; `client`: a client range (client IP preservation) or another peer. */
  sourceKind: 'node' | 'client';
}

export interface TargetPath {
  target: Target;
  port: number;
  protocols: Array<'tcp' | 'udp'>;
  flows: FlowResult[];
  /** AND over the flows; `'unknown'` also when the path could not be built (`unknownReason`). */
  allowed: Reachability;
  unknownReason?: string;
}

export type PoolPaths =
  | { kind: 'not-applicable'; reason: string }
  | { kind: 'unknown'; reason: string }
  | {
      kind: 'evaluated';
      purpose: PathPurpose;
      targets: TargetPath[];
      /** Targets without a network path to judge (Lambda functions, ALBs behind an NLB). */
      skipped: Array<{ target: Target; reason: string }>;
      /** How the sources were chosen, for evidence (e.g. client IP preservation inferred from the target type). */
      notes: string[];
    };

/** Targets that are not reached over a network path the policies govern. */
const NO_NETWORK_PATH: Partial<Record<Target['type'], string>> = {
  lambda: 'a Lambda function is invoked, not connected to, so no network policy applies',
  alb: 'an Application Load Balancer target is reached through its own security groups; judge that ALB instead',
};

function sgIdsOf(lb: LoadBalancer): string[] {
  return lb.networkPolicyIds;
}

interface NodeZone {
  name: string;
  subnetId?: string;
  cidr?: string;
  addresses: string[];
}

function nodeZones(lb: LoadBalancer, index: InventoryIndex): NodeZone[] {
  const zones: NodeZone[] = lb.zones.map((z) => ({
    name: z.name,
    ...(z.subnetId !== undefined ? { subnetId: z.subnetId } : {}),
    ...(z.subnetId && index.subnet(z.subnetId)?.cidr ? { cidr: index.subnet(z.subnetId)?.cidr } : {}),
    addresses: z.addresses ?? [],
  }));
  const covered = new Set(zones.map((z) => z.subnetId).filter(Boolean));
  for (const id of lb.subnetIds) {
    if (covered.has(id)) continue;
    const s = index.subnet(id);
    zones.push({ name: s?.zone ?? id, subnetId: id, ...(s?.cidr ? { cidr: s.cidr } : {}), addresses: [] });
  }
  return zones;
}

function nodeEndpoints(lb: LoadBalancer, zone: NodeZone): Endpoint[] {
  const base = { policyIds: sgIdsOf(lb), ...(zone.subnetId !== undefined ? { subnetId: zone.subnetId } : {}) };
  if (zone.addresses.length) return zone.addresses.map((address) => ({ ...base, label: `${lb.ref.name} node ${address} (${zone.name})`, address }));
  return [{ ...base, label: `${lb.ref.name} node in ${zone.name}${zone.cidr ? ` (${zone.cidr})` : ''}`, ...(zone.cidr ? { addressIn: zone.cidr } : {}) }];
}

/** Does a peer describe where the load balancer's nodes are (its own groups, its subnets' ranges)? */
function describesNodes(peer: Peer, lb: LoadBalancer, zones: NodeZone[]): boolean {
  if (peer.type === 'security-group') return sgIdsOf(lb).includes(peer.groupId);
  if (peer.type !== 'cidr') return false;
  const r = toRange(peer.cidr);
  if (!r) return false;
  const nodeRanges: AddressRange[] = zones.flatMap((z) => [...(z.cidr ? [z.cidr] : []), ...z.addresses]).map(toRange).filter((x): x is AddressRange => x !== undefined);
  // Node /32s and node subnets stand for the nodes; a wider range (0.0.0.0/0, a VPC CIDR an NLB admits) is clients.
  return nodeRanges.some((n) => rangeContains(n, r));
}

function peerEndpoint(peer: Peer, lb: LoadBalancer, zone: NodeZone | undefined): Endpoint {
  const via = { policyIds: sgIdsOf(lb), ...(zone?.subnetId !== undefined ? { subnetId: zone.subnetId } : {}) };
  const where = zone ? ` via ${zone.name}` : '';
  switch (peer.type) {
    case 'cidr':
      return { ...via, label: `clients ${peer.cidr}${where}`, cidr: peer.cidr };
    case 'any':
      return { ...via, label: `any client${where}`, cidr: '0.0.0.0/0' };
    case 'prefix-list':
      return { ...via, label: `clients in prefix list ${peer.id}${where}`, prefixListIds: [peer.id] };
    case 'security-group':
      return { label: `members of ${peer.groupId}`, policyIds: [peer.groupId] };
    case 'service-tag':
      return { label: peer.tag, serviceTag: peer.tag, policyIds: [] };
    case 'network-tag':
      return { label: `instances tagged ${peer.tag}`, networkTags: [peer.tag], policyIds: [] };
    case 'service-account':
      return { label: peer.account, serviceAccount: peer.account, policyIds: [] };
  }
}

/**
 * Does the pool's target see client addresses? As the normalizer recorded it (with the provider's documented default
 * when the API omitted it); undefined when not collected.
 */
export function preservesClientIp(pool: BackendPool): { value: boolean; detail: string } | undefined {
  const p = pool.preservesClientIp;
  return p ? { value: p.value, detail: `${p.source}${p.detail ? `: ${p.detail}` : ''}` } : undefined;
}

function trafficProtocols(pool: BackendPool): Array<'tcp' | 'udp'> {
  switch (pool.protocol) {
    case 'UDP':
    case 'GENEVE':
      return ['udp'];
    case 'TCP_UDP':
      return ['tcp', 'udp'];
    default:
      return ['tcp'];
  }
}

function targetSubnetId(target: Target, inv: Inventory, networkId: string | undefined): string | undefined {
  if (target.subnetId) return target.subnetId;
  const addr = target.address ? toRange(target.address) : undefined;
  if (!addr) return undefined;
  // IP targets often come without a subnet: take the most specific subnet of the pool's network that holds the address.
  const candidates = inv.subnets
    .filter((s) => (networkId === undefined || s.networkId === undefined || s.networkId === networkId) && s.cidr)
    .map((s) => ({ s, r: toRange(s.cidr ?? '') }))
    .filter((c): c is { s: typeof c.s; r: AddressRange } => c.r !== undefined && rangeContains(c.r, addr))
    .sort((a, b) => (a.r.last - a.r.first < b.r.last - b.r.first ? -1 : 1));
  return candidates[0]?.s.id;
}

/**
 * ` (ec2:DescribeNetworkAcls: AccessDenied; grant ec2:DescribeNetworkAcls)`: the failed call behind a missing input, or
 * nothing. A gap recorded for another resource of the region (policies listed per network) still explains it.
 */
export function because(inv: Inventory, input: InputKind, ref: Pick<ResourceRef, 'id' | 'provider' | 'region' | 'account'>, own?: { notCollected?: NotCollected[] }): string {
  const ofInput = (g: CoverageGap): boolean => g.provider === ref.provider && (g.inputs?.includes(input) ?? false) && (g.account === undefined || ref.account === undefined || g.account === ref.account);
  const call =
    failedCallFor(inv, input, { ref, ...(own?.notCollected ? { notCollected: own.notCollected } : {}) }) ??
    inv.coverage.find((g) => ofInput(g) && (!g.region || !ref.region || g.region === ref.region)) ??
    // Policies listed once for the account (Google firewalls are global) explain every region's.
    inv.coverage.find(ofInput);
  if (!call) return '';
  return ` (${call.api}${call.code ? `: ${call.code}` : ''}${call.permission ? `; grant ${call.permission}` : ''})`;
}

/**
 * Facts every path needs where the kind guarantees they exist (every AWS interface has security groups, every subnet a
 * network ACL): missing here they were not collected, and would otherwise read as "no policy, so allowed".
 */
function targetGap(inv: Inventory, lb: LoadBalancer, target: Target, subnetId: string | undefined, index: InventoryIndex): string | undefined {
  const policiesMissing = (id: string): string => because(inv, 'network-policies', { id, provider: lb.ref.provider, region: lb.ref.region });
  const facts = kindFacts(lb.kind).network;
  const ids = target.networkPolicyIds;
  const interfaceLike = ids.filter((id) => {
    const p = index.policy(id);
    return p === undefined || !isSubnetPolicy(p.ref.id, index);
  });
  if (facts.targetPoliciesRequired && interfaceLike.length === 0) return `the network policies of target ${target.id} were not recorded${policiesMissing(target.id)}`;
  if (!target.address) return `the address of target ${target.id} was not recorded`;
  if (facts.subnetPoliciesRequired) {
    if (!subnetId) return `the subnet of target ${target.id} (${target.address}) is not known, so its subnet policy cannot be evaluated`;
    const s = index.subnet(subnetId);
    if (s && s.networkPolicyIds.length === 0 && !ids.some((id) => isSubnetPolicy(id, index))) return `the network policy of subnet ${subnetId} was not recorded${policiesMissing(subnetId)}`;
  }
  return undefined;
}

/** A policy attached to subnets (a network ACL): stateless policies filter whole subnets. */
function isSubnetPolicy(id: string, index: InventoryIndex): boolean {
  const p = index.policy(id);
  return p !== undefined && !p.stateful;
}

function lbGap(inv: Inventory, lb: LoadBalancer, zones: NodeZone[], index: InventoryIndex): string | undefined {
  const policiesMissing = (id: string): string => because(inv, 'network-policies', { id, provider: lb.ref.provider, region: lb.ref.region });
  const facts = kindFacts(lb.kind).network;
  if (!facts.subnetPoliciesRequired && !facts.lbPoliciesRequired) return undefined;
  if (zones.length === 0 || zones.every((z) => z.subnetId === undefined)) return `the subnets of ${lb.ref.name} are not known`;
  if (facts.lbPoliciesRequired && lb.networkPolicyIds.length === 0) return `the network policies of ${lb.ref.name} were not recorded${policiesMissing(lb.ref.id)}`;
  if (facts.subnetPoliciesRequired) {
    for (const z of zones) {
      const s = z.subnetId ? index.subnet(z.subnetId) : undefined;
      if (s && s.networkPolicyIds.length === 0) return `the network policy of subnet ${s.id} (${lb.ref.name}) was not recorded${policiesMissing(s.id)}`;
    }
  }
  return undefined;
}

/** A verdict that rests on an assumption: reported as undecided, with the deciding steps kept for the trace. */
function undecided(verdict: FlowVerdict, reason: string): FlowVerdict {
  return { ...verdict, allowed: 'unknown', reason };
}

function combine(values: Reachability[]): Reachability {
  if (values.includes(false)) return false;
  if (values.includes('unknown')) return 'unknown';
  return true;
}

export interface PoolPathOptions {
  netCtx?: NetworkContext;
}

/**
 * Every flow a load balancer needs to reach a pool's targets for one purpose, evaluated.
 *
 * Health checks come from every node (each node checks every target); forwarded traffic from every node, except
 * without cross-zone load balancing (NLB default, CLB option), where nodes only reach targets of their own zone.
 */
export function evaluatePoolPaths(inv: Inventory, index: InventoryIndex, lb: LoadBalancer, pool: BackendPool, purpose: PathPurpose, options: PoolPathOptions = {}): PoolPaths {
  const netCtx = options.netCtx ?? networkContextFromIndex(index);
  if (pool.targets === undefined) return { kind: 'unknown', reason: `the targets of ${pool.ref.name} were not collected${because(inv, 'target-health', pool.ref, pool) || because(inv, 'targets', pool.ref, pool)}` };
  if (pool.targets.length === 0) return { kind: 'not-applicable', reason: `${pool.ref.name} has no registered targets` };
  const hc = pool.healthCheck;
  if (purpose === 'health-check') {
    if (!hc) return { kind: 'unknown', reason: `the health-check settings of ${pool.ref.name} were not collected${because(inv, 'health-check', pool.ref, pool)}` };
    if (!hc.enabled) return { kind: 'not-applicable', reason: `health checks are disabled on ${pool.ref.name}` };
  }
  const skipped: Array<{ target: Target; reason: string }> = [];
  const candidates = pool.targets.filter((t) => {
    const why = NO_NETWORK_PATH[t.type];
    if (why) skipped.push({ target: t, reason: why });
    return !why;
  });
  if (candidates.length === 0) return { kind: 'not-applicable', reason: `no target of ${pool.ref.name} is reached over the network (${skipped[0]?.reason ?? ''})` };

  const zones = nodeZones(lb, index);
  const facts = kindFacts(lb.kind).network;
  const gap = lbGap(inv, lb, zones, index);
  if (gap) return { kind: 'unknown', reason: gap };
  const notes: string[] = [];
  let useNodes: boolean;
  let clientPeers: Peer[];
  if (purpose === 'health-check') {
    const peers = lb.healthCheckSources;
    if (peers.length === 0) return { kind: 'unknown', reason: `the health-check sources of ${lb.ref.name} were not recorded` };
    // Some kinds health-check from the nodes' private IPs whatever client IP preservation does (NLB).
    const nodesOnly = facts.healthChecksFromNodes;
    useNodes = nodesOnly || peers.some((p) => describesNodes(p, lb, zones));
    clientPeers = nodesOnly ? [] : peers.filter((p) => !describesNodes(p, lb, zones));
  } else {
    const preserve = preservesClientIp(pool);
    if (facts.clientIpPreservationPerPool && !preserve) return { kind: 'unknown', reason: `whether ${pool.ref.name} preserves client IPs is not known` };
    if (preserve) notes.push(`client IP preservation ${preserve.value ? 'on' : 'off'} (${preserve.detail})`);
    if (preserve?.value === false) {
      // Targets see the nodes' addresses, whoever the clients are.
      useNodes = true;
      clientPeers = [];
    } else if (preserve?.value === true) {
      // Targets see the clients' addresses: the nodes' own addresses never reach them on this port.
      useNodes = false;
      clientPeers = lb.trafficSources.filter((p) => !describesNodes(p, lb, zones));
      if (clientPeers.length === 0) return { kind: 'unknown', reason: `${pool.ref.name} preserves client IPs but the client ranges of ${lb.ref.name} were not recorded` };
    } else {
      if (lb.trafficSources.length === 0) return { kind: 'unknown', reason: `the traffic sources of ${lb.ref.name} were not recorded` };
      useNodes = lb.trafficSources.some((p) => describesNodes(p, lb, zones));
      clientPeers = lb.trafficSources.filter((p) => !describesNodes(p, lb, zones));
    }
  }

  // Cross-zone is a per-load-balancer attribute: where the kind defaults to off, or where the attributes could not be
  // read (the kind's default is then an assumption), flows from other zones are judged but can only make a path
  // unknown, never blocked (no finding rests on an assumed value).
  const attributesMissing = notCollected(lb, 'attributes') !== undefined || gapFor(inv, 'attributes', lb.ref) !== undefined;
  const crossZoneUnknown = lb.crossZoneEnabled === undefined && (!facts.crossZoneDefault || attributesMissing) && purpose === 'traffic';
  const crossZone = lb.crossZoneEnabled?.value ?? (crossZoneUnknown ? true : facts.crossZoneDefault);
  if (crossZoneUnknown) notes.push(`the cross-zone setting of ${lb.ref.name} was not collected: paths from other zones can only be undecided`);
  const zoneNames = new Set(zones.map((z) => z.name));

  const targets: TargetPath[] = candidates.map((target) => {
    const port = purpose === 'health-check' && hc && !hc.usesTrafficPort ? hc.port : target.port;
    const protocols = purpose === 'health-check' ? (['tcp'] as const).slice() : trafficProtocols(pool);
    if (port === undefined) return { target, port: target.port, protocols, flows: [], allowed: 'unknown' as const, unknownReason: `the health-check port of ${pool.ref.name} was not recorded` };
    const subnetId = targetSubnetId(target, inv, pool.networkId);
    const missing = targetGap(inv, lb, target, subnetId, index);
    if (missing) return { target, port, protocols, flows: [], allowed: 'unknown' as const, unknownReason: missing };
    const destination: Endpoint = {
      label: target.address && target.address !== target.id ? `${target.id} (${target.address})` : target.id,
      ...(target.address ? { address: target.address } : {}),
      policyIds: target.networkPolicyIds,
      ...(subnetId ? { subnetId } : {}),
      // What Google firewall rules select targets by.
      ...(target.networkTags ? { networkTags: target.networkTags } : {}),
      ...(target.serviceAccounts?.[0] !== undefined ? { serviceAccount: target.serviceAccounts[0] } : {}),
    };
    const sameZoneOnly = purpose === 'traffic' && !crossZone && target.zone !== undefined && zoneNames.has(target.zone);
    const usedZones = sameZoneOnly ? zones.filter((z) => z.name === target.zone) : zones;
    // A target sees the load balancer's own address for clients of the other IP family (dual-stack NLB, IPv4 target).
    const family = target.address ? parseIp(target.address)?.family : undefined;
    const otherFamily = (p: Peer): boolean => p.type === 'cidr' && family !== undefined && toRange(p.cidr)?.family !== family;
    const peersHere = clientPeers.filter((p) => !otherFamily(p));
    const nodesHere = useNodes || peersHere.length < clientPeers.length;
    const sources: Array<{ endpoint: Endpoint; sourceKind: FlowResult['sourceKind']; assumed?: boolean }> = [];
    const otherZone = (z: NodeZone): boolean => crossZoneUnknown && target.zone !== undefined && z.name !== target.zone;
    if (nodesHere) for (const z of usedZones) for (const e of nodeEndpoints(lb, z)) sources.push({ endpoint: e, sourceKind: 'node', ...(otherZone(z) ? { assumed: true } : {}) });
    for (const p of peersHere) {
      const viaZones: Array<NodeZone | undefined> = usedZones.length && p.type !== 'service-tag' && p.type !== 'network-tag' && p.type !== 'service-account' && p.type !== 'security-group' ? usedZones : [undefined];
      for (const z of viaZones) sources.push({ endpoint: peerEndpoint(p, lb, z), sourceKind: 'client', ...(z && otherZone(z) ? { assumed: true } : {}) });
    }
    const flows: FlowResult[] = [];
    for (const protocol of protocols) {
      for (const s of sources) {
        const flow: Flow = { source: s.endpoint, destination, protocol, port };
        const verdict = evaluateFlow(flow, netCtx);
        flows.push({ flow, verdict: s.assumed && verdict.allowed === false ? undecided(verdict, `blocked only if ${lb.ref.name} load-balances across zones, which was not collected`) : verdict, sourceKind: s.sourceKind });
      }
    }
    return { target, port, protocols, flows, allowed: combine(flows.map((f) => f.verdict.allowed)) };
  });
  return { kind: 'evaluated', purpose, targets, skipped, notes };
}
