/**
 * Builders for SDK-shaped responses used by the mocked collect tests.
 */
import type { LoadBalancer, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';

export const ACCOUNT = '111122223333';
export const CREATED = new Date('2024-03-25T21:26:12.920Z');

const hex = (n: number) => n.toString(16).padStart(16, '0');

export function lbArn(region: string, name: string, type: 'app' | 'net' = 'app', n = 1): string {
  return `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/${type}/${name}/${hex(n)}`;
}

export function tgArn(region: string, name: string, n = 1): string {
  return `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:targetgroup/${name}/${hex(n)}`;
}

export function alb(region: string, name: string, n = 1, extra: Partial<LoadBalancer> = {}): LoadBalancer {
  return {
    LoadBalancerArn: lbArn(region, name, 'app', n),
    LoadBalancerName: name,
    Type: 'application',
    Scheme: 'internet-facing',
    VpcId: 'vpc-1',
    CreatedTime: CREATED,
    State: { Code: 'active' },
    SecurityGroups: ['sg-lb'],
    ...extra,
  };
}

export function nlb(region: string, name: string, n = 1): LoadBalancer {
  return { ...alb(region, name, n), LoadBalancerArn: lbArn(region, name, 'net', n), Type: 'network', SecurityGroups: [] };
}

export function targetGroup(region: string, name: string, n = 1, lbArns: string[] = [], extra: Partial<TargetGroup> = {}): TargetGroup {
  return {
    TargetGroupArn: tgArn(region, name, n),
    TargetGroupName: name,
    Protocol: 'HTTP',
    Port: 8080,
    VpcId: 'vpc-1',
    TargetType: 'instance',
    LoadBalancerArns: lbArns,
    ...extra,
  };
}
