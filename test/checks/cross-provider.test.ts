/**
 * The neutral checks on Azure and Google Cloud load balancers: for every check with an Azure or Google counterpart, a
 * firing, a clean, a boundary and an unknown row on `azure-appgw`, `azure-lb`, `gcp-alb-*` and `gcp-nlb-passthrough`
 * inventories, built as their normalizers fill the model (the AWS rows live beside each check's own test).
 */
import { checkTester } from '../support/check-tester.js';
import type { BackendPool, Inventory, LoadBalancer, LoadBalancerKind, NetworkPolicy, Peer, PolicyRule, Target } from '../../src/model/index.js';
import { healthCheck, healthWith, lbInventory, listener, pool, ref, series, sourced, subnet, target, tlsObservation } from '../support/builders.js';
import { aggressiveEjection } from '../../checks/health/aggressive-ejection.js';
import { checkDisabled } from '../../checks/health/check-disabled.js';
import { portProtocolMismatch } from '../../checks/health/port-protocol-mismatch.js';
import { responseCodeMismatch } from '../../checks/health/response-code-mismatch.js';
import { slowRecovery } from '../../checks/health/slow-recovery.js';
import { timeoutVsInterval } from '../../checks/health/timeout-vs-interval.js';
import { healthCheckPortBlocked } from '../../checks/network/health-check-port-blocked.js';
import { trafficPortBlocked } from '../../checks/network/traffic-port-blocked.js';
import { allTargetsUnhealthy } from '../../checks/targets/all-targets-unhealthy.js';
import { noRegisteredTargets } from '../../checks/targets/no-registered-targets.js';
import { unhealthyTargets } from '../../checks/targets/unhealthy-targets.js';
import { unusedTargets } from '../../checks/targets/unused-targets.js';
import { backendKeepaliveExceedsIdleTimeout } from '../../checks/timeouts/backend-keepalive-exceeds-idle-timeout.js';
import { deregistrationDelayTooShort } from '../../checks/timeouts/deregistration-delay-too-short.js';
import { idleTimeoutBelowLatency } from '../../checks/timeouts/idle-timeout-below-latency.js';
import { targetCertificateHygiene } from '../../checks/tls/target-certificate-hygiene.js';
import { listenerCertificateExpiry } from '../../checks/tls/listener-certificate-expiry.js';
import { observed5xxUnexplained } from '../../checks/evidence/observed-5xx-unexplained.js';

/** Google's health-check probe ranges, as the Google normalizer records them on Application Load Balancers. */
const GCP_PROBES: Peer[] = [
  { type: 'cidr', cidr: '35.191.0.0/16' },
  { type: 'cidr', cidr: '130.211.0.0/22' },
];
const PROXY_ONLY: Peer = { type: 'cidr', cidr: '10.129.0.0/23' };
const AZURE_PROBE: Peer = { type: 'service-tag', tag: 'AzureLoadBalancer' };
const APPGW_SUBNET: Peer = { type: 'cidr', cidr: '10.2.0.0/24' };

const SOURCES: Partial<Record<LoadBalancerKind, { hc: Peer[]; traffic: Peer[] }>> = {
  'gcp-alb-global': { hc: GCP_PROBES, traffic: GCP_PROBES },
  'gcp-alb-regional': { hc: GCP_PROBES, traffic: [PROXY_ONLY] },
  'gcp-nlb-passthrough': { hc: GCP_PROBES, traffic: [{ type: 'cidr', cidr: '0.0.0.0/0' }] },
  'azure-lb': { hc: [AZURE_PROBE], traffic: [{ type: 'cidr', cidr: '0.0.0.0/0' }] },
  'azure-appgw': { hc: [APPGW_SUBNET], traffic: [APPGW_SUBNET] },
};

const vm = (overrides: Partial<Target> = {}): Target =>
  target({ id: 'vm-1', type: 'vm', address: '10.1.0.4', subnetId: 'snet-web', zone: undefined, networkPolicyIds: [], networkTags: ['web'], ...overrides });

