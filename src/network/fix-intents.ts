/**
 * The fix that opens a blocked flow step, as a provider-neutral intent: allow the flow in the policy that decided the
 * step, for the peer on the other side. The provider renders it (security group rule, NACL entry, NSG rule, firewall
 * rule); this module only decides which policy, direction, ports and peer.
 */
import type { FixIntent } from '../engine/fix.js';
import { parseIp } from '../model/cidr.js';
import type { Peer } from '../model/index.js';
import { KIND_SEMANTICS } from './semantics.js';
import type { Endpoint, Flow, FlowStep, NetworkContext } from './types.js';

function hostCidr(address: string): string {
  return `${address}/${parseIp(address)?.family === 6 ? 128 : 32}`;
}

/** The narrowest CIDR that stands for an endpoint in a rule: its subnet when the policy filters whole subnets. */
export function endpointCidr(e: Endpoint, ctx: NetworkContext, preferSubnet: boolean): string | undefined {
  if (e.cidr) return e.cidr;
  if (e.addressIn) return e.addressIn;
  const subnetCidr = e.subnetId ? ctx.subnet(e.subnetId)?.cidr : undefined;
  if (preferSubnet && subnetCidr) return subnetCidr;
  if (e.address) return hostCidr(e.address);
  return subnetCidr;
}

/** Policies of the endpoint that rules of this kind can reference (its security groups). */
function referencable(e: Endpoint, kind: FlowStep['policyKind'], ctx: NetworkContext): string[] {
  return (e.policyIds ?? []).filter((id) => ctx.policy(id)?.kind === kind);
}

/** The peer a rule must allow for `other`, in the terms the policy kind understands. */
export function peerFor(other: Endpoint, step: FlowStep, ctx: NetworkContext): Peer | undefined {
  const semantics = step.policyKind === 'unknown' ? undefined : KIND_SEMANTICS[step.policyKind];
  if (semantics?.referencesPolicies) {
    const group = referencable(other, step.policyKind, ctx)[0] ?? other.policyIds?.find((id) => ctx.policy(id) === undefined);
    if (group) return { type: 'security-group', groupId: group };
  }
  if (other.serviceTag) return { type: 'service-tag', tag: other.serviceTag };
  const cidr = endpointCidr(other, ctx, step.scope === 'subnet');
  return cidr ? { type: 'cidr', cidr } : undefined;
}

/** The priority of the rule that denied (not the policy's implicit default). */
function denyingPriority(step: FlowStep): number | undefined {
  const denies = step.parts ? step.parts.filter((p) => p.decision === 'deny').map((p) => p.by) : step.decidedBy ? [step.decidedBy] : [];
  const priorities = denies.filter((d) => !d.implicit && d.rule?.priority !== undefined).map((d) => d.rule?.priority as number);
  return priorities.length ? Math.min(...priorities) : undefined;
}

/**
 * The intent that allows what a blocking step denied, or undefined when the step names no policy (not collected) or
 * the peer is unknown. For a merged layer at the destination (several security groups on the target) the rule goes
 * into the target's first group of that kind.
 */
export function allowIntentFor(step: FlowStep, flow: Flow, ctx: NetworkContext, purpose: 'health-check' | 'traffic'): FixIntent | undefined {
  if (step.policyKind === 'unknown') return undefined;
  const other = step.at === 'destination' ? flow.source : flow.destination;
  const self = step.at === 'destination' ? flow.destination : flow.source;
  const peer = peerFor(other, step, ctx);
  if (!peer) return undefined;
  const policyId = KIND_SEMANTICS[step.policyKind].merged ? (referencable(self, step.policyKind, ctx)[0] ?? step.policyId) : step.policyId;
  const before = denyingPriority(step);
  return {
    kind: 'allow-flow',
    policyId,
    direction: step.direction,
    protocol: flow.protocol,
    ports: step.ports,
    peers: [peer],
    purpose: step.path === 'return' ? 'return-traffic' : purpose,
    ...(before !== undefined ? { beforePriority: before } : {}),
  };
}
