/**
 * The Google Cloud raw snapshot: Compute Engine and Cloud Monitoring responses as the REST API returns them
 * (camelCase JSON, the SDK's oneof markers removed), grouped per project, plus the collection errors.
 * `normalize()` reads only this; `collect()` writes only this. The types name only the fields cloud502 reads:
 * a response carries more, and the snapshot keeps it.
 */

export interface GcpCollectionError {
  /** The API method, e.g. `compute.backendServices.getHealth`. */
  api: string;
  /** The IAM permission the method needs (from the method table in iam.ts; Compute errors name it only in text). */
  permission: string;
  project: string;
  /** `global` or a region / zone when the call was scoped to one. */
  location?: string;
  /** `PERMISSION_DENIED`, `NOT_FOUND`, `rateLimitExceeded`, `UNAVAILABLE`, an aggregated-list warning code... */
  code: string;
  message: string;
  /** Relative resource name the call was about (`projects/p/global/backendServices/web`). */
  resourceId?: string;
  httpStatus?: number;
}

/** Compute fields common to every resource. */
export interface RawResource {
  name?: string;
  selfLink?: string;
  id?: string;
  description?: string;
  /** Zone / region URL of zonal / regional resources. */
  zone?: string;
  region?: string;
}

export interface RawBackend {
  group?: string;
  balancingMode?: string;
  capacityScaler?: number;
  failover?: boolean;
}

export interface RawBackendService extends RawResource {
  backends?: RawBackend[];
  healthChecks?: string[];
  protocol?: string;
  port?: number;
  portName?: string;
  timeoutSec?: number;
  loadBalancingScheme?: string;
  network?: string;
  connectionDraining?: { drainingTimeoutSec?: number };
  failoverPolicy?: { dropTrafficIfUnhealthy?: boolean; disableConnectionDrainOnFailover?: boolean; failoverRatio?: number };
  tlsSettings?: { sni?: string; authenticationConfig?: string; subjectAltNames?: Array<{ dnsName?: string; uniformResourceIdentifier?: string }> };
  logConfig?: { enable?: boolean; sampleRate?: number };
  sessionAffinity?: string;
  localityLbPolicy?: string;
}

export interface RawPathRule {
  paths?: string[];
  service?: string;
}

export interface RawRouteRule {
  priority?: number;
  service?: string;
  routeAction?: { weightedBackendServices?: Array<{ backendService?: string }>; timeout?: { seconds?: string | number } };
  matchRules?: Array<{ prefixMatch?: string; fullPathMatch?: string; regexMatch?: string }>;
}

export interface RawUrlMap extends RawResource {
  defaultService?: string;
  hostRules?: Array<{ hosts?: string[]; pathMatcher?: string }>;
  pathMatchers?: Array<{ name?: string; defaultService?: string; pathRules?: RawPathRule[]; routeRules?: RawRouteRule[] }>;
}

export interface RawTargetProxy extends RawResource {
  urlMap?: string;
  service?: string;
  sslCertificates?: string[];
  certificateMap?: string;
  httpKeepAliveTimeoutSec?: number;
  sslPolicy?: string;
}

export interface RawForwardingRule extends RawResource {
  IPAddress?: string;
  IPProtocol?: string;
  portRange?: string;
  ports?: string[];
  allPorts?: boolean;
  target?: string;
  backendService?: string;
  loadBalancingScheme?: string;
  network?: string;
  subnetwork?: string;
  labels?: Record<string, string>;
}

export interface RawProtocolHealthCheck {
  port?: number;
  portName?: string;
  portSpecification?: string;
  requestPath?: string;
  host?: string;
  response?: string;
  grpcServiceName?: string;
}

export interface RawHealthCheck extends RawResource {
  type?: string;
  checkIntervalSec?: number;
  timeoutSec?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  httpHealthCheck?: RawProtocolHealthCheck;
  httpsHealthCheck?: RawProtocolHealthCheck;
  http2HealthCheck?: RawProtocolHealthCheck;
  tcpHealthCheck?: RawProtocolHealthCheck;
  sslHealthCheck?: RawProtocolHealthCheck;
  grpcHealthCheck?: RawProtocolHealthCheck;
  logConfig?: { enable?: boolean };
}