/** One load balancer of `kind` in front of one pool, its peers as the provider's normalizer sets them. */
function cloud(kind: LoadBalancerKind, p: Partial<BackendPool> = {}, lb: Partial<LoadBalancer> = {}, extra: Partial<Inventory> = {}): Inventory {
  const sources = SOURCES[kind] ?? { hc: GCP_PROBES, traffic: GCP_PROBES };
  return lbInventory(kind, {
    name: `lb-${kind}`,
    lb: {
      networkPolicyIds: [],
      zones: [],
      subnetIds: [],
      healthCheckSources: sources.hc,
      trafficSources: sources.traffic,
      backendIdleTimeoutSeconds: undefined,
      ...lb,
    },
    pools: [pool('pool-web', { targets: [vm(), vm({ id: 'vm-2', address: '10.1.0.5' })], ...p })],
    extra: { subnets: [subnet('snet-web', '10.1.0.0/24', { zone: undefined })], ...extra },
  });
}

const hc = healthCheck;
const down = (cause: Parameters<typeof healthWith>[1], extra: Parameters<typeof healthWith>[3] = {}) => healthWith('unhealthy', cause, 'Down', extra);
const up = healthWith('healthy', 'unknown');
const NOT_COLLECTED = { input: 'target-health' as const, api: 'Microsoft.Network/applicationGateways/backendhealth/action', permission: 'Microsoft.Network/applicationGateways/backendhealth/action', code: 'AuthorizationFailed' };
const HC_NOT_COLLECTED = { input: 'health-check' as const, api: 'compute.healthChecks.list', permission: 'compute.healthChecks.list', code: '403' };

checkTester(aggressiveEjection, {
  valid: [
    { name: 'gcp-alb-global: boundary, the Google default 5 s × 2 = 10 s', inventory: cloud('gcp-alb-global', { healthCheck: hc({ intervalSeconds: 5, unhealthyThreshold: 2 }) }) },
    { name: 'azure-appgw: the default probe 30 s × 3', inventory: cloud('azure-appgw', { healthCheck: hc({ intervalSeconds: 30, unhealthyThreshold: 3 }) }) },
  ],
  invalid: [
    { name: 'gcp-nlb-passthrough: 5 s × 1', inventory: cloud('gcp-nlb-passthrough', { healthCheck: hc({ intervalSeconds: 5, unhealthyThreshold: 1 }) }), expect: [{ messageId: 'ejectsFast', resource: 'pool-web' }] },
    { name: 'azure-lb: 5 s × probeThreshold 1', inventory: cloud('azure-lb', { healthCheck: hc({ intervalSeconds: 5, unhealthyThreshold: 1 }) }), expect: [{ messageId: 'ejectsFast', resource: 'pool-web', contains: ['about 5 s'] }] },
  ],
  unknown: [
    {
      name: 'gcp-alb-global: health check not readable',
      inventory: cloud('gcp-alb-global', { healthCheck: undefined, notCollected: [HC_NOT_COLLECTED] }),
      expect: [{ resource: 'pool-web', contains: ['grant compute.healthChecks.list'] }],
    },
  ],
});

checkTester(timeoutVsInterval, {
  valid: [
    { name: 'gcp-alb-global: 3 s timeout every 10 s', inventory: cloud('gcp-alb-global', { healthCheck: hc({ timeoutSeconds: 3, intervalSeconds: 10 }) }) },
    // Google documents 5 s / 5 s as its default: not the user's misconfiguration.
    { name: 'gcp-alb-global: the default 5 s timeout every 5 s', inventory: cloud('gcp-alb-global', { healthCheck: hc({ timeoutSeconds: 5, intervalSeconds: 5 }) }) },
  ],
  invalid: [
    { name: 'gcp-alb-global: boundary, a 5 s timeout every 6 s', inventory: cloud('gcp-alb-global', { healthCheck: hc({ timeoutSeconds: 5, intervalSeconds: 6 }) }), expect: [{ messageId: 'timeoutCloseToInterval', resource: 'pool-web', severity: 'low' }] },
    { name: 'azure-appgw: 1 s probe timeout', inventory: cloud('azure-appgw', { healthCheck: hc({ timeoutSeconds: 1, intervalSeconds: 30 }) }), expect: [{ messageId: 'timeoutTooShort', resource: 'pool-web' }] },
  ],
  notApplicable: [
    {
      name: 'azure-lb: the probe timeout is fixed by the provider',
      inventory: cloud('azure-lb', { healthCheck: hc({ timeoutSeconds: sourced(30, 'fixed', 'Azure Load Balancer HTTP probes time out after 30 s'), intervalSeconds: 15 }) }),
      expect: [{ resource: 'pool-web', contains: ['fixed by the provider'] }],
    },
  ],
  unknown: [{ name: 'gcp-nlb-passthrough: interval not collected', inventory: cloud('gcp-nlb-passthrough', { healthCheck: hc({ intervalSeconds: undefined }) }), expect: [{ resource: 'pool-web' }] }],
});

