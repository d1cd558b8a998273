import { describe, expect, it } from 'vitest';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import type { AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import type { BackendPool } from '../../../../src/model/index.js';
import { ALB_ARN, REGION, TG_ARN, region, snapshot, targetGroup } from './raw-builder.js';
import { elbv2Cause } from '../../../../providers/aws/normalize/health-causes.js';

type RawTg = AwsRegionSnapshot['elbv2']['targetGroups'][number];
type RawHealth = AwsRegionSnapshot['elbv2']['targetHealth'][string];

function pool(tg: Partial<RawTg>, edit: (r: AwsRegionSnapshot) => void = () => {}): BackendPool {
  const inv = normalizeAws(
    snapshot(
      region((r) => {
        r.elbv2.targetGroups.push(targetGroup(tg));
        edit(r);
      }),
    ),
    {},
  );
  const p = inv.backendPools[0];
  if (!p) throw new Error('no pool');
  return p;
}

/** A VPC with two app subnets: subnet-0app1 explicitly on acl-0app, subnet-0app2 on the VPC's default NACL. */
function network(r: AwsRegionSnapshot): void {
  r.ec2.subnets.push(
    { SubnetId: 'subnet-0app1', VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.10.0/24', AvailabilityZone: 'eu-west-1a' },
    { SubnetId: 'subnet-0app2', VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.20.11.0/24', AvailabilityZone: 'eu-west-1b' },
  );
  r.ec2.networkAcls.push(
    { NetworkAclId: 'acl-0default', VpcId: 'vpc-0a1b2c3d', IsDefault: true, Entries: [], Associations: [] },
    { NetworkAclId: 'acl-0app', VpcId: 'vpc-0a1b2c3d', IsDefault: false, Entries: [], Associations: [{ NetworkAclAssociationId: 'aclassoc-01', NetworkAclId: 'acl-0app', SubnetId: 'subnet-0app1' }] },
  );
  r.ec2.instances.push(
    {
      InstanceId: 'i-0aaa1111bbbb2222c',
      PrivateIpAddress: '10.20.10.11',
      SubnetId: 'subnet-0app1',
      VpcId: 'vpc-0a1b2c3d',
      Placement: { AvailabilityZone: 'eu-west-1a' },
      State: { Code: 16, Name: 'running' },
      SecurityGroups: [{ GroupId: 'sg-0app', GroupName: 'app' }],
    },
    {
      InstanceId: 'i-0ddd3333eeee4444f',
      PrivateIpAddress: '10.20.11.12',
      SubnetId: 'subnet-0app2',
      VpcId: 'vpc-0a1b2c3d',
      Placement: { AvailabilityZone: 'eu-west-1b' },
      State: { Code: 80, Name: 'stopped' },
      SecurityGroups: [{ GroupId: 'sg-0app', GroupName: 'app' }, { GroupId: 'sg-0mon', GroupName: 'monitoring' }],
    },
  );
  r.ec2.networkInterfaces.push({
    NetworkInterfaceId: 'eni-0task',
    Description: 'arn:aws:ecs:eu-west-1:123456789012:attachment/5b8c3c5e',
    SubnetId: 'subnet-0app2',
    AvailabilityZone: 'eu-west-1b',
    PrivateIpAddress: '10.20.11.50',
    PrivateIpAddresses: [{ PrivateIpAddress: '10.20.11.50', Primary: true }],
    Groups: [{ GroupId: 'sg-0task' }],
  });
}

describe('target groups', () => {
  it('maps protocol, port, version, target type, VPC, load balancers and tags', () => {
    const p = pool({ Protocol: 'HTTPS', Port: 8443, ProtocolVersion: 'GRPC', TargetType: 'ip' }, (r) => {
      r.elbv2.tags.push({ ResourceArn: TG_ARN, Tags: [{ Key: 'service', Value: 'api' }] });
    });
    expect(p).toMatchObject({
      ref: { kind: 'backend-pool', type: 'aws-target-group', id: TG_ARN, name: 'tg-api' },
      protocol: 'HTTPS',
      port: 8443,
      protocolVersion: 'GRPC',
      targetType: 'ip',
      networkId: 'vpc-0a1b2c3d',
      loadBalancerIds: [ALB_ARN],
      tags: { service: 'api' },
    });
  });

  it.each<{ name: string; tg: Partial<RawTg>; expected: Partial<NonNullable<BackendPool['healthCheck']>> }>([
    {
      name: 'traffic port',
      tg: { HealthCheckPort: 'traffic-port', Port: 8080 },
      expected: {
        enabled: true,
        protocol: 'HTTP',
        port: 8080,
        usesTrafficPort: true,
        path: '/healthz',
        intervalSeconds: { value: 30, source: 'api', detail: 'HealthCheckIntervalSeconds' },
        timeoutSeconds: { value: 5, source: 'api', detail: 'HealthCheckTimeoutSeconds' },
        healthyThreshold: { value: 5, source: 'api', detail: 'HealthyThresholdCount' },
        unhealthyThreshold: { value: 2, source: 'api', detail: 'UnhealthyThresholdCount' },
        matcher: '200',
        successCodes: [{ from: 200, to: 200 }],
      },
    },
    { name: 'explicit port', tg: { HealthCheckPort: '8081', Port: 8080 }, expected: { port: 8081, usesTrafficPort: false } },
    { name: 'gRPC matcher', tg: { Matcher: { GrpcCode: '0-99' }, HealthCheckPath: '/AWS.ALB/healthcheck' }, expected: { grpcMatcher: '0-99', path: '/AWS.ALB/healthcheck' } },
    { name: 'TCP health check has no matcher', tg: { Protocol: 'TCP', HealthCheckProtocol: 'TCP', Matcher: undefined, HealthCheckPath: undefined }, expected: { protocol: 'TCP' } },
    { name: 'Lambda without HealthCheckEnabled is off', tg: { TargetType: 'lambda', HealthCheckEnabled: undefined }, expected: { enabled: false } },
  ])('health check: $name', ({ tg, expected }) => {
    expect(pool(tg).healthCheck).toMatchObject(expected);
  });

  it('a TCP health check has no matcher field at all', () => {
    expect(pool({ Protocol: 'TCP', HealthCheckProtocol: 'TCP', Matcher: undefined }).healthCheck).not.toHaveProperty('matcher');
  });

  it.each([
    ['HTTPS', { verifiesCertificate: false }],
    ['TLS', { verifiesCertificate: false }],
    ['HTTP', undefined],
    ['TCP', undefined],
  ] as const)('%s pool TLS settings: ALB and NLB never verify target certificates', (protocol, tls) => {
    expect(pool({ Protocol: protocol }).tls).toEqual(tls);
  });

  it('targets are undefined when DescribeTargetHealth was not made', () => {
    expect(pool({}).targets).toBeUndefined();
  });

  it('targets are undefined when DescribeTargetHealth failed, even with a stale entry', () => {
    const p = pool({}, (r) => {
      r.elbv2.targetHealth[TG_ARN] = [];
      r.errors.push({ api: 'elasticloadbalancing:DescribeTargetHealth', region: REGION, code: 'AccessDenied', message: 'denied', resourceId: TG_ARN });
    });
    expect(p.targets).toBeUndefined();
  });

  it('no registered targets is an empty list, not unknown', () => {
    expect(pool({}, (r) => (r.elbv2.targetHealth[TG_ARN] = [])).targets).toEqual([]);
  });
});

describe('targets', () => {
  const withHealth = (health: RawHealth, tg: Partial<RawTg> = {}) =>
    pool(tg, (r) => {
      network(r);
      r.elbv2.targetHealth[TG_ARN] = health;
    }).targets ?? [];

  it('an instance target takes address, zone, subnet, state, security groups and the subnet NACL from EC2', () => {
    const [t] = withHealth([{ Target: { Id: 'i-0aaa1111bbbb2222c', Port: 8080 }, HealthCheckPort: '8080', TargetHealth: { State: 'healthy' } }]);
    expect(t).toEqual({
      key: 'i-0aaa1111bbbb2222c:8080',
      id: 'i-0aaa1111bbbb2222c',
      type: 'instance',
      address: '10.20.10.11',
      port: 8080,
      zone: 'eu-west-1a',
      subnetId: 'subnet-0app1',
      instanceState: 'running',
      health: { state: 'healthy' },
      networkPolicyIds: ['sg-0app', 'acl-0app'],
    });
  });

  it('a subnet without an explicit NACL association uses the VPC default NACL', () => {
    const [t] = withHealth([{ Target: { Id: 'i-0ddd3333eeee4444f', Port: 8080 }, TargetHealth: { State: 'unused', Reason: 'Target.InvalidState', Description: 'Target is in the stopped state' } }]);
    expect(t?.networkPolicyIds).toEqual(['sg-0app', 'sg-0mon', 'acl-0default']);
    expect(t?.instanceState).toBe('stopped');
  });

  it('an IP target takes its ENI security groups; one outside every ENI gets only its subnet', () => {
    const [eni, bare] = withHealth(
      [
        { Target: { Id: '10.20.11.50', Port: 8080, AvailabilityZone: 'eu-west-1b' }, TargetHealth: { State: 'healthy' } },
        { Target: { Id: '10.20.10.200', Port: 8080 }, TargetHealth: { State: 'healthy' } },
      ],
      { TargetType: 'ip' },
    );
    expect(eni).toMatchObject({ type: 'ip', address: '10.20.11.50', zone: 'eu-west-1b', subnetId: 'subnet-0app2', networkPolicyIds: ['sg-0task', 'acl-0default'] });
    expect(bare).toMatchObject({ address: '10.20.10.200', zone: 'eu-west-1a', subnetId: 'subnet-0app1', networkPolicyIds: ['acl-0app'] });
  });

  it('an instance missing from EC2 keeps what target health says', () => {
    const [t] = withHealth([{ Target: { Id: 'i-0fff9999', Port: 80 }, TargetHealth: { State: 'healthy' } }]);
    expect(t).toEqual({ key: 'i-0fff9999:80', id: 'i-0fff9999', type: 'instance', port: 80, health: { state: 'healthy' }, networkPolicyIds: [] });
  });

  it.each<{ state?: string; reason?: string; description?: string; expected: string }>([
    { state: 'healthy', expected: 'healthy' },
    { state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress', expected: 'initial' },
    { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out', expected: 'unhealthy' },
    { state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [301]', expected: 'unhealthy' },
    { state: 'unused', reason: 'Target.NotInUse', description: 'Target is in an Availability Zone that is not enabled for the load balancer', expected: 'unused' },
    { state: 'draining', reason: 'Target.DeregistrationInProgress', description: 'Target deregistration is in progress', expected: 'draining' },
    { state: 'unhealthy.draining', reason: 'Target.DeregistrationInProgress', expected: 'draining' },
    { state: 'unavailable', reason: 'Target.HealthCheckDisabled', description: 'Health checks are disabled', expected: 'unavailable' },
    { state: undefined, expected: 'unknown' },
  ])('health state $state / $reason → $expected, with a neutral cause, reason and description verbatim', ({ state, reason, description, expected }) => {
    const [t] = withHealth([{ Target: { Id: 'i-0aaa1111bbbb2222c', Port: 8080 }, TargetHealth: { ...(state ? { State: state as 'healthy' } : {}), ...(reason ? { Reason: reason as 'Target.Timeout' } : {}), ...(description ? { Description: description } : {}) } }]);
    const codes = description?.match(/\[(\d+)\]/)?.[1];
    expect(t?.health).toEqual({
      state: expected,
      ...(expected !== 'healthy' ? { cause: elbv2Cause(reason) } : {}),
      ...(reason ? { reason } : {}),
      ...(description ? { description } : {}),
      ...(codes ? { observedStatusCodes: [Number(codes)] } : {}),
    });
  });

  it('a target without a port uses the pool port; a Lambda target is keyed by its ARN', () => {
    const [t] = withHealth([{ Target: { Id: 'i-0aaa1111bbbb2222c' }, TargetHealth: { State: 'healthy' } }], { Port: 9000 });
    expect(t?.key).toBe('i-0aaa1111bbbb2222c:9000');
    const fn = 'arn:aws:lambda:eu-west-1:123456789012:function:thumbs';
    const [l] = withHealth([{ Target: { Id: fn, AvailabilityZone: 'all' }, TargetHealth: { State: 'unavailable', Reason: 'Target.HealthCheckDisabled' } }], { TargetType: 'lambda', Protocol: undefined, Port: undefined });
    expect(l).toMatchObject({ key: fn, type: 'lambda', port: 0 });
    expect(l).not.toHaveProperty('zone');
  });
});
