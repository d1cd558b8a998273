/**
 * Collection errors → CoverageGap, each naming the permission to grant (for access denials) and what is now
 * unknown. A failed load-balancer listing says the project was not audited, which is not "nothing there".
 */
import type { CoverageGap, InputKind } from '../../../src/model/index.js';
import type { GcpCollectionError } from '../raw.js';

const LB_LISTINGS = new Set([
  'compute.forwardingRules.aggregatedList',
  'compute.globalForwardingRules.list',
  'compute.urlMaps.aggregatedList',
  'compute.backendServices.aggregatedList',
  'compute.targetHttpProxies.aggregatedList',
  'compute.targetHttpsProxies.aggregatedList',
  'compute.targetTcpProxies.aggregatedList',
  'compute.targetSslProxies.list',
]);

const IMPACT: Record<string, string> = {
  'compute.backendServices.getHealth': 'backend health',
  'compute.regionBackendServices.getHealth': 'backend health',
  'compute.healthChecks.aggregatedList': 'health-check settings',
  'compute.instanceGroups.aggregatedList': 'instance groups and their named ports',
  'compute.instanceGroups.listInstances': 'members of the instance group',
  'compute.regionInstanceGroups.listInstances': 'members of the instance group',
  'compute.networkEndpointGroups.aggregatedList': 'network endpoint groups',
  'compute.networkEndpointGroups.listNetworkEndpoints': 'endpoints of the network endpoint group',
  'compute.instances.aggregatedList': 'VM addresses, network tags, service accounts and labels',
  'compute.firewalls.list': 'VPC firewall rules (reachability)',
  'compute.networks.list': 'networks and their firewall-policy order',
  'compute.regionNetworkFirewallPolicies.getEffectiveFirewalls': 'hierarchical and network firewall policies (reachability)',
  'compute.subnetworks.aggregatedList': 'subnets, including proxy-only subnets',
  'compute.sslCertificates.aggregatedList': 'certificate expiry',
  'monitoring.timeSeries.list': 'Cloud Monitoring 5xx counts and backend latency',
};

/** The model inputs each method provides, so checks can name a gap in neutral terms. */
const INPUTS: Record<string, InputKind[]> = {
  'compute.forwardingRules.aggregatedList': ['listeners'],
  'compute.globalForwardingRules.list': ['listeners'],
  'compute.targetHttpProxies.aggregatedList': ['listeners', 'certificates'],
  'compute.targetHttpsProxies.aggregatedList': ['listeners', 'certificates'],
  'compute.targetTcpProxies.aggregatedList': ['listeners', 'pools'],
  'compute.targetSslProxies.list': ['listeners', 'pools', 'certificates'],
  'compute.urlMaps.aggregatedList': ['routes', 'pools'],
  'compute.backendServices.aggregatedList': ['pools', 'attributes'],
  'compute.backendServices.getHealth': ['target-health'],
  'compute.regionBackendServices.getHealth': ['target-health'],
  'compute.healthChecks.aggregatedList': ['health-check'],
  'compute.instanceGroups.aggregatedList': ['targets'],
  'compute.instanceGroups.listInstances': ['targets'],
  'compute.regionInstanceGroups.listInstances': ['targets'],
  'compute.networkEndpointGroups.aggregatedList': ['targets'],
  'compute.networkEndpointGroups.listNetworkEndpoints': ['targets'],
  'compute.instances.aggregatedList': ['targets', 'network-policies', 'tags'],
  'compute.firewalls.list': ['network-policies'],
  'compute.networks.list': ['network-policies'],
  'compute.regionNetworkFirewallPolicies.getEffectiveFirewalls': ['network-policies'],
  'compute.subnetworks.aggregatedList': ['network-policies'],
  'compute.sslCertificates.aggregatedList': ['certificates'],
  'monitoring.timeSeries.list': ['metrics'],
};

export function inputsOf(api: string): InputKind[] {
  return INPUTS[api] ?? [];
}

export function impactOf(e: GcpCollectionError): string {
  const where = e.location && e.location !== 'global' ? ` in ${e.location}` : '';
  if (LB_LISTINGS.has(e.api)) return `load balancers of project ${e.project}${where} not audited (unknown, not "none")`;
  const what = IMPACT[e.api] ?? `data from ${e.api}`;
  return `${what}${e.resourceId ? ` of ${e.resourceId}` : ` in project ${e.project}${where}`} unknown`;
}

export function mapCoverage(errors: GcpCollectionError[]): CoverageGap[] {
  return errors.map((e) => ({
    provider: 'gcp',
    account: e.project,
    region: e.location ?? 'global',
    api: e.api,
    ...(e.code === 'PERMISSION_DENIED' ? { permission: e.permission } : {}),
    code: e.code,
    message: e.message,
    ...(e.resourceId ? { resourceId: e.resourceId } : {}),
    impact: impactOf(e),
    ...(inputsOf(e.api).length ? { inputs: inputsOf(e.api) } : {}),
  }));
}
