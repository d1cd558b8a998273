/**
 * Seeds moto, through the real AWS SDK, with a small but realistic load-balancer environment in which the
 * usual causes of 502/503/504 are planted. Used by the collect integration test and the CLI end-to-end test.
 *
 * Region layout (all names fixed, ids and ARNs are moto's):
 * - VPC `10.50.0.0/16`, subnet A `10.50.1.0/24` in `<region>a`, subnet B `10.50.2.0/24` in `<region>b`.
 * - Custom NACL on subnet B: inbound TCP 8080-8081 and 8443 from the VPC, outbound TCP 443 only, so the
 *   replies of `web-2` to the load balancer nodes (ephemeral ports 1024-65535) are dropped. Planted 504.
 * - Security groups: `c502-lb` (80 and 443 from anywhere), `c502-app` (8080 from `c502-lb`, 8443 from the VPC),
 *   `c502-app-nohc` (8080 from `c502-lb` only, while its target group health-checks port 8081). Planted.
 * - Instances: `web-1` (A), `web-2` (B), `legacy-1` (A, stopped after registration), `node-1` (A), `nohc-1` (A).
 * - ALB `c502-web` (internet-facing, idle timeout 120 s, tags env=demo team=web):
 *   HTTP :80 → `c502-web` (web-1, web-2); rules `/api/*` → `c502-api-empty` (no targets: planted 503),
 *   `/legacy/*` → `c502-legacy` (stopped instance: unused / Target.InvalidState), `/hc/*` → `c502-hc-blocked`;
 *   HTTPS :443 (imported ACM certificate expiring in 10 days) → `c502-web`.
 * - ALB `c502-internal` (internal, default idle timeout 60 s): HTTP :80 → `c502-node` (node-1), tagged
 *   `cloud502:server=node` (Node's 5 s keep-alive < 60 s: planted 502).
 * - NLB `c502-nlb`: TCP :443 → `c502-nlb-ip` (IP target: web-1's private IP, port 8443).
 * - Target group `c502-orphan`: used by no listener.
 * - Classic ELB `c502-classic`: HTTP :80 → instance :8080 (web-1), health check HTTP:8080/health.
 * - CloudWatch: `AWS/ApplicationELB` `HTTPCode_ELB_502_Count` for `c502-web`: 7 at now−5 min, 5 at now−2 min.
 *
 * The region must be empty (moto keeps state per region): use a region no other test file uses, or reset moto.
 */
import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  ReplaceNetworkAclAssociationCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand as CreateClassicLoadBalancerCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
  RegisterTargetsCommand,
  type CreateTargetGroupCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { generate } from 'selfsigned';

/** A load balancer as seeded. */
export interface SeededLoadBalancer {
  name: string;
  arn: string;
  /** The CloudWatch `LoadBalancer` dimension, e.g. `app/c502-web/…`. */
  dimension: string;
}

/** A target group as seeded. */
export interface SeededTargetGroup {
  name: string;
  arn: string;
  /** Target ids registered (instance ids, or IPs for `nlbIp`). */
  targets: string[];
}