checkTester(slowRecovery, {
  valid: [{ name: 'azure-appgw: boundary, 300 s × the fixed threshold 1', inventory: cloud('azure-appgw', { healthCheck: hc({ intervalSeconds: 300, healthyThreshold: sourced(1, 'fixed') }) }) }],
  invalid: [
    {
      name: 'azure-appgw: 400 s interval (the threshold cannot be lowered)',
      inventory: cloud('azure-appgw', { healthCheck: hc({ intervalSeconds: 400, healthyThreshold: sourced(1, 'fixed') }) }),
      expect: [{ messageId: 'slowRecovery', resource: 'pool-web' }],
    },
    { name: 'gcp-alb-global: 60 s × 10', inventory: cloud('gcp-alb-global', { healthCheck: hc({ intervalSeconds: 60, healthyThreshold: 10 }) }), expect: [{ messageId: 'slowRecovery', resource: 'pool-web' }] },
  ],
  unknown: [{ name: 'gcp-alb-global: threshold not collected', inventory: cloud('gcp-alb-global', { healthCheck: hc({ healthyThreshold: undefined }) }), expect: [{ resource: 'pool-web' }] }],
});

checkTester(checkDisabled, {
  valid: [{ name: 'gcp-alb-global: health check attached', inventory: cloud('gcp-alb-global') }],
  invalid: [
    { name: 'gcp-nlb-passthrough: no health check', inventory: cloud('gcp-nlb-passthrough', { healthCheck: hc({ enabled: false }) }), expect: [{ messageId: 'disabled', resource: 'pool-web' }] },
    { name: 'azure-lb: rule without a probe', inventory: cloud('azure-lb', { healthCheck: hc({ enabled: false }) }), expect: [{ messageId: 'disabled', resource: 'pool-web' }] },
  ],
  unknown: [{ name: 'gcp-alb-global: not collected', inventory: cloud('gcp-alb-global', { healthCheck: undefined, notCollected: [HC_NOT_COLLECTED] }), expect: [{ resource: 'pool-web' }] }],
  notApplicable: [{ name: 'azure-appgw: probes cannot be turned off', inventory: cloud('azure-appgw'), expect: [{ resource: 'Application Gateway' }] }],
});

checkTester(portProtocolMismatch, {
  valid: [{ name: 'gcp-alb-global: USE_SERVING_PORT', inventory: cloud('gcp-alb-global', { healthCheck: hc({ usesTrafficPort: true }) }) }],
  invalid: [
    {
      name: 'gcp-alb-global: health check on 80, backends serve 8080',
      inventory: cloud('gcp-alb-global', { healthCheck: hc({ usesTrafficPort: false, port: 80 }) }),
      expect: [{ messageId: 'portDiffers', resource: 'pool-web' }],
    },
    {
      name: 'azure-appgw: boundary, HTTP probe against an HTTPS backend setting on the same port',
      inventory: cloud('azure-appgw', { protocol: 'HTTPS', tls: { verifiesCertificate: true }, healthCheck: hc({ protocol: 'HTTP' }) }),
      expect: [{ messageId: 'schemeDiffers', resource: 'pool-web' }],
    },
  ],
  unknown: [{ name: 'gcp-nlb-passthrough: port not collected', inventory: cloud('gcp-nlb-passthrough', { healthCheck: hc({ usesTrafficPort: false, port: undefined }) }), expect: [{ resource: 'pool-web' }] }],
});

