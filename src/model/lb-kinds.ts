/**
 * What each kind of load balancer does, as data: the provider facts checks need to say which status users see and
 * how the load balancer behaves, so that no check branches on a provider or a kind. One row per kind; a new adapter
 * adds its kinds here.
 */
import type { AllUnhealthyBehaviour, LoadBalancerKind, Provider, Sourced } from './inventory.js';

/** The failure modes a check can attribute a 5xx to. */
export type FailureMode =
  /** The pool has no registered targets. */
  | 'empty-pool'
  /** Targets are registered but none is healthy. */
  | 'no-healthy-target'
  /** The backend closed an idle connection the load balancer was about to reuse (keep-alive race). */
  | 'backend-closed-idle'
  /** The backend answered slower than the load balancer's request / idle timeout. */
  | 'backend-timeout'
  /** The load balancer could not connect to the backend (blocked port, nothing listening). */
  | 'connect-failed'
  /** The TLS handshake to the backend failed or its certificate was rejected. */
  | 'tls-failed';

/** What users see for a failure mode. `codes` is empty where no HTTP status exists (layer 4: resets, timeouts). */
export interface Symptom {
  codes: number[];
  text: string;
}

/** The values a kind's health check accepts (inclusive), so that a suggested fix stays inside them. */
export interface HealthCheckBounds {
  intervalSeconds: [number, number];
  timeoutSeconds?: [number, number];
  unhealthyThreshold: [number, number];
  /** Undefined where the kind has no healthy threshold (Application Gateway). */
  healthyThreshold?: [number, number];
}

const ELBV2_BOUNDS: HealthCheckBounds = { intervalSeconds: [5, 300], timeoutSeconds: [2, 120], unhealthyThreshold: [2, 10], healthyThreshold: [2, 10] };
export interface DocumentedHealthCheck {
  intervalSeconds: number;
  timeoutSeconds: number;
  /** Where the provider documents it. */
  detail: string;
}

/** compute.healthChecks field descriptions: checkIntervalSec and timeoutSec default to 5, timeoutSec ≤ checkIntervalSec. */
const GCP_HEALTH_CHECK_DEFAULT: DocumentedHealthCheck = { intervalSeconds: 5, timeoutSeconds: 5, detail: "Google Cloud's default health check (checkIntervalSec 5, timeoutSec 5)" };

const GCP_BOUNDS: HealthCheckBounds = { intervalSeconds: [1, 300], timeoutSeconds: [1, 300], unhealthyThreshold: [1, 10], healthyThreshold: [1, 10] };

/** How the network checks model a kind's paths to its targets. */
export interface NetworkFacts {
  /** Every target interface carries policies (AWS security groups): none recorded means they were not collected. */
  targetPoliciesRequired: boolean;
  /** Every subnet carries a policy (AWS network ACLs): none recorded means it was not collected. */
  subnetPoliciesRequired: boolean;
  /** The load balancer always has policies of its own (ALB / Classic security groups). */
  lbPoliciesRequired: boolean;
  /** Health checks come from the nodes' own addresses whatever the traffic sources are (NLB). */
  healthChecksFromNodes: boolean;
  /** Cross-zone load balancing when the model does not say (NLB off, others on). */
  crossZoneDefault: boolean;
  /** Whether targets see client addresses is a per-pool setting that must be known (NLB client IP preservation). */
  clientIpPreservationPerPool: boolean;
}

const AWS_NETWORK: NetworkFacts = {
  targetPoliciesRequired: true,
  subnetPoliciesRequired: true,
  lbPoliciesRequired: true,
  healthChecksFromNodes: false,
  crossZoneDefault: true,
  clientIpPreservationPerPool: false,
};

/** Azure NSGs and Google firewalls are optional per interface / subnet, and their load balancers have no nodes of their own. */
const OPTIONAL_POLICIES: NetworkFacts = {
  targetPoliciesRequired: false,
  subnetPoliciesRequired: false,
  lbPoliciesRequired: false,
  healthChecksFromNodes: false,
  crossZoneDefault: true,
  clientIpPreservationPerPool: false,
};

