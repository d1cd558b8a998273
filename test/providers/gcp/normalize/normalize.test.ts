/**
 * The Google Cloud normalizer, table by table: raw Compute fixture → inventory fields the checks read.
 */
import { describe, expect, it } from 'vitest';
import { normalizeGcp } from '../../../../providers/gcp/normalize/index.js';
import type { BackendPool, Inventory, LoadBalancer, NetworkPolicy } from '../../../../src/model/index.js';
import type { FixtureOptions } from './raw-builder.js';
import { P, raw } from './raw-builder.js';

const inventory = (o: FixtureOptions = {}): Inventory => normalizeGcp(raw(o), {});
const lbOf = (inv: Inventory): LoadBalancer => {
  const lb = inv.loadBalancers[0];
  if (!lb) throw new Error('no load balancer');
  return lb;
};
const poolOf = (inv: Inventory): BackendPool => {
  const pool = inv.backendPools[0];
  if (!pool) throw new Error('no pool');
  return pool;
};

describe('load-balancer kinds from forwarding rule, target and scheme', () => {
  const rows: Array<[FixtureOptions['lb'], string, 4 | 7, string]> = [
    ['global-external-managed', 'gcp-alb-global', 7, 'internet-facing'],
    ['classic', 'gcp-alb-classic', 7, 'internet-facing'],
    ['regional', 'gcp-alb-regional', 7, 'internet-facing'],
    ['internal', 'gcp-alb-internal', 7, 'internal'],
    ['proxy-tcp', 'gcp-proxy-nlb', 4, 'internet-facing'],
    ['passthrough-external', 'gcp-nlb-passthrough', 4, 'internet-facing'],
    ['passthrough-internal', 'gcp-nlb-passthrough', 4, 'internal'],
  ];
  it.each(rows)('%s → %s', (lb, kind, layer, scheme) => {
    const got = lbOf(inventory({ lb }));
    expect(got).toMatchObject({ kind, layer, scheme });
    expect(got.ref).toMatchObject({ provider: 'gcp', account: P });
    expect(poolOf(inventory({ lb })).loadBalancerIds).toEqual([got.ref.id]);
  });

  it('ALBs keep idle backend connections a fixed 600 s; layer-4 kinds have no such value', () => {
    expect(lbOf(inventory()).backendIdleTimeoutSeconds).toEqual({ value: 600, source: 'fixed', detail: expect.any(String) });
    expect(lbOf(inventory({ lb: 'proxy-tcp' })).backendIdleTimeoutSeconds).toBeUndefined();
  });

  it('HTTPS listeners carry the proxy certificates with expiry', () => {
    expect(lbOf(inventory()).listeners[0]).toMatchObject({
      protocol: 'HTTPS',
      port: 443,
      certificates: [{ id: `projects/${P}/global/sslCertificates/web-cert`, notAfter: '2027-01-01T00:00:00.000Z', sans: ['www.example.com'] }],
    });
  });

  it('client keep-alive: the documented default when the proxy omits it', () => {
    expect(lbOf(inventory()).clientKeepAliveSeconds).toMatchObject({ value: 610, source: 'provider-default' });
    expect(lbOf(inventory({ lb: 'internal' })).clientKeepAliveSeconds).toMatchObject({ value: 600, source: 'provider-default' });
    expect(lbOf(inventory({ lb: 'classic' })).clientKeepAliveSeconds).toBeUndefined();
  });
});