/** What `seedAwsEnvironment` created. Every id/ARN is moto's; every name is fixed. */
export interface SeededAwsEnvironment {
  region: string;
  /** moto's account id (`123456789012` unless MOTO_ACCOUNT_ID says otherwise). */
  account: string;
  vpcId: string;
  vpcCidr: '10.50.0.0/16';
  /** Subnet A (`<region>a`) and subnet B (`<region>b`). */
  subnets: { a: string; b: string };
  /** The custom NACL associated with subnet B (no outbound ephemeral ports). */
  customNaclId: string;
  securityGroups: {
    /** `c502-lb`: 80/443 from 0.0.0.0/0. */
    lb: string;
    /** `c502-app`: 8080 from the LB group, 8443 from the VPC. */
    app: string;
    /** `c502-app-nohc`: 8080 from the LB group only; its target group health-checks 8081. */
    appNoHealthCheck: string;
  };
  instances: {
    web1: { id: string; privateIp: string };
    web2: { id: string; privateIp: string };
    /** Registered in `legacy`, then stopped. */
    legacy: { id: string; privateIp: string };
    node: { id: string; privateIp: string };
    noHealthCheck: { id: string; privateIp: string };
  };
  certificate: { arn: string; notAfter: string; domain: string };
  loadBalancers: {
    /** ALB, internet-facing, idle_timeout.timeout_seconds = 120, the one with 502 metrics. */
    web: SeededLoadBalancer;
    /** ALB, internal, default idle timeout (60 s). */
    internal: SeededLoadBalancer;
    nlb: SeededLoadBalancer;
    /** Classic ELB: `arn` is the ARN IAM and CloudWatch use; `dimension` is the name. */
    classic: SeededLoadBalancer;
  };
  listeners: { webHttp: string; webHttps: string; internalHttp: string; nlbTcp: string };
  targetGroups: {
    /** 2 healthy instances (web-1, web-2). */
    web: SeededTargetGroup;
    /** Behind rule `/api/*`, no targets (503). */
    apiEmpty: SeededTargetGroup;
    /** Behind rule `/legacy/*`, one stopped instance (moto: unused / Target.InvalidState). */
    legacy: SeededTargetGroup;
    /** Behind `c502-internal`, tagged `cloud502:server=node`. */
    node: SeededTargetGroup;
    /** Behind rule `/hc/*`, health check on 8081 which `c502-app-nohc` does not allow. */
    healthCheckBlocked: SeededTargetGroup;
    /** NLB TCP target group of type ip. */
    nlbIp: SeededTargetGroup;
    /** No listener uses it. */
    orphan: SeededTargetGroup;
  };
  /** The CloudWatch points put for `loadBalancers.web`. */
  metrics: {
    namespace: 'AWS/ApplicationELB';
    metricName: 'HTTPCode_ELB_502_Count';
    dimensions: Array<{ Name: string; Value: string }>;
    points: Array<{ timestamp: string; value: number }>;
  };
}

export interface SeedOptions {
  /** The clock the metric points are placed against (default: now). */
  now?: Date;
}

/** Used when moto has no Amazon Linux image loaded (MOTO_EC2_LOAD_DEFAULT_AMIS=false) and does not validate AMIs. */
const FALLBACK_AMI = 'ami-0c502c502c502c502';
const VPC_CIDR = '10.50.0.0/16';

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`seed: moto returned no ${what}`);
  return value;
}

/**
 * Builds the environment described above in `region` of the moto server at `endpoint` and returns its ids.
 * @example const env = await seedAwsEnvironment(inject('motoUrl'), 'eu-west-3');
 */