export interface LoadBalancerKindFacts {
  network: NetworkFacts;
  provider: Provider;
  /** The product's name, e.g. `Application Load Balancer`. */
  label: string;
  layer: 4 | 7;
  /** Pools idle backend connections across clients (L7 proxies): the keep-alive race applies. */
  reusesBackendConnections: boolean;
  symptoms: Record<FailureMode, Symptom>;
  /** What the load balancer does when no target of a pool is healthy (a pool may override it: `whenAllUnhealthy`). */
  whenAllUnhealthy: Sourced<AllUnhealthyBehaviour>;
  /**
   * How long it keeps idle backend connections when the provider fixes it (Google ALBs: 600 s). Undefined when the
   * kind has an attribute for it (ALB) or the value is undocumented (App Gateway).
   */
  fixedBackendIdleTimeoutSeconds?: number;
  /**
   * Which timeout ends a slow backend response: the load balancer's idle timeout (ALB, Classic ELB), the pool's own
   * request timeout (App Gateway backend settings, GCP backend service), or none at layer 4.
   */
  requestTimeoutFrom: 'idle-timeout' | 'pool' | 'none';
  /** The largest request / idle timeout the provider accepts, for suggested values. */
  maxRequestTimeoutSeconds?: number;
  /** Where to look next when the load balancer returned 5xx that no configuration explains (layer 7 only). */
  triage?: string;
  /** Health checks cannot be turned off (Classic ELB, Application Gateway's default probe). */
  healthChecksAlwaysOn?: boolean;
  /** The kind has no connection draining / deregistration delay (Azure Load Balancer, Gateway Load Balancer appliances). */
  noConnectionDraining?: boolean;
  /** The load balancer is its own (single) pool: findings about the pool are reported on the load balancer (Classic ELB). */
  poolIsLoadBalancer?: boolean;
  /** The provider documents no backend idle timeout for this kind (Application Gateway): it cannot be compared. */
  backendIdleTimeoutUndocumented?: boolean;
  /** HTTPS health checks of this kind fail against targets that accept only TLS 1.3 (Network Load Balancer). */
  httpsHealthCheckNeedsTls12?: boolean;
  /** API bounds of the health-check settings (ELBv2 / Classic API reference, App Gateway probe, GCP healthChecks). */
  healthCheckBounds: HealthCheckBounds;
  /**
   * The interval and timeout the provider applies when none is set and documents as working, even where they are
   * close to each other (Google 5 s / 5 s; App Gateway's default probe 30 s / 30 s): not a misconfiguration.
   */
  healthCheckDefault?: DocumentedHealthCheck;
  /** The metric that shows the load balancer's own 5xx in words, for messages that ask for evidence. */
  errorMetricLabel: string;
  /** The metric that shows backend response times, in words. */
  latencyMetricLabel?: string;
}

const L4_SYMPTOM = (text: string): Symptom => ({ codes: [], text });

/** Google's Application Load Balancers report these as 502 or 503 with a statusDetails value (Google's LB logging page). */
function gcpAlbSymptoms(timeoutCodes: number[]): Record<FailureMode, Symptom> {
  return {
    'empty-pool': { codes: [503], text: 'HTTP 503 with statusDetails failed_to_pick_backend' },
    'no-healthy-target': { codes: [502, 503], text: 'HTTP 502/503 with statusDetails failed_to_pick_backend' },
    'backend-closed-idle': { codes: [502, 503], text: 'HTTP 502/503 with statusDetails backend_connection_closed_before_data_sent_to_client' },
    'backend-timeout': { codes: timeoutCodes, text: `HTTP ${timeoutCodes.join('/')} with statusDetails backend_timeout` },
    'connect-failed': { codes: [502, 503], text: 'HTTP 502/503 with statusDetails failed_to_connect_to_backend' },
    'tls-failed': { codes: [502, 503], text: 'HTTP 502/503 with statusDetails ssl_certificate_*_verification_failed' },
  };
}

