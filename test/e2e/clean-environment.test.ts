/**
 * A clean, well-configured environment in moto, seeded through the AWS SDK, audited by the built CLI: no failure
 * at medium or above. Guards against checks a senior SRE would dismiss as noise. Own region (eu-north-1).
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parseReportJson } from '../../src/report/passes.js';
import type { Report } from '../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';
import { cli } from '../support/built-cli.js';

const REGION = 'eu-north-1';
let report: Report;

async function seedCleanEnvironment(endpoint: string): Promise<void> {
  const config = { endpoint, region: REGION, maxAttempts: 1, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
  const subnets = [
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.60.1.0/24', AvailabilityZone: `${REGION}a` }))).Subnet!.SubnetId!,
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.60.2.0/24', AvailabilityZone: `${REGION}b` }))).Subnet!.SubnetId!,
  ];
  const lbSg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'clean-lb', Description: 'ALB', VpcId: vpcId }))).GroupId!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: lbSg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const appSg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'clean-app', Description: 'app', VpcId: vpcId }))).GroupId!;
  // Traffic port and health-check port from the load balancer's group only.
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: appSg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: lbSg }] }] }));
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['amzn2-ami-hvm-*'] }] }));
  const imageId = (images.Images ?? []).map((i) => i.ImageId!).sort()[0] ?? 'ami-0c502c502c502c502';
  const instanceIds: string[] = [];
  for (const subnetId of subnets) {
    const res = await ec2.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: [appSg] }));
    instanceIds.push(res.Instances![0]!.InstanceId!);
  }
  const lbArn = (await elbv2.send(new CreateLoadBalancerCommand({ Name: 'clean-web', Type: 'application', Scheme: 'internet-facing', Subnets: subnets, SecurityGroups: [lbSg] })))
    .LoadBalancers![0]!.LoadBalancerArn!;
  const tgArn = (
    await elbv2.send(
      new CreateTargetGroupCommand({
        Name: 'clean-web',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: vpcId,
        TargetType: 'instance',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: '/healthz',
        HealthCheckIntervalSeconds: 15,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 3,
        UnhealthyThresholdCount: 3,
        Matcher: { HttpCode: '200' },
        // nginx keeps idle connections 75 s, longer than the ALB's default 60 s idle timeout.
        Tags: [{ Key: 'cloud502:server', Value: 'nginx' }],
      }),
    )
  ).TargetGroups![0]!.TargetGroupArn!;
  await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: instanceIds.map((Id) => ({ Id })) }));
  await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }));
}

beforeAll(async () => {
  await seedCleanEnvironment(inject('motoUrl'));
  const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: undefined, AWS_ENDPOINT_URL: inject('motoUrl') };
  const r = await cli(['audit', '--region', REGION, '--format', 'json', '--quiet', '--fail-on', 'medium'], { env });
  const errors = reportSchemaErrors(JSON.parse(r.stdout));
  // Compact passes read back into results.
  report = parseReportJson(r.stdout);
  expect(errors, formatErrors(errors)).toEqual([]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('a clean, well-configured environment in moto', () => {
  it('raises no failure at medium or above, and no check errors', () => {
    const serious = report.results.filter((r) => (r.status === 'fail' && ['critical', 'high', 'medium'].includes(r.severity)) || r.status === 'error');
    expect(serious.map((r) => `${r.checkId} ${r.resource.name}: ${r.message}`)).toEqual([]);
  });

  it('was actually judged: every family passed something on the load balancer', () => {
    const passed = new Set(report.results.filter((r) => r.status === 'pass').map((r) => r.family));
    for (const family of ['targets', 'health', 'network', 'timeouts']) expect(passed, family).toContain(family);
    expect(report.summary.loadBalancers).toBe(1);
  });
});