export interface RawInstanceGroup extends RawResource {
  namedPorts?: Array<{ name?: string; port?: number }>;
  network?: string;
  subnetwork?: string;
  size?: number;
}

/** `instanceGroups.listInstances` item. */
export interface RawGroupInstance {
  instance?: string;
  status?: string;
  namedPorts?: Array<{ name?: string; port?: number }>;
}

export interface RawNetworkEndpointGroup extends RawResource {
  networkEndpointType?: string;
  network?: string;
  subnetwork?: string;
  defaultPort?: number;
  size?: number;
}

/** `networkEndpointGroups.listNetworkEndpoints` item. */
export interface RawNetworkEndpointWithHealth {
  networkEndpoint?: { instance?: string; ipAddress?: string; port?: number; fqdn?: string };
  healths?: Array<{ healthState?: string; backendService?: { backendService?: string }; healthCheck?: { healthCheck?: string } }>;
}

export interface RawInstance extends RawResource {
  status?: string;
  tags?: { items?: string[] };
  labels?: Record<string, string>;
  serviceAccounts?: Array<{ email?: string }>;
  networkInterfaces?: Array<{ network?: string; subnetwork?: string; networkIP?: string }>;
}

export interface RawFirewallEntry {
  IPProtocol?: string;
  ports?: string[];
}

export interface RawFirewall extends RawResource {
  network?: string;
  priority?: number;
  direction?: string;
  disabled?: boolean;
  allowed?: RawFirewallEntry[];
  denied?: RawFirewallEntry[];
  sourceRanges?: string[];
  destinationRanges?: string[];
  sourceTags?: string[];
  sourceServiceAccounts?: string[];
  targetTags?: string[];
  targetServiceAccounts?: string[];
}

export interface RawFirewallPolicyRule {
  priority?: number;
  action?: string;
  direction?: string;
  disabled?: boolean;
  ruleName?: string;
  description?: string;
  match?: {
    srcIpRanges?: string[];
    destIpRanges?: string[];
    layer4Configs?: Array<{ ipProtocol?: string; ports?: string[] }>;
    srcSecureTags?: Array<{ name?: string }>;
    srcAddressGroups?: string[];
    srcFqdns?: string[];
    srcRegionCodes?: string[];
    srcThreatIntelligences?: string[];
  };
  targetServiceAccounts?: string[];
  targetSecureTags?: Array<{ name?: string }>;
  targetResources?: string[];
}

/**
 * One firewall policy in `regionNetworkFirewallPolicies.getEffectiveFirewalls`: hierarchical (org / folders), global
 * network (`NETWORK`), regional network (`NETWORK_REGIONAL`), system.
 */
export interface RawEffectiveFirewallPolicy {
  name?: string;
  displayName?: string;
  type?: string;
  priority?: number;
  rules?: RawFirewallPolicyRule[];
}

export interface RawEffectiveFirewalls {
  firewalls?: RawFirewall[];
  firewallPolicys?: RawEffectiveFirewallPolicy[];
}

export interface RawNetwork extends RawResource {
  subnetworks?: string[];
  networkFirewallPolicyEnforcementOrder?: string;
}

export interface RawSubnetwork extends RawResource {
  network?: string;
  ipCidrRange?: string;
  purpose?: string;
  role?: string;
  secondaryIpRanges?: Array<{ ipCidrRange?: string }>;
  ipv6CidrRange?: string;
}

export interface RawSslCertificate extends RawResource {
  type?: string;
  expireTime?: string;
  subjectAlternativeNames?: string[];
  managed?: { status?: string; domains?: string[] };
}

export interface RawHealthStatus {
  instance?: string;
  ipAddress?: string;
  port?: number;
  healthState?: string;
  forwardingRule?: string;
  weight?: string;
}

/** One `backendServices.getHealth` answer: a backend service × one of its groups. */
export interface RawBackendHealth {
  /** Relative name of the backend service. */
  backendService: string;
  /** Relative name of the instance group / NEG. */
  group: string;
  healthStatus: RawHealthStatus[];
}

