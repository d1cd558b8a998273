/**
 * Seeds one account × region of moto with a large load-balancer estate, fast: straight to moto (not through the
 * throttling proxy), many calls in flight, instances launched a subnet at a time. Returns the facts the
 * minimum-call formulas need (bench/formulas.ts).
 *
 * Layout, per VPC v (VPCs share the load balancers round-robin):
 * - 2 subnets (zones a, b), `securityGroups / vpcs` security groups with one ingress rule each;
 * - instances: enough that every instance is registered in exactly two ALB target groups;
 * - ALB i: HTTP:80 → tg-i-0 (default) with `rulesPerAlb` path rules → tg-i-1..; the first `httpsAlbs` ALBs also
 *   HTTPS:443 (an imported certificate, round-robin) → tg-i-0; each ALB target group has `instanceTargetsPerTg` instances;
 * - NLB k: TCP:443 → an `ip` target group with `ipTargetsPerNlbTg` private IPs of the VPC's instances;
 * - `orphanTargetGroups` target groups that no listener uses; `classicLbs` Classic ELBs with two instances each;
 * - CloudWatch: HTTPCode_ELB_502_Count points for every third ALB.
 */
import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
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
  CreateLoadBalancerCommand as CreateClassicCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity } from '@smithy/types';
import pLimit from 'p-limit';
import { generate } from 'selfsigned';

export interface EnvironmentPlan {
  vpcs: number;
  albs: number;
  nlbs: number;
  /** The first ALBs that also get an HTTPS listener. */
  httpsAlbs: number;
  /** Path rules per ALB HTTP listener, each to a target group of its own. */
  rulesPerAlb: number;
  instanceTargetsPerTg: number;
  ipTargetsPerNlbTg: number;
  orphanTargetGroups: number;
  securityGroups: number;
  classicLbs: number;
  certificates: number;
}

/** What was created: the inputs of the minimum-call formulas. */
export interface EnvironmentFacts {
  region: string;
  loadBalancers: { application: number; network: number; classic: number };
  /** ALB listeners (HTTP and HTTPS): one DescribeRules each. */
  albListeners: number;
  /** HTTPS/TLS listeners: one DescribeListenerCertificates each. */
  certificateListeners: number;
  /** NLB TCP listeners: one DescribeListenerAttributes each. */
  nlbTcpListeners: number;
  targetGroups: number;
  /** (load balancer, target group) pairs with the LB's type: CloudWatch pool-level queries. */
  albTargetGroupPairs: number;
  nlbTargetGroupPairs: number;
  targets: number;
  /** Distinct instances that are targets (ELBv2 or classic). */
  targetInstances: number;
  /** Distinct IP targets per VPC. */
  ipTargetsPerVpc: number[];
  vpcs: number;
  securityGroups: number;
  distinctCertificates: number;
}

export interface SeedTarget {
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** Calls in flight while seeding. */
  concurrency?: number;
}

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`seed: moto returned no ${what}`);
  return value;
}

/** Used when moto has no bundled Amazon Linux image (it then accepts any image id). */
const FALLBACK_AMI = 'ami-0c502c502c502c502';