describe('health-check and traffic sources', () => {
  it('GFE-based ALBs: probes and traffic from 35.191.0.0/16 and 130.211.0.0/22', () => {
    const lb = lbOf(inventory());
    expect(lb.healthCheckSources).toEqual([{ type: 'cidr', cidr: '35.191.0.0/16' }, { type: 'cidr', cidr: '130.211.0.0/22' }]);
    expect(lb.trafficSources).toEqual(lb.healthCheckSources);
  });
  it('Envoy-based ALBs: traffic from the proxy-only subnet of the region and network', () => {
    expect(lbOf(inventory({ lb: 'internal', proxyOnlyCidr: '10.129.0.0/23' })).trafficSources).toEqual([{ type: 'cidr', cidr: '10.129.0.0/23' }]);
    expect(lbOf(inventory({ lb: 'regional', proxyOnlyCidr: '10.129.0.0/23' })).trafficSources).toEqual([{ type: 'cidr', cidr: '10.129.0.0/23' }]);
  });
  it('Envoy-based ALB without a known proxy-only subnet: no traffic source (the traffic check answers unknown)', () => {
    expect(lbOf(inventory({ lb: 'internal' })).trafficSources).toEqual([]);
  });
  it('external passthrough NLBs are probed from their own ranges; clients are not known', () => {
    const lb = lbOf(inventory({ lb: 'passthrough-external' }));
    expect(lb.healthCheckSources.map((p) => (p.type === 'cidr' ? p.cidr : p.type))).toEqual(['35.191.0.0/16', '209.85.152.0/22', '209.85.204.0/22']);
    expect(lb.trafficSources).toEqual([]);
  });
});

describe('backend services → pools', () => {
  it('serving port from the named port; USE_SERVING_PORT health check follows it', () => {
    const pool = poolOf(inventory());
    expect(pool).toMatchObject({ protocol: 'HTTP', port: 8080, protocolVersion: 'HTTP1' });
    expect(pool.healthCheck).toMatchObject({ enabled: true, protocol: 'HTTP', port: 8080, usesTrafficPort: true, path: '/healthz', successCodes: [{ from: 200, to: 200 }] });
  });

  const ports: Array<[string, FixtureOptions, number | undefined]> = [
    ['fixed port', { healthCheck: { httpHealthCheck: { port: 80, portSpecification: 'USE_FIXED_PORT' } } }, 80],
    ['named port', { healthCheck: { httpHealthCheck: { portName: 'admin', portSpecification: 'USE_NAMED_PORT' } }, namedPorts: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9090 }] }, 9090],
    ['no port: the type default', { healthCheck: { httpHealthCheck: {} } }, 80],
    ['HTTPS default', { healthCheck: { type: 'HTTPS', httpHealthCheck: undefined, httpsHealthCheck: {} } }, 443],
  ];
  it.each(ports)('health-check port: %s', (_name, o, port) => {
    expect(poolOf(inventory(o)).healthCheck?.port).toBe(port);
  });

  it('health-check numbers: from the API, or the documented default when omitted', () => {
    const hc = poolOf(inventory({ healthCheck: { checkIntervalSec: 2, timeoutSec: undefined } })).healthCheck;
    expect(hc?.intervalSeconds).toEqual({ value: 2, source: 'api', detail: 'health check checkIntervalSec' });
    expect(hc?.timeoutSeconds).toMatchObject({ value: 5, source: 'provider-default' });
  });

  it('a backend service without a health check has it disabled; one whose listing failed has it not collected', () => {
    expect(poolOf(inventory({ service: { healthChecks: [] } })).healthCheck).toEqual({ enabled: false });
    const failed = poolOf(
      inventory({
        healthCheck: null,
        errors: [{ api: 'compute.healthChecks.aggregatedList', permission: 'compute.healthChecks.list', project: P, code: 'PERMISSION_DENIED', message: 'denied' }],
      }),
    );
    expect(failed.healthCheck).toBeUndefined();
    expect(failed.notCollected).toEqual([{ input: 'health-check', api: 'compute.healthChecks.aggregatedList', permission: 'compute.healthChecks.list', code: 'PERMISSION_DENIED' }]);
  });

  it('timeout, draining and TLS: API values, documented defaults', () => {
    expect(poolOf(inventory()).requestTimeoutSeconds).toMatchObject({ value: 30, source: 'api' });
    expect(poolOf(inventory({ service: { timeoutSec: undefined } })).requestTimeoutSeconds).toMatchObject({ value: 30, source: 'provider-default' });
    expect(poolOf(inventory()).drainSeconds).toMatchObject({ value: 0, source: 'provider-default' });
    expect(poolOf(inventory({ service: { connectionDraining: { drainingTimeoutSec: 120 } } })).drainSeconds).toMatchObject({ value: 120, source: 'api' });
    expect(poolOf(inventory({ service: { protocol: 'HTTPS' } })).tls).toEqual({ verifiesCertificate: false });
    expect(poolOf(inventory({ service: { protocol: 'HTTP2', tlsSettings: { sni: 'api.internal', authenticationConfig: 'projects/p/locations/global/backendAuthenticationConfigs/c' } } }))).toMatchObject({
      protocol: 'HTTPS',
      protocolVersion: 'HTTP2',
      tls: { verifiesCertificate: true, sni: 'api.internal' },
    });
    expect(poolOf(inventory({ lb: 'proxy-tcp' })).requestTimeoutSeconds).toBeUndefined();
  });

  it('passthrough: all-unhealthy behaviour from failoverPolicy, else the documented spread', () => {
    expect(poolOf(inventory({ lb: 'passthrough-external' })).whenAllUnhealthy).toMatchObject({ value: 'fail-open', source: 'provider-default' });
    expect(poolOf(inventory({ lb: 'passthrough-external', service: { failoverPolicy: { dropTrafficIfUnhealthy: true } } })).whenAllUnhealthy).toMatchObject({ value: 'drop', source: 'api' });
    expect(poolOf(inventory()).whenAllUnhealthy).toBeUndefined();
  });
});

