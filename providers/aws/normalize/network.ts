/**
 * Security groups, network ACLs and subnets → NetworkPolicy / Subnet.
 */
import type { NetworkPolicy, Peer, PolicyRule, PortRange, RuleProtocol, Subnet } from '../../../src/model/index.js';
import type { RawNetworkAcl, RawSecurityGroup, RawSubnet, RegionContext } from './context.js';
import { tagsToRecord } from './context.js';

/** IP protocol numbers AWS may return instead of names (security groups accept both; NACLs always use numbers). */
const PROTOCOL_NUMBERS: Readonly<Record<string, RuleProtocol>> = { '-1': 'all', '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

export function ruleProtocol(value: string | undefined): RuleProtocol {
  if (value === undefined) return 'all';
  const lower = value.toLowerCase();
  return PROTOCOL_NUMBERS[lower] ?? lower;
}

/** Ports only mean something for TCP/UDP; `-1` or a missing range means all ports. */
function portRange(protocol: RuleProtocol, from: number | undefined, to: number | undefined): PortRange | undefined {
  if (protocol !== 'tcp' && protocol !== 'udp') return undefined;
  if (from === undefined || to === undefined || from < 0 || to < 0) return undefined;
  if (from === 0 && to === 65535) return undefined;
  return { from, to };
}

type IpPermission = NonNullable<RawSecurityGroup['IpPermissions']>[number];

function permissionRules(permission: IpPermission, direction: PolicyRule['direction']): PolicyRule[] {
  const protocol = ruleProtocol(permission.IpProtocol);
  const ports = portRange(protocol, permission.FromPort, permission.ToPort);
  const peers: Array<{ peer: Peer; description?: string }> = [
    ...(permission.IpRanges ?? []).filter((r) => r.CidrIp).map((r) => ({ peer: { type: 'cidr', cidr: r.CidrIp as string } as Peer, description: r.Description })),
    ...(permission.Ipv6Ranges ?? []).filter((r) => r.CidrIpv6).map((r) => ({ peer: { type: 'cidr', cidr: r.CidrIpv6 as string } as Peer, description: r.Description })),
    ...(permission.UserIdGroupPairs ?? []).filter((p) => p.GroupId).map((p) => ({ peer: { type: 'security-group', groupId: p.GroupId as string } as Peer, description: p.Description })),
    ...(permission.PrefixListIds ?? []).filter((p) => p.PrefixListId).map((p) => ({ peer: { type: 'prefix-list', id: p.PrefixListId as string } as Peer, description: p.Description })),
  ];
  return peers.map(({ peer, description }) => ({
    direction,
    action: 'allow',
    protocol,
    ...(ports ? { ports } : {}),
    peer,
    ...(description ? { description } : {}),
  }));
}

export function mapSecurityGroup(group: RawSecurityGroup, ctx: RegionContext): NetworkPolicy {
  const id = group.GroupId ?? '';
  // Security groups attach to ENIs; instance ids are listed too because targets are registered by instance id.
  const attachedTo = [
    ...ctx.raw.ec2.networkInterfaces.filter((e) => e.NetworkInterfaceId && (e.Groups ?? []).some((g) => g.GroupId === id)).map((e) => e.NetworkInterfaceId as string),
    ...ctx.raw.ec2.instances.filter((i) => i.InstanceId && (i.SecurityGroups ?? []).some((g) => g.GroupId === id)).map((i) => i.InstanceId as string),
  ];
  return {
    ref: ctx.ref('network-policy', 'aws-security-group', id, group.GroupName ?? id),
    kind: 'aws-security-group',
    stateful: true,
    ...(group.VpcId ? { networkId: group.VpcId } : {}),
    rules: [
      ...(group.IpPermissions ?? []).flatMap((p) => permissionRules(p, 'ingress')),
      ...(group.IpPermissionsEgress ?? []).flatMap((p) => permissionRules(p, 'egress')),
    ],
    attachedTo: [...new Set(attachedTo)].sort(),
  };
}

type NaclEntry = NonNullable<RawNetworkAcl['Entries']>[number];

function naclRule(aclId: string, entry: NaclEntry): PolicyRule | undefined {
  const cidr = entry.CidrBlock ?? entry.Ipv6CidrBlock;
  if (!cidr || entry.RuleNumber === undefined) return undefined;
  const protocol = ruleProtocol(entry.Protocol);
  const ports = portRange(protocol, entry.PortRange?.From, entry.PortRange?.To);
  const direction = entry.Egress ? 'egress' : 'ingress';
  return {
    id: `${aclId}/${direction}/${entry.RuleNumber}${entry.Ipv6CidrBlock && !entry.CidrBlock ? '/ipv6' : ''}`,
    direction,
    action: entry.RuleAction === 'deny' ? 'deny' : 'allow',
    protocol,
    ...(ports ? { ports } : {}),
    peer: { type: 'cidr', cidr },
    priority: entry.RuleNumber,
  };
}

export function mapNetworkAcl(acl: RawNetworkAcl, ctx: RegionContext): NetworkPolicy {
  const id = acl.NetworkAclId ?? '';
  const rules = (acl.Entries ?? [])
    .map((e) => naclRule(id, e))
    .filter((r): r is PolicyRule => r !== undefined)
    // NACLs evaluate the lowest rule number first; the `*` rule (32767) is the final deny.
    .sort((a, b) => (a.direction === b.direction ? (a.priority ?? 0) - (b.priority ?? 0) : a.direction === 'ingress' ? -1 : 1));
  // A subnet without an explicit association uses the VPC's default NACL, and DescribeNetworkAcls may omit it there.
  const explicit = (acl.Associations ?? []).map((a) => a.SubnetId).filter((s): s is string => !!s);
  const implicit = acl.IsDefault ? ctx.raw.ec2.subnets.filter((s) => s.SubnetId && s.VpcId === acl.VpcId && ctx.naclOf(s.SubnetId) === id).map((s) => s.SubnetId as string) : [];
  return {
    ref: ctx.ref('network-policy', 'aws-nacl', id, tagsToRecord(acl.Tags).Name ?? id),
    kind: 'aws-nacl',
    stateful: false,
    ...(acl.VpcId ? { networkId: acl.VpcId } : {}),
    rules,
    attachedTo: [...new Set([...explicit, ...implicit])].sort(),
  };
}

export function mapSubnet(subnet: RawSubnet, ctx: RegionContext): Subnet {
  const id = subnet.SubnetId ?? '';
  const nacl = ctx.naclOf(id);
  const ipv6 = (subnet.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock).filter((c): c is string => !!c);
  return {
    id,
    ...(subnet.CidrBlock ? { cidr: subnet.CidrBlock } : {}),
    ...(ipv6.length > 0 ? { ipv6Cidrs: ipv6 } : {}),
    ...(subnet.AvailabilityZone ? { zone: subnet.AvailabilityZone } : {}),
    ...(subnet.VpcId ? { networkId: subnet.VpcId } : {}),
    networkPolicyIds: nacl ? [nacl] : [],
  };
}
