import { describe, expect, it } from 'vitest';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import type { AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import type { Peer } from '../../../../src/model/index.js';
import { ALB_ARN, NLB_ARN, TG_ARN, alb, nlb, region, snapshot, targetGroup } from './raw-builder.js';

const eni = (id: string, description: string, subnet: string, ip: string, groups: string[] = []) => ({
  NetworkInterfaceId: id,
  Description: description,
  SubnetId: subnet,
  AvailabilityZone: subnet === 'subnet-0aaa' ? 'eu-west-1a' : 'eu-west-1b',
  PrivateIpAddress: ip,
  PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
  Groups: groups.map((GroupId) => ({ GroupId })),
  InterfaceType: 'interface' as const,
});

const subnets = (r: AwsRegionSnapshot) => {
  r.ec2.subnets.push(
    { SubnetId: 'subnet-0aaa', VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.0.0/24', AvailabilityZone: 'eu-west-1a' },
    { SubnetId: 'subnet-0bbb', VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.1.0/24', AvailabilityZone: 'eu-west-1b' },
  );
  r.ec2.vpcs.push({ VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.0.0/16', CidrBlockAssociationSet: [{ CidrBlock: '10.20.0.0/16', CidrBlockState: { State: 'associated' } }] });
};

describe('ELBv2 load balancers', () => {
  it.each([
    ['application', 'aws-alb', 7],
    ['network', 'aws-nlb', 4],
    ['gateway', 'aws-gwlb', 4],
  ] as const)('maps Type %s to kind %s, layer %i', (type, kind, layer) => {
    const inv = normalizeAws(snapshot(region((r) => r.elbv2.loadBalancers.push(alb({ Type: type })))), {});
    expect(inv.loadBalancers[0]).toMatchObject({ kind, layer, ref: { kind: 'load-balancer', type: kind, id: ALB_ARN, name: 'web', region: 'eu-west-1', account: '123456789012' } });
  });

  it('maps scheme, state, DNS name, VPC, subnets, security groups and tags', () => {
    const inv = normalizeAws(
      snapshot(
        region((r) => {
          r.elbv2.loadBalancers.push(alb());
          r.elbv2.tags.push({ ResourceArn: ALB_ARN, Tags: [{ Key: 'team', Value: 'web' }] });
        }),
      ),
      {},
    );
    expect(inv.loadBalancers[0]).toMatchObject({
      scheme: 'internet-facing',
      state: 'active',
      dnsName: 'web-1234567890.eu-west-1.elb.amazonaws.com',
      networkId: 'vpc-0a1b2c3d',
      subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
      networkPolicyIds: ['sg-0alb'],
      tags: { team: 'web' },
    });
  });

  it.each([
    ['ALB', alb(), 'ELB app/web/50dc6c495c0c9188'],
    ['NLB', nlb(), 'ELB net/edge/73e2d6bc24d8a067'],
  ])('%s zones carry the private addresses of its ENIs (%s)', (_, lb, description) => {
    const inv = normalizeAws(
      snapshot(
        region((r) => {
          r.elbv2.loadBalancers.push(lb);
          r.ec2.networkInterfaces.push(
            eni('eni-01', description, 'subnet-0aaa', '10.20.0.17'),
            eni('eni-02', description, 'subnet-0bbb', '10.20.1.42'),
            eni('eni-03', 'ELB app/other/0000000000000000', 'subnet-0aaa', '10.20.0.99'),
          );
        }),
      ),
      {},
    );
    expect(inv.loadBalancers[0]?.zones).toEqual([
      { name: 'eu-west-1a', subnetId: 'subnet-0aaa', addresses: ['10.20.0.17'] },
      { name: 'eu-west-1b', subnetId: 'subnet-0bbb', addresses: ['10.20.1.42'] },
    ]);
  });

  it('zones without collected ENIs have no addresses (unknown, not empty)', () => {
    const inv = normalizeAws(snapshot(region((r) => r.elbv2.loadBalancers.push(alb()))), {});
    expect(inv.loadBalancers[0]?.zones[0]).toEqual({ name: 'eu-west-1a', subnetId: 'subnet-0aaa' });
  });

  const sg = (groupId: string): Peer => ({ type: 'security-group', groupId });
  const cidr = (c: string): Peer => ({ type: 'cidr', cidr: c });

  it.each<{ name: string; edit: (r: AwsRegionSnapshot) => void; health: Peer[]; traffic: Peer[] }>([
    {
      name: 'ALB: its security groups',
      edit: (r) => r.elbv2.loadBalancers.push(alb({ SecurityGroups: ['sg-0alb', 'sg-0alb2'] })),
      health: [sg('sg-0alb'), sg('sg-0alb2')],
      traffic: [sg('sg-0alb'), sg('sg-0alb2')],
    },
    {
      name: 'NLB with security groups: its groups',
      edit: (r) => r.elbv2.loadBalancers.push(nlb({ SecurityGroups: ['sg-0nlb'] })),
      health: [sg('sg-0nlb')],
      traffic: [sg('sg-0nlb')],
    },
    {
      name: 'NLB without security groups, ENIs known: node addresses',
      edit: (r) => {
        r.elbv2.loadBalancers.push(nlb());
        r.ec2.networkInterfaces.push(eni('eni-01', 'ELB net/edge/73e2d6bc24d8a067', 'subnet-0aaa', '10.20.0.5'), eni('eni-02', 'ELB net/edge/73e2d6bc24d8a067', 'subnet-0bbb', '10.20.1.5'));
      },
      health: [cidr('10.20.0.5/32'), cidr('10.20.1.5/32')],
      traffic: [cidr('10.20.0.5/32'), cidr('10.20.1.5/32')],
    },
    {
      name: 'NLB without security groups, ENIs unknown: the node subnets',
      edit: (r) => {
        r.elbv2.loadBalancers.push(nlb());
        subnets(r);
      },
      health: [cidr('10.20.0.0/24'), cidr('10.20.1.0/24')],
      traffic: [cidr('10.20.0.0/24'), cidr('10.20.1.0/24')],
    },
    {
      name: 'NLB without security groups, nothing known but the VPC: the VPC CIDR',
      edit: (r) => {
        r.elbv2.loadBalancers.push(nlb());
        r.ec2.vpcs.push({ VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.0.0/16' });
      },
      health: [cidr('10.20.0.0/16')],
      traffic: [cidr('10.20.0.0/16')],
    },
    {
      name: 'NLB without security groups preserving client IPs: anyone is a traffic source',
      edit: (r) => {
        r.elbv2.loadBalancers.push(nlb());
        r.ec2.vpcs.push({ VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.0.0/16' });
        r.elbv2.targetGroups.push(targetGroup({ Protocol: 'TCP', LoadBalancerArns: [NLB_ARN] }));
        r.elbv2.targetGroupAttributes[TG_ARN] = [{ Key: 'preserve_client_ip.enabled', Value: 'true' }];
      },
      health: [cidr('10.20.0.0/16')],
      traffic: [cidr('10.20.0.0/16'), cidr('0.0.0.0/0')],
    },
    {
      name: 'dual-stack NLB preserving client IPs: IPv6 clients too',
      edit: (r) => {
        r.elbv2.loadBalancers.push(nlb({ IpAddressType: 'dualstack' }));
        r.ec2.vpcs.push({ VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.0.0/16' });
        r.elbv2.targetGroups.push(targetGroup({ Protocol: 'TCP', LoadBalancerArns: [NLB_ARN] }));
        r.elbv2.targetGroupAttributes[TG_ARN] = [];
      },
      health: [cidr('10.20.0.0/16')],
      traffic: [cidr('10.20.0.0/16'), cidr('0.0.0.0/0'), cidr('::/0')],
    },
    {
      name: 'NLB with security groups preserving client IPs: the clients its groups admit on a listener port',
      edit: (r) => {
        r.elbv2.loadBalancers.push(nlb({ SecurityGroups: ['sg-0nlb'] }));
        r.elbv2.listeners[NLB_ARN] = [{ ListenerArn: `${NLB_ARN}/l1`, Port: 443, Protocol: 'TLS', DefaultActions: [] }];
        r.ec2.securityGroups.push({
          GroupId: 'sg-0nlb',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '198.51.100.0/24' }], UserIdGroupPairs: [{ GroupId: 'sg-0bastion' }] },
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
          ],
        });
        r.elbv2.targetGroups.push(targetGroup({ Protocol: 'TCP', LoadBalancerArns: [NLB_ARN] }));
        r.elbv2.targetGroupAttributes[TG_ARN] = [{ Key: 'preserve_client_ip.enabled', Value: 'true' }];
      },
      health: [sg('sg-0nlb')],
      traffic: [sg('sg-0nlb'), cidr('198.51.100.0/24')],
    },
    {
      name: 'NLB whose target groups do not preserve client IPs: no client sources',
      edit: (r) => {
        r.elbv2.loadBalancers.push(nlb({ SecurityGroups: ['sg-0nlb'] }));
        r.elbv2.targetGroups.push(targetGroup({ Protocol: 'TCP', TargetType: 'ip', LoadBalancerArns: [NLB_ARN] }));
        r.elbv2.targetGroupAttributes[TG_ARN] = [];
      },
      health: [sg('sg-0nlb')],
      traffic: [sg('sg-0nlb')],
    },
  ])('health-check and traffic sources — $name', ({ edit, health, traffic }) => {
    const lb = normalizeAws(snapshot(region(edit)), {}).loadBalancers[0];
    expect(lb?.healthCheckSources).toEqual(health);
    expect(lb?.trafficSources).toEqual(traffic);
  });

  it('a failed DescribeListeners leaves no listeners but keeps the load balancer', () => {
    const inv = normalizeAws(
      snapshot(
        region((r) => {
          r.elbv2.loadBalancers.push(alb());
          r.errors.push({ api: 'elasticloadbalancing:DescribeListeners', region: 'eu-west-1', code: 'Throttling', message: 'Rate exceeded', resourceId: ALB_ARN });
        }),
      ),
      {},
    );
    expect(inv.loadBalancers[0]?.listeners).toEqual([]);
    expect(inv.coverage[0]).toMatchObject({ api: 'elasticloadbalancing:DescribeListeners', impact: 'listeners of web unknown' });
  });
});
