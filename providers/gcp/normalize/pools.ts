/**
 * Backend services → BackendPool: serving port (named ports), health check, draining, timeout, TLS, failover
 * behaviour and the targets with their health.
 */
import type {
  AllUnhealthyBehaviour,
  BackendPool,
  HealthCheck,
  LoadBalancer,
  NotCollected,
  Protocol,
  Sourced,
  Target,
} from '../../../src/model/index.js';
import type { GcpMethod } from '../iam.js';
import { parseLink, relativeName } from '../links.js';
import type { RawBackendService, RawHealthCheck, RawProtocolHealthCheck } from '../raw.js';
import type { ProjectContext } from './context.js';
import { regionOfLink } from './context.js';
import type { TargetPlacement } from './targets.js';
import { mapTargets } from './targets.js';

/** Backend-service protocols → model protocol and version. */
function protocolOf(service: RawBackendService): { protocol?: Protocol; protocolVersion?: BackendPool['protocolVersion'] } {
  switch (service.protocol) {
    case 'HTTP':
      return { protocol: 'HTTP', protocolVersion: 'HTTP1' };
    case 'HTTPS':
      return { protocol: 'HTTPS', protocolVersion: 'HTTP1' };
    case 'HTTP2':
      return { protocol: 'HTTPS', protocolVersion: 'HTTP2' };
    case 'H2C':
      return { protocol: 'HTTP', protocolVersion: 'HTTP2' };
    case 'GRPC':
      return { protocol: 'GRPC', protocolVersion: 'GRPC' };
    case 'TCP':
      return { protocol: 'TCP' };
    case 'SSL':
      return { protocol: 'SSL' };
    case 'UDP':
      return { protocol: 'UDP' };
    default:
      return {};
  }
}

/** The port a named port resolves to in a group: the group's own named ports, else its members'. */
function namedPort(ctx: ProjectContext, group: string, name: string): number | undefined {
  const link = parseLink(group);
  if (!link) return undefined;
  if (link.collection === 'instanceGroups') {
    const ports = ctx.instanceGroup(link.relative)?.namedPorts ?? ctx.raw.compute.groupInstances[link.relative]?.[0]?.namedPorts ?? [];
    return ports.find((p) => p.name === name)?.port;
  }
  // NEG endpoints carry their own port; the NEG's default port otherwise.
  const neg = ctx.neg(link.relative);
  const first = ctx.raw.compute.negEndpoints[link.relative]?.[0]?.networkEndpoint?.port;
  return first ?? neg?.defaultPort;
}

/** The serving port of the backend service: `portName` (default `http`) resolved in its groups. */
export function servingPort(ctx: ProjectContext, service: RawBackendService): number | undefined {
  const name = service.portName ?? 'http';
  for (const b of service.backends ?? []) {
    const port = b.group ? namedPort(ctx, b.group, name) : undefined;
    if (port !== undefined) return port;
  }
  return undefined;
}

/** Health-check defaults the API documents (https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks), used only when the answer omits a field. */
const HC_DEFAULTS = { checkIntervalSec: 5, timeoutSec: 5, healthyThreshold: 2, unhealthyThreshold: 2 } as const;
const DEFAULT_HC_PORT: Record<string, number> = { HTTP: 80, HTTPS: 443, HTTP2: 443, TCP: 80, SSL: 443 };

function sourced(value: number | undefined, field: keyof typeof HC_DEFAULTS): Sourced<number> {
  if (value !== undefined) return { value, source: 'api', detail: `health check ${field}` };
  return { value: HC_DEFAULTS[field], source: 'provider-default', detail: `${field} not returned; API default ${HC_DEFAULTS[field]}` };
}

function protocolSettings(hc: RawHealthCheck): RawProtocolHealthCheck {
  return hc.httpHealthCheck ?? hc.httpsHealthCheck ?? hc.http2HealthCheck ?? hc.tcpHealthCheck ?? hc.sslHealthCheck ?? hc.grpcHealthCheck ?? {};
}

