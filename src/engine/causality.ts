/**
 * Which failing findings are consequences of which: one missing egress rule is seen by the health-check, traffic-port
 * and NLB checks, and makes the pool's targets unhealthy; the report should show one cause with one fix and fold the
 * rest under it. {@link linkCauses} writes the links on the results (`causedBy` / `explains`, by fingerprint), so the
 * JSON carries them and every format folds the same way.
 *
 * The rules are data over check ids and provider-neutral evidence (the network engine's deciding rule, target keys,
 * health reasons), never over a provider. Links only ever join failing findings on the same load balancer, and a
 * consequence is only linked when its causes account for all of it (every unhealthy target), so folding never hides
 * an unexplained part.
 */
import type { CheckResult } from './result.js';
import { severityRank } from './result.js';

/** What linking reads and writes; both a check result and a report result fit. */
export type Linkable = Pick<CheckResult, 'checkId' | 'status' | 'severity' | 'fingerprint' | 'messageId' | 'causedBy' | 'explains'> & {
  resource: Pick<CheckResult['resource'], 'id' | 'kind' | 'loadBalancerId'>;
  evidence?: CheckResult['evidence'];
};

/**
 * Network checks that may report the same blocked path, most precise first: when several share a deciding rule on
 * the same port, the first one here is the cause (its fix is for the rule that decided) and the others fold under it.
 */
export const BLOCKED_PATH_ORDER: readonly string[] = [
  'network/lb-egress-missing',
  'network/nacl-return-path-blocked',
  'network/nlb-security-specifics',
  'network/health-check-port-blocked',
  'network/traffic-port-blocked',
];

/** Findings that describe target health: consequences whenever something explains every unhealthy target. */
export const HEALTH_CONSEQUENCES: readonly string[] = ['targets/unhealthy-targets', 'targets/all-targets-unhealthy'];

/** How a provider's health reason reads, coarsely: enough to tell a timeout from a wrong status code. */
export type HealthReasonKind = 'timeout' | 'response-code' | 'failed';

export interface HealthExplainer {
  check: string;
  /** Only these message ids of the check explain (default: any). */
  messageIds?: readonly string[];
  /** `targets`: explains the unhealthy targets the finding names; `pool`: every unhealthy target of its pool. */
  scope: 'targets' | 'pool';
  /** Health reasons it explains (default: any). */
  reasons?: readonly HealthReasonKind[];
}

/** Findings that explain why targets fail their health checks. */
export const HEALTH_EXPLAINERS: readonly HealthExplainer[] = [
  // A blocked probe path names the targets it blocks; a blocked probe times out or fails, whatever the provider calls it.
  { check: 'network/health-check-port-blocked', scope: 'targets' },
  { check: 'network/nacl-return-path-blocked', scope: 'targets' },
  { check: 'network/lb-egress-missing', scope: 'targets' },
  { check: 'network/nlb-security-specifics', messageIds: ['hcEgressBlocked', 'nodeIpsNotAllowed'], scope: 'targets' },
  { check: 'health/response-code-mismatch', scope: 'targets' },
  { check: 'health/port-protocol-mismatch', messageIds: ['portDiffers', 'schemeDiffers'], scope: 'pool' },
  { check: 'health/timeout-vs-interval', messageIds: ['timeoutBelowLatency'], scope: 'pool', reasons: ['timeout'] },
  { check: 'tls/target-tls-negotiation-errors', scope: 'pool', reasons: ['failed'] },
  { check: 'tls/protocol-version-mismatch', messageIds: ['grpcWithoutMatcher'], scope: 'pool', reasons: ['failed', 'response-code'] },
  { check: 'tls/target-certificate-hygiene', scope: 'pool', reasons: ['failed'] },
];

/** A health check on the wrong port explains that port being blocked, when the traffic port itself is open. */
export const PORT_MISMATCH_CHECK = 'health/port-protocol-mismatch';
export const HEALTH_PORT_BLOCKED_CHECK = 'network/health-check-port-blocked';