export async function seedAwsEnvironment(endpoint: string, region: string, options: SeedOptions = {}): Promise<SeededAwsEnvironment> {
  const now = options.now ?? new Date();
  const config = { endpoint, region, maxAttempts: 1, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const elb = new ElasticLoadBalancingClient(config);
  const acm = new ACMClient(config);
  const cloudwatch = new CloudWatchClient(config);
  const sts = new STSClient(config);
  try {
    const existing = await elbv2.send(new DescribeLoadBalancersCommand({}));
    if ((existing.LoadBalancers ?? []).length > 0) {
      throw new Error(`seed: region ${region} on ${endpoint} already has load balancers; reset moto or use another region`);
    }
    const account = must((await sts.send(new GetCallerIdentityCommand({}))).Account, 'account');

    // Network
    const vpcId = must((await ec2.send(new CreateVpcCommand({ CidrBlock: VPC_CIDR }))).Vpc?.VpcId, 'VPC id');
    const subnet = async (cidr: string, zone: string) =>
      must((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet?.SubnetId, 'subnet id');
    const subnetA = await subnet('10.50.1.0/24', `${region}a`);
    const subnetB = await subnet('10.50.2.0/24', `${region}b`);

    const group = async (name: string, description: string, ingress: IpPermission[]) => {
      const id = must((await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: description, VpcId: vpcId }))).GroupId, 'group id');
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: ingress }));
      return id;
    };
    const tcp = (port: number, peer: { cidr?: string; group?: string }): IpPermission => ({
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      ...(peer.cidr ? { IpRanges: [{ CidrIp: peer.cidr }] } : {}),
      ...(peer.group ? { UserIdGroupPairs: [{ GroupId: peer.group }] } : {}),
    });
    const lbSg = await group('c502-lb', 'load balancers', [tcp(80, { cidr: '0.0.0.0/0' }), tcp(443, { cidr: '0.0.0.0/0' })]);
    const appSg = await group('c502-app', 'app servers', [tcp(8080, { group: lbSg }), tcp(8443, { cidr: VPC_CIDR })]);
    const noHcSg = await group('c502-app-nohc', 'app servers without the health-check port', [tcp(8080, { group: lbSg })]);

    const customNaclId = must((await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl?.NetworkAclId, 'NACL id');
    const entry = (RuleNumber: number, Egress: boolean, CidrBlock: string, From: number, To: number) =>
      ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: customNaclId, RuleNumber, Egress, Protocol: '6', RuleAction: 'allow', CidrBlock, PortRange: { From, To } }));
    await entry(100, false, VPC_CIDR, 8080, 8081);
    await entry(110, false, VPC_CIDR, 8443, 8443);
    await entry(100, true, '0.0.0.0/0', 443, 443);
    const defaultAcls = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetB] }] }));
    const association = must(
      defaultAcls.NetworkAcls?.flatMap((acl) => acl.Associations ?? []).find((a) => a.SubnetId === subnetB)?.NetworkAclAssociationId,
      'NACL association of subnet B',
    );
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association, NetworkAclId: customNaclId }));

    // moto reads MOTO_ENABLE_AMI_VALIDATION with bool(os.environ.get(...)), so even "false" turns validation on:
    // use one of moto's bundled images when it has them.
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['amzn2-ami-hvm-*'] }] }));
    const imageId = (images.Images ?? []).map((i) => i.ImageId).filter((id): id is string => Boolean(id)).sort()[0] ?? FALLBACK_AMI;
    const instance = async (name: string, subnetId: string, groupId: string) => {
      const res = await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
          SecurityGroupIds: [groupId],
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
        }),
      );
      const i = must(res.Instances?.[0], 'instance');
      return { id: must(i.InstanceId, 'instance id'), privateIp: must(i.PrivateIpAddress, 'private IP') };
    };
    const web1 = await instance('web-1', subnetA, appSg);
    const web2 = await instance('web-2', subnetB, appSg);
    const legacy = await instance('legacy-1', subnetA, appSg);
    const node = await instance('node-1', subnetA, appSg);
    const noHealthCheck = await instance('nohc-1', subnetA, noHcSg);

    // A certificate close to expiry, imported the way teams bring their own.
    const domain = 'web.cloud502.test';
    const notAfter = new Date(now.getTime() + 10 * 86_400_000);
    const pems = await generate([{ name: 'commonName', value: domain }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 86_400_000),
      notAfterDate: notAfter,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: domain }] }],
    });
    const certificateArn = must(
      (await acm.send(new ImportCertificateCommand({ Certificate: Buffer.from(pems.cert), PrivateKey: Buffer.from(pems.private) }))).CertificateArn,
      'certificate ARN',
    );

    // Load balancers
    const loadBalancer = async (name: string, type: 'application' | 'network', scheme: 'internet-facing' | 'internal', tags: Record<string, string>) => {
      const res = await elbv2.send(
        new CreateLoadBalancerCommand({
          Name: name,
          Type: type,
          Scheme: scheme,
          Subnets: [subnetA, subnetB],
          ...(type === 'application' ? { SecurityGroups: [lbSg] } : {}),
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      const arn = must(res.LoadBalancers?.[0]?.LoadBalancerArn, 'load balancer ARN');
      return { name, arn, dimension: arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length) };
    };
    const web = await loadBalancer('c502-web', 'application', 'internet-facing', { env: 'demo', team: 'web' });
    const internal = await loadBalancer('c502-internal', 'application', 'internal', { env: 'demo', team: 'platform' });
    const nlb = await loadBalancer('c502-nlb', 'network', 'internet-facing', { env: 'demo' });
    await elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: web.arn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '120' }] }));

    const targetGroup = async (name: string, input: Partial<CreateTargetGroupCommandInput>, targets: Array<{ Id: string; Port?: number }>, tags: Record<string, string> = {}) => {
      const res = await elbv2.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: vpcId,
          TargetType: 'instance',
          HealthCheckProtocol: 'HTTP',
          HealthCheckPath: '/health',
          ...input,
          ...(Object.keys(tags).length ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
        }),
      );
      const arn = must(res.TargetGroups?.[0]?.TargetGroupArn, 'target group ARN');
      if (targets.length) await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: targets }));
      return { name, arn, targets: targets.map((t) => t.Id) };
    };
    const tgWeb = await targetGroup('c502-web', {}, [{ Id: web1.id }, { Id: web2.id }], { team: 'web' });
    const tgApiEmpty = await targetGroup('c502-api-empty', {}, []);
    const tgLegacy = await targetGroup('c502-legacy', {}, [{ Id: legacy.id }]);
    const tgNode = await targetGroup('c502-node', {}, [{ Id: node.id }], { 'cloud502:server': 'node' });
    const tgHcBlocked = await targetGroup('c502-hc-blocked', { HealthCheckPort: '8081' }, [{ Id: noHealthCheck.id }]);
    const tgNlbIp = await targetGroup(
      'c502-nlb-ip',
      { Protocol: 'TCP', Port: 8443, TargetType: 'ip', HealthCheckProtocol: 'TCP', HealthCheckPath: undefined },
      [{ Id: web1.privateIp, Port: 8443 }],
    );
    const tgOrphan = await targetGroup('c502-orphan', {}, []);
    // Registered while running (moto refuses non-running targets), then stopped.
    await ec2.send(new StopInstancesCommand({ InstanceIds: [legacy.id] }));

    const forward = (arn: string) => [{ Type: 'forward' as const, TargetGroupArn: arn }];
    const listener = async (lbArn: string, protocol: 'HTTP' | 'HTTPS' | 'TCP', port: number, tgArn: string, certificate?: string) =>
      must(
        (
          await elbv2.send(
            new CreateListenerCommand({
              LoadBalancerArn: lbArn,
              Protocol: protocol,
              Port: port,
              DefaultActions: forward(tgArn),
              ...(certificate ? { Certificates: [{ CertificateArn: certificate }], SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' } : {}),
            }),
          )
        ).Listeners?.[0]?.ListenerArn,
        'listener ARN',
      );
    const webHttp = await listener(web.arn, 'HTTP', 80, tgWeb.arn);
    const webHttps = await listener(web.arn, 'HTTPS', 443, tgWeb.arn, certificateArn);
    const internalHttp = await listener(internal.arn, 'HTTP', 80, tgNode.arn);
    const nlbTcp = await listener(nlb.arn, 'TCP', 443, tgNlbIp.arn);
    const rule = (priority: number, path: string, tgArn: string) =>
      elbv2.send(new CreateRuleCommand({ ListenerArn: webHttp, Priority: priority, Conditions: [{ Field: 'path-pattern', Values: [path] }], Actions: forward(tgArn) }));
    await rule(10, '/api/*', tgApiEmpty.arn);
    await rule(20, '/legacy/*', tgLegacy.arn);
    await rule(30, '/hc/*', tgHcBlocked.arn);

    // Classic ELB
    const classicName = 'c502-classic';
    await elb.send(
      new CreateClassicLoadBalancerCommand({
        LoadBalancerName: classicName,
        Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 8080 }],
        Subnets: [subnetA, subnetB],
        SecurityGroups: [lbSg],
        Tags: [{ Key: 'env', Value: 'demo' }],
      }),
    );
    await elb.send(
      new ConfigureHealthCheckCommand({
        LoadBalancerName: classicName,
        HealthCheck: { Target: 'HTTP:8080/health', Interval: 30, Timeout: 5, HealthyThreshold: 3, UnhealthyThreshold: 2 },
      }),
    );
    await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: classicName, Instances: [{ InstanceId: web1.id }] }));

    // Metrics: two 502 bursts in the last minutes, in separate 60 s periods.
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    const points = [
      { timestamp: new Date(minute - 5 * 60_000), value: 7 },
      { timestamp: new Date(minute - 2 * 60_000), value: 5 },
    ];
    const dimensions = [{ Name: 'LoadBalancer', Value: web.dimension }];
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricData: points.map((p) => ({ MetricName: 'HTTPCode_ELB_502_Count', Dimensions: dimensions, Timestamp: p.timestamp, Value: p.value, Unit: 'Count' })),
      }),
    );

    return {
      region,
      account,
      vpcId,
      vpcCidr: VPC_CIDR,
      subnets: { a: subnetA, b: subnetB },
      customNaclId,
      securityGroups: { lb: lbSg, app: appSg, appNoHealthCheck: noHcSg },
      instances: { web1, web2, legacy, node, noHealthCheck },
      certificate: { arn: certificateArn, notAfter: notAfter.toISOString(), domain },
      loadBalancers: {
        web,
        internal,
        nlb,
        classic: { name: classicName, arn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${classicName}`, dimension: classicName },
      },
      listeners: { webHttp, webHttps, internalHttp, nlbTcp },
      targetGroups: {
        web: tgWeb,
        apiEmpty: tgApiEmpty,
        legacy: tgLegacy,
        node: tgNode,
        healthCheckBlocked: tgHcBlocked,
        nlbIp: tgNlbIp,
        orphan: tgOrphan,
      },
      metrics: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_ELB_502_Count',
        dimensions,
        points: points.map((p) => ({ timestamp: p.timestamp.toISOString(), value: p.value })),
      },
    };
  } finally {
    for (const client of [ec2, elbv2, elb, acm, cloudwatch, sts]) client.destroy();
  }
}
