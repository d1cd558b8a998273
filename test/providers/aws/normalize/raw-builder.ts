/**
 * Minimal raw-snapshot builders for normalizer unit tests: an empty region plus SDK-shaped records.
 */
import type { AwsRawSnapshot, AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import { emptyAwsRegion } from '../../../../providers/aws/raw.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const COLLECTED_AT = '2026-11-20T09:00:00.000Z';

export const ALB_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188`;
export const NLB_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/net/edge/73e2d6bc24d8a067`;
export const TG_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/tg-api/943f017f100becff`;
export const LISTENER_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`;

export function emptyRegion(): AwsRegionSnapshot {
  return emptyAwsRegion(REGION, ACCOUNT);
}

/** A region built by mutating an empty one. */
export function region(edit: (r: AwsRegionSnapshot) => void): AwsRegionSnapshot {
  const r = emptyRegion();
  edit(r);
  return r;
}

export function snapshot(...regions: AwsRegionSnapshot[]): AwsRawSnapshot {
  return {
    format: 'cloud502-raw-snapshot',
    schemaVersion: 1,
    provider: 'aws',
    tool: { name: 'cloud502', version: '0.0.0-test' },
    collectedAt: COLLECTED_AT,
    options: { regions: regions.map((r) => r.region), metricsWindowSeconds: 86_400 },
    regions,
  };
}

type RawLb = AwsRegionSnapshot['elbv2']['loadBalancers'][number];
type RawTg = AwsRegionSnapshot['elbv2']['targetGroups'][number];

export function alb(overrides: Partial<RawLb> = {}): RawLb {
  return {
    LoadBalancerArn: ALB_ARN,
    LoadBalancerName: 'web',
    DNSName: 'web-1234567890.eu-west-1.elb.amazonaws.com',
    Scheme: 'internet-facing',
    VpcId: 'vpc-0a1b2c3d',
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: [
      { ZoneName: 'eu-west-1a', SubnetId: 'subnet-0aaa' },
      { ZoneName: 'eu-west-1b', SubnetId: 'subnet-0bbb' },
    ],
    SecurityGroups: ['sg-0alb'],
    IpAddressType: 'ipv4',
    ...overrides,
  };
}

export function nlb(overrides: Partial<RawLb> = {}): RawLb {
  return alb({ LoadBalancerArn: NLB_ARN, LoadBalancerName: 'edge', Type: 'network', SecurityGroups: [], DNSName: 'edge-73e2d6bc24d8a067.elb.eu-west-1.amazonaws.com', ...overrides });
}

export function targetGroup(overrides: Partial<RawTg> = {}): RawTg {
  return {
    TargetGroupArn: TG_ARN,
    TargetGroupName: 'tg-api',
    Protocol: 'HTTP',
    Port: 8080,
    VpcId: 'vpc-0a1b2c3d',
    HealthCheckProtocol: 'HTTP',
    HealthCheckPort: 'traffic-port',
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: '/healthz',
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: [ALB_ARN],
    TargetType: 'instance',
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
    ...overrides,
  };
}
