/**
 * The provider-neutral inventory: what every check reads.
 *
 * Rules that hold for every type here:
 * - a value that was not collected is `undefined`, never a default that would pass a check;
 * - every duration carries its unit in its name (`...Seconds`);
 * - values whose origin matters to a finding are {@link Sourced}, so a report can say where a number came from.
 */

export type Provider = 'aws' | 'azure' | 'gcp';

/** Where a value came from, most trusted first for backend facts (measured > declared > inferred). */
export type ValueSource =
  /** Returned by the provider API. */
  | 'api'
  /** The API response omitted it and the provider documents a fixed default (e.g. ALB idle timeout 60 s). */
  | 'provider-default'
  /** Not configurable at the provider (e.g. Google ALB backend keep-alive 600 s). */
  | 'fixed'
  /** Declared by the user: a resource tag or the config file. */
  | 'declared'
  /** Derived from a server kind's documented default. */
  | 'inferred'
  /** Measured by a probe. */
  | 'measured'
  /** Assumed by cloud502 because the input that decides it was not collected. Never the basis of a finding above medium. */
  | 'assumed';

export interface Sourced<T> {
  value: T;
  source: ValueSource;
  /** Human-readable origin, e.g. `tag cloud502:keepalive on tg-api` or `attribute idle_timeout.timeout_seconds`. */
  detail?: string;
}

/** A scope is one unit of collection: provider + account/subscription/project + region. */
export interface Scope {
  provider: Provider;
  /** AWS account id, Azure subscription id, Google project id. Undefined when it could not be determined. */
  account?: string;
  region: string;
}

export type ResourceKind =
  | 'load-balancer'
  | 'listener'
  | 'backend-pool'
  | 'target'
  | 'network-policy'
  | 'certificate'
  | 'scope';

/** Identifies a resource in results. `id` is the provider's id (ARN on AWS, ARM id on Azure, selfLink on Google). */
export interface ResourceRef {
  provider: Provider;
  kind: ResourceKind;
  /** Provider-specific type, e.g. `aws-alb`, `aws-target-group`, `aws-security-group`. */
  type: string;
  id: string;
  name: string;
  region?: string;
  account?: string;
}

export type LoadBalancerKind =
  | 'aws-alb'
  | 'aws-nlb'
  | 'aws-clb'
  | 'aws-gwlb'
  | 'azure-lb'
  | 'azure-appgw'
  | 'gcp-alb-global'
  | 'gcp-alb-classic'
  | 'gcp-alb-regional'
  | 'gcp-alb-internal'
  | 'gcp-proxy-nlb'
  | 'gcp-nlb-passthrough';

export type Protocol = 'HTTP' | 'HTTPS' | 'TCP' | 'TLS' | 'SSL' | 'UDP' | 'TCP_UDP' | 'GENEVE' | 'HTTP2' | 'GRPC';

export interface Zone {
  name: string;
  subnetId?: string;
  /** Private addresses of the load balancer's nodes in this zone, when the provider exposes them. */
  addresses?: string[];
}

export interface Certificate {
  id: string;
  isDefault?: boolean;
  subject?: string;
  sans?: string[];
  notBefore?: string;
  /** ISO-8601. Undefined when the certificate store (ACM, Key Vault) was not read. */
  notAfter?: string;
  status?: string;
  /** Why the expiry cannot be known, when that is by design rather than a failed call (a store the tool does not read). */
  expiryUnavailable?: string;
}

export interface Route {
  /** Rule id / ARN, URL-map path matcher, or request routing rule. */
  id: string;
  priority?: number;
  /** Short human description of the conditions, e.g. `path /api/*`. */
  conditions?: string;
  poolIds: string[];
}

export interface Listener {
  ref: ResourceRef;
  protocol: Protocol;
  port: number;
  certificates: Certificate[];
  /** Pools the default action forwards to. */
  defaultPoolIds: string[];
  /** Additional routing rules (ALB listener rules, URL-map paths, App Gateway rules). */
  routes: Route[];
  /** L4 idle timeout of flows through this listener (NLB `tcp.idle_timeout.seconds`, Azure LB rule idle timeout). */
  idleTimeoutSeconds?: Sourced<number>;
  sslPolicy?: string;
  alpnPolicy?: string[];
}

