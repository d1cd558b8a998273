/**
 * Small Compute REST-shaped fixtures for normalizer tables: one project with one load balancer (kind chosen by the
 * forwarding rule), one backend service, one instance group of VMs, one health check, and the firewall rules given.
 * Each option replaces one piece.
 */
import type {
  GcpProjectSnapshot,
  GcpRawSnapshot,
  RawBackendService,
  RawEffectiveFirewalls,
  RawFirewall,
  RawForwardingRule,
  RawHealthCheck,
  RawHealthStatus,
  RawInstance,
} from '../../../../providers/gcp/raw.js';
import { emptyGcpProject } from '../../../../providers/gcp/raw.js';

export const P = 'proj-test-1';
export const API = 'https://www.googleapis.com/compute/v1';
export const l = (path: string): string => `${API}/projects/${P}/${path}`;
export const NETWORK = l('global/networks/vpc');
export const SUBNET = l('regions/us-central1/subnetworks/app');
export const ZONE = 'us-central1-a';
export const GROUP = l(`zones/${ZONE}/instanceGroups/app-ig`);

export interface FixtureOptions {
  /** `global-external-managed` (default), `classic`, `regional`, `internal`, `proxy-tcp`, `passthrough-external`, `passthrough-internal`. */
  lb?: 'global-external-managed' | 'classic' | 'regional' | 'internal' | 'proxy-tcp' | 'passthrough-external' | 'passthrough-internal';
  service?: Partial<RawBackendService>;
  healthCheck?: Partial<RawHealthCheck> | null;
  /** getHealth answer per VM (HEALTHY by default); `null` = not collected. */
  health?: Array<string | undefined> | null;
  vms?: Array<Partial<RawInstance>>;
  firewalls?: Array<Partial<RawFirewall>>;
  effective?: RawEffectiveFirewalls | null;
  enforcementOrder?: string;
  errors?: GcpProjectSnapshot['errors'];
  namedPorts?: Array<{ name: string; port: number }>;
  proxyOnlyCidr?: string;
}

function forwardingRule(lb: NonNullable<FixtureOptions['lb']>, service: string): { rule: RawForwardingRule; regional: boolean } {
  const regional = lb !== 'global-external-managed' && lb !== 'classic' && lb !== 'proxy-tcp';
  const where = regional ? 'regions/us-central1' : 'global';
  const scheme =
    lb === 'classic' ? 'EXTERNAL' : lb === 'internal' ? 'INTERNAL_MANAGED' : lb === 'passthrough-external' ? 'EXTERNAL' : lb === 'passthrough-internal' ? 'INTERNAL' : 'EXTERNAL_MANAGED';
  const base = { name: 'fr', selfLink: l(`${where}/forwardingRules/fr`), IPAddress: '10.0.0.100', IPProtocol: 'TCP', loadBalancingScheme: scheme };
  if (lb.startsWith('passthrough')) return { rule: { ...base, ports: ['443'], backendService: service, network: NETWORK }, regional };
  if (lb === 'proxy-tcp') return { rule: { ...base, portRange: '443-443', target: l('global/targetTcpProxies/tcp-proxy') }, regional };
  return { rule: { ...base, portRange: '443-443', target: l(`${where}/targetHttpsProxies/web-proxy`), ...(regional ? { network: NETWORK } : {}) }, regional };
}

