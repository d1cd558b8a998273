/**
 * ELBv2 target groups → BackendPool.
 */
import type { BackendPool, HealthCheck, NotCollected, Protocol, Sourced, Target } from '../../../src/model/index.js';
import { fromApi, optional, parseStatusRanges } from '../../../src/model/index.js';
import { AWS_API } from './apis.js';
import type { RawTargetGroup, RegionContext } from './context.js';
import { attributesToRecord, parseBoolean, parseSeconds, readAttribute } from './context.js';
import { mapElbv2Target } from './targets.js';

/**
 * ELBv2 protocol → model protocol. QUIC runs over UDP and the model has no QUIC yet, so QUIC/TCP_QUIC map to their
 * transport (UDP/TCP_UDP).
 */
export function elbv2Protocol(value: string | undefined): Protocol | undefined {
  switch (value) {
    case 'HTTP':
    case 'HTTPS':
    case 'TCP':
    case 'TLS':
    case 'UDP':
    case 'TCP_UDP':
    case 'GENEVE':
      return value;
    case 'QUIC':
      return 'UDP';
    case 'TCP_QUIC':
      return 'TCP_UDP';
    default:
      return undefined;
  }
}

const TARGET_TYPES: Readonly<Record<string, Target['type']>> = { instance: 'instance', ip: 'ip', lambda: 'lambda', alb: 'alb' };

/** Target groups of ALBs speak HTTP(S); NLB target groups speak TCP/TLS/UDP; GWLB ones GENEVE. */
function family(protocol: string | undefined): 'application' | 'network' | 'gateway' | undefined {
  if (protocol === 'HTTP' || protocol === 'HTTPS') return 'application';
  if (protocol === 'GENEVE') return 'gateway';
  if (protocol === undefined) return undefined;
  return 'network';
}

function healthCheck(tg: RawTargetGroup): HealthCheck {
  const usesTrafficPort = tg.HealthCheckPort === undefined || tg.HealthCheckPort === 'traffic-port';
  const explicitPort = usesTrafficPort ? undefined : Number(tg.HealthCheckPort);
  const port = usesTrafficPort ? tg.Port : Number.isInteger(explicitPort) ? explicitPort : undefined;
  const protocol = elbv2Protocol(tg.HealthCheckProtocol);
  return {
    // Instance and IP target groups always health-check; Lambda target groups default to off.
    enabled: tg.HealthCheckEnabled ?? tg.TargetType !== 'lambda',
    ...(protocol ? { protocol } : {}),
    ...(port !== undefined ? { port } : {}),
    usesTrafficPort,
    ...(tg.HealthCheckPath !== undefined ? { path: tg.HealthCheckPath } : {}),
    ...optional('intervalSeconds', fromApi(tg.HealthCheckIntervalSeconds, 'HealthCheckIntervalSeconds')),
    ...optional('timeoutSeconds', fromApi(tg.HealthCheckTimeoutSeconds, 'HealthCheckTimeoutSeconds')),
    ...optional('healthyThreshold', fromApi(tg.HealthyThresholdCount, 'HealthyThresholdCount')),
    ...optional('unhealthyThreshold', fromApi(tg.UnhealthyThresholdCount, 'UnhealthyThresholdCount')),
    ...(tg.Matcher?.HttpCode !== undefined ? { matcher: tg.Matcher.HttpCode } : {}),
    ...optional('successCodes', parseStatusRanges(tg.Matcher?.HttpCode)),
    ...(tg.Matcher?.GrpcCode !== undefined ? { grpcMatcher: tg.Matcher.GrpcCode } : {}),
  };
}

/**
 * Client IP preservation of an NLB target group. Documented defaults (NLB user guide, "Edit target group attributes"):
 * instance targets on, IP targets with UDP/TCP_UDP/QUIC on, IP targets with TCP/TLS off.
 */
