/**
 * The Azure raw snapshot: Resource Manager responses exactly as the SDKs returned them (`properties` flattened by the
 * SDK, as `az` prints them), after a JSON round trip so `Date` fields are ISO strings, grouped by subscription, plus
 * the collection errors. `normalize()` reads only this; `collect()` writes only this.
 */
import type {
  ApplicationGateway,
  ApplicationGatewayBackendHealth,
  LoadBalancer,
  LoadBalancerHealthPerRule,
  NetworkInterface,
  NetworkSecurityGroup,
  PublicIPAddress,
  RouteTable,
  VirtualNetwork,
} from '@azure/arm-network';
import type { VirtualMachine, VirtualMachineScaleSet, VirtualMachineScaleSetVM } from '@azure/arm-compute';
import type { Response as MetricsResponse } from '@azure/arm-monitor';
import type { AzureCloudName } from './clouds.js';

/** SDK shapes after JSON: Dates become strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends Array<infer U>
    ? Array<Jsonified<U>>
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export type RawApplicationGateway = Jsonified<ApplicationGateway>;
export type RawLoadBalancer = Jsonified<LoadBalancer>;
export type RawNetworkSecurityGroup = Jsonified<NetworkSecurityGroup>;
export type RawNetworkInterface = Jsonified<NetworkInterface>;
export type RawVirtualNetwork = Jsonified<VirtualNetwork>;
export type RawRouteTable = Jsonified<RouteTable>;
export type RawPublicIpAddress = Jsonified<PublicIPAddress>;
export type RawBackendHealth = Jsonified<ApplicationGatewayBackendHealth>;
export type RawRuleHealth = Jsonified<LoadBalancerHealthPerRule>;
export type RawVirtualMachine = Jsonified<VirtualMachine>;
export type RawScaleSet = Jsonified<VirtualMachineScaleSet>;
export type RawScaleSetVm = Jsonified<VirtualMachineScaleSetVM>;
export type RawMetricsResponse = Jsonified<MetricsResponse>;

export interface AzureCollectionError {
  /** The REST operation id, e.g. `ApplicationGateways_BackendHealth` (providers/azure/apis.ts). */
  api: string;
  subscriptionId: string;
  /** The ARM error code (`AuthorizationFailed`, `ResourceNotFound`), the Node system code (`ECONNREFUSED`) or a name. */
  code: string;
  message: string;
  /** The RBAC action Azure named in a 403, or the action of the operation. */
  permission?: string;
  /** The resource the call was about, when it was about one (ARM id). */
  resourceId?: string;
  /** HTTP status when the service answered. */
  httpStatus?: number;
}

/**
 * One Azure Monitor metrics query as cloud502 issued it: one resource, ≤ 20 names, one $filter for all of them; sent
 * alone (`metrics` on Resource Manager) or with up to 49 others in one batch call. Its response has the same shape either way.
 */
export interface AzureMetricQuery {
  /** `q0`, `q1`, ... keys into `responses`. */
  id: string;
  resourceId: string;
  metricNames: string[];
  /** `Average`, `Minimum`, `Maximum`, `Total`, `Count`. */
  aggregations: string[];
  filter?: string;
  intervalSeconds: number;
  /**
   * The `metrics:getBatch` call that answered it (`b0`, `b1`, ...: one per ≤ 50 resources of one location, type and
   * query); absent when it was answered by its own per-resource call.
   */
  batchId?: string;
}

export interface AzureSubscriptionSnapshot {
  subscriptionId: string;
  displayName?: string;
  network: {
    applicationGateways: RawApplicationGateway[];
    loadBalancers: RawLoadBalancer[];
    networkSecurityGroups: RawNetworkSecurityGroup[];
    /** Standalone NICs and the NICs of the scale sets the load balancers use. */
    networkInterfaces: RawNetworkInterface[];
    virtualNetworks: RawVirtualNetwork[];
    routeTables: RawRouteTable[];
    publicIpAddresses: RawPublicIpAddress[];
  };
  compute: {
    virtualMachines: RawVirtualMachine[];
    /** `VirtualMachines_ListAll?statusOnly=true`: the same VMs with their instance view (power state). */
    virtualMachineStatuses: RawVirtualMachine[];
    scaleSets: RawScaleSet[];
    /** Instances (with instance view) by scale-set id. Missing key = not collected. */
    scaleSetVms: Record<string, RawScaleSetVm[]>;
  };
  health: {
    /** Backend health by application gateway id. Missing key = not collected. */
    applicationGateways: Record<string, RawBackendHealth>;
    /** Per-rule health by load-balancing rule id. Missing key = not collected. */
    loadBalancerRules: Record<string, RawRuleHealth>;
  };
  monitor: {
    /** Absent when metrics were not collected (`--metrics-window 0`). */
    window?: { start: string; end: string };
    queries: AzureMetricQuery[];
    /** By query id. Missing key = the call failed (see errors). */
    responses: Record<string, RawMetricsResponse>;
  };
  errors: AzureCollectionError[];
}

export interface AzureRawSnapshot {
  format: 'cloud502-raw-snapshot';
  /** Bumped on any incompatible change; `audit --snapshot` refuses versions it does not know. */
  schemaVersion: 1;
  provider: 'azure';
  tool: { name: 'cloud502'; version: string };
  collectedAt: string;
  /** True for the bundled demo environment. */
  demo?: boolean;
  options: {
    cloud: AzureCloudName;
    /** The subscriptions audited, as asked for or as listed. */
    subscriptions: string[];
    resourceGroup?: string;
    location?: string;
    endpointUrl?: string;
    metricsWindowSeconds: number;
  };
  subscriptions: AzureSubscriptionSnapshot[];
  /** Errors of calls outside any subscription (listing the subscriptions). */
  errors: AzureCollectionError[];
}

/** A subscription entry with nothing collected yet: the start of every collection, and a scope that produced only errors. */
export function emptyAzureSubscription(subscriptionId: string, errors: AzureCollectionError[] = []): AzureSubscriptionSnapshot {
  return {
    subscriptionId,
    network: {
      applicationGateways: [],
      loadBalancers: [],
      networkSecurityGroups: [],
      networkInterfaces: [],
      virtualNetworks: [],
      routeTables: [],
      publicIpAddresses: [],
    },
    compute: { virtualMachines: [], virtualMachineStatuses: [], scaleSets: [], scaleSetVms: {} },
    health: { applicationGateways: {}, loadBalancerRules: {} },
    monitor: { queries: [], responses: {} },
    errors,
  };
}