function healthCheckProtocol(type: string | undefined): Protocol | undefined {
  switch (type) {
    case 'HTTP':
    case 'HTTPS':
    case 'TCP':
    case 'SSL':
    case 'GRPC':
      return type;
    case 'HTTP2':
      return 'HTTP2';
    default:
      return undefined;
  }
}

export function mapHealthCheck(ctx: ProjectContext, service: RawBackendService, hc: RawHealthCheck, port: number | undefined): HealthCheck {
  const s = protocolSettings(hc);
  const spec = s.portSpecification;
  const usesTrafficPort = spec === 'USE_SERVING_PORT';
  const named = spec === 'USE_NAMED_PORT' || (spec === undefined && s.port === undefined && s.portName !== undefined);
  let hcPort: number | undefined;
  if (usesTrafficPort) hcPort = port;
  else if (named && s.portName) hcPort = (service.backends ?? []).map((b) => (b.group ? namedPort(ctx, b.group, s.portName as string) : undefined)).find((p) => p !== undefined);
  else hcPort = s.port ?? DEFAULT_HC_PORT[hc.type ?? ''];
  const http = hc.type === 'HTTP' || hc.type === 'HTTPS' || hc.type === 'HTTP2';
  const id = relativeName(hc.selfLink);
  return {
    enabled: true,
    ...(healthCheckProtocol(hc.type) ? { protocol: healthCheckProtocol(hc.type) } : {}),
    ...(hcPort !== undefined ? { port: hcPort } : {}),
    ...(usesTrafficPort ? { usesTrafficPort: true } : {}),
    ...(http ? { path: s.requestPath ?? '/' } : {}),
    ...(s.host ? { host: s.host } : {}),
    intervalSeconds: sourced(hc.checkIntervalSec, 'checkIntervalSec'),
    timeoutSeconds: sourced(hc.timeoutSec, 'timeoutSec'),
    healthyThreshold: sourced(hc.healthyThreshold, 'healthyThreshold'),
    unhealthyThreshold: sourced(hc.unhealthyThreshold, 'unhealthyThreshold'),
    // Google HTTP health checks succeed only on 200 (and, when `response` is set, that body).
    ...(http ? { matcher: s.response ? `200 with body "${s.response}"` : '200', successCodes: [{ from: 200, to: 200 }] } : {}),
    ref: ctx.ref('backend-pool', 'gcp-health-check', id, hc.name ?? id, regionOfLink(hc.selfLink)),
  };
}

function allUnhealthy(service: RawBackendService, passthrough: boolean): Sourced<AllUnhealthyBehaviour> | undefined {
  if (!passthrough) return undefined;
  const drop = service.failoverPolicy?.dropTrafficIfUnhealthy;
  if (drop === true) return { value: 'drop', source: 'api', detail: 'failoverPolicy.dropTrafficIfUnhealthy = true' };
  if (drop === false) return { value: 'fail-open', source: 'api', detail: 'failoverPolicy.dropTrafficIfUnhealthy = false: traffic spread over all primary VMs' };
  return { value: 'fail-open', source: 'provider-default', detail: 'no failoverPolicy.dropTrafficIfUnhealthy: traffic spread over all primary VMs' };
}

function healthMethod(service: RawBackendService): GcpMethod {
  return parseLink(service.selfLink)?.scope === 'regions' ? 'compute.regionBackendServices.getHealth' : 'compute.backendServices.getHealth';
}

/**
 * Maps one backend service. `lbs` are the load balancers that route to it; `placement` resolves a VM's network
 * facts (its firewall policies, tags, service accounts).
 */
