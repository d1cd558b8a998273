/**
 * A small estate in moto, fast: `count` ALBs in one VPC, each with an HTTP listener forwarding to a target group of
 * one running instance. For the fault tests, which need load balancers to lose, not a realistic environment.
 */
import { CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';

export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface SmallEstate {
  loadBalancerArns: string[];
  targetGroupArns: string[];
}

export async function seedSmallEstate(endpoint: string, region: string, count: number, prefix = 'lb'): Promise<SmallEstate> {
  const config = { endpoint, region, credentials: MOTO_CREDENTIALS, maxAttempts: 1 };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  try {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.80.0.0/16' }))).Vpc!.VpcId!;
    const subnets = await Promise.all(
      ['a', 'b'].map(async (zone, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.80.${i}.0/24`, AvailabilityZone: `${region}${zone}` }))).Subnet!.SubnetId!),
    );
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    const imageId = (images.Images ?? []).map((i) => i.ImageId!).sort()[0] ?? 'ami-0c502c502c502c502';
    const instance = (await ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1, SubnetId: subnets[0] }))).Instances![0]!.InstanceId!;
    const estate: SmallEstate = { loadBalancerArns: [], targetGroupArns: [] };
    for (let i = 0; i < count; i++) {
      const lb = (await elbv2.send(new CreateLoadBalancerCommand({ Name: `${prefix}-${i}`, Type: 'application', Subnets: subnets }))).LoadBalancers![0]!.LoadBalancerArn!;
      const tg = (await elbv2.send(new CreateTargetGroupCommand({ Name: `${prefix}-tg-${i}`, Protocol: 'HTTP', Port: 8080, VpcId: vpc, TargetType: 'instance' })))
        .TargetGroups![0]!.TargetGroupArn!;
      await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: instance }] }));
      await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }));
      estate.loadBalancerArns.push(lb);
      estate.targetGroupArns.push(tg);
    }
    return estate;
  } finally {
    ec2.destroy();
    elbv2.destroy();
  }
}