describe('targets and health', () => {
  const states: Array<[string | undefined, string, string | undefined]> = [
    ['HEALTHY', 'healthy', undefined],
    ['UNHEALTHY', 'unhealthy', 'health-check-failed'],
    ['TIMEOUT', 'unhealthy', 'health-check-timeout'],
    ['DRAINING', 'draining', 'draining'],
    ['UNKNOWN', 'unknown', 'health-unknown'],
  ];
  it.each(states)('getHealth %s → %s (%s)', (state, expected, cause) => {
    const t = poolOf(inventory({ health: [state] })).targets?.[0];
    expect(t?.health).toEqual({ state: expected, ...(cause ? { cause } : {}), reason: state });
  });

  it('a stopped VM is unhealthy because it is stopped', () => {
    const t = poolOf(inventory({ vms: [{ status: 'TERMINATED' }], health: ['UNHEALTHY'] })).targets?.[0];
    expect(t?.health).toMatchObject({ state: 'unhealthy', cause: 'stopped', description: 'VM is TERMINATED' });
  });

  it('targets carry address, zone, subnet, tags, service accounts and the firewall policies of their network', () => {
    const t = poolOf(inventory()).targets?.[0];
    expect(t).toMatchObject({
      key: 'vm-1:8080',
      id: `projects/${P}/zones/us-central1-a/instances/vm-1`,
      type: 'vm',
      address: '10.0.1.10',
      port: 8080,
      zone: 'us-central1-a',
      subnetId: `projects/${P}/regions/us-central1/subnetworks/app`,
      networkTags: ['app'],
      serviceAccounts: [`app@${P}.iam.gserviceaccount.com`],
      networkPolicyIds: [`projects/${P}/global/networks/vpc/firewalls`],
    });
  });

  it('health not collected: targets undefined and the permission named', () => {
    const pool = poolOf(
      inventory({
        health: null,
        errors: [
          { api: 'compute.backendServices.getHealth', permission: 'compute.backendServices.get', project: P, code: 'PERMISSION_DENIED', message: 'denied', resourceId: `projects/${P}/global/backendServices/app-bs` },
        ],
      }),
    );
    expect(pool.targets).toBeUndefined();
    expect(pool.notCollected).toContainEqual({ input: 'target-health', api: 'compute.backendServices.getHealth', permission: 'compute.backendServices.get', code: 'PERMISSION_DENIED' });
  });

  it('an empty backend service has no targets (not "not collected")', () => {
    expect(poolOf(inventory({ service: { backends: [] } })).targets).toEqual([]);
  });

  it('VM labels declare the backend; an invalid label is a coverage gap and is ignored', () => {
    const declared = poolOf(inventory({ vms: [{ labels: { 'cloud502-server': 'gunicorn', 'cloud502-keepalive': '75' } }] })).targets?.[0]?.backend;
    expect(declared).toEqual({
      server: { value: 'gunicorn', source: 'declared', detail: 'label cloud502-server=gunicorn on VM vm-1' },
      keepAliveSeconds: { value: 75, source: 'declared', detail: 'label cloud502-keepalive=75 on VM vm-1' },
    });
    const inv = inventory({ vms: [{ labels: { 'cloud502-keepalive': 'forever' } }] });
    expect(poolOf(inv).targets?.[0]?.backend).toBeUndefined();
    expect(inv.coverage).toContainEqual(expect.objectContaining({ code: 'InvalidLabelValue', api: 'cloud502:backend-declaration' }));
  });

  it('config backends: match the backend service by name', () => {
    const inv = normalizeGcp(raw(), { backends: [{ match: { pool: 'app-*' }, server: 'uvicorn' }] });
    expect(poolOf(inv).backend?.server).toMatchObject({ value: 'uvicorn', source: 'declared' });
  });
});