const GCP_ALB_BASE = {
  provider: 'gcp',
  layer: 7,
  reusesBackendConnections: true,
  whenAllUnhealthy: { value: 'error-response', source: 'fixed', detail: 'Google ALBs answer failed_to_pick_backend' },
  fixedBackendIdleTimeoutSeconds: 600,
  network: OPTIONAL_POLICIES,
  triage:
    'in Cloud Logging (resource.type="http_load_balancer" or the regional equivalent), filter httpRequest.status >= 500 and ' +
    'read jsonPayload.statusDetails: it names the cause (failed_to_pick_backend, backend_timeout, ' +
    'backend_connection_closed_before_data_sent_to_client, …); read the backend logs at those times.',
  requestTimeoutFrom: 'pool',
  maxRequestTimeoutSeconds: 2_147_483_647,
  healthCheckBounds: GCP_BOUNDS,
  healthCheckDefault: GCP_HEALTH_CHECK_DEFAULT,
  errorMetricLabel: 'loadbalancing.googleapis.com https/request_count (response_code_class 500)',
  latencyMetricLabel: 'loadbalancing.googleapis.com https/backend_latencies',
} as const satisfies Partial<LoadBalancerKindFacts>;

const GCP_L4_SYMPTOMS: Record<FailureMode, Symptom> = {
  'empty-pool': L4_SYMPTOM('connections refused or timing out'),
  'no-healthy-target': L4_SYMPTOM('connections refused, reset or timing out'),
  'backend-closed-idle': L4_SYMPTOM('connections reset'),
  'backend-timeout': L4_SYMPTOM('connections timing out'),
  'connect-failed': L4_SYMPTOM('connections timing out or refused'),
  'tls-failed': L4_SYMPTOM('TLS handshakes failing'),
};