checkTester(responseCodeMismatch, {
  valid: [{ name: 'azure-appgw: every backend Up', inventory: cloud('azure-appgw', { healthCheck: hc({ path: '/health', matcher: '200-399' }), targets: [vm({ health: up })] }) }],
  invalid: [
    {
      name: 'azure-appgw: backends answer 401 outside 200-399',
      inventory: cloud('azure-appgw', {
        healthCheck: hc({ path: '/', matcher: '200-399' }),
        targets: [vm({ health: down('response-code-mismatch', { observedStatusCodes: [401] }) }), vm({ id: 'vm-2', health: up })],
      }),
      expect: [{ messageId: 'mismatch', resource: 'pool-web', contains: ['HTTP 401', 'unauthenticated'] }],
    },
    {
      name: 'gcp-alb-global: boundary, "/" with success codes exactly 200',
      inventory: cloud('gcp-alb-global', { healthCheck: hc({ path: '/', matcher: undefined, successCodes: [{ from: 200, to: 200 }] }), targets: [vm({ health: up })] }),
      expect: [{ messageId: 'rootStrictMatcher', resource: 'pool-web', severity: 'low' }],
    },
  ],
  unknown: [{ name: 'azure-appgw: backend health needs an action Reader lacks', inventory: cloud('azure-appgw', { targets: undefined, notCollected: [NOT_COLLECTED] }), expect: [{ resource: 'pool-web', contains: ['backendhealth/action'] }] }],
});

checkTester(noRegisteredTargets, {
  valid: [{ name: 'azure-appgw: two backends', inventory: cloud('azure-appgw') }],
  invalid: [
    { name: 'azure-appgw: empty backend pool is a 502', inventory: cloud('azure-appgw', { targets: [] }), expect: [{ messageId: 'noTargets', resource: 'pool-web', contains: ['HTTP 502 from the Application Gateway'] }] },
    { name: 'gcp-alb-global: backend service without backends', inventory: cloud('gcp-alb-global', { targets: [] }), expect: [{ messageId: 'noTargets', resource: 'pool-web', contains: ['failed_to_pick_backend'] }] },
    { name: 'azure-lb: empty pool drops connections', inventory: cloud('azure-lb', { targets: [] }), expect: [{ messageId: 'noTargets', resource: 'pool-web', contains: ['dropped'] }] },
  ],
  unknown: [{ name: 'azure-appgw: health not collected', inventory: cloud('azure-appgw', { targets: undefined, notCollected: [NOT_COLLECTED] }), expect: [{ resource: 'pool-web' }] }],
});

checkTester(allTargetsUnhealthy, {
  valid: [{ name: 'gcp-nlb-passthrough: boundary, one healthy backend left', inventory: cloud('gcp-nlb-passthrough', { targets: [vm({ health: down('health-check-failed') }), vm({ id: 'vm-2', health: up })] }) }],
  invalid: [
    {
      name: 'gcp-nlb-passthrough: all unhealthy, traffic spread over every VM',
      inventory: cloud('gcp-nlb-passthrough', { targets: [vm({ health: down('health-check-failed') })] }),
      expect: [{ messageId: 'failOpen', resource: 'pool-web', severity: 'critical' }],
    },
    {
      name: 'gcp-nlb-passthrough: dropTrafficIfUnhealthy',
      inventory: cloud('gcp-nlb-passthrough', { whenAllUnhealthy: sourced('drop', 'api'), targets: [vm({ health: down('health-check-failed') })] }),
      expect: [{ messageId: 'dropped', resource: 'pool-web' }],
    },
    { name: 'azure-lb: every probe down', inventory: cloud('azure-lb', { targets: [vm({ health: down('health-check-timeout') })] }), expect: [{ messageId: 'dropped', resource: 'pool-web' }] },
    {
      name: 'azure-appgw: no healthy backend is a 502',
      inventory: cloud('azure-appgw', { targets: [vm({ health: down('connection-failed') })] }),
      expect: [{ messageId: 'noHealthy', resource: 'pool-web', contains: ['HTTP 502 from the Application Gateway'] }],
    },
    {
      name: 'gcp-alb-regional: no healthy backend',
      inventory: cloud('gcp-alb-regional', { targets: [vm({ health: down('health-check-failed') })] }),
      expect: [{ messageId: 'noHealthy', resource: 'pool-web', contains: ['failed_to_pick_backend'] }],
    },
  ],
  unknown: [{ name: 'azure-appgw: backend health denied', inventory: cloud('azure-appgw', { targets: undefined, notCollected: [NOT_COLLECTED] }), expect: [{ resource: 'pool-web' }] }],
});

checkTester(unhealthyTargets, {
  valid: [{ name: 'gcp-alb-global: all HEALTHY', inventory: cloud('gcp-alb-global', { targets: [vm({ health: up })] }) }],
  invalid: [
    {
      name: 'azure-appgw: boundary, 1 of 2 Down (50 %)',
      inventory: cloud('azure-appgw', { targets: [vm({ health: down('tls-failure') }), vm({ id: 'vm-2', health: up })] }),
      expect: [{ messageId: 'someUnhealthy', resource: 'pool-web', severity: 'high', contains: ['TLS handshake'] }],
    },
  ],
  unknown: [{ name: 'azure-appgw: not collected', inventory: cloud('azure-appgw', { targets: undefined, notCollected: [NOT_COLLECTED] }), expect: [{ resource: 'pool-web' }] }],
});