/** One `timeSeries.list` query as cloud502 issued it, so normalize can map each series back to a resource. */
export interface GcpMetricQuery {
  id: string;
  metricType: string;
  /** The monitored resource type the filter names (`https_lb_rule`, `internal_http_lb_rule`, ...). */
  resourceType: string;
  /** `ALIGN_SUM`, `ALIGN_PERCENTILE_99`. */
  aligner: string;
  /** `REDUCE_SUM`, `REDUCE_MAX`. */
  reducer: string;
  groupBy: string[];
  periodSeconds: number;
}

export interface RawTimeSeries {
  /** The query id this series answered. */
  queryId: string;
  metric?: { type?: string; labels?: Record<string, string> };
  resource?: { type?: string; labels?: Record<string, string> };
  points?: Array<{ interval?: { startTime?: string; endTime?: string }; value?: { int64Value?: string | number; doubleValue?: number } }>;
}

export interface GcpProjectSnapshot {
  project: string;
  compute: {
    backendServices: RawBackendService[];
    urlMaps: RawUrlMap[];
    targetHttpProxies: RawTargetProxy[];
    targetHttpsProxies: RawTargetProxy[];
    targetTcpProxies: RawTargetProxy[];
    targetSslProxies: RawTargetProxy[];
    /** Regional (aggregated list) and global forwarding rules. */
    forwardingRules: RawForwardingRule[];
    healthChecks: RawHealthCheck[];
    instanceGroups: RawInstanceGroup[];
    /** By group relative name. Missing key = not collected. */
    groupInstances: Record<string, RawGroupInstance[]>;
    networkEndpointGroups: RawNetworkEndpointGroup[];
    /** By NEG relative name. Missing key = not collected. */
    negEndpoints: Record<string, RawNetworkEndpointWithHealth[]>;
    instances: RawInstance[];
    firewalls: RawFirewall[];
    networks: RawNetwork[];
    /** By `<network relative name>@<region>` (firewall policies differ per region). Missing key = not collected. */
    effectiveFirewalls: Record<string, RawEffectiveFirewalls>;
    subnetworks: RawSubnetwork[];
    sslCertificates: RawSslCertificate[];
    /** Missing entry for a backend service × group = not collected. */
    backendHealth: RawBackendHealth[];
  };
  monitoring: {
    /** Absent when metrics were not collected (--metrics-window 0). */
    window?: { start: string; end: string; periodSeconds: number };
    queries: GcpMetricQuery[];
    series: RawTimeSeries[];
  };
  errors: GcpCollectionError[];
}

export interface GcpRawSnapshot {
  format: 'cloud502-raw-snapshot';
  /** Bumped on any incompatible change; `audit --snapshot` refuses versions it does not know. */
  schemaVersion: 1;
  provider: 'gcp';
  tool: { name: 'cloud502'; version: string };
  collectedAt: string;
  demo?: boolean;
  options: {
    projects: string[];
    /** Regions regional resources were narrowed to; empty = every region. */
    regions: string[];
    metricsWindowSeconds: number;
    endpointUrl?: string;
  };
  projects: GcpProjectSnapshot[];
}

/** A project entry with nothing collected yet: the start of every collection, and a project that produced only errors. */
export function emptyGcpProject(project: string, errors: GcpCollectionError[] = []): GcpProjectSnapshot {
  return {
    project,
    compute: {
      backendServices: [],
      urlMaps: [],
      targetHttpProxies: [],
      targetHttpsProxies: [],
      targetTcpProxies: [],
      targetSslProxies: [],
      forwardingRules: [],
      healthChecks: [],
      instanceGroups: [],
      groupInstances: {},
      networkEndpointGroups: [],
      negEndpoints: {},
      instances: [],
      firewalls: [],
      networks: [],
      effectiveFirewalls: {},
      subnetworks: [],
      sslCertificates: [],
      backendHealth: [],
    },
    monitoring: { queries: [], series: [] },
    errors,
  };
}
