/**
 * One health check, one fix. Several checks may each want a health check changed (a timeout raised for slow
 * targets, an interval lengthened so the timeout fits, a threshold raised against flapping), and a Google Cloud health
 * check is shared by every backend service that names it. Fixes rendered finding by finding would then print
 * different, contradicting commands for the same resource: pasting one undoes another. After every check has run, the
 * health-check changes aimed at the same health check are merged into one set that satisfies each of them, and every
 * finding on it shows that same command.
 */
import type { BackendPool } from '../model/index.js';
import type { HealthCheckBounds } from '../model/lb-kinds.js';
import type { FixIntent, HealthCheckChanges } from './fix.js';

/** Share of the interval a health-check timeout may take (the health timeout-vs-interval rule's default). */
const TIMEOUT_SHARE_OF_INTERVAL = 0.8;

/** A failing result whose fix changes a health check, waiting for the others on the same health check. */
export interface PendingHealthCheckFix {
  /** The health check the change is for (see `healthCheckKey`). */
  key: string;
  intents: FixIntent[];
  bounds?: HealthCheckBounds;
  /** The health check's interval now, when known: a merged timeout must fit it or come with a longer one. */
  currentIntervalSeconds?: number;
  /** Renders the result's remediation again from these intents. */
  rerender(intents: FixIntent[]): void;
}

/** The provider's own health-check resource when the pool names one (shared on Google Cloud), else the pool's. */
export function healthCheckKey(poolId: string, pool: BackendPool | undefined): string {
  const ref = pool?.healthCheck?.ref;
  return ref ? `health-check:${ref.id}` : `pool:${poolId}`;
}

const clamp = (value: number, range: readonly [number, number] | undefined): number => (range ? Math.min(Math.max(value, range[0]), range[1]) : value);

/**
 * The changes that satisfy every one given: the longest timeout and interval (room for the slowest targets), the most
 * tolerant unhealthy threshold, the quickest healthy threshold; other settings from the first change that names
 * them. When the merged timeout no longer fits the interval, the interval grows so that the timeout is at most 0.8
 * of it, within the provider's bounds.
 * @example mergeHealthCheckChanges([{ intervalSeconds: 7, timeoutSeconds: 5 }, { intervalSeconds: 113, timeoutSeconds: 90 }]) // { intervalSeconds: 113, timeoutSeconds: 90 }
 */
export function mergeHealthCheckChanges(changes: readonly HealthCheckChanges[], bounds?: HealthCheckBounds, currentIntervalSeconds?: number): HealthCheckChanges {
  const merged: HealthCheckChanges = {};
  const pick = (key: 'intervalSeconds' | 'timeoutSeconds' | 'healthyThreshold' | 'unhealthyThreshold', choose: (a: number, b: number) => number): void => {
    const values = changes.map((c) => c[key]).filter((v): v is number => v !== undefined);
    if (values.length > 0) merged[key] = values.reduce((a, b) => choose(a, b));
  };
  pick('intervalSeconds', Math.max);
  pick('timeoutSeconds', Math.max);
  pick('unhealthyThreshold', Math.max);
  pick('healthyThreshold', Math.min);
  for (const c of changes) {
    for (const key of ['path', 'port', 'useTrafficPort', 'protocol', 'matcher', 'grpcMatcher', 'host'] as const) {
      if (c[key] !== undefined && merged[key] === undefined) (merged as Record<string, unknown>)[key] = c[key];
    }
  }
  // A port and "probe the traffic port" exclude each other: the first change that decided one wins.
  if (merged.port !== undefined && merged.useTrafficPort) {
    const first = changes.find((c) => c.port !== undefined || c.useTrafficPort);
    if (first?.useTrafficPort) delete merged.port;
    else delete merged.useTrafficPort;
  }
  const timeout = merged.timeoutSeconds;
  const interval = merged.intervalSeconds ?? currentIntervalSeconds;
  if (timeout !== undefined && (interval === undefined || timeout > interval * TIMEOUT_SHARE_OF_INTERVAL)) {
    merged.intervalSeconds = clamp(Math.floor(timeout / TIMEOUT_SHARE_OF_INTERVAL) + 1, bounds?.intervalSeconds);
  }
  return merged;
}

const sameChanges = (a: HealthCheckChanges, b: HealthCheckChanges): boolean => JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());

/**
 * Merges the health-check changes of every pending fix that shares a health check with another, and re-renders those
 * fixes with the merged changes. A health check changed by one finding only is left as its check rendered it.
 */
export function reconcileHealthCheckFixes(pending: readonly PendingHealthCheckFix[]): void {
  const byKey = new Map<string, PendingHealthCheckFix[]>();
  for (const p of pending) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  for (const group of byKey.values()) {
    const changes = group.flatMap((p) => p.intents.flatMap((i) => (i.kind === 'set-health-check' ? [i.changes] : [])));
    if (changes.length < 2 || changes.every((c) => sameChanges(c, changes[0]!))) continue;
    const first = group[0]!;
    const merged = mergeHealthCheckChanges(changes, first.bounds, first.currentIntervalSeconds);
    for (const p of group) p.rerender(p.intents.map((i) => (i.kind === 'set-health-check' ? { ...i, changes: merged } : i)));
  }
}
