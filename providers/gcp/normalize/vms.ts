/**
 * A VM's network facts (address, subnet, tags, service accounts, the firewall policies of its network) and its
 * backend declaration. Backend services, groups and health checks have no labels, and labels cannot contain `:`,
 * so on Google Cloud the declaration is the VM labels `cloud502-server` and `cloud502-keepalive`.
 */
import type { BackendProfile, CoverageGap, ServerKind } from '../../../src/model/index.js';
import { isServerKind } from '../../../src/model/index.js';
import { parseKeepAliveTag } from '../../../src/model/declarations.js';
import { lastSegment, parseLink, relativeName } from '../links.js';
import type { RawInstance } from '../raw.js';
import type { ProjectContext } from './context.js';
import type { NetworkFirewalls } from './firewalls.js';
import type { TargetPlacement, VmPlacement } from './targets.js';

export const SERVER_LABEL = 'cloud502-server';
export const KEEPALIVE_LABEL = 'cloud502-keepalive';

/** Labels → declared backend; invalid values are reported and the VM's declaration is ignored. */
export function declaredBackend(vm: RawInstance, gaps: CoverageGap[], project: string): BackendProfile | undefined {
  const labels = vm.labels ?? {};
  const server = labels[SERVER_LABEL];
  const keepAlive = labels[KEEPALIVE_LABEL];
  const name = vm.name ?? '?';
  const problems: string[] = [];
  const profile: BackendProfile = {};
  if (server !== undefined) {
    const kind = server.trim().toLowerCase();
    if (isServerKind(kind)) profile.server = { value: kind as ServerKind, source: 'declared', detail: `label ${SERVER_LABEL}=${server} on VM ${name}` };
    else problems.push(`label ${SERVER_LABEL}=${JSON.stringify(server)} on VM ${name} is not a known server kind`);
  }
  if (keepAlive !== undefined) {
    const seconds = parseKeepAliveTag(keepAlive);
    if (seconds !== undefined) profile.keepAliveSeconds = { value: seconds, source: 'declared', detail: `label ${KEEPALIVE_LABEL}=${keepAlive} on VM ${name}` };
    else problems.push(`label ${KEEPALIVE_LABEL}=${JSON.stringify(keepAlive)} on VM ${name} is not a number of seconds`);
  }
  for (const problem of problems) {
    gaps.push({
      provider: 'gcp',
      account: project,
      region: lastSegment(vm.zone),
      api: 'cloud502:backend-declaration',
      code: 'InvalidLabelValue',
      message: `${problem}; the label declaration was ignored`,
      resourceId: relativeName(vm.selfLink),
      impact: `declared backend of VM ${name} unknown`,
    });
  }
  if (problems.length) return undefined;
  return Object.keys(profile).length ? profile : undefined;
}

/** Resolves VMs (by relative name or, for NEG endpoints without one, by address) to their placement. */
export function vmPlacement(ctx: ProjectContext, firewalls: Pick<NetworkFirewalls, 'idsByPlacement' | 'fallbackIds'>, gaps: CoverageGap[]): TargetPlacement {
  const byAddress = new Map<string, RawInstance>();
  for (const vm of ctx.raw.compute.instances) for (const nic of vm.networkInterfaces ?? []) if (nic.networkIP) byAddress.set(nic.networkIP, vm);
  const declared = new Map<string, BackendProfile | undefined>();
  const instancesListed = !ctx.failure('compute.instances.aggregatedList');
  return (instance, address) => {
    const vm = (instance ? ctx.instance(instance) : undefined) ?? (address ? byAddress.get(address) : undefined);
    if (!vm) {
      // Not listed: its tags, service accounts and firewall policies are unknown, so its flows are judged unknown.
      return { ...(address ? { address } : {}), networkPolicyIds: instancesListed ? [] : [`${instance ?? address ?? '?'}#vm-not-collected`] };
    }
    const id = relativeName(vm.selfLink);
    if (!declared.has(id)) declared.set(id, declaredBackend(vm, gaps, ctx.project));
    const nic = (address ? vm.networkInterfaces?.find((n) => n.networkIP === address) : undefined) ?? vm.networkInterfaces?.[0];
    const network = nic?.network ? relativeName(nic.network) : undefined;
    const region = vm.zone ? lastSegment(vm.zone).replace(/-[a-z]$/, '') : undefined;
    const ids = network ? (firewalls.idsByPlacement.get(`${network}@${region ?? '?'}`) ?? firewalls.fallbackIds(network)) : [];
    const backend = declared.get(id);
    const placement: VmPlacement = {
      ...((address ?? nic?.networkIP) ? { address: address ?? nic?.networkIP } : {}),
      ...(vm.zone ? { zone: lastSegment(vm.zone) } : {}),
      ...(nic?.subnetwork && parseLink(nic.subnetwork) ? { subnetId: relativeName(nic.subnetwork) } : {}),
      ...(network ? { network } : {}),
      ...(vm.status ? { instanceState: vm.status } : {}),
      networkPolicyIds: ids,
      networkTags: vm.tags?.items ?? [],
      serviceAccounts: (vm.serviceAccounts ?? []).map((s) => s.email).filter((e): e is string => !!e),
      ...(backend ? { backend } : {}),
    };
    return placement;
  };
}
