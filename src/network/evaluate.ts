import type { Inventory, InventoryIndex, NetworkPolicy, NetworkPolicyKind, PortRange } from '../model/index.js';
import { formatPorts } from './describe.js';
import type { AddressSet } from './match.js';
import { addressSetOf } from './match.js';
import { describeParts, evaluateRuleList, summarize } from './rules.js';
import type { Direction } from './semantics.js';
import { KIND_SEMANTICS, storedRules } from './semantics.js';
import type { Endpoint, Flow, FlowStep, FlowVerdict, NetworkContext, Reachability } from './types.js';

/** The ephemeral range AWS documents for replies through network ACLs. */
export const DEFAULT_EPHEMERAL_PORTS: PortRange = { from: 1024, to: 65535 };

export interface NetworkContextOptions {
  /** Managed prefix list entries by id (`pl-…`), when collected. */
  prefixLists?: Record<string, string[]>;
  /** Service tag prefixes (e.g. `VirtualNetwork` → the VNet's address space), when known. */
  serviceTagPrefixes?: Record<string, string[]>;
}

/** Builds the engine's lookups over an inventory index (what checks have in `ctx.index`). */
export function networkContextFromIndex(index: Pick<InventoryIndex, 'policy' | 'subnet'>, options: NetworkContextOptions = {}): NetworkContext {
  const tags = new Map(Object.entries(options.serviceTagPrefixes ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    policy: (id) => index.policy(id),
    subnet: (id) => index.subnet(id),
    prefixList: (id) => options.prefixLists?.[id],
    serviceTagPrefixes: (tag) => tags.get(tag.toLowerCase()),
  };
}

/**
 * Builds the engine's lookups over an inventory.
 *
 * @example
 * const verdict = evaluateFlow({ source: { address: '10.0.0.5', policyIds: ['sg-lb'], subnetId: 'subnet-lb-a' },
 *   destination: { address: '10.0.1.10', policyIds: ['sg-app'], subnetId: 'subnet-a' }, protocol: 'tcp', port: 8080 },
 *   networkContext(inventory));
 */
export function networkContext(inv: Pick<Inventory, 'networkPolicies' | 'subnets'>, options: NetworkContextOptions = {}): NetworkContext {
  const policies = new Map(inv.networkPolicies.map((p) => [p.ref.id, p]));
  const subnets = new Map(inv.subnets.map((s) => [s.id, s]));
  return networkContextFromIndex({ policy: (id) => policies.get(id), subnet: (id) => subnets.get(id) }, options);
}

interface Layer {
  scope: 'interface' | 'subnet';
  kind: NetworkPolicyKind | 'unknown';
  policies: NetworkPolicy[];
  missing: string[];
  /** For unknown layers: why. */
  note?: string;
}

interface EndpointLayers {
  /** Interface-level layers (security groups, NIC NSGs, Google firewall rules), in evaluation order for egress. */
  iface: Layer[];
  /** Subnet-level layers (network ACL, subnet NSG). */
  subnet: Layer[];
  notes: string[];
}

export function endpointLabel(e: Endpoint): string {
  return e.label ?? e.address ?? e.cidr ?? (e.addressIn ? `an address in ${e.addressIn}` : undefined) ?? e.serviceTag ?? 'the endpoint';
}

function layersAt(e: Endpoint, ctx: NetworkContext, sameSubnet: boolean): EndpointLayers {
  const label = endpointLabel(e);
  const out: EndpointLayers = { iface: [], subnet: [], notes: [] };
  let subnetPolicyIds: string[] = [];
  if (e.subnetId !== undefined) {
    const s = ctx.subnet(e.subnetId);
    if (!s) {
      out.subnet.push({
        scope: 'subnet',
        kind: 'unknown',
        policies: [],
        missing: [e.subnetId],
        note: `subnet ${e.subnetId} of ${label} is not in the inventory, so its network ACL / NSG is not known`,
      });
    } else {
      subnetPolicyIds = s.networkPolicyIds;
    }
  }
  if (e.policyIds === undefined) {
    out.iface.push({ scope: 'interface', kind: 'unknown', policies: [], missing: [], note: `the policies attached to ${label} are not known` });
  }
  const subnetIds = [...subnetPolicyIds];
  const known: NetworkPolicy[] = [];
  const missing: string[] = [];
  for (const id of new Set(e.policyIds ?? [])) {
    if (subnetPolicyIds.includes(id)) continue;
    const p = ctx.policy(id);
    if (!p) missing.push(id);
    // A NACL listed among a target's policies (Target.networkPolicyIds includes its subnet's) acts at subnet level.
    else if (p.kind === 'aws-nacl') subnetIds.push(id);
    else known.push(p);
  }
  const merged = new Map<NetworkPolicyKind, Layer>();
  for (const p of known) {
    if (KIND_SEMANTICS[p.kind].merged) {
      const layer: Layer = merged.get(p.kind) ?? { scope: 'interface', kind: p.kind, policies: [], missing: [] };
      layer.policies.push(p);
      if (!merged.has(p.kind)) {
        merged.set(p.kind, layer);
        out.iface.push(layer);
      }
    } else {
      out.iface.push({ scope: 'interface', kind: p.kind, policies: [p], missing: [] });
    }
  }
  if (missing.length) {
    const only = merged.size === 1 && known.every((p) => KIND_SEMANTICS[p.kind].merged) ? [...merged.values()][0] : undefined;
    // With only security groups (or only Google rules) known, a missing interface policy is one more member of that set.
    if (only) only.missing.push(...missing);
    else out.iface.push({ scope: 'interface', kind: 'unknown', policies: [], missing, note: `${missing.join(', ')} attached to ${label} ${missing.length > 1 ? 'are' : 'is'} not in the inventory` });
  }
  for (const id of new Set(subnetIds)) {
    const p = ctx.policy(id);
    if (!p) {
      out.subnet.push({ scope: 'subnet', kind: 'unknown', policies: [], missing: [id], note: `${id} of subnet ${e.subnetId ?? '?'} is not in the inventory` });
    } else if (sameSubnet && !KIND_SEMANTICS[p.kind].appliesWithinSubnet) {
      out.notes.push(`${id} not evaluated: both endpoints are in subnet ${e.subnetId ?? '?'}`);
    } else {
      out.subnet.push({ scope: 'subnet', kind: p.kind, policies: [p], missing: [] });
    }
  }
  return out;
}

interface StepQuery {
  path: FlowStep['path'];
  at: FlowStep['at'];
  direction: Direction;
  protocol: 'tcp' | 'udp';
  ports: PortRange;
  other: Endpoint;
  otherSet: AddressSet | undefined;
  local: Endpoint;
}

function evaluateLayer(layer: Layer, q: StepQuery, ctx: NetworkContext): FlowStep {
  const what = `${q.protocol}/${formatPorts(q.ports)} ${q.direction === 'ingress' ? 'from' : 'to'} ${endpointLabel(q.other)}`;
  const base = { path: q.path, at: q.at, scope: layer.scope, direction: q.direction, ports: q.ports };
  if (layer.kind === 'unknown') {
    return {
      ...base,
      policyKind: 'unknown',
      policyId: layer.missing[0] ?? endpointLabel(q.local),
      policyIds: layer.missing,
      decision: 'unknown',
      ...(layer.missing.length ? { missing: layer.missing } : {}),
      note: `${what}: cannot decide: ${layer.note ?? 'policy not known'}`,
    };
  }
  const sem = KIND_SEMANTICS[layer.kind];
  const ids = layer.policies.map((p) => p.ref.id);
  const rules = layer.policies.flatMap((p) => storedRules(p, q.direction));
  const list = sem.ruleList(rules, q.direction, ids);
  const pieces = evaluateRuleList(list, { protocol: q.protocol, ports: q.ports, other: q.other, otherSet: q.otherSet, local: q.local }, ctx);
  const s = summarize(pieces, q.otherSet);
  let decision = s.decision;
  let note: string;
  if (s.decidedBy && (decision === 'allow' || decision === 'deny')) note = `${what}: ${decision === 'allow' ? 'allowed' : 'denied'} by ${s.decidedBy.label}`;
  else note = `${what}: ${describeParts(s.parts)}${s.reasons.length ? ` (${s.reasons.join('; ')})` : ''}`;
  if (layer.missing.length) {
    // A missing security group can only add allows: a known allow stands; anything else becomes unknown.
    if (!(layer.kind === 'aws-security-group' && decision === 'allow')) {
      decision = 'unknown';
      note += `; cannot decide: ${layer.missing.join(', ')} ${layer.missing.length > 1 ? 'are' : 'is'} not in the inventory`;
    }
  }
  const decidedBy = decision === s.decision ? s.decidedBy : undefined;
  const decidingPolicy = decidedBy?.policyId ?? ids[0] ?? '?';
  return {
    ...base,
    policyKind: layer.kind,
    policyId: decidingPolicy,
    policyIds: [...ids, ...layer.missing],
    decision,
    ...(decidedBy?.rule ? { rule: decidedBy.rule } : {}),
    ...(decidedBy ? { decidedBy } : {}),
    ...(decidedBy ? {} : { parts: s.parts }),
    ...(layer.missing.length ? { missing: layer.missing } : {}),
    note,
  };
}

function isStateless(layer: Layer): boolean {
  return layer.kind !== 'unknown' && layer.policies.length > 0 && layer.policies.every((p) => !p.stateful);
}

function combine(steps: FlowStep[]): Reachability {
  if (steps.some((s) => s.decision === 'deny' || s.decision === 'partial')) return false;
  if (steps.some((s) => s.decision === 'unknown')) return 'unknown';
  return true;
}

function where(step: FlowStep): string {
  const side = step.at === 'source' ? 'source' : 'destination';
  return step.path === 'forward' ? `at the ${side} (${step.direction})` : `on the return path at the ${side} (${step.direction})`;
}

/**
 * Is the flow allowed by every policy on its path, and which rules decided?
 *
 * Evaluated, in order: the source's interface policies and subnet policies for egress, the destination's subnet
 * and interface policies for ingress; then, for stateless policies (AWS network ACLs) only, the reply from
 * `destination:port` back to the source's ephemeral ports (`flow.sourcePorts`, default 1024–65535), which must be
 * allowed for the whole range. Stateful policies (security groups, NSGs, Google firewall) allow replies
 * automatically. Network ACLs are skipped when both endpoints are in the same subnet.
 *
 * Three-valued: a step that denies any part of the flow makes it `false`; otherwise any undecidable step (a policy
 * or subnet missing from the inventory, an uncollected prefix list, an unknown address) makes it `'unknown'`.
 */
export function evaluateFlow(flow: Flow, ctx: NetworkContext): FlowVerdict {
  const src = flow.source;
  const dst = flow.destination;
  const sameSubnet = src.subnetId !== undefined && src.subnetId === dst.subnetId;
  const srcLayers = layersAt(src, ctx, sameSubnet);
  const dstLayers = layersAt(dst, ctx, sameSubnet);
  const srcSet = addressSetOf(src, ctx);
  const dstSet = addressSetOf(dst, ctx);
  const servicePort: PortRange = { from: flow.port, to: flow.port };
  const ephemeral = flow.sourcePorts ?? DEFAULT_EPHEMERAL_PORTS;
  const steps: FlowStep[] = [];
  const common = { protocol: flow.protocol };
  for (const layer of [...srcLayers.iface, ...srcLayers.subnet]) {
    steps.push(evaluateLayer(layer, { ...common, path: 'forward', at: 'source', direction: 'egress', ports: servicePort, other: dst, otherSet: dstSet, local: src }, ctx));
  }
  for (const layer of [...dstLayers.subnet, ...dstLayers.iface]) {
    steps.push(evaluateLayer(layer, { ...common, path: 'forward', at: 'destination', direction: 'ingress', ports: servicePort, other: src, otherSet: srcSet, local: dst }, ctx));
  }
  for (const layer of [...dstLayers.subnet, ...dstLayers.iface].filter(isStateless)) {
    steps.push(evaluateLayer(layer, { ...common, path: 'return', at: 'destination', direction: 'egress', ports: ephemeral, other: src, otherSet: srcSet, local: dst }, ctx));
  }
  for (const layer of [...srcLayers.iface, ...srcLayers.subnet].filter(isStateless)) {
    steps.push(evaluateLayer(layer, { ...common, path: 'return', at: 'source', direction: 'ingress', ports: ephemeral, other: dst, otherSet: dstSet, local: src }, ctx));
  }
  const allowed = combine(steps);
  const missing = [...new Set(steps.flatMap((s) => s.missing ?? []))];
  const notes = [...srcLayers.notes, ...dstLayers.notes];
  let reason: string;
  if (allowed === false) {
    const blocking = steps.find((s) => s.decision === 'deny' || s.decision === 'partial');
    reason = blocking ? `${blocking.decision === 'partial' ? 'partly blocked' : 'blocked'} ${where(blocking)}: ${blocking.note}` : 'blocked';
  } else if (allowed === 'unknown') {
    reason = `cannot decide: ${steps
      .filter((s) => s.decision === 'unknown')
      .map((s) => s.note)
      .join(' | ')}`;
  } else {
    reason = steps.length ? `allowed: ${steps.map((s) => s.note).join(' | ')}` : 'allowed: no policy applies on this path';
  }
  if (notes.length) reason += ` (${[...new Set(notes)].join('; ')})`;
  return { allowed, steps, reason, missing };
}
