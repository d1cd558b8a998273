/**
 * Classic Load Balancers → LoadBalancer + one BackendPool of its registered instances.
 */
import { fromApi, optional, parseStatusRanges } from '../../../src/model/index.js';
import type { BackendPool, HealthCheck, LoadBalancer, Peer, Protocol, Sourced } from '../../../src/model/index.js';
import { AWS_API } from './apis.js';
import type { RawClassicAttributes, RawClassicLoadBalancer, RegionContext } from './context.js';
import { classicLoadBalancerArn } from './context.js';
import { mapCertificate } from './listeners.js';
import { nodeSources, zonesWithAddresses } from './load-balancers.js';
import { mapClassicTarget } from './targets.js';

function classicProtocol(value: string | undefined): Protocol | undefined {
  const upper = value?.toUpperCase();
  return upper === 'HTTP' || upper === 'HTTPS' || upper === 'TCP' || upper === 'SSL' ? upper : undefined;
}

/**
 * Parses a Classic health-check target: `HTTP:80/index.html`, `HTTPS:443/health`, `TCP:80`, `SSL:443`.
 * An HTTP(S) check passes only on 200 (Classic LB guide, "Configure health checks").
 */
export function parseClassicHealthTarget(target: string | undefined): Pick<HealthCheck, 'protocol' | 'port' | 'path' | 'matcher'> | undefined {
  const m = /^(HTTP|HTTPS|TCP|SSL):(\d{1,5})(\/.*)?$/i.exec(target?.trim() ?? '');
  if (!m) return undefined;
  const protocol = classicProtocol(m[1]);
  const port = Number(m[2]);
  const http = protocol === 'HTTP' || protocol === 'HTTPS';
  return {
    ...(protocol ? { protocol } : {}),
    port,
    ...(http ? { path: m[3] ?? '/' } : {}),
    ...(http ? { matcher: '200' } : {}),
  };
}

function attributesRecord(attrs: RawClassicAttributes | undefined): Record<string, string> {
  if (!attrs) return {};
  const out: Record<string, string> = {};
  if (attrs.ConnectionSettings?.IdleTimeout !== undefined) out['ConnectionSettings.IdleTimeout'] = String(attrs.ConnectionSettings.IdleTimeout);
  if (attrs.CrossZoneLoadBalancing?.Enabled !== undefined) out['CrossZoneLoadBalancing.Enabled'] = String(attrs.CrossZoneLoadBalancing.Enabled);
  if (attrs.ConnectionDraining?.Enabled !== undefined) out['ConnectionDraining.Enabled'] = String(attrs.ConnectionDraining.Enabled);
  if (attrs.ConnectionDraining?.Timeout !== undefined) out['ConnectionDraining.Timeout'] = String(attrs.ConnectionDraining.Timeout);
  if (attrs.AccessLog?.Enabled !== undefined) out['AccessLog.Enabled'] = String(attrs.AccessLog.Enabled);
  for (const a of attrs.AdditionalAttributes ?? []) if (a.Key !== undefined && a.Value !== undefined) out[a.Key] = a.Value;
  return out;
}

/** The LB's own security groups; for a load balancer listing none, the group named by SourceSecurityGroup. */
function classicGroups(lb: RawClassicLoadBalancer, ctx: RegionContext): string[] {
  if ((lb.SecurityGroups ?? []).length > 0) return [...(lb.SecurityGroups ?? [])];
  const name = lb.SourceSecurityGroup?.GroupName;
  const match = name ? ctx.raw.ec2.securityGroups.find((g) => g.GroupName === name && g.VpcId === lb.VPCId) : undefined;
  return match?.GroupId ? [match.GroupId] : [];
}

