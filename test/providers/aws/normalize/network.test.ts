import { describe, expect, it } from 'vitest';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import { ruleProtocol } from '../../../../providers/aws/normalize/network.js';
import type { AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import type { PolicyRule } from '../../../../src/model/index.js';
import { region, snapshot } from './raw-builder.js';

type RawSg = AwsRegionSnapshot['ec2']['securityGroups'][number];
type RawAcl = AwsRegionSnapshot['ec2']['networkAcls'][number];

const inventory = (edit: (r: AwsRegionSnapshot) => void) => normalizeAws(snapshot(region(edit)), {});

describe('protocol names', () => {
  it.each([
    ['-1', 'all'],
    ['6', 'tcp'],
    ['17', 'udp'],
    ['1', 'icmp'],
    ['58', 'icmpv6'],
    ['tcp', 'tcp'],
    ['UDP', 'udp'],
    ['50', '50'],
    [undefined, 'all'],
  ])('%s → %s', (raw, expected) => {
    expect(ruleProtocol(raw)).toBe(expected);
  });
});

describe('security groups', () => {
  const rulesOf = (sg: Partial<RawSg>): PolicyRule[] => inventory((r) => r.ec2.securityGroups.push({ GroupId: 'sg-0app', GroupName: 'app', VpcId: 'vpc-0a1b2c3d', ...sg })).networkPolicies[0]?.rules ?? [];

  it.each<{ name: string; sg: Partial<RawSg>; expected: PolicyRule[] }>([
    {
      name: 'one rule per peer: CIDR v4, CIDR v6, group, prefix list',
      sg: {
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 8080,
            ToPort: 8081,
            IpRanges: [{ CidrIp: '10.20.0.0/22', Description: 'LB subnets' }],
            Ipv6Ranges: [{ CidrIpv6: '2001:db8::/56' }],
            UserIdGroupPairs: [{ GroupId: 'sg-0alb', UserId: '123456789012' }],
            PrefixListIds: [{ PrefixListId: 'pl-6da54004' }],
          },
        ],
      },
      expected: [
        { direction: 'ingress', action: 'allow', protocol: 'tcp', ports: { from: 8080, to: 8081 }, peer: { type: 'cidr', cidr: '10.20.0.0/22' }, description: 'LB subnets' },
        { direction: 'ingress', action: 'allow', protocol: 'tcp', ports: { from: 8080, to: 8081 }, peer: { type: 'cidr', cidr: '2001:db8::/56' } },
        { direction: 'ingress', action: 'allow', protocol: 'tcp', ports: { from: 8080, to: 8081 }, peer: { type: 'security-group', groupId: 'sg-0alb' } },
        { direction: 'ingress', action: 'allow', protocol: 'tcp', ports: { from: 8080, to: 8081 }, peer: { type: 'prefix-list', id: 'pl-6da54004' } },
      ],
    },
    {
      name: 'protocol -1 is all protocols, all ports (the default egress rule)',
      sg: { IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
      expected: [{ direction: 'egress', action: 'allow', protocol: 'all', peer: { type: 'cidr', cidr: '0.0.0.0/0' } }],
    },
    {
      name: 'ICMP type/code are not ports',
      sg: { IpPermissions: [{ IpProtocol: 'icmp', FromPort: 3, ToPort: 4, IpRanges: [{ CidrIp: '10.20.0.0/16' }] }] },
      expected: [{ direction: 'ingress', action: 'allow', protocol: 'icmp', peer: { type: 'cidr', cidr: '10.20.0.0/16' } }],
    },
    {
      name: 'a full TCP range means all ports',
      sg: { IpPermissionsEgress: [{ IpProtocol: '6', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [{ GroupId: 'sg-0app' }] }] },
      expected: [{ direction: 'egress', action: 'allow', protocol: 'tcp', peer: { type: 'security-group', groupId: 'sg-0app' } }],
    },
  ])('$name', ({ sg, expected }) => {
    expect(rulesOf(sg)).toEqual(expected);
  });

  it('is stateful, named by GroupName and attached to the ENIs and instances that use it', () => {
    const inv = inventory((r) => {
      r.ec2.securityGroups.push({ GroupId: 'sg-0app', GroupName: 'app', VpcId: 'vpc-0a1b2c3d' });
      r.ec2.networkInterfaces.push({ NetworkInterfaceId: 'eni-0b', Groups: [{ GroupId: 'sg-0app' }] }, { NetworkInterfaceId: 'eni-0a', Groups: [{ GroupId: 'sg-0other' }] });
      r.ec2.instances.push({ InstanceId: 'i-0abc', SecurityGroups: [{ GroupId: 'sg-0app' }] });
    });
    expect(inv.networkPolicies[0]).toMatchObject({
      ref: { kind: 'network-policy', type: 'aws-security-group', id: 'sg-0app', name: 'app' },
      kind: 'aws-security-group',
      stateful: true,
      networkId: 'vpc-0a1b2c3d',
      attachedTo: ['eni-0b', 'i-0abc'],
    });
  });
});

