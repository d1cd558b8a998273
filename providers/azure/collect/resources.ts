/**
 * The listings of one subscription: the load balancers and application gateways to audit (narrowed by resource
 * group and location), then the resources their checks read (NSGs, NICs, virtual networks, route tables, public
 * IPs, VMs and scale sets) and the NICs and instances of the scale sets the load balancers use. SDK calls only: no
 * mapping. A listing that fails is `undefined` (recorded in the errors), never an empty list.
 */
import { AZURE_API } from '../apis.js';
import type { AzureSettings } from '../options.js';
import type { SubscriptionClients } from './clients.js';
import type { CallContext } from './context.js';
import { listAll } from './context.js';
import { resourceGroupOf, scaleSetsReferencedBy } from './references.js';

type Network = SubscriptionClients['network'];
type ListedGateway = Awaited<ReturnType<Network['applicationGateways']['get']>>;
type ListedLoadBalancer = Awaited<ReturnType<Network['loadBalancers']['get']>>;

export interface Audited {
  applicationGateways?: ListedGateway[];
  loadBalancers?: ListedLoadBalancer[];
}

function inLocation<T extends { location?: string }>(items: T[] | undefined, location: string | undefined): T[] | undefined {
  if (!items || !location) return items;
  return items.filter((i) => (i.location ?? '').toLowerCase().replace(/\s+/g, '') === location);
}

/** The load balancers and gateways to audit. The first calls of the subscription: they decide whether it can be reached. */
export async function listAudited(ctx: CallContext, clients: SubscriptionClients, settings: Pick<AzureSettings, 'resourceGroup' | 'location'>): Promise<Audited> {
  const tick = ctx.progress.phase('load balancers', 2);
  const rg = settings.resourceGroup;
  const [applicationGateways, loadBalancers] = await Promise.all([
    (rg
      ? listAll(ctx, AZURE_API.listApplicationGatewaysInGroup, (o) => clients.network.applicationGateways.list(rg, o), { fatal: true })
      : listAll(ctx, AZURE_API.listApplicationGateways, (o) => clients.network.applicationGateways.listAll(o), { fatal: true })
    ).finally(tick),
    (rg
      ? listAll(ctx, AZURE_API.listLoadBalancersInGroup, (o) => clients.network.loadBalancers.list(rg, o), { fatal: true })
      : listAll(ctx, AZURE_API.listLoadBalancers, (o) => clients.network.loadBalancers.listAll(o), { fatal: true })
    ).finally(tick),
  ]);
  return { applicationGateways: inLocation(applicationGateways, settings.location), loadBalancers: inLocation(loadBalancers, settings.location) };
}

/**
 * What the checks read about the audited resources' network and backends. Subscription-wide even when a resource
 * group narrows the audit: VNets, NSGs and NICs often live in a shared network resource group.
 */
export async function listSupporting(ctx: CallContext, clients: SubscriptionClients) {
  const jobs = {
    networkSecurityGroups: () => listAll(ctx, AZURE_API.listNetworkSecurityGroups, (o) => clients.network.networkSecurityGroups.listAll(o)),
    networkInterfaces: () => listAll(ctx, AZURE_API.listNetworkInterfaces, (o) => clients.network.networkInterfaces.listAll(o)),
    virtualNetworks: () => listAll(ctx, AZURE_API.listVirtualNetworks, (o) => clients.network.virtualNetworks.listAll(o)),
    routeTables: () => listAll(ctx, AZURE_API.listRouteTables, (o) => clients.network.routeTables.listAll(o)),
    publicIpAddresses: () => listAll(ctx, AZURE_API.listPublicIpAddresses, (o) => clients.network.publicIPAddresses.listAll(o)),
    virtualMachines: () => listAll(ctx, AZURE_API.listVirtualMachines, (o) => clients.compute.virtualMachines.listAll(o)),
    virtualMachineStatuses: () => listAll(ctx, AZURE_API.listVirtualMachineStatuses, (o) => clients.compute.virtualMachines.listAll({ ...o, statusOnly: 'true' })),
    scaleSets: () => listAll(ctx, AZURE_API.listScaleSets, (o) => clients.compute.virtualMachineScaleSets.listAll(o)),
  };
  const tick = ctx.progress.phase('network and compute', Object.keys(jobs).length);
  const run = <T>(job: () => Promise<T>) => job().finally(tick);
  const [networkSecurityGroups, networkInterfaces, virtualNetworks, routeTables, publicIpAddresses, virtualMachines, virtualMachineStatuses, scaleSets] = await Promise.all([
    run(jobs.networkSecurityGroups),
    run(jobs.networkInterfaces),
    run(jobs.virtualNetworks),
    run(jobs.routeTables),
    run(jobs.publicIpAddresses),
    run(jobs.virtualMachines),
    run(jobs.virtualMachineStatuses),
    run(jobs.scaleSets),
  ]);
  return { networkSecurityGroups, networkInterfaces, virtualNetworks, routeTables, publicIpAddresses, virtualMachines, virtualMachineStatuses, scaleSets };
}

/**
 * NICs and instances (with their power state) of the scale sets the audited pools reference. Scale-set NICs are not
 * in the subscription's NIC listing, so they are listed per scale set.
 */
export async function listScaleSets(ctx: CallContext, clients: SubscriptionClients, audited: Audited) {
  const scaleSetIds = scaleSetsReferencedBy([...(audited.applicationGateways ?? []), ...(audited.loadBalancers ?? [])]);
  const tick = ctx.progress.phase('scale sets', scaleSetIds.length * 2);
  const nics: NonNullable<Awaited<ReturnType<typeof listNics>>> = [];
  const instances: Record<string, NonNullable<Awaited<ReturnType<typeof listInstances>>>> = {};
  function listNics(rg: string, name: string, id: string) {
    return listAll(ctx, AZURE_API.listScaleSetNetworkInterfaces, (o) => clients.network.networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(rg, name, o), { resourceId: id });
  }
  function listInstances(rg: string, name: string, id: string) {
    return listAll(ctx, AZURE_API.listScaleSetVms, (o) => clients.compute.virtualMachineScaleSetVMs.list(rg, name, { ...o, expand: 'instanceView' }), { resourceId: id });
  }
  await Promise.all(
    scaleSetIds.map(async ({ id, name }) => {
      const rg = resourceGroupOf(id) ?? '';
      const [n, v] = await Promise.all([listNics(rg, name, id).finally(tick), listInstances(rg, name, id).finally(tick)]);
      if (n) nics.push(...n);
      if (v) instances[id] = v;
    }),
  );
  return { nics, instances };
}