export function mapClassic(lb: RawClassicLoadBalancer, ctx: RegionContext): { loadBalancer: LoadBalancer; pool: BackendPool } {
  const name = lb.LoadBalancerName ?? '';
  const arn = classicLoadBalancerArn(ctx.region, ctx.account, name);
  const poolId = `${arn}/instances`;
  const attrs = ctx.failed(AWS_API.describeLoadBalancerAttributes, name) ? undefined : ctx.raw.elb.attributes[name];
  const listenerDescriptions = (lb.ListenerDescriptions ?? []).map((d) => d.Listener).filter((l): l is NonNullable<typeof l> => !!l);

  const subnetZones = (lb.Subnets ?? []).map((id) => ({ name: ctx.subnet(id)?.AvailabilityZone ?? '', subnetId: id }));
  const zones = zonesWithAddresses(
    subnetZones.length > 0 ? subnetZones : (lb.AvailabilityZones ?? []).map((z) => ({ name: z })),
    `ELB ${name}`,
    ctx,
  );
  const groups = classicGroups(lb, ctx);
  const own: Peer[] = groups.length > 0 ? groups.map((groupId) => ({ type: 'security-group', groupId })) : nodeSources(zones, lb.VPCId, ctx);

  const idle: Sourced<number> | undefined = attrs
    ? attrs.ConnectionSettings?.IdleTimeout !== undefined
      ? { value: attrs.ConnectionSettings.IdleTimeout, source: 'api', detail: 'attribute ConnectionSettings.IdleTimeout' }
      : { value: 60, source: 'provider-default', detail: 'attribute ConnectionSettings.IdleTimeout not returned; documented default 60 s' }
    : undefined;
  const crossZone: Sourced<boolean> | undefined =
    attrs?.CrossZoneLoadBalancing?.Enabled !== undefined
      ? { value: attrs.CrossZoneLoadBalancing.Enabled, source: 'api', detail: 'attribute CrossZoneLoadBalancing.Enabled' }
      : undefined;
  // Draining disabled means in-flight requests are cut at deregistration: 0 s.
  const drain: Sourced<number> | undefined =
    attrs?.ConnectionDraining?.Enabled === true && attrs.ConnectionDraining.Timeout !== undefined
      ? { value: attrs.ConnectionDraining.Timeout, source: 'api', detail: 'attribute ConnectionDraining.Timeout' }
      : attrs?.ConnectionDraining?.Enabled === false
        ? { value: 0, source: 'api', detail: 'attribute ConnectionDraining.Enabled is false' }
        : undefined;

  const first = listenerDescriptions[0];
  const poolPort = first?.InstancePort;
  const poolProtocol = classicProtocol(first?.InstanceProtocol ?? first?.Protocol);
  const instancePorts = [...new Set(listenerDescriptions.map((l) => l.InstancePort).filter((p): p is number => p !== undefined))];
  // A back-end authentication policy pins the instance's public key: the only case a Classic LB checks a backend certificate.
  const pinned = (lb.BackendServerDescriptions ?? []).some((b) => b.InstancePort === poolPort && (b.PolicyNames ?? []).length > 0);
  const parsed = parseClassicHealthTarget(lb.HealthCheck?.Target);
  const hc = lb.HealthCheck;
  const healthCheck: HealthCheck | undefined = hc
    ? {
        enabled: true,
        ...parsed,
        ...(parsed?.port !== undefined && poolPort !== undefined ? { usesTrafficPort: parsed.port === poolPort } : {}),
        ...optional('successCodes', parseStatusRanges(parsed?.matcher)),
        ...optional('intervalSeconds', fromApi(hc.Interval, 'HealthCheck.Interval')),
        ...optional('timeoutSeconds', fromApi(hc.Timeout, 'HealthCheck.Timeout')),
        ...optional('healthyThreshold', fromApi(hc.HealthyThreshold, 'HealthCheck.HealthyThreshold')),
        ...optional('unhealthyThreshold', fromApi(hc.UnhealthyThreshold, 'HealthCheck.UnhealthyThreshold')),
      }
    : undefined;
  const health = ctx.failed(AWS_API.describeInstanceHealth, name) ? undefined : ctx.raw.elb.instanceHealth[name];
  const tags = ctx.classicTags(name);
  const attributes = attributesRecord(attrs);

  const pool: BackendPool = {
    ref: ctx.ref('backend-pool', 'aws-clb-backend', poolId, name),
    ...(poolProtocol ? { protocol: poolProtocol } : {}),
    ...(poolPort !== undefined ? { port: poolPort } : {}),
    targetType: 'instance',
    ...(lb.VPCId ? { networkId: lb.VPCId } : {}),
    ...(healthCheck ? { healthCheck } : {}),
    ...(drain ? { drainSeconds: drain } : {}),
    ...(poolProtocol === 'HTTPS' || poolProtocol === 'SSL' ? { tls: { verifiesCertificate: pinned } } : {}),
    ...(health ? { targets: health.map((s) => mapClassicTarget(s, poolPort ?? 0, ctx)) } : {}),
    loadBalancerIds: [arn],
    // The pool is modelled on the first listener's instance port; other ports are kept for evidence.
    attributes: instancePorts.length > 1 ? { instancePorts: instancePorts.join(',') } : {},
    // A Classic LB has no separate target group to tag: its own tags declare its backend.
    tags,
  };

  const loadBalancer: LoadBalancer = {
    ref: ctx.ref('load-balancer', 'aws-clb', arn, name),
    kind: 'aws-clb',
    layer: listenerDescriptions.some((l) => /^HTTPS?$/i.test(l.Protocol ?? '')) ? 7 : 4,
    ...(lb.Scheme === 'internet-facing' || lb.Scheme === 'internal' ? { scheme: lb.Scheme } : {}),
    ...(lb.DNSName ? { dnsName: lb.DNSName } : {}),
    ...(lb.VPCId ? { networkId: lb.VPCId } : {}),
    zones,
    ...(crossZone ? { crossZoneEnabled: crossZone } : {}),
    listeners: listenerDescriptions.map((l) => {
      const port = l.LoadBalancerPort ?? 0;
      return {
        ref: ctx.ref('listener', 'aws-clb-listener', `${arn}/listener/${port}`, `${name}:${port}`),
        protocol: classicProtocol(l.Protocol) ?? 'TCP',
        port,
        certificates: l.SSLCertificateId ? [mapCertificate(l.SSLCertificateId, true, ctx)] : [],
        defaultPoolIds: [poolId],
        routes: [],
      };
    }),
    ...(idle ? { backendIdleTimeoutSeconds: idle } : {}),
    networkPolicyIds: groups,
    subnetIds: [...(lb.Subnets ?? [])],
    healthCheckSources: own,
    trafficSources: own,
    attributes,
    tags,
  };
  return { loadBalancer, pool };
}
