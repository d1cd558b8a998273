import { mergeBackendProfiles } from '../model/backend.js';
import type { BackendPool, BackendProfile, Inventory, KeepAliveObservation, Observation } from '../model/index.js';
import { serverKindFromHeader } from './headers.js';
import { backendIdleTimeoutOf } from './plan.js';

function observationKey(o: Observation): string {
  return `${o.kind}\u0000${o.poolId}\u0000${o.targetKey}\u0000${o.port}`;
}

/**
 * What one keep-alive observation proves about its target. Fields that were measured are used even when a later
 * step failed (`error`): a header read before a failed idle hold is still a measurement.
 * Keep-alive precedence: an observed idle close > a hold that outlasted the LB's idle timeout > the header.
 */
export function measuredProfile(o: KeepAliveObservation, lbIdleSeconds: number | undefined): BackendProfile | undefined {
  const from = `${o.address}:${o.port}`;
  const profile: BackendProfile = {};
  const kind = o.server === undefined ? undefined : serverKindFromHeader(o.server);
  if (kind) profile.server = { value: kind, source: 'measured', detail: `Server: ${o.server} header from ${from}` };
  if (o.measuredIdleCloseSeconds !== undefined) {
    profile.keepAliveSeconds = {
      value: o.measuredIdleCloseSeconds,
      source: 'measured',
      detail: `server closed an idle connection after ${o.measuredIdleCloseSeconds.toFixed(1)} s (${from})`,
    };
  } else if (o.heldOpenSeconds !== undefined && lbIdleSeconds !== undefined && o.heldOpenSeconds > lbIdleSeconds) {
    // A hold is a lower bound: it only proves something once it outlasted the load balancer's idle timeout.
    profile.keepAliveSeconds = {
      value: o.heldOpenSeconds,
      source: 'measured',
      detail: `server kept an idle connection open for at least ${o.heldOpenSeconds.toFixed(1)} s (${from}); the probe stopped waiting`,
    };
  } else if (o.headerTimeoutSeconds !== undefined) {
    profile.keepAliveSeconds = { value: o.headerTimeoutSeconds, source: 'measured', detail: `Keep-Alive: timeout=${o.headerTimeoutSeconds} header from ${from}` };
  }
  return profile.server || profile.keepAliveSeconds ? profile : undefined;
}

/**
 * Returns a new inventory whose `observations` include these (replacing earlier ones of the same kind, pool,
 * target and port) and whose targets' `backend` carries what was measured, merged so that measured wins.
 * Pure: the input is not modified.
 */
export function applyObservations(inv: Inventory, observations: Observation[]): Inventory {
  const incoming = new Set(observations.map(observationKey));
  const merged = [...inv.observations.filter((o) => !incoming.has(observationKey(o))), ...observations];

  const poolsById = new Map(inv.backendPools.map((p) => [p.ref.id, p]));
  const profiles = new Map<string, Map<string, BackendProfile>>();
  for (const o of observations) {
    if (o.kind !== 'keepalive') continue;
    const pool = poolsById.get(o.poolId);
    if (!pool) continue;
    const p = measuredProfile(o, backendIdleTimeoutOf(inv, pool));
    if (!p) continue;
    const byTarget = profiles.get(o.poolId) ?? new Map<string, BackendProfile>();
    byTarget.set(o.targetKey, mergeBackendProfiles(byTarget.get(o.targetKey), p) ?? p);
    profiles.set(o.poolId, byTarget);
  }

  const backendPools = inv.backendPools.map((pool): BackendPool => {
    const byTarget = profiles.get(pool.ref.id);
    if (!byTarget || !pool.targets) return pool;
    return {
      ...pool,
      targets: pool.targets.map((t) => {
        const p = byTarget.get(t.key);
        // Spread the old profile first: mergeBackendProfiles only knows server and keepAliveSeconds.
        return p ? { ...t, backend: { ...t.backend, ...mergeBackendProfiles(t.backend, p) } } : t;
      }),
    };
  });
  return { ...inv, observations: merged, backendPools };
}