checkTester(unusedTargets, {
  valid: [{ name: 'azure-lb: running VMs', inventory: cloud('azure-lb') }],
  invalid: [
    {
      name: 'azure-lb: a deallocated VM',
      inventory: cloud('azure-lb', { targets: [vm({ health: healthWith('unused', 'stopped', 'Deallocated') }), vm({ id: 'vm-2' })] }),
      expect: [{ messageId: 'someUnused', resource: 'pool-web' }],
    },
  ],
  unknown: [{ name: 'azure-appgw: not collected', inventory: cloud('azure-appgw', { targets: undefined }), expect: [{ resource: 'pool-web' }] }],
});

/** A Google VPC firewall for the web VMs, as the Google normalizer records one network's effective rules. */
function firewall(rules: PolicyRule[]): NetworkPolicy {
  return { ref: ref('network-policy', 'gcp-firewall', 'net-web', 'projects/p/global/networks/net-web', 'gcp'), kind: 'gcp-firewall', stateful: true, rules, attachedTo: [] };
}
const allowFrom = (peers: Peer[], port = 8080): PolicyRule[] =>
  peers.map((peer, i) => ({ id: `allow-${i}`, direction: 'ingress', action: 'allow', protocol: 'tcp', ports: { from: port, to: port }, peer, priority: 1000, appliesTo: [{ type: 'network-tag', tag: 'web' }] }));
const gcpNet = (kind: LoadBalancerKind, rules: PolicyRule[], targets: Target[] = [vm({ networkPolicyIds: ['projects/p/global/networks/net-web'] })]) =>
  cloud(kind, { targets }, {}, { networkPolicies: [firewall(rules)] });

const nsg = (rules: PolicyRule[]): NetworkPolicy => ({ ref: ref('network-policy', 'azure-nsg', 'nsg-web', 'nsg-web', 'azure'), kind: 'azure-nsg', stateful: true, rules, attachedTo: [] });
const azNet = (kind: LoadBalancerKind, rules: PolicyRule[]) => cloud(kind, { targets: [vm({ networkTags: undefined, networkPolicyIds: ['nsg-web'] })] }, {}, { networkPolicies: [nsg(rules)] });
const denyProbes: PolicyRule = { id: 'DenyAzureLB', direction: 'ingress', action: 'deny', protocol: 'all', peer: AZURE_PROBE, priority: 100 };

checkTester(healthCheckPortBlocked, {
  valid: [
    { name: 'gcp-alb-global: firewall allows both probe ranges to the web tag', inventory: gcpNet('gcp-alb-global', allowFrom(GCP_PROBES)) },
    { name: 'azure-lb: the default AllowAzureLoadBalancerInBound admits the probes', inventory: azNet('azure-lb', []) },
  ],
  invalid: [
    { name: 'gcp-alb-global: no rule for the probe ranges (implied deny)', inventory: gcpNet('gcp-alb-global', []), expect: [{ messageId: 'allBlocked', resource: 'pool-web', severity: 'critical' }] },
    {
      name: 'gcp-nlb-passthrough: boundary, only one of the two probe ranges allowed',
      inventory: gcpNet('gcp-nlb-passthrough', allowFrom([GCP_PROBES[0] as Peer])),
      expect: [{ messageId: 'allBlocked', resource: 'pool-web', contains: ['130.211.0.0/22'] }],
    },
    { name: 'azure-lb: an NSG rule denies AzureLoadBalancer before the default', inventory: azNet('azure-lb', [denyProbes]), expect: [{ messageId: 'allBlocked', resource: 'pool-web' }] },
  ],
  unknown: [
    {
      name: 'gcp-alb-global: the network firewall was not collected',
      inventory: cloud('gcp-alb-global', { targets: [vm({ networkPolicyIds: ['projects/p/global/networks/net-web'] })] }),
      expect: [{ resource: 'pool-web', contains: ['not in the inventory'] }],
    },
  ],
});