/** A peer in a network rule or a source of traffic. */
export type Peer =
  | { type: 'cidr'; cidr: string }
  | { type: 'security-group'; groupId: string }
  | { type: 'prefix-list'; id: string }
  | { type: 'service-tag'; tag: string }
  | { type: 'network-tag'; tag: string }
  | { type: 'service-account'; account: string }
  | { type: 'any' };

export interface LoadBalancer {
  ref: ResourceRef;
  kind: LoadBalancerKind;
  layer: 4 | 7;
  scheme?: 'internet-facing' | 'internal';
  state?: string;
  dnsName?: string;
  networkId?: string;
  zones: Zone[];
  crossZoneEnabled?: Sourced<boolean>;
  listeners: Listener[];
  /** How long the LB keeps an idle backend connection open for reuse (ALB/CLB idle timeout; GCP fixed 600 s). */
  backendIdleTimeoutSeconds?: Sourced<number>;
  /** How long the LB waits for a backend response before giving up (GCP timeoutSec, App Gateway requestTimeout). */
  requestTimeoutSeconds?: Sourced<number>;
  /** Client-side keep-alive (ALB client_keep_alive.seconds, GCP httpKeepAliveTimeoutSec). */
  clientKeepAliveSeconds?: Sourced<number>;
  /** Provider SKU / tier where it changes behaviour (Application Gateway `Standard_v2` vs `Standard`, Azure LB `Standard`). */
  sku?: string;
  /** Inputs about this load balancer that could not be collected; checks that need them answer `unknown`. */
  notCollected?: NotCollected[];
  /** Network policies attached to the LB itself (ALB/NLB security groups, App Gateway subnet NSG). */
  networkPolicyIds: string[];
  /** Subnets the LB's nodes live in (their NACLs apply to LB traffic). */
  subnetIds: string[];
  /** Peers that health-check probes come from (LB security groups / node subnets, GCP probe ranges, AzureLoadBalancer). */
  healthCheckSources: Peer[];
  /** Peers that forwarded traffic comes from. For an NLB with client IP preservation these include the clients. */
  trafficSources: Peer[];
  /** Raw provider attributes (key → value) kept for evidence. */
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export type ServerKind = 'node' | 'gunicorn' | 'uvicorn' | 'nginx' | 'apache' | 'tomcat' | 'go' | 'other';

/** What is known about the software behind a pool or target. */
export interface BackendProfile {
  server?: Sourced<ServerKind>;
  /** How long the backend keeps an idle connection open. `null` value = never closes idle connections (Go without IdleTimeout). */
  keepAliveSeconds?: Sourced<number | null>;
  /** Longest request the backend is expected to serve (config `backends[].maxRequestSeconds`), for drain/timeout checks. */
  maxRequestSeconds?: Sourced<number>;
}

export interface HealthCheck {
  enabled: boolean;
  protocol?: Protocol;
  /** The port probed. Equals the traffic port when the provider says "traffic-port". */
  port?: number;
  /** True when the health check follows the traffic port (ELBv2 `traffic-port`, GCP `USE_SERVING_PORT`, App Gateway default probe). */
  usesTrafficPort?: boolean;
  path?: string;
  host?: string;
  /**
   * The numbers are sourced so that "fixed by the provider" (`fixed`: Azure LB probe timeout, App Gateway's healthy
   * threshold) is distinct from "not collected" (undefined).
   */
  intervalSeconds?: Sourced<number>;
  timeoutSeconds?: Sourced<number>;
  healthyThreshold?: Sourced<number>;
  unhealthyThreshold?: Sourced<number>;
  /** Success codes as the provider writes them, for display: `200`, `200-399`, `200,302`. */
  matcher?: string;
  /** The same success codes as inclusive ranges, for judging. Undefined when not collected or not HTTP. */
  successCodes?: StatusRange[];
  /** gRPC success codes (ALB GRPC pools). */
  grpcMatcher?: string;
  /** The provider's health-check resource, when it is one of its own (GCP health check, App Gateway probe). */
  ref?: ResourceRef;
}

/** An inclusive range of HTTP status codes. */
export interface StatusRange {
  from: number;
  to: number;
}

export type TargetHealthState = 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'initial' | 'unavailable' | 'unknown';

/**
 * Why a target is not healthy, in provider-neutral terms, set by the normalizer from the provider's reason code or
 * text. The provider's own code and text stay beside it (`reason`, `description`) for display.
 */
export type TargetHealthCause =
  /** The probe got no answer in time (port blocked, application slow). */
  | 'health-check-timeout'
  /** Connection refused, reset or failed, or a reply that is not valid HTTP. */
  | 'connection-failed'
  /** The probe got an HTTP status outside the success codes (or an unexpected body). */
  | 'response-code-mismatch'
  /** The TLS handshake or the backend certificate check failed. */
  | 'tls-failure'
  /** The target's name did not resolve. */
  | 'dns-failure'
  /** Failed consecutive health checks, without a more precise cause from the provider. */
  | 'health-check-failed'
  | 'not-registered'
  /** The VM / instance is stopped, deallocated or terminated. */
  | 'stopped'
  /** The target is in a zone the load balancer does not serve, or no load balancer uses the pool. */
  | 'not-in-use'
  /** The address cannot be used as a target (reserved by the load balancer). */
  | 'address-unusable'
  | 'draining'
  /** Registration or the first health checks are in progress. */
  | 'initial'
  | 'health-check-disabled'
  /** An error on the provider's side. */
  | 'provider-internal'
  /** The provider could not determine health (Azure `Unknown`: often the gateway's own network is blocked). */
  | 'health-unknown'
  | 'unknown';

export interface TargetHealth {
  state: TargetHealthState;
  /** Neutral cause, set by the normalizer for every state other than healthy. */
  cause?: TargetHealthCause;
  /** The provider's reason code verbatim (e.g. `Target.Timeout`, `OutOfService (Instance)`, `Down`). */
  reason?: string;
  /** The provider's own text. */
  description?: string;
  /** HTTP (or gRPC) status codes the failing health checks received, when the provider says (parsed by the normalizer). */
  observedStatusCodes?: number[];
}

export interface Target {
  /** Stable key within the pool, e.g. `i-0abc:8080`. */
  key: string;
  /** The provider's target id (instance id, IP, Lambda ARN, NIC id...). */
  id: string;
  type: 'instance' | 'ip' | 'lambda' | 'alb' | 'vm' | 'nic' | 'fqdn' | 'neg-endpoint';
  address?: string;
  port: number;
  zone?: string;
  subnetId?: string;
  instanceState?: string;
  health: TargetHealth;
  /** Policies that apply to the target: its security groups, its subnet's NACL, its NSGs, matching firewall rules. */
  networkPolicyIds: string[];
  /** What Google firewall rules match on: the VM's network tags and service accounts. */
  networkTags?: string[];
  serviceAccounts?: string[];
  /** Azure: the NIC the backend address belongs to. */
  nicId?: string;
  backend?: BackendProfile;
}

export interface PoolTls {
  /** Does the LB verify the backend certificate? false on ALB/NLB and Google without backend-authenticated TLS. */
  verifiesCertificate: boolean;
  sni?: string;
  trustedRootIds?: string[];
}

export interface BackendPool {
  ref: ResourceRef;
  protocol?: Protocol;
  port?: number;
  protocolVersion?: 'HTTP1' | 'HTTP2' | 'GRPC';
  targetType?: Target['type'];
  networkId?: string;
  healthCheck?: HealthCheck;
  /** Deregistration delay / connection-draining timeout. */
  drainSeconds?: Sourced<number>;
  /**
   * How long the load balancer waits for this pool's response (App Gateway backend settings `requestTimeout`, GCP
   * backend service `timeoutSec`). Undefined where the load balancer's own timeout acts (ALB idle timeout).
   */
  requestTimeoutSeconds?: Sourced<number>;
  /** What happens when no target is healthy, where the pool decides it (GCP passthrough `dropTrafficIfUnhealthy`). */
  whenAllUnhealthy?: Sourced<AllUnhealthyBehaviour>;
  /** Inputs about this pool that could not be collected; checks that need them answer `unknown`. */
  notCollected?: NotCollected[];
  slowStartSeconds?: Sourced<number>;
  tls?: PoolTls;
  /** Whether the original client IP reaches the target (NLB preserve_client_ip). */
  preservesClientIp?: Sourced<boolean>;
  /** Undefined when target health could not be collected (coverage gap). */
  targets?: Target[];
  /** Ids of the load balancers that route to this pool. Empty = unused. */
  loadBalancerIds: string[];
  /** Pool-level backend declaration (tags / config). Target-level backends take precedence. */
  backend?: BackendProfile;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

/** What a load balancer does with new requests/flows when no target of a pool is healthy. */
export type AllUnhealthyBehaviour =
  /** Routes to every target anyway (ALB/NLB fail open, GCP passthrough default "spread to all"). */
  | 'fail-open'
  /** Answers with an error status itself (App Gateway 502, GCP ALB 503, Classic ELB 503). */
  | 'error-response'
  /** Drops new flows (Azure Standard LB, GCP passthrough with dropTrafficIfUnhealthy). */
  | 'drop';

/** What kind of input was not collected about a resource. */
export type InputKind =
  | 'listeners'
  | 'routes'
  | 'attributes'
  | 'pools'
  | 'targets'
  | 'target-health'
  | 'health-check'
  | 'network-policies'
  | 'certificates'
  | 'tags'
  | 'metrics';

/** An input that could not be collected, and the permission or API that would provide it. */
export interface NotCollected {
  input: InputKind;
  /** The API call that failed, e.g. `elasticloadbalancing:DescribeListeners`. */
  api: string;
  /** The permission that is missing, when the failure was an access denial. */
  permission?: string;
  code?: string;
}

export interface PortRange {
  from: number;
  to: number;
}

export type RuleProtocol = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all' | string;

export interface PolicyRule {
  id?: string;
  direction: 'ingress' | 'egress';
  action: 'allow' | 'deny';
  protocol: RuleProtocol;
  /** Undefined = all ports. */
  ports?: PortRange;
  peer: Peer;
  /** Evaluation order where the kind has one (NACL rule number, NSG priority, GCP priority): lower first. */
  priority?: number;
  description?: string;
  /** For rules on a Google firewall: the target tags / service accounts the rule applies to. */
  appliesTo?: Peer[];
}

export type NetworkPolicyKind = 'aws-security-group' | 'aws-nacl' | 'azure-nsg' | 'gcp-firewall';

export interface NetworkPolicy {
  ref: ResourceRef;
  kind: NetworkPolicyKind;
  /** Stateful policies allow return traffic automatically (security groups, NSGs, GCP firewall). */
  stateful: boolean;
  networkId?: string;
  rules: PolicyRule[];
  /** What it is attached to: subnet ids (NACL), ENI / instance ids (SG), NIC / subnet ids (NSG). */
  attachedTo: string[];
}

export interface Subnet {
  id: string;
  cidr?: string;
  ipv6Cidrs?: string[];
  zone?: string;
  networkId?: string;
  /** The NACL (AWS) / NSG (Azure) that applies to the subnet. */
  networkPolicyIds: string[];
  purpose?: string;
}

/** Normalized metric names, provider-neutral. The provider's own name is kept on the series. */
export type MetricName =
  | 'lb.requests'
  | 'lb.http.5xx'
  | 'lb.http.500'
  | 'lb.http.502'
  | 'lb.http.503'
  | 'lb.http.504'
  | 'lb.rejected-connections'
  | 'lb.client-tls-errors'
  | 'lb.tcp.resets'
  | 'target.http.5xx'
  | 'target.connection-errors'
  | 'target.tls-errors'
  | 'target.tcp.resets'
  | 'target.latency.p99'
  | 'target.latency.max'
  | 'target.latency.avg'
  | 'pool.healthy-hosts.min'
  | 'pool.unhealthy-hosts.max'
  | 'pool.unhealthy-routing'
  /** Azure LB `DipAvailability`: share of successful health probes, percent. */
  | 'pool.probe-availability.min'
  /** Azure LB `VipAvailability`: data path availability, percent. */
  | 'lb.data-path-availability.min'
  /** App Gateway `FailedRequests`. */
  | 'lb.failed-requests'
  /** End-to-end latency as the load balancer measures it (App Gateway `ApplicationGatewayTotalTime`, GCP total_latencies). */
  | 'lb.latency.max';

/** How a series' points were aggregated per period, in neutral terms. */
export type MetricAggregation = 'sum' | 'min' | 'max' | 'average' | 'p99';

export interface MetricPoint {
  /** ISO-8601 timestamp of the period start. */
  t: string;
  v: number;
}

export interface MetricSeries {
  /** Id of the LB or pool the series belongs to. */
  resourceId: string;
  name: MetricName;
  /** e.g. `AWS/ApplicationELB HTTPCode_ELB_502_Count Sum`. */
  providerName: string;
  /** The per-period aggregation, neutral. */
  aggregation: MetricAggregation;
  /** Unit of the values. */
  unit: 'count' | 'seconds' | 'percent';
  periodSeconds: number;
  windowStart: string;
  windowEnd: string;
  /** Oldest first. An empty array means "collected, no data points" (AWS omits zero periods). */
  points: MetricPoint[];
}

/** A measurement made by `--probe`. */
export type Observation = TlsObservation | KeepAliveObservation;

export interface ObservationBase {
  /** Pool id + target key the probe measured. */
  poolId: string;
  targetKey: string;
  address: string;
  port: number;
  at: string;
  /** Set when the probe could not measure (unreachable, not allowed by --probe-cidr, deadline). */
  error?: { code: string; message: string };
}

export interface TlsObservation extends ObservationBase {
  kind: 'tls';
  sni?: string;
  /**
   * The TCP connection opened but the target failed the TLS handshake (alert, reset, a non-TLS answer).
   * A measurement, not a gap: `error` stays unset. With `plainHttp` when the answer was plain HTTP.
   */
  handshakeError?: { code: string; message: string };
  plainHttp?: boolean;
  protocol?: string;
  cipher?: string;
  hostnameMatches?: boolean;
  trusted?: boolean;
  trustError?: string;
  tls13Only?: boolean;
  chain?: Array<{
    subject: string;
    issuer: string;
    sans: string[];
    notBefore: string;
    notAfter: string;
    keyType?: string;
    keyBits?: number;
    selfSigned: boolean;
  }>;
}

export interface KeepAliveObservation extends ObservationBase {
  kind: 'keepalive';
  server?: string;
  statusCode?: number;
  /** From `Keep-Alive: timeout=N`. */
  headerTimeoutSeconds?: number;
  /** Measured by holding an idle connection (`--probe-idle`). */
  measuredIdleCloseSeconds?: number;
  /** True if the server kept the idle connection open for the whole hold period. */
  heldOpenSeconds?: number;
  connectionClose?: boolean;
}

/** A part of the audit that could not be collected. Checks that need it answer `unknown`. */
export interface CoverageGap {
  provider: Provider;
  account?: string;
  region?: string;
  /** e.g. `elasticloadbalancing:DescribeTargetHealth`. */
  api: string;
  /** The IAM action / RBAC permission that is missing, when the error is an access denial. */
  permission?: string;
  code: string;
  message: string;
  /** Resource the call was about, when it was about one. */
  resourceId?: string;
  /** What the gap affects in words, e.g. `target health of tg-api`. */
  impact?: string;
  /** The model inputs the failed call would have provided, so that checks can name the gap in neutral terms. */
  inputs?: InputKind[];
}

export interface Inventory {
  schemaVersion: 1;
  /** The evaluation clock: collection time. Checks never read the system clock, so a snapshot replays identically. */
  collectedAt: string;
  scopes: Scope[];
  loadBalancers: LoadBalancer[];
  backendPools: BackendPool[];
  networkPolicies: NetworkPolicy[];
  subnets: Subnet[];
  metrics: MetricSeries[];
  observations: Observation[];
  coverage: CoverageGap[];
  /** Set for demo data so every output says so. */
  demo?: boolean;
  /** The metrics window in seconds; undefined when metrics were not collected. */
  metricsWindowSeconds?: number;
}

export function emptyInventory(collectedAt: string): Inventory {
  return {
    schemaVersion: 1,
    collectedAt,
    scopes: [],
    loadBalancers: [],
    backendPools: [],
    networkPolicies: [],
    subnets: [],
    metrics: [],
    observations: [],
    coverage: [],
  };
}
