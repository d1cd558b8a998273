/**
 * `getHealth` answers (per backend service × group) and group members → Target, with the VM's network facts.
 * Health is known only where getHealth answered for every group that has health: otherwise the pool's targets
 * are `undefined` (not collected), never a guess.
 */
import type { BackendProfile, NotCollected, Target, TargetHealth, TargetHealthCause, TargetHealthState } from '../../../src/model/index.js';
import { lastSegment, parseLink, relativeName } from '../links.js';
import type { RawBackendService, RawHealthStatus } from '../raw.js';
import type { ProjectContext } from './context.js';

/** What is known of a VM's place in the network, and its declared backend. */
export interface VmPlacement {
  address?: string;
  zone?: string;
  subnetId?: string;
  network?: string;
  instanceState?: string;
  networkPolicyIds: string[];
  networkTags?: string[];
  serviceAccounts?: string[];
  backend?: BackendProfile;
}

export type TargetPlacement = (instance: string | undefined, address: string | undefined) => VmPlacement;

const STATES: Readonly<Record<string, { state: TargetHealthState; cause?: TargetHealthCause }>> = {
  HEALTHY: { state: 'healthy' },
  // getHealth gives no reason: the health-check logs have it (detailedHealthState).
  UNHEALTHY: { state: 'unhealthy', cause: 'health-check-failed' },
  TIMEOUT: { state: 'unhealthy', cause: 'health-check-timeout' },
  DRAINING: { state: 'draining', cause: 'draining' },
  UNKNOWN: { state: 'unknown', cause: 'health-unknown' },
};

/** VM states in which it serves nothing (https://cloud.google.com/compute/docs/instances/instance-life-cycle). */
const STOPPED = new Set(['STOPPING', 'STOPPED', 'TERMINATED', 'SUSPENDING', 'SUSPENDED']);

export function healthOf(status: string | undefined, vmStatus: string | undefined): TargetHealth {
  const mapped = (status && STATES[status]) || { state: 'unknown' as const, cause: 'unknown' as const };
  const stopped = vmStatus !== undefined && STOPPED.has(vmStatus);
  const cause = stopped && mapped.state !== 'healthy' ? 'stopped' : mapped.cause;
  return {
    state: mapped.state,
    ...(cause ? { cause } : {}),
    ...(status ? { reason: status } : {}),
    ...(stopped ? { description: `VM is ${vmStatus}` } : {}),
  };
}

export interface MappedTargets {
  targets?: Target[];
  notCollected?: NotCollected[];
  targetType?: Target['type'];
  networks: string[];
  /** Groups without per-endpoint health (serverless, internet, hybrid NEGs). */
  unsupported: string[];
}

function hasHealth(group: string): boolean {
  const link = parseLink(group);
  return !!link && (link.collection === 'instanceGroups' || (link.collection === 'networkEndpointGroups' && link.scope === 'zones'));
}

function toTarget(status: RawHealthStatus, type: Target['type'], fallbackPort: number, placement: TargetPlacement, ctx: ProjectContext): Target {
  const instance = relativeName(status.instance);
  const p = placement(instance || undefined, status.ipAddress);
  const port = status.port ?? fallbackPort;
  const vm = instance ? ctx.instance(instance) : undefined;
  const name = instance ? lastSegment(instance) : (status.ipAddress ?? '?');
  return {
    key: `${name}:${port}`,
    id: instance || (status.ipAddress ?? name),
    type,
    ...((status.ipAddress ?? p.address) ? { address: status.ipAddress ?? p.address } : {}),
    port,
    ...(p.zone ? { zone: p.zone } : {}),
    ...(p.subnetId ? { subnetId: p.subnetId } : {}),
    ...(vm?.status ? { instanceState: vm.status } : {}),
    health: healthOf(status.healthState, vm?.status),
    networkPolicyIds: p.networkPolicyIds,
    ...(p.networkTags ? { networkTags: p.networkTags } : {}),
    ...(p.serviceAccounts ? { serviceAccounts: p.serviceAccounts } : {}),
    ...(p.backend ? { backend: p.backend } : {}),
  };
}

export function mapTargets(ctx: ProjectContext, service: RawBackendService, port: number, placement: TargetPlacement): MappedTargets {
  const id = relativeName(service.selfLink);
  const targets: Target[] = [];
  const networks: string[] = [];
  const unsupported: string[] = [];
  const types = new Set<Target['type']>();
  let missingHealth = false;
  for (const backend of service.backends ?? []) {
    const group = relativeName(backend.group);
    if (!backend.group || !hasHealth(backend.group)) {
      if (group) unsupported.push(group);
      continue;
    }
    const isNeg = parseLink(group)?.collection === 'networkEndpointGroups';
    const type: Target['type'] = isNeg ? 'neg-endpoint' : 'vm';
    types.add(type);
    const network = isNeg ? ctx.neg(group)?.network : ctx.instanceGroup(group)?.network;
    if (network) networks.push(relativeName(network));
    const health = ctx.raw.compute.backendHealth.find((h) => h.backendService === id && h.group === group);
    if (!health) {
      missingHealth = true;
      continue;
    }
    const seen = new Set<string>();
    for (const status of health.healthStatus) {
      const t = toTarget(status, type, port, placement, ctx);
      seen.add(relativeName(status.instance));
      targets.push(t);
    }
    // Members getHealth does not report (stopped VMs, new members) still belong to the pool.
    for (const member of ctx.raw.compute.groupInstances[group] ?? []) {
      const instance = relativeName(member.instance);
      if (!instance || seen.has(instance)) continue;
      const vmStatus = member.status ?? ctx.instance(instance)?.status;
      targets.push(toTarget({ instance: member.instance ?? instance }, type, port, placement, ctx));
      const last = targets[targets.length - 1];
      if (last) last.health = { ...healthOf(undefined, vmStatus), description: `not reported by getHealth${vmStatus ? `; VM is ${vmStatus}` : ''}` };
    }
  }
  const targetType = types.size === 1 ? [...types][0] : types.size > 1 ? 'vm' : undefined;
  if (missingHealth) {
    const method = parseLink(service.selfLink)?.scope === 'regions' ? 'compute.regionBackendServices.getHealth' : 'compute.backendServices.getHealth';
    const e = ctx.failure(method, id);
    return {
      ...(e ? { notCollected: [{ input: 'target-health' as const, api: e.api, ...(e.code === 'PERMISSION_DENIED' ? { permission: e.permission } : {}), code: e.code }] } : {}),
      ...(targetType ? { targetType } : {}),
      networks,
      unsupported,
    };
  }
  return { targets, ...(targetType ? { targetType } : {}), networks, unsupported };
}