export function healthReasonKind(reason: string | undefined): HealthReasonKind {
  if (reason && /time(d)?\s*out|timeout/i.test(reason)) return 'timeout';
  if (reason && /code|mismatch|status/i.test(reason)) return 'response-code';
  return 'failed';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function listOf(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.map(record).filter((x): x is Record<string, unknown> => x !== undefined) : [];
}

/** The blocked paths of a network finding: deciding rule + protocol/port, and the target each blocks. */
export function blockedPaths(r: Linkable): Array<{ key: string; target?: string; port?: number }> {
  return listOf(r.evidence?.details?.blocked).flatMap((b) => {
    const rule = typeof b.decidingRule === 'string' ? b.decidingRule : undefined;
    if (!rule) return [];
    const port = typeof b.port === 'number' ? b.port : undefined;
    return [{ key: `${rule}\u0000${String(b.protocol ?? '')}/${port ?? ''}`, ...(typeof b.target === 'string' ? { target: b.target } : {}), ...(port !== undefined ? { port } : {}) }];
  });
}

/** Targets a finding names: blocked targets, or the targets of an observed list (`[{ target, ... }]`). */
export function namedTargets(r: Linkable): Set<string> {
  const out = new Set<string>();
  for (const b of blockedPaths(r)) if (b.target) out.add(b.target);
  for (const o of listOf(r.evidence?.observed)) if (typeof o.target === 'string') out.add(o.target);
  return out;
}

/** The unhealthy targets a health finding lists, with their reason. */
export function unhealthyTargets(r: Linkable): Array<{ target: string; reason: HealthReasonKind }> {
  return listOf(r.evidence?.details?.unhealthyTargets).flatMap((t) =>
    typeof t.target === 'string' ? [{ target: t.target, reason: healthReasonKind(typeof t.reason === 'string' ? t.reason : undefined) }] : [],
  );
}

function orderOf(checkId: string): number {
  const i = BLOCKED_PATH_ORDER.indexOf(checkId);
  return i === -1 ? BLOCKED_PATH_ORDER.length : i;
}

/** The cause of a shared blocked path: most precise check first, then most severe, then a stable order. */
function compareRoots(a: Linkable, b: Linkable): number {
  return orderOf(a.checkId) - orderOf(b.checkId) || severityRank(a.severity) - severityRank(b.severity) || a.fingerprint.localeCompare(b.fingerprint);
}

/**
 * The cause → consequence edges among failing findings, by fingerprint. Pure; the same input gives the same edges in
 * the same order.
 */
export function causalEdges(results: readonly Linkable[]): Array<[cause: string, consequence: string]> {
  const edges: Array<[string, string]> = [];
  const byLb = new Map<string, Linkable[]>();
  for (const r of results) {
    const lb = r.resource.loadBalancerId;
    if (r.status !== 'fail' || !lb) continue;
    const list = byLb.get(lb);
    if (list) list.push(r);
    else byLb.set(lb, [r]);
  }
  for (const fails of byLb.values()) {
    edges.push(...sharedPathEdges(fails), ...portMismatchEdges(fails), ...healthEdges(fails));
  }
  const seen = new Set<string>();
  return edges.filter(([a, b]) => {
    const key = `${a}>${b}`;
    if (a === b || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Network findings that share a deciding rule on the same port are one blocked path: the most precise is the cause. */
function sharedPathEdges(fails: readonly Linkable[]): Array<[string, string]> {
  const network = fails.filter((r) => blockedPaths(r).length > 0);
  // Union-find over findings that share a path key.
  const parent = new Map<string, string>(network.map((r) => [r.fingerprint, r.fingerprint]));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    return root;
  };
  const owner = new Map<string, string>();
  for (const r of network) {
    for (const p of blockedPaths(r)) {
      const other = owner.get(p.key);
      if (other === undefined) owner.set(p.key, r.fingerprint);
      else parent.set(find(r.fingerprint), find(other));
    }
  }
  const clusters = new Map<string, Linkable[]>();
  for (const r of network) {
    const root = find(r.fingerprint);
    const list = clusters.get(root);
    if (list) list.push(r);
    else clusters.set(root, [r]);
  }
  const edges: Array<[string, string]> = [];
  for (const members of clusters.values()) {
    if (members.length < 2) continue;
    const [root, ...rest] = [...members].sort(compareRoots);
    for (const m of rest) edges.push([root!.fingerprint, m.fingerprint]);
  }
  return edges;
}

/**
 * A health check probing another port than the traffic port explains that port being blocked (the fix is to probe
 * the traffic port), as long as nothing blocks the traffic port of the same pool.
 */
function portMismatchEdges(fails: readonly Linkable[]): Array<[string, string]> {
  const edges: Array<[string, string]> = [];
  for (const mismatch of fails.filter((r) => r.checkId === PORT_MISMATCH_CHECK)) {
    const probePort = mismatch.evidence?.observed;
    if (typeof probePort !== 'number') continue;
    const samePool = fails.filter((r) => r.resource.id === mismatch.resource.id);
    const blocked = samePool.filter((r) => r.checkId === HEALTH_PORT_BLOCKED_CHECK);
    const otherPortsBlocked = samePool.some((r) => r.checkId !== HEALTH_PORT_BLOCKED_CHECK && blockedPaths(r).some((p) => p.port !== probePort));
    if (otherPortsBlocked) continue;
    for (const b of blocked) {
      const ports = blockedPaths(b).map((p) => p.port);
      if (ports.length > 0 && ports.every((p) => p === probePort)) edges.push([mismatch.fingerprint, b.fingerprint]);
    }
  }
  return edges;
}

/** Unhealthy-target findings whose every unhealthy target is explained by failing findings on the same pool. */
function healthEdges(fails: readonly Linkable[]): Array<[string, string]> {
  const edges: Array<[string, string]> = [];
  for (const consequence of fails.filter((r) => HEALTH_CONSEQUENCES.includes(r.checkId))) {
    const unhealthy = unhealthyTargets(consequence);
    if (unhealthy.length === 0) continue;
    const candidates = fails.filter((r) => r.resource.id === consequence.resource.id && r !== consequence && !HEALTH_CONSEQUENCES.includes(r.checkId));
    const explainers: Array<{ result: Linkable; covers: (t: { target: string; reason: HealthReasonKind }) => boolean }> = [];
    for (const r of candidates) {
      const rule = HEALTH_EXPLAINERS.find((e) => e.check === r.checkId && (!e.messageIds || e.messageIds.includes(r.messageId)));
      if (!rule) continue;
      const targets = rule.scope === 'targets' ? namedTargets(r) : undefined;
      if (targets && targets.size === 0) continue;
      explainers.push({
        result: r,
        covers: (t) => (!rule.reasons || rule.reasons.includes(t.reason)) && (targets === undefined || targets.has(t.target)),
      });
    }
    const used = explainers.filter((e) => unhealthy.some((t) => e.covers(t)));
    if (used.length === 0 || !unhealthy.every((t) => used.some((e) => e.covers(t)))) continue;
    for (const e of used) edges.push([e.result.fingerprint, consequence.fingerprint]);
  }
  return edges;
}

/**
 * Returns the results with `causedBy` / `explains` set from {@link causalEdges} (and removed where no edge exists
 * any more). Results are copied only when their links change; the input is not mutated.
 */
export function linkCauses<T extends Linkable>(results: readonly T[]): T[] {
  const causedBy = new Map<string, string[]>();
  const explains = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const [cause, consequence] of causalEdges(results)) {
    add(causedBy, consequence, cause);
    add(explains, cause, consequence);
  }
  // Sorted, so the links do not depend on the order the results came in (a merged report equals a single one).
  for (const list of [...causedBy.values(), ...explains.values()]) list.sort();
  return results.map((r) => {
    const by = causedBy.get(r.fingerprint);
    const ex = explains.get(r.fingerprint);
    if (!by && !ex && r.causedBy === undefined && r.explains === undefined) return r;
    const { causedBy: _c, explains: _e, ...rest } = r;
    return { ...rest, ...(by ? { causedBy: by } : {}), ...(ex ? { explains: ex } : {}) } as T;
  });
}