export function project(o: FixtureOptions = {}): GcpProjectSnapshot {
  const lb = o.lb ?? 'global-external-managed';
  const regionalService = lb === 'regional' || lb === 'internal' || lb.startsWith('passthrough');
  const serviceLink = regionalService ? l('regions/us-central1/backendServices/app-bs') : l('global/backendServices/app-bs');
  const { rule, regional } = forwardingRule(lb, serviceLink);
  const where = regional ? 'regions/us-central1' : 'global';
  const snap = emptyGcpProject(P, o.errors ?? []);
  const c = snap.compute;
  const hcLink = l(`${regionalService ? 'regions/us-central1' : 'global'}/healthChecks/app-hc`);
  if (o.healthCheck !== null) {
    c.healthChecks.push({
      name: 'app-hc',
      selfLink: hcLink,
      type: 'HTTP',
      checkIntervalSec: 5,
      timeoutSec: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      httpHealthCheck: { portSpecification: 'USE_SERVING_PORT', requestPath: '/healthz' },
      ...(o.healthCheck ?? {}),
    });
  }
  c.backendServices.push({
    name: 'app-bs',
    selfLink: serviceLink,
    protocol: lb.startsWith('passthrough') || lb === 'proxy-tcp' ? 'TCP' : 'HTTP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: rule.loadBalancingScheme ?? 'EXTERNAL_MANAGED',
    healthChecks: [hcLink],
    backends: [{ group: GROUP }],
    ...(o.service ?? {}),
  });
  if (lb === 'proxy-tcp') c.targetTcpProxies.push({ name: 'tcp-proxy', selfLink: l('global/targetTcpProxies/tcp-proxy'), service: serviceLink });
  else if (!lb.startsWith('passthrough')) {
    c.urlMaps.push({ name: 'web', selfLink: l(`${where}/urlMaps/web`), defaultService: serviceLink });
    c.targetHttpsProxies.push({ name: 'web-proxy', selfLink: l(`${where}/targetHttpsProxies/web-proxy`), urlMap: l(`${where}/urlMaps/web`), sslCertificates: [l('global/sslCertificates/web-cert')] });
    c.sslCertificates.push({ name: 'web-cert', selfLink: l('global/sslCertificates/web-cert'), expireTime: '2027-01-01T00:00:00.000Z', subjectAlternativeNames: ['www.example.com'] });
  }
  c.forwardingRules.push(rule);
  const vms = o.vms ?? [{}, {}];
  vms.forEach((vm, i) => {
    c.instances.push({
      name: `vm-${i + 1}`,
      selfLink: l(`zones/${ZONE}/instances/vm-${i + 1}`),
      zone: l(`zones/${ZONE}`),
      status: 'RUNNING',
      tags: { items: ['app'] },
      serviceAccounts: [{ email: `app@${P}.iam.gserviceaccount.com` }],
      networkInterfaces: [{ network: NETWORK, subnetwork: SUBNET, networkIP: `10.0.1.${i + 10}` }],
      ...vm,
    });
  });
  c.instanceGroups.push({ name: 'app-ig', selfLink: GROUP, zone: l(`zones/${ZONE}`), network: NETWORK, namedPorts: o.namedPorts ?? [{ name: 'http', port: 8080 }] });
  c.groupInstances[GROUP.replace(`${API}/`, '')] = c.instances.map((vm) => ({ instance: vm.selfLink ?? '', status: vm.status ?? 'RUNNING' }));
  if (o.health !== null) {
    const statuses: RawHealthStatus[] = c.instances.map((vm, i) => ({
      instance: vm.selfLink ?? '',
      ipAddress: vm.networkInterfaces?.[0]?.networkIP ?? '',
      port: 8080,
      ...((o.health ?? [])[i] !== undefined || !o.health ? { healthState: (o.health ?? [])[i] ?? 'HEALTHY' } : {}),
    }));
    c.backendHealth.push({ backendService: serviceLink.replace(`${API}/`, ''), group: GROUP.replace(`${API}/`, ''), healthStatus: statuses });
  }
  c.firewalls.push(
    ...(o.firewalls ?? []).map((f, i) => ({ name: `fw-${i}`, selfLink: l(`global/firewalls/fw-${i}`), network: NETWORK, direction: 'INGRESS', priority: 1000, ...f })),
  );
  c.networks.push({ name: 'vpc', selfLink: NETWORK, ...(o.enforcementOrder ? { networkFirewallPolicyEnforcementOrder: o.enforcementOrder } : {}) });
  if (o.effective !== null) c.effectiveFirewalls[`${NETWORK.replace(`${API}/`, '')}@us-central1`] = o.effective ?? { firewallPolicys: [] };
  c.subnetworks.push({ name: 'app', selfLink: SUBNET, region: l('regions/us-central1'), network: NETWORK, ipCidrRange: '10.0.1.0/24', purpose: 'PRIVATE' });
  if (o.proxyOnlyCidr) {
    c.subnetworks.push({ name: 'proxy', selfLink: l('regions/us-central1/subnetworks/proxy'), network: NETWORK, ipCidrRange: o.proxyOnlyCidr, purpose: 'REGIONAL_MANAGED_PROXY', role: 'ACTIVE' });
  }
  return snap;
}

export function raw(o: FixtureOptions = {}, extra: Partial<GcpRawSnapshot> = {}): GcpRawSnapshot {
  return {
    format: 'cloud502-raw-snapshot',
    schemaVersion: 1,
    provider: 'gcp',
    tool: { name: 'cloud502', version: 'test' },
    collectedAt: '2026-06-01T12:00:00.000Z',
    options: { projects: [P], regions: [], metricsWindowSeconds: 0 },
    projects: [project(o)],
    ...extra,
  };
}
