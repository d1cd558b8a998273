/**
 * Exact AWS CLI commands that would open a blocked step: a security-group rule or a network ACL entry.
 * Pure: the commands are text for a finding's evidence, never run.
 */
import { parseIp } from '../model/cidr.js';
import type { PolicyRule, PortRange } from '../model/index.js';
import type { Endpoint, Flow, FlowStep, NetworkContext } from './types.js';

function knownGroups(e: Endpoint, ctx: NetworkContext): string[] {
  return (e.policyIds ?? []).filter((id) => ctx.policy(id)?.kind === 'aws-security-group');
}

function hostCidr(address: string): string {
  return `${address}/${parseIp(address)?.family === 6 ? 128 : 32}`;
}

/** The narrowest CIDR that stands for an endpoint in a NACL entry or an SG rule: its subnet when it is a node. */
export function endpointCidr(e: Endpoint, ctx: NetworkContext, preferSubnet: boolean): string | undefined {
  if (e.cidr) return e.cidr;
  if (e.addressIn) return e.addressIn;
  const subnetCidr = e.subnetId ? ctx.subnet(e.subnetId)?.cidr : undefined;
  if (preferSubnet && subnetCidr) return subnetCidr;
  if (e.address) return hostCidr(e.address);
  return subnetCidr;
}

export type SourceSpec = { kind: 'group'; groupId: string } | { kind: 'cidr'; cidr: string; ipv6: boolean };

/** What a target's security group should admit for this source: its security group when it has one, else its range. */
export function sourceSpec(source: Endpoint, ctx: NetworkContext): SourceSpec | undefined {
  const group = knownGroups(source, ctx)[0] ?? source.policyIds?.find((id) => ctx.policy(id) === undefined);
  if (group) return { kind: 'group', groupId: group };
  const cidr = endpointCidr(source, ctx, false);
  if (!cidr) return undefined;
  return { kind: 'cidr', cidr, ipv6: parseIp(cidr.split('/')[0] ?? '')?.family === 6 };
}

/** The CLI arguments after `--group-id` that admit the source on a port. */
export function ingressArguments(spec: SourceSpec, protocol: string, port: number): string {
  if (spec.kind === 'group') return `--protocol ${protocol} --port ${port} --source-group ${spec.groupId}`;
  if (!spec.ipv6) return `--protocol ${protocol} --port ${port} --cidr ${spec.cidr}`;
  return `--ip-permissions 'IpProtocol=${protocol},FromPort=${port},ToPort=${port},Ipv6Ranges=[{CidrIpv6=${spec.cidr}}]'`;
}

/**
 * A free NACL rule number that is evaluated before the rule that denied: just below an explicit deny, or the next
 * hundred after the last numbered rule when only the default `*` rule denied.
 */
export function suggestNaclRuleNumber(
  rules: PolicyRule[],
  direction: 'ingress' | 'egress',
  denyingPriority: number | undefined,
  reserved: ReadonlySet<number> = new Set(),
): number {
  const used = new Set([...rules.filter((r) => r.direction === direction && r.priority !== undefined).map((r) => r.priority as number), ...reserved]);
  if (denyingPriority !== undefined && denyingPriority < 32767) {
    for (let n = denyingPriority - 1; n >= 1; n--) if (!used.has(n)) return n;
  }
  const numbered = [...used].filter((n) => n < 32767);
  const max = numbered.length ? Math.max(...numbered) : 0;
  const next = (Math.floor(max / 100) + 1) * 100;
  if (next <= 32766 && !used.has(next)) return next;
  for (let n = max + 1; n <= 32766; n++) if (!used.has(n)) return n;
  // Every number above the last rule is taken: the lowest free one still precedes the default deny.
  for (let n = 1; n <= 32766; n++) if (!used.has(n)) return n;
  return 32766;
}

