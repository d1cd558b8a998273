/**
 * Every Azure REST operation the collector calls, with the RBAC action Azure checks for it. Collection errors are
 * recorded under the operation id (as the REST reference names it), so normalize can tell "this call failed" from
 * "this call succeeded and returned nothing", and a 403 becomes a coverage entry naming the action to grant.
 */
export interface AzureApi {
  /** The REST operation id, e.g. `ApplicationGateways_BackendHealth`. */
  operation: string;
  /** The RBAC action Azure authorizes the call with. */
  action: string;
  /** The action is a data action (a role's `DataActions`, not its `Actions`): data-plane calls. */
  dataAction?: boolean;
}

export const AZURE_API = {
  listSubscriptions: { operation: 'Subscriptions_List', action: 'Microsoft.Resources/subscriptions/read' },
  listApplicationGateways: { operation: 'ApplicationGateways_ListAll', action: 'Microsoft.Network/applicationGateways/read' },
  listApplicationGatewaysInGroup: { operation: 'ApplicationGateways_List', action: 'Microsoft.Network/applicationGateways/read' },
  listLoadBalancers: { operation: 'LoadBalancers_ListAll', action: 'Microsoft.Network/loadBalancers/read' },
  listLoadBalancersInGroup: { operation: 'LoadBalancers_List', action: 'Microsoft.Network/loadBalancers/read' },
  listNetworkSecurityGroups: { operation: 'NetworkSecurityGroups_ListAll', action: 'Microsoft.Network/networkSecurityGroups/read' },
  listNetworkInterfaces: { operation: 'NetworkInterfaces_ListAll', action: 'Microsoft.Network/networkInterfaces/read' },
  listScaleSetNetworkInterfaces: {
    operation: 'NetworkInterfaces_ListVirtualMachineScaleSetNetworkInterfaces',
    action: 'Microsoft.Compute/virtualMachineScaleSets/networkInterfaces/read',
  },
  listVirtualNetworks: { operation: 'VirtualNetworks_ListAll', action: 'Microsoft.Network/virtualNetworks/read' },
  listRouteTables: { operation: 'RouteTables_ListAll', action: 'Microsoft.Network/routeTables/read' },
  listPublicIpAddresses: { operation: 'PublicIPAddresses_ListAll', action: 'Microsoft.Network/publicIPAddresses/read' },
  backendHealth: { operation: 'ApplicationGateways_BackendHealth', action: 'Microsoft.Network/applicationGateways/backendhealth/action' },
  ruleHealth: { operation: 'LoadBalancerLoadBalancingRules_Health', action: 'Microsoft.Network/loadBalancers/loadBalancingRules/health/action' },
  /** The long-running POSTs above are polled at the region's operation results. */
  operationResults: { operation: 'OperationResults_Get', action: 'Microsoft.Network/locations/operationResults/read' },
  listVirtualMachines: { operation: 'VirtualMachines_ListAll', action: 'Microsoft.Compute/virtualMachines/read' },
  listVirtualMachineStatuses: { operation: 'VirtualMachines_ListAll(statusOnly)', action: 'Microsoft.Compute/virtualMachines/read' },
  listScaleSets: { operation: 'VirtualMachineScaleSets_ListAll', action: 'Microsoft.Compute/virtualMachineScaleSets/read' },
  listScaleSetVms: { operation: 'VirtualMachineScaleSetVMs_List', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read' },
  listMetrics: { operation: 'Metrics_List', action: 'Microsoft.Insights/Metrics/Read' },
  /** `metrics:getBatch` on the regional data plane: up to 50 resources of one subscription, location and type a call. */
  metricsBatch: { operation: 'MetricsBatch_Batch', action: 'Microsoft.Insights/Metrics/Read', dataAction: true },
} as const satisfies Record<string, AzureApi>;

export type AzureApiKey = keyof typeof AZURE_API;

/** The operation ids, for lookups from a recorded error back to its action. */
const BY_OPERATION = new Map<string, AzureApi>(Object.values(AZURE_API).map((a) => [a.operation, a]));

export function apiOfOperation(operation: string): AzureApi | undefined {
  return BY_OPERATION.get(operation);
}

/**
 * Built-in roles that hold the actions Reader lacks, for coverage messages. Reader has every `*\/read`; the two
 * long-running health POSTs are actions, held by Network Contributor (`Microsoft.Network/*`).
 */
export const ROLE_WITH_ACTION: Readonly<Record<string, string>> = {
  'Microsoft.Network/applicationGateways/backendhealth/action': 'Network Contributor',
  'Microsoft.Network/loadBalancers/loadBalancingRules/health/action': 'Network Contributor',
};

/** The built-in role to name for an action: Reader for reads, else the table above. */
export function builtInRoleFor(action: string): string | undefined {
  if (/\/read$/i.test(action)) return 'Reader';
  return ROLE_WITH_ACTION[action];
}
