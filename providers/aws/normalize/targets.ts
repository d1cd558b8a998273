/**
 * Registered targets (ELBv2 DescribeTargetHealth, Classic DescribeInstanceHealth) → Target.
 */
import { classicCause, codesFromDescription, elbv2Cause } from './health-causes.js';
import type { Target, TargetHealth, TargetHealthState } from '../../../src/model/index.js';
import type { RawInstance, RawInstanceState, RawTargetHealth, RegionContext } from './context.js';
import { uniq } from './context.js';

const ELBV2_STATES: Readonly<Record<string, TargetHealthState>> = {
  healthy: 'healthy',
  unhealthy: 'unhealthy',
  unused: 'unused',
  draining: 'draining',
  initial: 'initial',
  unavailable: 'unavailable',
  // Deregistration is in progress for a target that was already failing: it gets no new requests, like draining.
  'unhealthy.draining': 'draining',
};

/** Where a target lives in the network: address, zone, subnet and the policies that filter its traffic. */
interface Placement {
  address?: string;
  zone?: string;
  subnetId?: string;
  instanceState?: string;
  networkPolicyIds: string[];
}

function withNacl(ctx: RegionContext, subnetId: string | undefined, groupIds: string[]): string[] {
  const nacl = subnetId ? ctx.naclOf(subnetId) : undefined;
  return uniq([...groupIds, ...(nacl ? [nacl] : [])]);
}

function instancePlacement(ctx: RegionContext, instance: RawInstance | undefined): Placement {
  if (!instance) return { networkPolicyIds: [] };
  const groups = (instance.SecurityGroups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g);
  return {
    ...(instance.PrivateIpAddress ? { address: instance.PrivateIpAddress } : {}),
    ...(instance.Placement?.AvailabilityZone ? { zone: instance.Placement.AvailabilityZone } : {}),
    ...(instance.SubnetId ? { subnetId: instance.SubnetId } : {}),
    ...(instance.State?.Name ? { instanceState: instance.State.Name } : {}),
    networkPolicyIds: withNacl(ctx, instance.SubnetId, groups),
  };
}

function ipPlacement(ctx: RegionContext, ip: string): Placement {
  const eni = ctx.eniByIp(ip);
  if (eni) {
    const groups = (eni.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g);
    return {
      address: ip,
      ...(eni.AvailabilityZone ? { zone: eni.AvailabilityZone } : {}),
      ...(eni.SubnetId ? { subnetId: eni.SubnetId } : {}),
      networkPolicyIds: withNacl(ctx, eni.SubnetId, groups),
    };
  }
  const instance = ctx.instanceByIp(ip);
  if (instance) return { ...instancePlacement(ctx, instance), address: ip };
  // An IP outside every known ENI (on-premises, peered VPC, container ENI not collected): the subnet is all we know.
  const subnet = ctx.subnetContaining(ip);
  return {
    address: ip,
    ...(subnet?.AvailabilityZone ? { zone: subnet.AvailabilityZone } : {}),
    ...(subnet?.SubnetId ? { subnetId: subnet.SubnetId } : {}),
    networkPolicyIds: withNacl(ctx, subnet?.SubnetId, []),
  };
}

export function mapElbv2Target(description: RawTargetHealth, pool: { port?: number; targetType?: Target['type'] }, ctx: RegionContext): Target {
  const id = description.Target?.Id ?? '';
  // Lambda targets have no port; 0 keeps the key stable.
  const port = description.Target?.Port ?? pool.port ?? 0;
  const type = pool.targetType ?? 'instance';
  const placement: Placement =
    type === 'instance' ? instancePlacement(ctx, ctx.instance(id)) : type === 'ip' ? ipPlacement(ctx, id) : { networkPolicyIds: [] };
  const az = description.Target?.AvailabilityZone;
  // `all` = registered for every enabled zone (IP targets outside the VPC, Lambda); it is not a zone name.
  const zone = az && az !== 'all' ? az : placement.zone;
  const th = description.TargetHealth;
  const state = (th?.State && ELBV2_STATES[th.State]) || 'unknown';
  const codes = codesFromDescription(th?.Description);
  const health: TargetHealth = {
    state,
    ...(state !== 'healthy' ? { cause: elbv2Cause(th?.Reason) } : {}),
    ...(th?.Reason ? { reason: th.Reason } : {}),
    ...(th?.Description ? { description: th.Description } : {}),
    ...(codes.length ? { observedStatusCodes: codes } : {}),
  };
  return {
    key: type === 'lambda' ? id : `${id}:${port}`,
    id,
    type,
    ...(placement.address ? { address: placement.address } : {}),
    port,
    ...(zone ? { zone } : {}),
    ...(placement.subnetId ? { subnetId: placement.subnetId } : {}),
    ...(placement.instanceState ? { instanceState: placement.instanceState } : {}),
    health,
    networkPolicyIds: placement.networkPolicyIds,
  };
}

/**
 * Classic `InstanceState` → health. `OutOfService` covers both failing health checks and instances the LB does not
 * route to at all; the documented Description texts tell them apart (API_InstanceState).
 */
export function classicHealth(state: RawInstanceState): TargetHealth {
  const description = state.Description;
  const reason = state.ReasonCode && state.ReasonCode !== 'N/A' ? state.ReasonCode : undefined;
  const inService = state.State === 'InService';
  const base = {
    ...(!inService ? { cause: classicCause(description) } : {}),
    // Classic has no reason codes of its own: show the state with its ReasonCode (Instance / ELB), e.g. `OutOfService (Instance)`.
    ...(reason ? { reason: inService ? reason : `${state.State ?? 'OutOfService'} (${reason})` } : {}),
    ...(description && description !== 'N/A' ? { description } : {}),
  };
  switch (state.State) {
    case 'InService':
      return { state: 'healthy', ...base };
    case 'OutOfService': {
      const d = description ?? '';
      if (d.startsWith('Instance registration is still in progress')) return { state: 'initial', ...base };
      if (d.startsWith('Instance deregistration currently in progress')) return { state: 'draining', ...base };
      if (
        d.startsWith('Instance is in the EC2 Availability Zone for which LoadBalancer is not configured') ||
        d.startsWith('Instance is not currently registered') ||
        d.startsWith('Instance is in stopped state') ||
        d.startsWith('Instance is in terminated state') ||
        d.startsWith('Instance is in pending state') ||
        d.startsWith('Disable Availability Zone is currently in progress')
      ) {
        return { state: 'unused', ...base };
      }
      return { state: 'unhealthy', ...base };
    }
    default:
      return { state: 'unknown', ...base };
  }
}

export function mapClassicTarget(state: RawInstanceState, port: number, ctx: RegionContext): Target {
  const id = state.InstanceId ?? '';
  const placement = instancePlacement(ctx, ctx.instance(id));
  return {
    key: `${id}:${port}`,
    id,
    type: 'instance',
    ...(placement.address ? { address: placement.address } : {}),
    port,
    ...(placement.zone ? { zone: placement.zone } : {}),
    ...(placement.subnetId ? { subnetId: placement.subnetId } : {}),
    ...(placement.instanceState ? { instanceState: placement.instanceState } : {}),
    health: classicHealth(state),
    networkPolicyIds: placement.networkPolicyIds,
  };
}