export async function seedLargeEnvironment(target: SeedTarget, plan: EnvironmentPlan, now: Date = new Date()): Promise<EnvironmentFacts> {
  const requestHandler = new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } });
  const config = { endpoint: target.endpoint, region: target.region, credentials: target.credentials, maxAttempts: 3, requestHandler };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const elb = new ElasticLoadBalancingClient(config);
  const acm = new ACMClient(config);
  // moto fails to read the gzip body the SDK sends for PutMetricData calls over 10 KB.
  const cloudwatch = new CloudWatchClient({ ...config, disableRequestCompression: true });
  const limit = pLimit(target.concurrency ?? 32);
  const all = <T, R>(items: readonly T[], fn: (item: T, i: number) => Promise<R>) => Promise.all(items.map((item, i) => limit(() => fn(item, i))));
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const { region } = target;
  try {
    // Network: VPCs, two subnets each, security groups with one rule each.
    const vpcs = await all(range(plan.vpcs), async (v) => must((await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${100 + v}.0.0/16` }))).Vpc?.VpcId, 'VPC id'));
    const subnets = await all(range(plan.vpcs * 2), async (s) => {
      const v = Math.floor(s / 2);
      const res = await ec2.send(
        new CreateSubnetCommand({ VpcId: vpcs[v], CidrBlock: `10.${100 + v}.${(s % 2) * 16}.0/20`, AvailabilityZone: `${region}${s % 2 === 0 ? 'a' : 'b'}` }),
      );
      return must(res.Subnet?.SubnetId, 'subnet id');
    });
    const subnetsOf = (v: number) => [subnets[2 * v]!, subnets[2 * v + 1]!];
    const groups = await all(range(plan.securityGroups), async (g) => {
      const v = g % plan.vpcs;
      const id = must(
        (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `bench-sg-${g}`, Description: 'bench', VpcId: vpcs[v] }))).GroupId,
        'group id',
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8000 + (g % 100), ToPort: 8000 + (g % 100), IpRanges: [{ CidrIp: `10.${100 + v}.0.0/16` }] }] }),
      );
      return { id, vpc: v };
    });
    const groupOf = (v: number) => groups.find((g) => g.vpc === v)!.id;

    // Instances: each ALB target group takes the next `instanceTargetsPerTg` instances of its VPC, round-robin,
    // and every instance ends up in two target groups.
    const albTgCount = plan.albs * (1 + plan.rulesPerAlb);
    const albsPerVpc = (v: number) => range(plan.albs).filter((i) => i % plan.vpcs === v).length;
    const instancesPerVpc = range(plan.vpcs).map((v) => Math.max(plan.ipTargetsPerNlbTg, Math.ceil((albsPerVpc(v) * (1 + plan.rulesPerAlb) * plan.instanceTargetsPerTg) / 2)));
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['amzn2-ami-hvm-*'] }] }));
    const imageId = (images.Images ?? []).map((i) => i.ImageId).filter((id): id is string => Boolean(id)).sort()[0] ?? FALLBACK_AMI;
    const launches = range(plan.vpcs).flatMap((v) => {
      const half = Math.ceil(instancesPerVpc[v]! / 2);
      return [
        { v, subnet: subnetsOf(v)[0]!, count: half },
        { v, subnet: subnetsOf(v)[1]!, count: instancesPerVpc[v]! - half },
      ].filter((l) => l.count > 0);
    });
    const launched = await all(launches, async (l) => {
      const res = await ec2.send(
        new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', MinCount: l.count, MaxCount: l.count, SubnetId: l.subnet, SecurityGroupIds: [groupOf(l.v)] }),
      );
      return (res.Instances ?? []).map((i) => ({ id: must(i.InstanceId, 'instance id'), ip: must(i.PrivateIpAddress, 'private IP'), vpc: l.v }));
    });
    const instancesByVpc = range(plan.vpcs).map((v) => launched.flat().filter((i) => i.vpc === v));
    const cursor = range(plan.vpcs).map(() => 0);
    const nextInstances = (v: number, n: number) => {
      const pool = instancesByVpc[v]!;
      return range(n).map(() => pool[cursor[v]!++ % pool.length]!);
    };

    const certificates = await all(range(plan.certificates), async (c) => {
      const domain = `bench-${c}.cloud502.test`;
      const pems = await generate([{ name: 'commonName', value: domain }], {
        keySize: 2048,
        algorithm: 'sha256',
        notBeforeDate: new Date(now.getTime() - 86_400_000),
        notAfterDate: new Date(now.getTime() + (30 + c) * 86_400_000),
      });
      return must((await acm.send(new ImportCertificateCommand({ Certificate: Buffer.from(pems.cert), PrivateKey: Buffer.from(pems.private) }))).CertificateArn, 'certificate ARN');
    });

    const targetGroup = async (name: string, v: number, input: { Protocol: 'HTTP' | 'TCP'; TargetType: 'instance' | 'ip' }, targets: Array<{ Id: string; Port?: number }>) => {
      const arn = must(
        (
          await elbv2.send(
            new CreateTargetGroupCommand({ Name: name, Port: 8080, VpcId: vpcs[v], HealthCheckProtocol: input.Protocol, ...(input.Protocol === 'HTTP' ? { HealthCheckPath: '/health' } : {}), ...input }),
          )
        ).TargetGroups?.[0]?.TargetGroupArn,
        'target group ARN',
      );
      if (targets.length) await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: targets }));
      return arn;
    };

    // ALBs with their listeners, rules and target groups.
    const albs = await all(range(plan.albs), async (i) => {
      const v = i % plan.vpcs;
      const lbArn = must(
        (await elbv2.send(new CreateLoadBalancerCommand({ Name: `alb-${i}`, Type: 'application', Subnets: subnetsOf(v), SecurityGroups: [groupOf(v)], Tags: [{ Key: 'bench', Value: 'alb' }] })))
          .LoadBalancers?.[0]?.LoadBalancerArn,
        'load balancer ARN',
      );
      const tgs: string[] = [];
      for (let r = 0; r <= plan.rulesPerAlb; r++) {
        tgs.push(await targetGroup(`alb-${i}-${r}`, v, { Protocol: 'HTTP', TargetType: 'instance' }, nextInstances(v, plan.instanceTargetsPerTg).map((x) => ({ Id: x.id }))));
      }
      const forward = (arn: string) => [{ Type: 'forward' as const, TargetGroupArn: arn }];
      const http = must(
        (await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: forward(tgs[0]!) }))).Listeners?.[0]?.ListenerArn,
        'listener ARN',
      );
      for (let r = 1; r <= plan.rulesPerAlb; r++) {
        await elbv2.send(new CreateRuleCommand({ ListenerArn: http, Priority: r * 10, Conditions: [{ Field: 'path-pattern', Values: [`/p${r}/*`] }], Actions: forward(tgs[r]!) }));
      }
      if (i < plan.httpsAlbs) {
        await elbv2.send(
          new CreateListenerCommand({
            LoadBalancerArn: lbArn,
            Protocol: 'HTTPS',
            Port: 443,
            DefaultActions: forward(tgs[0]!),
            Certificates: [{ CertificateArn: certificates[i % certificates.length]! }],
            SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
          }),
        );
      }
      return { lbArn, v };
    });

    // NLBs with a TCP listener to an ip target group each; every NLB uses distinct IPs of its VPC.
    const ipCursor = range(plan.vpcs).map(() => 0);
    const ipTargets = range(plan.vpcs).map(() => new Set<string>());
    const nlbPlans = range(plan.nlbs).map((k) => {
      const v = k % plan.vpcs;
      const pool = instancesByVpc[v]!;
      const ips = range(plan.ipTargetsPerNlbTg).map(() => pool[ipCursor[v]!++ % pool.length]!.ip);
      for (const ip of ips) ipTargets[v]!.add(ip);
      return { k, v, ips };
    });
    await all(nlbPlans, async ({ k, v, ips }) => {
      const lbArn = must(
        (await elbv2.send(new CreateLoadBalancerCommand({ Name: `nlb-${k}`, Type: 'network', Subnets: subnetsOf(v) }))).LoadBalancers?.[0]?.LoadBalancerArn,
        'load balancer ARN',
      );
      const tg = await targetGroup(`nlb-${k}`, v, { Protocol: 'TCP', TargetType: 'ip' }, ips.map((Id) => ({ Id, Port: 8443 })));
      await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'TCP', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }));
    });

    await all(range(plan.orphanTargetGroups), (o) => targetGroup(`orphan-${o}`, o % plan.vpcs, { Protocol: 'HTTP', TargetType: 'instance' }, []));

    await all(range(plan.classicLbs), async (c) => {
      const v = c % plan.vpcs;
      const name = `clb-${c}`;
      await elb.send(
        new CreateClassicCommand({
          LoadBalancerName: name,
          Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 8080 }],
          Subnets: subnetsOf(v),
          SecurityGroups: [groupOf(v)],
        }),
      );
      const pool = instancesByVpc[v]!;
      await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: name, Instances: [pool[(2 * c) % pool.length]!, pool[(2 * c + 1) % pool.length]!].map((x) => ({ InstanceId: x.id })) }));
    });

    // 502s on every third ALB, two points each, in batches CloudWatch accepts.
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    const data: Array<{ namespace: string; datum: MetricDatum }> = albs
      .filter((_, i) => i % 3 === 0)
      .flatMap(({ lbArn }) => {
        const dimension = lbArn.slice(lbArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
        return [5, 2].map((ago, j) => ({
          namespace: 'AWS/ApplicationELB',
          datum: { MetricName: 'HTTPCode_ELB_502_Count', Dimensions: [{ Name: 'LoadBalancer', Value: dimension }], Timestamp: new Date(minute - ago * 60_000), Value: 3 + j, Unit: 'Count' as const },
        }));
      });
    const batches = range(Math.ceil(data.length / 150)).map((b) => data.slice(b * 150, (b + 1) * 150));
    await all(batches, (batch) => cloudwatch.send(new PutMetricDataCommand({ Namespace: 'AWS/ApplicationELB', MetricData: batch.map((d) => d.datum) })));

    const targetInstances = new Set<string>();
    for (let v = 0; v < plan.vpcs; v++) {
      const used = Math.min(instancesByVpc[v]!.length, cursor[v]!);
      for (const x of instancesByVpc[v]!.slice(0, used)) targetInstances.add(x.id);
    }
    for (let c = 0; c < plan.classicLbs; c++) {
      const pool = instancesByVpc[c % plan.vpcs]!;
      targetInstances.add(pool[(2 * c) % pool.length]!.id);
      targetInstances.add(pool[(2 * c + 1) % pool.length]!.id);
    }
    return {
      region,
      loadBalancers: { application: plan.albs, network: plan.nlbs, classic: plan.classicLbs },
      albListeners: plan.albs + plan.httpsAlbs,
      certificateListeners: plan.httpsAlbs,
      nlbTcpListeners: plan.nlbs,
      targetGroups: albTgCount + plan.nlbs + plan.orphanTargetGroups,
      albTargetGroupPairs: albTgCount,
      nlbTargetGroupPairs: plan.nlbs,
      targets: albTgCount * plan.instanceTargetsPerTg + plan.nlbs * plan.ipTargetsPerNlbTg,
      targetInstances: targetInstances.size,
      ipTargetsPerVpc: ipTargets.map((s) => s.size),
      vpcs: plan.vpcs,
      securityGroups: plan.securityGroups,
      distinctCertificates: Math.min(plan.certificates, plan.httpsAlbs),
    };
  } finally {
    for (const client of [ec2, elbv2, elb, acm, cloudwatch]) client.destroy();
    requestHandler.destroy();
  }
}
