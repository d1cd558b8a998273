/**
 * Collection errors → CoverageGap: the RBAC action to grant for an access denial (with the built-in role that holds
 * it), and what is now unknown.
 */
import type { CoverageGap, InputKind } from '../../../src/model/index.js';
import { AZURE_API, apiOfOperation, builtInRoleFor } from '../apis.js';
import type { AzureCollectionError, AzureRawSnapshot } from '../raw.js';
import { nameOfId } from '../ids.js';

const IMPACT: Readonly<Record<string, (subject: string | undefined) => string>> = {
  [AZURE_API.listSubscriptions.operation]: () => 'the subscriptions to audit could not be listed',
  [AZURE_API.listApplicationGateways.operation]: () => 'application gateways not audited',
  [AZURE_API.listApplicationGatewaysInGroup.operation]: () => 'application gateways of the resource group not audited',
  [AZURE_API.listLoadBalancers.operation]: () => 'load balancers not audited',
  [AZURE_API.listLoadBalancersInGroup.operation]: () => 'load balancers of the resource group not audited',
  [AZURE_API.listNetworkSecurityGroups.operation]: () => 'NSG rules unknown: network checks answer unknown',
  [AZURE_API.listNetworkInterfaces.operation]: () => 'backend addresses, NSGs and VMs of NIC-based backends unknown',
  [AZURE_API.listScaleSetNetworkInterfaces.operation]: (s) => `NICs of scale set ${s ?? '?'} unknown`,
  [AZURE_API.listVirtualNetworks.operation]: () => 'subnets (prefixes, NSGs, route tables) unknown',
  [AZURE_API.listRouteTables.operation]: () => 'user-defined routes unknown',
  [AZURE_API.listPublicIpAddresses.operation]: () => 'frontend DNS names unknown',
  [AZURE_API.backendHealth.operation]: (s) => `backend health of ${s ?? 'the application gateway'} unknown`,
  [AZURE_API.ruleHealth.operation]: (s) => `backend health of rule ${s ?? '?'} unknown`,
  [AZURE_API.listVirtualMachines.operation]: () => 'VM tags (declared backends) unknown',
  [AZURE_API.listVirtualMachineStatuses.operation]: () => 'VM power states unknown',
  [AZURE_API.listScaleSets.operation]: () => 'scale-set tags (declared backends) unknown',
  [AZURE_API.listScaleSetVms.operation]: (s) => `instance power states of scale set ${s ?? '?'} unknown`,
  [AZURE_API.listMetrics.operation]: (s) => `Azure Monitor metrics of ${s ?? 'the resource'} unknown`,
  // The per-resource calls stand in for a refused batch: the metrics are there, in more calls.
  [AZURE_API.metricsBatch.operation]: () => 'Azure Monitor metrics read one resource per call instead of in batches (more calls, more throttling)',
};

/** The model inputs each call provides, so checks can name a gap in neutral terms. */
const INPUTS: Readonly<Record<string, InputKind[]>> = {
  [AZURE_API.listApplicationGateways.operation]: ['listeners', 'routes', 'pools', 'health-check', 'attributes', 'tags', 'certificates'],
  [AZURE_API.listApplicationGatewaysInGroup.operation]: ['listeners', 'routes', 'pools', 'health-check', 'attributes', 'tags', 'certificates'],
  [AZURE_API.listLoadBalancers.operation]: ['listeners', 'routes', 'pools', 'health-check', 'attributes', 'tags'],
  [AZURE_API.listLoadBalancersInGroup.operation]: ['listeners', 'routes', 'pools', 'health-check', 'attributes', 'tags'],
  [AZURE_API.listNetworkSecurityGroups.operation]: ['network-policies'],
  [AZURE_API.listNetworkInterfaces.operation]: ['targets', 'network-policies', 'tags'],
  [AZURE_API.listScaleSetNetworkInterfaces.operation]: ['targets', 'network-policies'],
  [AZURE_API.listVirtualNetworks.operation]: ['network-policies'],
  [AZURE_API.listRouteTables.operation]: ['network-policies'],
  [AZURE_API.listPublicIpAddresses.operation]: ['attributes'],
  [AZURE_API.backendHealth.operation]: ['target-health'],
  [AZURE_API.ruleHealth.operation]: ['target-health'],
  [AZURE_API.listVirtualMachines.operation]: ['tags'],
  [AZURE_API.listVirtualMachineStatuses.operation]: ['target-health'],
  [AZURE_API.listScaleSets.operation]: ['tags'],
  [AZURE_API.listScaleSetVms.operation]: ['target-health'],
  [AZURE_API.listMetrics.operation]: ['metrics'],
};

function permissionHint(action: string, dataAction: boolean): string {
  if (dataAction) return `grant the data action ${action} (DataActions of the custom role from "cloud502 iam-policy --provider azure")`;
  const role = builtInRoleFor(action);
  return `grant ${action}${role ? ` (built-in role ${role}, or the custom role from "cloud502 iam-policy --provider azure")` : ' (see "cloud502 iam-policy --provider azure")'}`;
}

export function mapError(e: AzureCollectionError, location: string | undefined): CoverageGap {
  const api = apiOfOperation(e.api);
  const denied = e.httpStatus === 403 || e.code === 'AuthorizationFailed';
  const permission = denied ? (e.permission ?? api?.action) : undefined;
  const subject = e.resourceId ? nameOfId(e.resourceId) : undefined;
  const impact = IMPACT[e.api]?.(subject) ?? `data from ${e.api} unknown`;
  return {
    provider: 'azure',
    account: e.subscriptionId,
    ...(location ? { region: location } : {}),
    api: e.api,
    ...(permission ? { permission } : {}),
    code: e.code,
    message: permission ? `${e.message} — ${permissionHint(permission, api?.dataAction === true)}` : e.message,
    ...(e.resourceId ? { resourceId: e.resourceId } : {}),
    impact,
    ...(INPUTS[e.api] ? { inputs: INPUTS[e.api] } : {}),
  };
}

/** Every recorded error of the snapshot, in order: calls outside subscriptions first. */
export function mapCoverage(raw: AzureRawSnapshot): CoverageGap[] {
  return [...raw.errors.map((e) => mapError(e, raw.options.location)), ...raw.subscriptions.flatMap((s) => s.errors.map((e) => mapError(e, raw.options.location)))];
}