export const LOAD_BALANCER_KINDS: Readonly<Record<LoadBalancerKind, LoadBalancerKindFacts>> = {
  'aws-alb': {
    provider: 'aws',
    label: 'Application Load Balancer',
    layer: 7,
    reusesBackendConnections: true,
    symptoms: {
      'empty-pool': { codes: [503], text: 'HTTP 503 from the ALB' },
      // ALB routes to every target when none is healthy (fail open): the targets' own failures reach users.
      'no-healthy-target': { codes: [502, 503, 504], text: 'HTTP 502/504 from the ALB (it fails open to unhealthy targets)' },
      'backend-closed-idle': { codes: [502], text: 'HTTP 502 from the ALB' },
      'backend-timeout': { codes: [504], text: 'HTTP 504 from the ALB' },
      'connect-failed': { codes: [502, 504], text: 'HTTP 502 (refused) or 504 (connect timeout) from the ALB' },
      'tls-failed': { codes: [502], text: 'HTTP 502 from the ALB' },
    },
    whenAllUnhealthy: { value: 'fail-open', source: 'fixed', detail: 'ALB routes to all targets when none is healthy' },
    requestTimeoutFrom: 'idle-timeout',
    maxRequestTimeoutSeconds: 4000,
    triage:
      'in the ALB access logs, find the requests with elb_status_code 502/503/504: target_status_code "-" means the load balancer ' +
      'generated the response, target_processing_time -1 means it could not dispatch the request or the target closed the ' +
      'connection, and error_reason names Lambda and authentication failures; read the target logs at those times; look for ' +
      'responses whose headers exceed 32 KB (502); for Lambda targets check function errors, timeouts and response bodies over 1 MB.',
    network: AWS_NETWORK,
    healthCheckBounds: ELBV2_BOUNDS,
    errorMetricLabel: 'AWS/ApplicationELB HTTPCode_ELB_502/503/504_Count',
    latencyMetricLabel: 'AWS/ApplicationELB TargetResponseTime',
  },
  'aws-nlb': {
    provider: 'aws',
    label: 'Network Load Balancer',
    layer: 4,
    reusesBackendConnections: false,
    symptoms: {
      'empty-pool': L4_SYMPTOM('connections reset or timing out at the NLB'),
      'no-healthy-target': L4_SYMPTOM('connections reset (the NLB fails open to unhealthy targets)'),
      'backend-closed-idle': L4_SYMPTOM('connections reset (TCP_Target_Reset_Count)'),
      'backend-timeout': L4_SYMPTOM('connections reset after the NLB idle timeout'),
      'connect-failed': L4_SYMPTOM('connections timing out or reset'),
      'tls-failed': L4_SYMPTOM('TLS handshakes failing (TargetTLSNegotiationErrorCount)'),
    },
    whenAllUnhealthy: { value: 'fail-open', source: 'fixed', detail: 'NLB routes to all targets when none is healthy' },
    httpsHealthCheckNeedsTls12: true,
    requestTimeoutFrom: 'none',
    // NLB security groups are optional; health checks come from the nodes; cross-zone is off by default.
    network: { ...AWS_NETWORK, lbPoliciesRequired: false, healthChecksFromNodes: true, crossZoneDefault: false, clientIpPreservationPerPool: true },
    healthCheckBounds: ELBV2_BOUNDS,
    errorMetricLabel: 'AWS/NetworkELB TCP_ELB_Reset_Count',
  },
  'aws-clb': {
    provider: 'aws',
    label: 'Classic Load Balancer',
    layer: 7,
    reusesBackendConnections: true,
    symptoms: {
      'empty-pool': { codes: [503], text: 'HTTP 503 from the Classic ELB' },
      'no-healthy-target': { codes: [503], text: 'HTTP 503 from the Classic ELB' },
      'backend-closed-idle': { codes: [504, 502], text: 'HTTP 504 from the Classic ELB (502 is also possible)' },
      'backend-timeout': { codes: [504], text: 'HTTP 504 from the Classic ELB' },
      'connect-failed': { codes: [503, 504], text: 'HTTP 503/504 from the Classic ELB' },
      'tls-failed': { codes: [502], text: 'HTTP 502 from the Classic ELB' },
    },
    whenAllUnhealthy: { value: 'error-response', source: 'fixed', detail: 'Classic ELB answers 503 without a healthy instance' },
    requestTimeoutFrom: 'idle-timeout',
    maxRequestTimeoutSeconds: 4000,
    poolIsLoadBalancer: true,
    triage:
      'in the Classic ELB access logs, find the requests with elb_status_code 5xx and backend_status_code "-" (the load balancer ' +
      'generated them) or backend_processing_time -1; read the instance logs at those times; check SurgeQueueLength and ' +
      'SpilloverCount for capacity 503s and BackendConnectionErrors for refused connections.',
    network: AWS_NETWORK,
    healthChecksAlwaysOn: true,
    healthCheckBounds: { intervalSeconds: [5, 300], timeoutSeconds: [2, 60], unhealthyThreshold: [2, 10], healthyThreshold: [2, 10] },
    errorMetricLabel: 'AWS/ELB HTTPCode_ELB_5XX',
    latencyMetricLabel: 'AWS/ELB Latency',
  },
  'aws-gwlb': {
    provider: 'aws',
    label: 'Gateway Load Balancer',
    layer: 4,
    reusesBackendConnections: false,
    symptoms: {
      'empty-pool': L4_SYMPTOM('flows dropped'),
      'no-healthy-target': L4_SYMPTOM('flows sent to unhealthy appliances (fail open)'),
      'backend-closed-idle': L4_SYMPTOM('flows reset'),
      'backend-timeout': L4_SYMPTOM('flows dropped after the idle timeout'),
      'connect-failed': L4_SYMPTOM('flows dropped'),
      'tls-failed': L4_SYMPTOM('flows dropped'),
    },
    whenAllUnhealthy: { value: 'fail-open', source: 'fixed' },
    requestTimeoutFrom: 'none',
    network: { ...AWS_NETWORK, lbPoliciesRequired: false },
    noConnectionDraining: true,
    healthCheckBounds: ELBV2_BOUNDS,
    errorMetricLabel: 'AWS/GatewayELB',
  },
  'azure-appgw': {
    provider: 'azure',
    label: 'Application Gateway',
    layer: 7,
    reusesBackendConnections: true,
    symptoms: {
      'empty-pool': { codes: [502], text: 'HTTP 502 from the Application Gateway' },
      'no-healthy-target': { codes: [502], text: 'HTTP 502 from the Application Gateway' },
      'backend-closed-idle': { codes: [502], text: 'HTTP 502 from the Application Gateway' },
      // v1 answers 502 on a request timeout; v2 retries another member, then answers 504.
      'backend-timeout': { codes: [502, 504], text: 'HTTP 504 from the Application Gateway (502 on v1)' },
      'connect-failed': { codes: [502], text: 'HTTP 502 from the Application Gateway' },
      'tls-failed': { codes: [502], text: 'HTTP 502 from the Application Gateway' },
    },
    whenAllUnhealthy: { value: 'error-response', source: 'fixed', detail: 'Application Gateway answers 502 without a healthy backend' },
    backendIdleTimeoutUndocumented: true,
    requestTimeoutFrom: 'pool',
    maxRequestTimeoutSeconds: 86400,
    triage:
      'in the Application Gateway access log (ApplicationGatewayAccessLog), find the requests with httpStatus 502/504 and read ' +
      'serverStatus, serverRouted and serverResponseLatency; check backend health for the pool at those times and ' +
      'BackendResponseStatus for the backends\' own 5xx.',
    network: OPTIONAL_POLICIES,
    healthChecksAlwaysOn: true,
    healthCheckBounds: { intervalSeconds: [1, 86400], timeoutSeconds: [1, 86400], unhealthyThreshold: [1, 20] },
    // Application Gateway health probe overview: the default probe checks every 30 s with a 30 s timeout.
    healthCheckDefault: { intervalSeconds: 30, timeoutSeconds: 30, detail: "Application Gateway's default probe (interval 30 s, timeout 30 s)" },
    errorMetricLabel: 'Microsoft.Network/applicationGateways ResponseStatus 5xx / FailedRequests',
    latencyMetricLabel: 'Microsoft.Network/applicationGateways BackendLastByteResponseTime',
  },
  'azure-lb': {
    provider: 'azure',
    label: 'Azure Load Balancer',
    layer: 4,
    reusesBackendConnections: false,
    symptoms: {
      'empty-pool': L4_SYMPTOM('new connections dropped (no backend to send them to)'),
      'no-healthy-target': L4_SYMPTOM('new connections dropped (Standard LB stops new flows when every probe is down)'),
      'backend-closed-idle': L4_SYMPTOM('connections reset'),
      'backend-timeout': L4_SYMPTOM('idle connections silently dropped after the idle timeout'),
      'connect-failed': L4_SYMPTOM('connections timing out'),
      'tls-failed': L4_SYMPTOM('TLS handshakes failing'),
    },
    whenAllUnhealthy: { value: 'drop', source: 'fixed', detail: 'Standard Load Balancer sends no new flows when every probe is down' },
    // The probe timeout is fixed; probeThreshold counts consecutive probes.
    requestTimeoutFrom: 'none',
    network: OPTIONAL_POLICIES,
    noConnectionDraining: true,
    healthCheckBounds: { intervalSeconds: [5, 2147483646], unhealthyThreshold: [1, 100] },
    errorMetricLabel: 'Microsoft.Network/loadBalancers DipAvailability / VipAvailability',
  },
  'gcp-alb-global': { ...GCP_ALB_BASE, label: 'global external Application Load Balancer', symptoms: gcpAlbSymptoms([502, 503]) },
  'gcp-alb-classic': { ...GCP_ALB_BASE, label: 'classic Application Load Balancer', symptoms: gcpAlbSymptoms([502, 503]) },
  // Envoy-based regional and internal ALBs: Google documents no status for a backend timeout; 504 may apply.
  'gcp-alb-regional': { ...GCP_ALB_BASE, label: 'regional Application Load Balancer', symptoms: gcpAlbSymptoms([502, 503, 504]) },
  'gcp-alb-internal': { ...GCP_ALB_BASE, label: 'internal Application Load Balancer', symptoms: gcpAlbSymptoms([502, 503, 504]) },
  'gcp-proxy-nlb': {
    provider: 'gcp',
    label: 'proxy Network Load Balancer',
    layer: 4,
    reusesBackendConnections: false,
    symptoms: GCP_L4_SYMPTOMS,
    whenAllUnhealthy: { value: 'error-response', source: 'fixed', detail: 'the proxy closes client connections' },
    requestTimeoutFrom: 'none',
    network: OPTIONAL_POLICIES,
    healthCheckBounds: GCP_BOUNDS,
    healthCheckDefault: GCP_HEALTH_CHECK_DEFAULT,
    errorMetricLabel: 'loadbalancing.googleapis.com tcp_ssl_proxy/closed_connections',
  },
  'gcp-nlb-passthrough': {
    provider: 'gcp',
    label: 'passthrough Network Load Balancer',
    layer: 4,
    reusesBackendConnections: false,
    symptoms: GCP_L4_SYMPTOMS,
    whenAllUnhealthy: {
      value: 'fail-open',
      source: 'provider-default',
      detail: 'without failoverPolicy.dropTrafficIfUnhealthy, traffic is spread over all primary VMs',
    },
    requestTimeoutFrom: 'none',
    network: OPTIONAL_POLICIES,
    healthCheckBounds: GCP_BOUNDS,
    healthCheckDefault: GCP_HEALTH_CHECK_DEFAULT,
    errorMetricLabel: 'compute.googleapis.com instance network metrics',
  },
};