describe('network ACLs', () => {
  const acl: RawAcl = {
    NetworkAclId: 'acl-0app',
    VpcId: 'vpc-0a1b2c3d',
    IsDefault: false,
    Tags: [{ Key: 'Name', Value: 'app-subnets' }],
    Associations: [{ NetworkAclAssociationId: 'aclassoc-1', NetworkAclId: 'acl-0app', SubnetId: 'subnet-0app1' }],
    Entries: [
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 110, Protocol: '6', RuleAction: 'allow', Egress: true, CidrBlock: '10.20.30.0/23', PortRange: { From: 1024, To: 65535 } },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '10.20.0.0/22', PortRange: { From: 8080, To: 8080 } },
      { RuleNumber: 90, Protocol: '17', RuleAction: 'deny', Egress: false, Ipv6CidrBlock: '::/0', PortRange: { From: 53, To: 53 } },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '10.20.0.0/16' },
    ],
  };

  it('maps entries to ordered stateless rules, the final deny included', () => {
    const policy = inventory((r) => r.ec2.networkAcls.push(acl)).networkPolicies[0];
    expect(policy).toMatchObject({ ref: { type: 'aws-nacl', id: 'acl-0app', name: 'app-subnets' }, kind: 'aws-nacl', stateful: false, attachedTo: ['subnet-0app1'] });
    expect(policy?.rules).toEqual([
      { id: 'acl-0app/ingress/90/ipv6', direction: 'ingress', action: 'deny', protocol: 'udp', ports: { from: 53, to: 53 }, peer: { type: 'cidr', cidr: '::/0' }, priority: 90 },
      { id: 'acl-0app/ingress/100', direction: 'ingress', action: 'allow', protocol: 'tcp', ports: { from: 8080, to: 8080 }, peer: { type: 'cidr', cidr: '10.20.0.0/22' }, priority: 100 },
      { id: 'acl-0app/ingress/32767', direction: 'ingress', action: 'deny', protocol: 'all', peer: { type: 'cidr', cidr: '0.0.0.0/0' }, priority: 32767 },
      { id: 'acl-0app/egress/100', direction: 'egress', action: 'allow', protocol: 'all', peer: { type: 'cidr', cidr: '10.20.0.0/16' }, priority: 100 },
      { id: 'acl-0app/egress/110', direction: 'egress', action: 'allow', protocol: 'tcp', ports: { from: 1024, to: 65535 }, peer: { type: 'cidr', cidr: '10.20.30.0/23' }, priority: 110 },
      { id: 'acl-0app/egress/32767', direction: 'egress', action: 'deny', protocol: 'all', peer: { type: 'cidr', cidr: '0.0.0.0/0' }, priority: 32767 },
    ]);
  });

  it('the default NACL is attached to every subnet of its VPC without an explicit association', () => {
    const inv = inventory((r) => {
      r.ec2.networkAcls.push(acl, { NetworkAclId: 'acl-0default', VpcId: 'vpc-0a1b2c3d', IsDefault: true, Entries: [], Associations: [{ SubnetId: 'subnet-0pub' }] });
      r.ec2.subnets.push(
        { SubnetId: 'subnet-0app1', VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.10.0/24', AvailabilityZone: 'eu-west-1a' },
        { SubnetId: 'subnet-0pub', VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.0.0/24', AvailabilityZone: 'eu-west-1a' },
        { SubnetId: 'subnet-0quiet', VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.20.0/24', AvailabilityZone: 'eu-west-1b', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2001:db8:0:1::/64' }] },
        { SubnetId: 'subnet-0elsewhere', VpcId: 'vpc-0ffff', CidrBlock: '172.16.0.0/24' },
      );
    });
    expect(inv.networkPolicies.find((p) => p.ref.id === 'acl-0default')?.attachedTo).toEqual(['subnet-0pub', 'subnet-0quiet']);
    expect(inv.subnets).toEqual([
      { id: 'subnet-0app1', cidr: '10.20.10.0/24', zone: 'eu-west-1a', networkId: 'vpc-0a1b2c3d', networkPolicyIds: ['acl-0app'] },
      { id: 'subnet-0pub', cidr: '10.20.0.0/24', zone: 'eu-west-1a', networkId: 'vpc-0a1b2c3d', networkPolicyIds: ['acl-0default'] },
      { id: 'subnet-0quiet', cidr: '10.20.20.0/24', ipv6Cidrs: ['2001:db8:0:1::/64'], zone: 'eu-west-1b', networkId: 'vpc-0a1b2c3d', networkPolicyIds: ['acl-0default'] },
      { id: 'subnet-0elsewhere', cidr: '172.16.0.0/24', networkId: 'vpc-0ffff', networkPolicyIds: [] },
    ]);
  });
});
