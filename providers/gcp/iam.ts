/**
 * The permissions `cloud502 audit --provider gcp` needs: one entry per API method the collector calls. Compute
 * errors name the missing permission only in their message text, so the collector records the permission from this
 * table. test/providers/gcp/collect/collect.wire.test.ts compares the methods a full collection calls with it.
 *
 * Every permission here is in `roles/compute.viewer` except `monitoring.timeSeries.list` (`roles/monitoring.viewer`).
 * `compute.backendServices.get` / `compute.regionBackendServices.get` are what getHealth needs, beyond the lists.
 */
import type { PermissionDocument } from '../../src/provider.js';

/** API method → IAM permission. Aggregated lists need the resource's `list` permission. */
export const GCP_METHOD_PERMISSIONS = {
  'compute.backendServices.aggregatedList': 'compute.backendServices.list',
  'compute.backendServices.getHealth': 'compute.backendServices.get',
  'compute.regionBackendServices.getHealth': 'compute.regionBackendServices.get',
  'compute.urlMaps.aggregatedList': 'compute.urlMaps.list',
  'compute.targetHttpProxies.aggregatedList': 'compute.targetHttpProxies.list',
  'compute.targetHttpsProxies.aggregatedList': 'compute.targetHttpsProxies.list',
  'compute.targetTcpProxies.aggregatedList': 'compute.targetTcpProxies.list',
  'compute.targetSslProxies.list': 'compute.targetSslProxies.list',
  'compute.forwardingRules.aggregatedList': 'compute.forwardingRules.list',
  'compute.globalForwardingRules.list': 'compute.globalForwardingRules.list',
  'compute.healthChecks.aggregatedList': 'compute.healthChecks.list',
  'compute.instanceGroups.aggregatedList': 'compute.instanceGroups.list',
  'compute.instanceGroups.listInstances': 'compute.instanceGroups.list',
  'compute.regionInstanceGroups.listInstances': 'compute.instanceGroups.list',
  'compute.networkEndpointGroups.aggregatedList': 'compute.networkEndpointGroups.list',
  'compute.networkEndpointGroups.listNetworkEndpoints': 'compute.networkEndpointGroups.get',
  'compute.instances.aggregatedList': 'compute.instances.list',
  'compute.firewalls.list': 'compute.firewalls.list',
  'compute.networks.list': 'compute.networks.list',
  // The regional answer covers hierarchical, global network and regional network firewall policies.
  'compute.regionNetworkFirewallPolicies.getEffectiveFirewalls': 'compute.networks.getRegionEffectiveFirewalls',
  'compute.subnetworks.aggregatedList': 'compute.subnetworks.list',
  'compute.sslCertificates.aggregatedList': 'compute.sslCertificates.list',
  'monitoring.timeSeries.list': 'monitoring.timeSeries.list',
} as const;

/** A method the collector may call (typos in collect code are compile errors). */
export type GcpMethod = keyof typeof GCP_METHOD_PERMISSIONS;

export function permissionOf(method: GcpMethod): string {
  return GCP_METHOD_PERMISSIONS[method];
}

/** Sorted, unique: what the custom role grants. */
export const GCP_PERMISSIONS: readonly string[] = [...new Set(Object.values(GCP_METHOD_PERMISSIONS))].sort();

/** The custom role, as `gcloud iam roles create cloud502Audit --project=PROJECT --file=role.yaml` reads it. */
export function gcpCustomRoleYaml(): string {
  return [
    'title: cloud502 audit (read-only)',
    'description: Reads load balancers, backends, health, firewalls and load-balancing metrics for cloud502.',
    'stage: GA',
    'includedPermissions:',
    ...GCP_PERMISSIONS.map((p) => `- ${p}`),
    '',
  ].join('\n');
}

export function gcpPermissionDocument(): PermissionDocument {
  return {
    title:
      'Google Cloud custom role (YAML for gcloud iam roles create --file). Predefined alternative: roles/compute.viewer plus roles/monitoring.viewer',
    text: gcpCustomRoleYaml(),
    permissions: [...GCP_PERMISSIONS],
  };
}