checkTester(trafficPortBlocked, {
  valid: [{ name: 'gcp-alb-regional: the proxy-only subnet is allowed', inventory: gcpNet('gcp-alb-regional', allowFrom([PROXY_ONLY])) }],
  invalid: [
    {
      name: 'gcp-alb-regional: only the probe ranges are allowed, not the proxy-only subnet',
      inventory: gcpNet('gcp-alb-regional', allowFrom(GCP_PROBES)),
      expect: [{ messageId: 'blocked', resource: 'pool-web', contains: ['failed_to_connect_to_backend'] }],
    },
  ],
  unknown: [{ name: 'gcp-alb-regional: firewall not collected', inventory: cloud('gcp-alb-regional', { targets: [vm({ networkPolicyIds: ['missing-net'] })] }), expect: [{ resource: 'pool-web' }] }],
});

const obs = (poolId: string, leaf = {}) => tlsObservation(poolId, { targetKey: 'vm-1:8080', address: '10.1.0.4' }, leaf);
const tlsCloud = (kind: LoadBalancerKind, verifies: boolean | undefined, leaf = {}) => {
  const inv = cloud(kind, { protocol: 'HTTPS', ...(verifies === undefined ? {} : { tls: { verifiesCertificate: verifies } }), targets: [vm()] });
  return { ...inv, observations: [obs(inv.backendPools[0]!.ref.id, leaf)] };
};
checkTester(targetCertificateHygiene, {
  valid: [{ name: 'azure-appgw: trusted, matching certificate', inventory: tlsCloud('azure-appgw', true) }],
  invalid: [
    { name: 'azure-appgw: v2 verifies the backend certificate: expired is critical', inventory: tlsCloud('azure-appgw', true, { notAfter: '2026-10-01T00:00:00.000Z' }), expect: [{ messageId: 'expired', resource: 'pool-web', severity: 'critical' }] },
    {
      name: 'gcp-alb-global: boundary, no backend authenticated TLS accepts any certificate (info)',
      inventory: tlsCloud('gcp-alb-global', false, { notAfter: '2026-10-01T00:00:00.000Z' }),
      expect: [{ messageId: 'expired', resource: 'pool-web', severity: 'info' }],
    },
  ],
  unknown: [{ name: 'gcp-alb-global: no probe observation', inventory: cloud('gcp-alb-global', { protocol: 'HTTPS', tls: { verifiesCertificate: false } }), expect: [{ resource: 'pool-web' }] }],
});

const keepalive = (seconds: number) => ({ keepAliveSeconds: sourced<number | null>(seconds, 'declared', 'label cloud502-keepalive') });
checkTester(backendKeepaliveExceedsIdleTimeout, {
  valid: [{ name: 'gcp-alb-global: 620 s above the fixed 600 s', inventory: cloud('gcp-alb-global', { backend: keepalive(620) }) }],
  invalid: [
    {
      name: 'gcp-alb-global: boundary, 600 s equals the fixed keep-alive',
      inventory: cloud('gcp-alb-global', { backend: keepalive(600) }),
      expect: [{ messageId: 'shorter', resource: 'pool-web', contains: ['backend_connection_closed_before_data_sent_to_client'] }],
    },
    { name: 'gcp-alb-regional: Node default 5 s', inventory: cloud('gcp-alb-regional', { backend: { server: sourced('node', 'declared') } }), expect: [{ messageId: 'shorter', resource: 'pool-web' }] },
  ],
  unknown: [{ name: 'azure-appgw: the gateway documents no backend idle timeout', inventory: cloud('azure-appgw', { backend: keepalive(5) }), expect: [{ resource: 'lb-azure-appgw', contains: ['not documented'] }] }],
  notApplicable: [{ name: 'azure-lb: layer 4', inventory: cloud('azure-lb', { backend: keepalive(5) }), expect: [{ resource: 'lb-azure-lb' }] }],
});

