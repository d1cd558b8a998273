/**
 * Per-subscription lookups built once from the raw snapshot, so the mappers stay simple and O(n). Every lookup is
 * case-insensitive on ARM ids (ids.ts).
 */
import type { ResourceRef } from '../../../src/model/index.js';
import type { AzureApi } from '../apis.js';
import type {
  AzureSubscriptionSnapshot,
  RawBackendHealth,
  RawNetworkInterface,
  RawNetworkSecurityGroup,
  RawPublicIpAddress,
  RawRouteTable,
  RawRuleHealth,
  RawScaleSet,
  RawScaleSetVm,
  RawVirtualMachine,
  RawVirtualNetwork,
} from '../raw.js';
import { IdIndex, idKey, parentAt } from '../ids.js';

export type RawSubnet = NonNullable<RawVirtualNetwork['subnets']>[number];
export type RawIpConfiguration = NonNullable<RawNetworkInterface['ipConfigurations']>[number];

export interface SubnetEntry {
  subnet: RawSubnet;
  vnet: RawVirtualNetwork;
}

export interface IpConfigEntry {
  ipConfig: RawIpConfiguration;
  nic: RawNetworkInterface;
}

export interface SubscriptionContext {
  subscriptionId: string;
  raw: AzureSubscriptionSnapshot;
  nic(id: string | undefined): RawNetworkInterface | undefined;
  /** A NIC IP configuration by its id (`…/networkInterfaces/nic/ipConfigurations/ipconfig1`, scale-set ids included). */
  ipConfig(id: string | undefined): IpConfigEntry | undefined;
  /** The NIC IP configuration that holds a private address. */
  ipConfigByAddress(address: string): IpConfigEntry | undefined;
  subnet(id: string | undefined): SubnetEntry | undefined;
  vnet(id: string | undefined): RawVirtualNetwork | undefined;
  nsg(id: string | undefined): RawNetworkSecurityGroup | undefined;
  routeTable(id: string | undefined): RawRouteTable | undefined;
  publicIp(id: string | undefined): RawPublicIpAddress | undefined;
  vm(id: string | undefined): RawVirtualMachine | undefined;
  /** The VM with its instance view (statusOnly listing). */
  vmStatus(id: string | undefined): RawVirtualMachine | undefined;
  scaleSet(id: string | undefined): RawScaleSet | undefined;
  scaleSetVm(id: string | undefined): RawScaleSetVm | undefined;
  /** Backend health of an application gateway; undefined when not collected. */
  backendHealth(appGatewayId: string): RawBackendHealth | undefined;
  /** Per-rule health of a load-balancing rule; undefined when not collected. */
  ruleHealth(ruleId: string): RawRuleHealth | undefined;
  /** True when collection recorded an error for this API (about this resource, or about the whole call). */
  failed(api: AzureApi, resourceId?: string): boolean;
  /** The error recorded for this API (about this resource, or about the whole call). */
  failure(api: AzureApi, resourceId?: string): AzureSubscriptionSnapshot['errors'][number] | undefined;
  ref(kind: ResourceRef['kind'], type: string, id: string, name: string, region?: string): ResourceRef;
}

export function buildContext(raw: AzureSubscriptionSnapshot): SubscriptionContext {
  const nics = new IdIndex(raw.network.networkInterfaces);
  const ipConfigs = new Map<string, IpConfigEntry>();
  const byAddress = new Map<string, IpConfigEntry>();
  for (const nic of raw.network.networkInterfaces) {
    for (const ipConfig of nic.ipConfigurations ?? []) {
      const entry = { ipConfig, nic };
      if (ipConfig.id) ipConfigs.set(idKey(ipConfig.id), entry);
      if (ipConfig.privateIPAddress) byAddress.set(ipConfig.privateIPAddress, entry);
    }
  }
  const subnets = new Map<string, SubnetEntry>();
  for (const vnet of raw.network.virtualNetworks) {
    for (const subnet of vnet.subnets ?? []) if (subnet.id) subnets.set(idKey(subnet.id), { subnet, vnet });
  }
  const vnets = new IdIndex(raw.network.virtualNetworks);
  const nsgs = new IdIndex(raw.network.networkSecurityGroups);
  const routeTables = new IdIndex(raw.network.routeTables);
  const publicIps = new IdIndex(raw.network.publicIpAddresses);
  const vms = new IdIndex(raw.compute.virtualMachines);
  const vmStatuses = new IdIndex(raw.compute.virtualMachineStatuses);
  const scaleSets = new IdIndex(raw.compute.scaleSets);
  const scaleSetVms = new IdIndex(Object.values(raw.compute.scaleSetVms).flat());
  const keyed = <T>(record: Record<string, T>) => new Map(Object.entries(record).map(([k, v]) => [idKey(k), v]));
  const backendHealth = keyed(raw.health.applicationGateways);
  const ruleHealth = keyed(raw.health.loadBalancerRules);
  const failure = (api: AzureApi, resourceId?: string) =>
    raw.errors.find((e) => e.api === api.operation && (e.resourceId === undefined || (resourceId !== undefined && idKey(e.resourceId) === idKey(resourceId))));
  return {
    subscriptionId: raw.subscriptionId,
    raw,
    nic: (id) => nics.get(id),
    ipConfig(id) {
      if (!id) return undefined;
      const direct = ipConfigs.get(idKey(id));
      if (direct) return direct;
      // A reference to an IP configuration of a NIC that was listed without it: the NIC is still known.
      const nicId = parentAt(id, 'networkInterfaces');
      const nic = nics.get(nicId);
      const ipConfig = nic?.ipConfigurations?.find((c) => c.id !== undefined && idKey(c.id) === idKey(id));
      return nic && ipConfig ? { nic, ipConfig } : undefined;
    },
    ipConfigByAddress: (address) => byAddress.get(address),
    subnet: (id) => (id ? subnets.get(idKey(id)) : undefined),
    vnet: (id) => vnets.get(id),
    nsg: (id) => nsgs.get(id),
    routeTable: (id) => routeTables.get(id),
    publicIp: (id) => publicIps.get(id),
    vm: (id) => vms.get(id),
    vmStatus: (id) => vmStatuses.get(id),
    scaleSet: (id) => scaleSets.get(id),
    scaleSetVm: (id) => scaleSetVms.get(id),
    backendHealth: (id) => backendHealth.get(idKey(id)),
    ruleHealth: (id) => ruleHealth.get(idKey(id)),
    failed: (api, resourceId) => failure(api, resourceId) !== undefined,
    failure,
    ref: (kind, type, id, name, region) => ({
      provider: 'azure',
      kind,
      type,
      id,
      name,
      ...(region ? { region } : {}),
      account: raw.subscriptionId,
    }),
  };
}

/** `Tcp` → `tcp`; NSG `*` → `all`. */
export function lowerProtocol(value: string | undefined): string {
  const p = (value ?? '*').toLowerCase();
  return p === '*' ? 'all' : p;
}

export function tagsOf(resource: { tags?: Record<string, string> } | undefined): Record<string, string> {
  return { ...(resource?.tags ?? {}) };
}

export function uniq<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