export function mapPool(ctx: ProjectContext, service: RawBackendService, lbs: LoadBalancer[], placement: TargetPlacement): BackendPool {
  const id = relativeName(service.selfLink);
  const region = regionOfLink(service.selfLink) ?? 'global';
  const passthrough = lbs.some((lb) => lb.kind === 'gcp-nlb-passthrough') || (lbs.length === 0 && (service.loadBalancingScheme === 'INTERNAL' || (service.loadBalancingScheme === 'EXTERNAL' && region !== 'global')));
  const layer7 = lbs.some((lb) => lb.layer === 7) || ['HTTP', 'HTTPS', 'HTTP2', 'H2C', 'GRPC'].includes(service.protocol ?? '');
  const { protocol, protocolVersion } = protocolOf(service);
  const listenerPort = lbs.flatMap((lb) => lb.listeners).find((l) => l.port > 0)?.port;
  const port = passthrough ? undefined : servingPort(ctx, service);
  const notCollected: NotCollected[] = [];

  const hcLink = service.healthChecks?.[0];
  const hc = hcLink ? ctx.healthCheck(relativeName(hcLink)) : undefined;
  let healthCheck: HealthCheck | undefined;
  if (hc) healthCheck = mapHealthCheck(ctx, service, hc, port ?? listenerPort);
  else if (hcLink) {
    const missing = ctx.notCollected('health-check', 'compute.healthChecks.aggregatedList');
    if (missing) notCollected.push(missing);
  } else healthCheck = { enabled: false };

  const targets = mapTargets(ctx, service, port ?? listenerPort ?? 0, placement);
  if (targets.notCollected) notCollected.push(...targets.notCollected);
  else if (targets.targets === undefined) {
    const missing = ctx.notCollected('target-health', healthMethod(service), id);
    if (missing) notCollected.push(missing);
  }

  const drain = service.connectionDraining?.drainingTimeoutSec;
  const tls = service.tlsSettings;
  const verifies = !!tls && (tls.authenticationConfig !== undefined || (tls.subjectAltNames?.length ?? 0) > 0);
  const whenAll = allUnhealthy(service, passthrough);
  const networks = [...new Set(targets.networks)];
  return {
    ref: ctx.ref('backend-pool', 'gcp-backend-service', id, service.name ?? id, region),
    ...(protocol ? { protocol } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(protocolVersion ? { protocolVersion } : {}),
    ...(targets.targetType ? { targetType: targets.targetType } : {}),
    ...(service.network ? { networkId: relativeName(service.network) } : networks[0] ? { networkId: networks[0] } : {}),
    ...(healthCheck ? { healthCheck } : {}),
    drainSeconds:
      drain !== undefined
        ? { value: drain, source: 'api', detail: 'connectionDraining.drainingTimeoutSec' }
        : { value: 0, source: 'provider-default', detail: 'connectionDraining.drainingTimeoutSec not set (treated as 0)' },
    ...(layer7
      ? {
          requestTimeoutSeconds:
            service.timeoutSec !== undefined
              ? { value: service.timeoutSec, source: 'api' as const, detail: 'backend service timeoutSec' }
              : { value: 30, source: 'provider-default' as const, detail: 'timeoutSec not returned; API default 30 s' },
        }
      : {}),
    ...(whenAll ? { whenAllUnhealthy: whenAll } : {}),
    ...(notCollected.length ? { notCollected } : {}),
    ...(protocol === 'HTTPS' || protocol === 'SSL'
      ? {
          tls: {
            verifiesCertificate: verifies,
            ...(tls?.sni ? { sni: tls.sni } : {}),
            ...(tls?.authenticationConfig ? { trustedRootIds: [tls.authenticationConfig] } : {}),
          },
        }
      : {}),
    ...(targets.targets ? { targets: targets.targets } : {}),
    loadBalancerIds: lbs.map((lb) => lb.ref.id),
    attributes: {
      ...(service.loadBalancingScheme ? { loadBalancingScheme: service.loadBalancingScheme } : {}),
      ...(service.portName ? { portName: service.portName } : {}),
      ...(service.sessionAffinity ? { sessionAffinity: service.sessionAffinity } : {}),
      ...(service.logConfig?.enable !== undefined ? { 'logConfig.enable': String(service.logConfig.enable) } : {}),
      ...(hc?.logConfig?.enable !== undefined ? { 'healthCheck.logConfig.enable': String(hc.logConfig.enable) } : {}),
      ...(service.timeoutSec !== undefined ? { timeoutSec: String(service.timeoutSec) } : {}),
      ...(targets.unsupported.length ? { backendsWithoutHealth: targets.unsupported.join(',') } : {}),
    },
    tags: {},
  };
}

export type { Target };
