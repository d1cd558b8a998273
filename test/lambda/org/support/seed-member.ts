/**
 * A small environment in a member account of moto (through its assumed role): one internet-facing ALB whose
 * HTTP listener forwards to a target group with no targets, the planted 503 of `targets/no-registered-targets`.
 */
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { credentialsOf } from './organization.js';

export interface SeededMember {
  account: string;
  region: string;
  loadBalancerName: string;
  targetGroupName: string;
}

export async function seedMemberAccount(endpoint: string, account: string, region: string, name = 'org-shop'): Promise<SeededMember> {
  const credentials = await credentialsOf(endpoint, account, 'cloud502-audit');
  const config = { endpoint, region, credentials, maxAttempts: 1 };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  try {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
    const subnet = async (cidr: string, zone: string) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!;
    const subnets = [await subnet('10.60.1.0/24', `${region}a`), await subnet('10.60.2.0/24', `${region}b`)];
    const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: name, Type: 'application', Scheme: 'internet-facing', Subnets: subnets }));
    const tg = await elbv2.send(new CreateTargetGroupCommand({ Name: `${name}-empty`, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance' }));
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancers![0]!.LoadBalancerArn!,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroups![0]!.TargetGroupArn! }],
      }),
    );
    return { account, region, loadBalancerName: name, targetGroupName: `${name}-empty` };
  } finally {
    ec2.destroy();
    elbv2.destroy();
  }
}