function denyingPriority(step: FlowStep): number | undefined {
  const denies = step.parts ? step.parts.filter((p) => p.decision === 'deny').map((p) => p.by) : step.decidedBy ? [step.decidedBy] : [];
  const priorities = denies.map((d) => (d.implicit ? 32767 : (d.rule?.priority ?? 32767)));
  return priorities.length ? Math.min(...priorities) : undefined;
}

export interface NaclFix {
  naclId: string;
  direction: 'ingress' | 'egress';
  ruleNumber: number;
  protocol: 'tcp' | 'udp';
  ports: PortRange;
  cidr: string;
  command: string;
}

/**
 * Rule numbers already handed out per `naclId:direction`, so that several fixes for one ACL do not collide.
 * Pass the same map to every `naclFix` call of one finding.
 */
export type ReservedRuleNumbers = Map<string, Set<number>>;

/** The NACL entry that opens a denied NACL step, allowing the step's whole port range. */
export function naclFix(step: FlowStep, flow: Flow, ctx: NetworkContext, reserved: ReservedRuleNumbers = new Map()): NaclFix | undefined {
  if (step.policyKind !== 'aws-nacl') return undefined;
  // The entry's peer is the other side of the packet the step judged: the source when the step is at the destination
  // (forward ingress, return egress), the destination when it is at the source.
  const other = step.at === 'destination' ? flow.source : flow.destination;
  const cidr = endpointCidr(other, ctx, true);
  if (!cidr) return undefined;
  const acl = ctx.policy(step.policyId);
  const key = `${step.policyId}:${step.direction}`;
  const taken = reserved.get(key) ?? new Set<number>();
  const ruleNumber = suggestNaclRuleNumber(acl?.rules ?? [], step.direction, denyingPriority(step), taken);
  taken.add(ruleNumber);
  reserved.set(key, taken);
  const ipv6 = parseIp(cidr.split('/')[0] ?? '')?.family === 6;
  const command =
    `aws ec2 create-network-acl-entry --network-acl-id ${step.policyId} --${step.direction} --rule-number ${ruleNumber} ` +
    `--protocol ${flow.protocol} --port-range From=${step.ports.from},To=${step.ports.to} ${ipv6 ? '--ipv6-cidr-block' : '--cidr-block'} ${cidr} --rule-action allow`;
  return { naclId: step.policyId, direction: step.direction, ruleNumber, protocol: flow.protocol, ports: step.ports, cidr, command };
}

/** The command that opens a blocked step; undefined when the step is not an AWS policy or lacks what the command needs. */
export function awsFix(step: FlowStep, flow: Flow, ctx: NetworkContext, reserved?: ReservedRuleNumbers): string | undefined {
  if (step.policyKind === 'aws-nacl') return naclFix(step, flow, ctx, reserved)?.command;
  if (step.policyKind !== 'aws-security-group' || step.path !== 'forward') return undefined;
  const port = flow.port;
  if (step.at === 'destination') {
    const group = knownGroups(flow.destination, ctx)[0] ?? step.policyIds[0];
    const spec = sourceSpec(flow.source, ctx);
    if (!group || !spec) return undefined;
    return `aws ec2 authorize-security-group-ingress --group-id ${group} ${ingressArguments(spec, flow.protocol, port)}`;
  }
  const group = step.policyIds[0];
  if (!group) return undefined;
  const targetGroup = knownGroups(flow.destination, ctx)[0];
  const address = flow.destination.address;
  const peer = targetGroup
    ? `UserIdGroupPairs=[{GroupId=${targetGroup}}]`
    : address
      ? parseIp(address)?.family === 6
        ? `Ipv6Ranges=[{CidrIpv6=${hostCidr(address)}}]`
        : `IpRanges=[{CidrIp=${hostCidr(address)}}]`
      : undefined;
  if (!peer) return undefined;
  return `aws ec2 authorize-security-group-egress --group-id ${group} --ip-permissions 'IpProtocol=${flow.protocol},FromPort=${port},ToPort=${port},${peer}'`;
}
