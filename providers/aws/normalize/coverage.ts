/**
 * Collection errors → CoverageGap, each with the permission to grant (for access denials) and what is now unknown.
 */
import type { CoverageGap, InputKind } from '../../../src/model/index.js';
import { ACCESS_DENIED_CODES, AWS_API } from './apis.js';
import type { RegionContext } from './context.js';

/** Names of the resources an error can be about, by ARN or Classic name. */
function resourceNames(ctx: RegionContext): Map<string, string> {
  const names = new Map<string, string>();
  for (const lb of ctx.raw.elbv2.loadBalancers) if (lb.LoadBalancerArn) names.set(lb.LoadBalancerArn, lb.LoadBalancerName ?? lb.LoadBalancerArn);
  for (const tg of ctx.raw.elbv2.targetGroups) if (tg.TargetGroupArn) names.set(tg.TargetGroupArn, tg.TargetGroupName ?? tg.TargetGroupArn);
  for (const [lbArn, listeners] of Object.entries(ctx.raw.elbv2.listeners)) {
    const lbName = names.get(lbArn) ?? lbArn;
    for (const l of listeners) if (l.ListenerArn) names.set(l.ListenerArn, `${lbName}:${l.Port ?? '?'}`);
  }
  for (const lb of ctx.raw.elb.loadBalancers) if (lb.LoadBalancerName) names.set(lb.LoadBalancerName, lb.LoadBalancerName);
  for (const [arn, cert] of Object.entries(ctx.raw.acm.certificates)) names.set(arn, cert.DomainName ?? arn);
  return names;
}

/** The model inputs each call provides. */
const INPUTS: Readonly<Record<string, InputKind[]>> = {
  [AWS_API.describeLoadBalancers]: ['listeners', 'pools', 'attributes'],
  [AWS_API.describeLoadBalancerAttributes]: ['attributes'],
  [AWS_API.describeListeners]: ['listeners', 'pools'],
  [AWS_API.describeListenerAttributes]: ['attributes'],
  [AWS_API.describeListenerCertificates]: ['certificates'],
  [AWS_API.describeRules]: ['routes', 'pools'],
  [AWS_API.describeTargetGroups]: ['pools', 'health-check'],
  [AWS_API.describeTargetGroupAttributes]: ['attributes'],
  [AWS_API.describeTargetHealth]: ['target-health', 'targets'],
  [AWS_API.describeInstanceHealth]: ['target-health', 'targets'],
  [AWS_API.describeTags]: ['tags'],
  [AWS_API.describeSecurityGroups]: ['network-policies'],
  [AWS_API.describeNetworkAcls]: ['network-policies'],
  [AWS_API.describeSubnets]: ['network-policies'],
  [AWS_API.describeVpcs]: ['network-policies'],
  [AWS_API.describeInstances]: ['targets', 'network-policies'],
  [AWS_API.describeNetworkInterfaces]: ['network-policies'],
  [AWS_API.getMetricData]: ['metrics'],
  [AWS_API.describeCertificate]: ['certificates'],
};

export function inputsOf(api: string): InputKind[] | undefined {
  return INPUTS[api];
}

function impact(api: string, subject: string | undefined, region: string): string {
  const of = (what: string): string => (subject ? `${what} of ${subject} unknown` : `${what} in ${region} unknown`);
  switch (api) {
    case AWS_API.describeLoadBalancers:
      return `load balancers in ${region} unknown`;
    case AWS_API.describeLoadBalancerAttributes:
      return of('idle timeout, cross-zone and draining settings');
    case AWS_API.describeListeners:
      return of('listeners');
    case AWS_API.describeListenerAttributes:
      return of('TCP idle timeout');
    case AWS_API.describeListenerCertificates:
      return of('certificates other than the default');
    case AWS_API.describeRules:
      return of('routing rules');
    case AWS_API.describeTargetGroups:
      return `target groups in ${region} unknown`;
    case AWS_API.describeTargetGroupAttributes:
      return of('deregistration delay, slow start and client IP preservation');
    case AWS_API.describeTargetHealth:
      return of('target health');
    case AWS_API.describeInstanceHealth:
      return of('instance health');
    case AWS_API.describeTags:
      return of('tags (and tag-declared backends)');
    case AWS_API.describeSecurityGroups:
      return of('security group rules');
    case AWS_API.describeNetworkAcls:
      return of('network ACL rules');
    case AWS_API.describeSubnets:
      return of('subnets (CIDRs, zones, NACL associations)');
    case AWS_API.describeVpcs:
      return of('VPC CIDRs');
    case AWS_API.describeInstances:
      return of('target addresses, states and security groups');
    case AWS_API.describeNetworkInterfaces:
      return of('load balancer node addresses and IP-target security groups');
    case AWS_API.getMetricData:
      return of('CloudWatch metrics (5xx counts, latency, host counts)');
    case AWS_API.describeCertificate:
      return of('certificate expiry');
    case AWS_API.getCallerIdentity:
      return `account id in ${region} unknown`;
    default:
      return of(`data from ${api}`);
  }
}

export function mapCoverage(ctx: RegionContext): CoverageGap[] {
  const names = resourceNames(ctx);
  return ctx.raw.errors.map((e) => {
    const subject = e.resourceId ? (names.get(e.resourceId) ?? e.resourceId) : undefined;
    return {
      provider: 'aws',
      ...(ctx.account ? { account: ctx.account } : {}),
      region: e.region || ctx.region,
      api: e.api,
      ...(ACCESS_DENIED_CODES.has(e.code) ? { permission: e.api } : {}),
      code: e.code,
      message: e.message,
      ...(e.resourceId ? { resourceId: e.resourceId } : {}),
      impact: impact(e.api, subject, e.region || ctx.region),
      ...(inputsOf(e.api) ? { inputs: inputsOf(e.api) } : {}),
    };
  });
}