const latency = (inv: Inventory, p99: number) => ({ ...inv, metrics: [series(inv.backendPools[0]!.ref.id, 'target.latency.p99', [p99])] });
checkTester(idleTimeoutBelowLatency, {
  valid: [{ name: 'gcp-alb-global: 30 s timeoutSec, p99 5 s', inventory: latency(cloud('gcp-alb-global', { requestTimeoutSeconds: sourced(30, 'api') }), 5) }],
  invalid: [
    {
      name: 'azure-appgw: boundary, 20 s request timeout below 2 × p99 10.5 s',
      inventory: latency(cloud('azure-appgw', { requestTimeoutSeconds: sourced(20, 'provider-default') }), 10.5),
      expect: [{ messageId: 'belowLatency', resource: 'pool-web', contains: ['request timeout', 'HTTP 504 from the Application Gateway'] }],
    },
    {
      name: 'gcp-alb-regional: p99 reaches the backend service timeout',
      inventory: latency(cloud('gcp-alb-regional', { requestTimeoutSeconds: sourced(30, 'api') }), 29.5),
      expect: [{ messageId: 'belowLatency', resource: 'pool-web', contains: ['backend_timeout'] }],
    },
  ],
  unknown: [{ name: 'azure-appgw: latency not collected', inventory: cloud('azure-appgw', { requestTimeoutSeconds: sourced(20, 'api') }), expect: [{ resource: 'pool-web' }] }],
});

checkTester(deregistrationDelayTooShort, {
  valid: [{ name: 'azure-appgw: 60 s draining, p99 2 s', inventory: latency(cloud('azure-appgw', { drainSeconds: sourced(60, 'api') }), 2) }],
  invalid: [
    {
      name: 'gcp-alb-global: boundary, draining off (0 s) with 2 s requests',
      inventory: latency(cloud('gcp-alb-global', { drainSeconds: sourced(0, 'provider-default') }), 2),
      expect: [{ messageId: 'shorter', resource: 'pool-web', severity: 'low' }],
    },
  ],
  unknown: [{ name: 'gcp-alb-global: neither latency nor a declaration', inventory: cloud('gcp-alb-global', { drainSeconds: sourced(0, 'provider-default') }), expect: [{ resource: 'pool-web' }] }],
  notApplicable: [{ name: 'azure-lb has no connection draining', inventory: cloud('azure-lb', { drainSeconds: sourced(0, 'api') }), expect: [{ resource: 'Azure Load Balancer' }] }],
});

const withCert = (kind: LoadBalancerKind, notAfter: string | undefined) =>
  cloud(kind, {}, { listeners: [listener(`lb-${kind}`, { ref: ref('listener', `${kind}-listener`, `lb-${kind}/443`, undefined, kind.startsWith('gcp') ? 'gcp' : 'azure'), certificates: [{ id: 'cert-web', ...(notAfter ? { notAfter } : {}) }] })] });
checkTester(listenerCertificateExpiry, {
  valid: [{ name: 'azure-appgw: valid for a year', inventory: withCert('azure-appgw', '2027-11-20T12:00:00.000Z') }],
  invalid: [
    { name: 'gcp-alb-global: expired', inventory: withCert('gcp-alb-global', '2026-11-01T00:00:00.000Z'), expect: [{ messageId: 'expired', resource: 'lb-gcp-alb-global/443', severity: 'critical' }] },
    { name: 'azure-appgw: boundary, 29 days left', inventory: withCert('azure-appgw', '2026-12-19T12:00:00.000Z'), expect: [{ messageId: 'expiresSoon', resource: 'lb-azure-appgw/443', severity: 'high' }] },
  ],
  unknown: [{ name: 'azure-appgw: Key Vault certificate not read', inventory: withCert('azure-appgw', undefined), expect: [{ resource: 'lb-azure-appgw/443' }] }],
});

const errors = (kind: LoadBalancerKind, values: number[] | undefined) => {
  const inv = cloud(kind);
  const id = inv.loadBalancers[0]!.ref.id;
  return values ? { ...inv, metrics: [series(id, 'lb.http.502', values), series(id, 'lb.http.503', [0]), series(id, 'lb.http.504', [0])] } : inv;
};
checkTester(observed5xxUnexplained, {
  valid: [{ name: 'azure-appgw: boundary, no 5xx', inventory: errors('azure-appgw', [0, 0]) }],
  invalid: [{ name: 'gcp-alb-global: 502s in the window', inventory: errors('gcp-alb-global', [3, 4]), expect: [{ messageId: 'unexplained', resource: 'lb-gcp-alb-global', contains: ['statusDetails'] }] }],
  unknown: [{ name: 'azure-appgw: metrics not collected', inventory: errors('azure-appgw', undefined), expect: [{ resource: 'lb-azure-appgw' }] }],
  notApplicable: [{ name: 'gcp-nlb-passthrough: layer 4', inventory: errors('gcp-nlb-passthrough', [1]), expect: [{ resource: 'passthrough Network Load Balancer' }] }],
});