/** The facts of a kind. */
export function kindFacts(kind: LoadBalancerKind): LoadBalancerKindFacts {
  return LOAD_BALANCER_KINDS[kind];
}

/** What users of a load balancer of this kind see for a failure mode. */
export function symptomOf(kind: LoadBalancerKind, mode: FailureMode): Symptom {
  return LOAD_BALANCER_KINDS[kind].symptoms[mode];
}

/** Every kind a provider has, in table order. */
export function kindsOf(provider: Provider): LoadBalancerKind[] {
  return (Object.keys(LOAD_BALANCER_KINDS) as LoadBalancerKind[]).filter((k) => LOAD_BALANCER_KINDS[k].provider === provider);
}

/** The behaviour of a pool behind a load balancer when no target is healthy: the pool's own setting wins. */
export function whenAllUnhealthy(kind: LoadBalancerKind, pool: { whenAllUnhealthy?: Sourced<AllUnhealthyBehaviour> }): Sourced<AllUnhealthyBehaviour> {
  return pool.whenAllUnhealthy ?? LOAD_BALANCER_KINDS[kind].whenAllUnhealthy;
}

/**
 * The timeout that ends a slow response of `pool` behind `lb`: the pool's request timeout where the kind has one, the
 * load balancer's idle timeout where that acts (ALB, Classic ELB). Undefined when not collected or not applicable.
 */
export function requestTimeoutOf(lb: { kind: LoadBalancerKind; backendIdleTimeoutSeconds?: Sourced<number>; requestTimeoutSeconds?: Sourced<number> }, pool: { requestTimeoutSeconds?: Sourced<number> }): Sourced<number> | undefined {
  switch (LOAD_BALANCER_KINDS[lb.kind].requestTimeoutFrom) {
    case 'pool':
      return pool.requestTimeoutSeconds ?? lb.requestTimeoutSeconds;
    case 'idle-timeout':
      return lb.backendIdleTimeoutSeconds;
    case 'none':
      return undefined;
  }
}