function preservesClientIp(tg: RawTargetGroup, attributes: ReturnType<typeof attributesOf>): Sourced<boolean> | undefined {
  const kind = family(tg.Protocol);
  if (kind === 'application') {
    return { value: false, source: 'fixed', detail: 'ALB proxies requests; targets see the load balancer node addresses' };
  }
  if (kind !== 'network') return undefined;
  const defaultOn = tg.TargetType === 'instance' || !(tg.Protocol === 'TCP' || tg.Protocol === 'TLS');
  return readAttribute(attributes, 'preserve_client_ip.enabled', parseBoolean, {
    value: defaultOn,
    doc: `NLB default for ${tg.TargetType ?? 'this'} targets over ${tg.Protocol}`,
  });
}

function attributesOf(tg: RawTargetGroup, ctx: RegionContext) {
  const arn = tg.TargetGroupArn ?? '';
  return ctx.failed(AWS_API.describeTargetGroupAttributes, arn) ? undefined : ctx.raw.elbv2.targetGroupAttributes[arn];
}

export function mapTargetGroup(tg: RawTargetGroup, ctx: RegionContext): BackendPool {
  const arn = tg.TargetGroupArn ?? '';
  const attributes = attributesOf(tg, ctx);
  const protocol = elbv2Protocol(tg.Protocol);
  const targetType = tg.TargetType ? TARGET_TYPES[tg.TargetType] : undefined;
  const protocolVersion = tg.ProtocolVersion === 'HTTP1' || tg.ProtocolVersion === 'HTTP2' || tg.ProtocolVersion === 'GRPC' ? tg.ProtocolVersion : undefined;
  const drainSeconds = readAttribute(attributes, 'deregistration_delay.timeout_seconds', parseSeconds, {
    value: 300,
    doc: 'documented default 300 s',
  });
  // Slow start exists only for ALB target groups.
  const slowStartSeconds =
    family(tg.Protocol) === 'application'
      ? readAttribute(attributes, 'slow_start.duration_seconds', parseSeconds, { value: 0, doc: 'documented default 0 s (off)' })
      : undefined;
  const preserves = preservesClientIp(tg, attributes);
  // Missing key = DescribeTargetHealth was not made or failed: targets unknown, never "no targets".
  const health = ctx.failed(AWS_API.describeTargetHealth, arn) ? undefined : ctx.raw.elbv2.targetHealth[arn];
  const pool = { ...(tg.Port !== undefined ? { port: tg.Port } : {}), ...(targetType ? { targetType } : {}) };
  return {
    ref: ctx.ref('backend-pool', 'aws-target-group', arn, tg.TargetGroupName ?? arn),
    ...(protocol ? { protocol } : {}),
    ...(tg.Port !== undefined ? { port: tg.Port } : {}),
    ...(protocolVersion ? { protocolVersion } : {}),
    ...(targetType ? { targetType } : {}),
    ...(tg.VpcId ? { networkId: tg.VpcId } : {}),
    healthCheck: healthCheck(tg),
    ...(drainSeconds ? { drainSeconds } : {}),
    ...(slowStartSeconds ? { slowStartSeconds } : {}),
    // ALB and NLB never validate target certificates (CHECKS.md A15, N6).
    ...(tg.Protocol === 'HTTPS' || tg.Protocol === 'TLS' ? { tls: { verifiesCertificate: false } } : {}),
    ...(preserves ? { preservesClientIp: preserves } : {}),
    ...(health ? { targets: health.map((d) => mapElbv2Target(d, pool, ctx)) } : {}),
    ...notCollectedOf([
      ...ctx.notCollected(AWS_API.describeTargetHealth, 'target-health', arn),
      ...ctx.notCollected(AWS_API.describeTargetGroupAttributes, 'attributes', arn),
    ]),
    loadBalancerIds: [...(tg.LoadBalancerArns ?? [])],
    attributes: attributesToRecord(attributes),
    tags: ctx.elbv2Tags(arn),
  };
}

function notCollectedOf(list: NotCollected[]): { notCollected?: NotCollected[] } {
  return list.length ? { notCollected: list } : {};
}