describe('effective firewalls', () => {
  const vpc = (inv: Inventory): NetworkPolicy | undefined => inv.networkPolicies.find((p) => p.ref.type === 'gcp-vpc-firewall-rules');

  it('VPC rules: one rule per protocol × port range × source, with target tags and service accounts', () => {
    const policy = vpc(
      inventory({
        firewalls: [
          { sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'], allowed: [{ IPProtocol: 'tcp', ports: ['8080', '9000-9100'] }], targetTags: ['app'], priority: 900 },
          { sourceTags: ['bastion'], targetServiceAccounts: ['sa@x'], allowed: [{ IPProtocol: 'all' }] },
          { sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }], disabled: true },
          { direction: 'EGRESS', destinationRanges: ['10.0.0.0/8'], denied: [{ IPProtocol: 'udp' }] },
        ],
      }),
    );
    expect(policy).toMatchObject({ kind: 'gcp-firewall', stateful: true });
    expect(policy?.rules.map((r) => `${r.direction} ${r.action} ${r.protocol} ${r.ports ? `${r.ports.from}-${r.ports.to}` : 'all'} ${JSON.stringify(r.peer)} ${r.priority} ${JSON.stringify(r.appliesTo ?? [])}`)).toEqual([
      'ingress allow tcp 8080-8080 {"type":"cidr","cidr":"35.191.0.0/16"} 900 [{"type":"network-tag","tag":"app"}]',
      'ingress allow tcp 8080-8080 {"type":"cidr","cidr":"130.211.0.0/22"} 900 [{"type":"network-tag","tag":"app"}]',
      'ingress allow tcp 9000-9100 {"type":"cidr","cidr":"35.191.0.0/16"} 900 [{"type":"network-tag","tag":"app"}]',
      'ingress allow tcp 9000-9100 {"type":"cidr","cidr":"130.211.0.0/22"} 900 [{"type":"network-tag","tag":"app"}]',
      'ingress allow all all {"type":"network-tag","tag":"bastion"} 1000 [{"type":"service-account","account":"sa@x"}]',
      'egress deny udp all {"type":"cidr","cidr":"10.0.0.0/8"} 1000 []',
    ]);
  });

  const hierarchy = {
    firewallPolicys: [
      {
        name: '123',
        type: 'HIERARCHY',
        rules: [
          { priority: 10, action: 'deny', direction: 'INGRESS', match: { srcIpRanges: ['35.191.0.0/16'], layer4Configs: [{ ipProtocol: 'tcp', ports: ['8080'] }] } },
          { priority: 2_147_483_647, action: 'goto_next', direction: 'INGRESS', match: { srcIpRanges: ['0.0.0.0/0'] } },
        ],
      },
      { name: 'net-policy', type: 'NETWORK', rules: [{ priority: 100, action: 'allow', direction: 'INGRESS', match: { srcIpRanges: ['10.0.0.0/8'], layer4Configs: [{ ipProtocol: 'tcp' }] } }] },
      { name: 'regional', type: 'NETWORK_REGIONAL', rules: [{ priority: 1, action: 'deny', direction: 'INGRESS', match: { srcIpRanges: ['10.9.0.0/16'], layer4Configs: [{ ipProtocol: 'tcp' }] } }] },
    ],
  };

  it('levels in order: hierarchy, VPC rules, network policy, regional policy (default); BEFORE_CLASSIC_FIREWALL puts the VPC rules last', () => {
    const inv = inventory({ effective: hierarchy, firewalls: [{ sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['8080'] }] }] });
    const prio = (id: string): number => inv.networkPolicies.find((p) => p.ref.id === id)?.rules[0]?.priority ?? Number.NaN;
    const h = 'locations/global/firewallPolicies/123';
    const v = `projects/${P}/global/networks/vpc/firewalls`;
    const n = `projects/${P}/global/firewallPolicies/net-policy`;
    expect(prio(h)).toBeLessThan(prio(v));
    expect(prio(v)).toBeLessThan(prio(n));
    const r = `projects/${P}/regions/us-central1/firewallPolicies/regional`;
    expect(prio(n)).toBeLessThan(prio(r));
    expect(poolOf(inv).targets?.[0]?.networkPolicyIds).toEqual([h, v, n, r]);
    const swapped = inventory({ effective: hierarchy, enforcementOrder: 'BEFORE_CLASSIC_FIREWALL', firewalls: [{ sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp' }] }] });
    const prio2 = (id: string): number => swapped.networkPolicies.find((p) => p.ref.id === id)?.rules[0]?.priority ?? Number.NaN;
    expect(prio2(n)).toBeLessThan(prio2(v));
    expect(prio2(`projects/${P}/regions/us-central1/firewallPolicies/regional`)).toBeLessThan(prio2(v));
  });

  it('a trailing goto_next is dropped; one before other rules makes the network undecidable (marker + gap)', () => {
    const inv = inventory({ effective: hierarchy });
    expect(inv.networkPolicies.find((p) => p.ref.id.endsWith('/123'))?.rules).toHaveLength(1);
    const tricky = inventory({
      effective: {
        firewallPolicys: [
          {
            name: '9',
            type: 'HIERARCHY',
            rules: [
              { priority: 10, action: 'goto_next', direction: 'INGRESS', match: { srcIpRanges: ['35.191.0.0/16'] } },
              { priority: 20, action: 'deny', direction: 'INGRESS', match: { srcIpRanges: ['0.0.0.0/0'] } },
            ],
          },
        ],
      },
    });
    expect(poolOf(tricky).targets?.[0]?.networkPolicyIds).toContain('locations/global/firewallPolicies/9#goto_next');
    expect(tricky.coverage).toContainEqual(expect.objectContaining({ code: 'GotoNextNotEvaluated' }));
  });

  it('layers not collected leave unresolvable ids, so flows are judged unknown, never allowed', () => {
    const noEffective = poolOf(inventory({ effective: null })).targets?.[0]?.networkPolicyIds;
    expect(noEffective).toContain(`projects/${P}/global/networks/vpc#firewall-policies-not-collected`);
    const noVpc = inventory({ errors: [{ api: 'compute.firewalls.list', permission: 'compute.firewalls.list', project: P, code: 'PERMISSION_DENIED', message: 'denied' }] });
    expect(vpc(noVpc)).toBeUndefined();
    expect(poolOf(noVpc).targets?.[0]?.networkPolicyIds).toContain(`projects/${P}/global/networks/vpc/firewalls`);
  });
});

describe('coverage', () => {
  it('access denials name the permission; other errors do not', () => {
    const inv = inventory({
      errors: [
        { api: 'compute.urlMaps.aggregatedList', permission: 'compute.urlMaps.list', project: P, code: 'PERMISSION_DENIED', message: "Required 'compute.urlMaps.list' permission" },
        { api: 'monitoring.timeSeries.list', permission: 'monitoring.timeSeries.list', project: P, code: 'rateLimitExceeded', message: 'Rate Limit Exceeded' },
      ],
    });
    expect(inv.coverage).toEqual([
      expect.objectContaining({ provider: 'gcp', account: P, api: 'compute.urlMaps.aggregatedList', permission: 'compute.urlMaps.list', impact: expect.stringContaining('not audited') }),
      expect.not.objectContaining({ permission: expect.anything() }),
    ]);
  });
});
