/**
 * Where a backend lives and what runs on it: address, subnet, NSGs, application security groups, power state, zone
 * and the backend declared by tags on its NIC, VM or scale set (most specific first).
 */
import type { BackendProfile, ServerKind, Sourced } from '../../../src/model/index.js';
import { cidrContains } from '../../../src/model/cidr.js';
import { isServerKind } from '../../../src/model/backend.js';
import { KEEPALIVE_TAG, SERVER_TAG, parseKeepAliveTag } from '../../../src/model/declarations.js';
import type { SubscriptionContext } from './context.js';
import { uniq } from './context.js';
import { nameOfId, parentAt } from '../ids.js';
import { powerState } from './health.js';
import { asgTag } from './network.js';

export interface Placement {
  address?: string;
  subnetId?: string;
  nicId?: string;
  zone?: string;
  instanceState?: string;
  /** NIC NSG and subnet NSG; both must allow (the engine evaluates the subnet's at subnet level). */
  networkPolicyIds: string[];
  /** Application security groups of the IP configuration, as network tags. */
  networkTags?: string[];
  backend?: BackendProfile;
  /** Tag values that could not be read; each becomes a coverage gap. */
  declarationProblems: string[];
}

interface TagSource {
  tags: Record<string, string> | undefined;
  label: string;
}

/** The backend declared by `cloud502:server` / `cloud502:keepalive` tags, the first source that has each tag winning. */
export function declaredBackend(sources: TagSource[]): { backend?: BackendProfile; problems: string[] } {
  const problems: string[] = [];
  let server: Sourced<ServerKind> | undefined;
  let keepAliveSeconds: Sourced<number | null> | undefined;
  for (const source of sources) {
    const s = source.tags?.[SERVER_TAG];
    if (!server && s !== undefined) {
      const kind = s.trim().toLowerCase();
      if (isServerKind(kind)) server = { value: kind, source: 'declared', detail: `tag ${SERVER_TAG}=${s} on ${source.label}` };
      else problems.push(`tag ${SERVER_TAG}="${s}" on ${source.label} is not a known server kind`);
    }
    const k = source.tags?.[KEEPALIVE_TAG];
    if (!keepAliveSeconds && k !== undefined) {
      const seconds = parseKeepAliveTag(k);
      if (seconds !== undefined) keepAliveSeconds = { value: seconds, source: 'declared', detail: `tag ${KEEPALIVE_TAG}=${k} on ${source.label}` };
      else problems.push(`tag ${KEEPALIVE_TAG}="${k}" on ${source.label} is not a number of seconds`);
    }
  }
  if (!server && !keepAliveSeconds) return { problems };
  return { backend: { ...(server ? { server } : {}), ...(keepAliveSeconds ? { keepAliveSeconds } : {}) }, problems };
}

function subnetNsg(subnetId: string | undefined, ctx: SubscriptionContext): string | undefined {
  const id = ctx.subnet(subnetId)?.subnet.networkSecurityGroup?.id;
  return id ? (ctx.nsg(id)?.id ?? id) : undefined;
}

/** The subnet of the audited VNets whose prefix holds the address (IP-addressed backends). */
export function subnetContaining(address: string, ctx: SubscriptionContext): string | undefined {
  let best: { id: string; length: number } | undefined;
  for (const vnet of ctx.raw.network.virtualNetworks) {
    for (const s of vnet.subnets ?? []) {
      const prefix = s.addressPrefix ?? s.addressPrefixes?.[0];
      if (!s.id || !prefix || !cidrContains(prefix, address)) continue;
      const length = Number(prefix.split('/')[1] ?? 0);
      if (!best || length > best.length) best = { id: s.id, length };
    }
  }
  return best?.id;
}

/** Placement of a NIC IP configuration (standalone or scale-set NIC); undefined when the NIC was not collected. */
export function placementOfIpConfig(ipConfigId: string, ctx: SubscriptionContext): Placement | undefined {
  const entry = ctx.ipConfig(ipConfigId);
  if (!entry) return undefined;
  const { nic, ipConfig } = entry;
  const subnetRef = ipConfig.subnet?.id;
  const subnetId = subnetRef ? (ctx.subnet(subnetRef)?.subnet.id ?? subnetRef) : undefined;
  const nicNsg = nic.networkSecurityGroup?.id ? (ctx.nsg(nic.networkSecurityGroup.id)?.id ?? nic.networkSecurityGroup.id) : undefined;
  const asgs = (ipConfig.applicationSecurityGroups ?? []).map((a) => a.id).filter((a): a is string => !!a).map(asgTag);
  const vmId = nic.virtualMachine?.id;
  const scaleSetId = vmId ? parentAt(vmId, 'virtualMachineScaleSets') : parentAt(ipConfigId, 'virtualMachineScaleSets');
  const instanceId = scaleSetId ? (vmId ?? parentAt(ipConfigId, 'virtualMachines')) : undefined;
  const scaleSetVm = instanceId ? ctx.scaleSetVm(instanceId) : undefined;
  const vm = !scaleSetId ? ctx.vm(vmId) : undefined;
  const statuses = scaleSetId ? scaleSetVm?.instanceView?.statuses : ctx.vmStatus(vmId)?.instanceView?.statuses;
  const instanceState = powerState(statuses);
  const zone = scaleSetId ? scaleSetVm?.zones?.[0] : vm?.zones?.[0];
  const scaleSet = scaleSetId ? ctx.scaleSet(scaleSetId) : undefined;
  const declared = declaredBackend([
    { tags: nic.tags, label: `NIC ${nic.name ?? nameOfId(nic.id ?? '')}` },
    ...(vm ? [{ tags: vm.tags, label: `VM ${vm.name ?? ''}` }] : []),
    ...(scaleSetVm ? [{ tags: scaleSetVm.tags, label: `scale-set instance ${scaleSetVm.name ?? ''}` }] : []),
    ...(scaleSet ? [{ tags: scaleSet.tags, label: `scale set ${scaleSet.name ?? ''}` }] : []),
  ]);
  return {
    ...(ipConfig.privateIPAddress ? { address: ipConfig.privateIPAddress } : {}),
    ...(subnetId ? { subnetId } : {}),
    ...(nic.id ? { nicId: nic.id } : {}),
    ...(zone ? { zone } : {}),
    ...(instanceState ? { instanceState } : {}),
    networkPolicyIds: uniq([nicNsg, subnetNsg(subnetId, ctx)].filter((p): p is string => p !== undefined)),
    ...(asgs.length > 0 ? { networkTags: asgs } : {}),
    ...(declared.backend ? { backend: declared.backend } : {}),
    declarationProblems: declared.problems,
  };
}

/** Placement of a backend known by its private address: its NIC when one holds the address, else its subnet. */
export function placementOfAddress(address: string, ctx: SubscriptionContext): Placement {
  const entry = ctx.ipConfigByAddress(address);
  const viaNic = entry?.ipConfig.id ? placementOfIpConfig(entry.ipConfig.id, ctx) : undefined;
  if (viaNic) return viaNic;
  const subnetId = subnetContaining(address, ctx);
  const nsg = subnetNsg(subnetId, ctx);
  return { address, ...(subnetId ? { subnetId } : {}), networkPolicyIds: nsg ? [nsg] : [], declarationProblems: [] };
}
