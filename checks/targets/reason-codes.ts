/**
 * Target health explained in provider-neutral terms: the normalizer sets a neutral cause beside the provider's own code
 * and text (see TargetHealthCause); this module turns the cause into words a reader can act on.
 */
import type { Target, TargetHealth, TargetHealthCause, TargetHealthState } from '../../src/model/index.js';

export interface ReasonExplanation {
  /** The provider's reason code (or its state word), for display. */
  code: string;
  category: TargetHealthCause;
  /** What usually causes it, in words a reader can act on. */
  likelyCause: string;
}

const LIKELY_CAUSE: Readonly<Record<TargetHealthCause, string>> = {
  'health-check-timeout': 'health checks time out: the health-check port is blocked by a network rule or the application answers too slowly',
  'connection-failed': 'connection error or malformed response: nothing listens on the port, the connection is reset, or the reply is not valid HTTP',
  'response-code-mismatch': 'the health check got an unexpected HTTP status: the health-check path or the success codes are wrong',
  'tls-failure': 'the TLS handshake or the backend certificate check failed',
  'dns-failure': 'the backend name does not resolve',
  'health-check-failed': 'the target failed consecutive health checks: health-check port blocked by a network rule, application down or slow, or a wrong health-check target',
  'not-registered': 'the target is not registered with the pool',
  stopped: 'the instance or VM is stopped, deallocated or terminated',
  'not-in-use': 'the target is in a zone the load balancer does not serve, or no load balancer uses the pool',
  'address-unusable': 'the target address is reserved for use by a load balancer',
  draining: 'the target is draining after deregistration',
  initial: 'the target is being registered or has not yet passed its first health checks',
  'health-check-disabled': 'health checks are disabled for the pool',
  'provider-internal': "an error on the provider's side; it usually clears by itself, contact the provider's support if it persists",
  'health-unknown': "the provider could not determine health: often the load balancer's own network (its subnet's rules or routes) is blocked",
  unknown: 'the provider gave no usable reason',
};

/** Explains a target's health: its provider code, its neutral cause and the likely cause in words. */
export function explainHealth(health: TargetHealth): ReasonExplanation {
  const category: TargetHealthCause = health.cause ?? 'unknown';
  const code = health.reason ?? (category === 'unknown' ? 'no reason code' : category);
  const likelyCause = category === 'unknown' && health.description ? `provider says: ${health.description}` : LIKELY_CAUSE[category];
  return { code, category, likelyCause };
}

const STATE_OF_CAUSE: Partial<Record<TargetHealthCause, TargetHealthState>> = {
  'not-in-use': 'unused',
  stopped: 'unused',
  'not-registered': 'unused',
  'address-unusable': 'unused',
  draining: 'draining',
  initial: 'initial',
};

/**
 * The state a target is really in: a provider that reports a stopped, draining or out-of-zone target as merely "out of
 * service" (AWS Classic) is reclassified by its cause, so that it is not counted as failing health checks.
 */
export function effectiveState(health: TargetHealth): TargetHealthState {
  if (health.state === 'healthy') return 'healthy';
  return (health.cause && STATE_OF_CAUSE[health.cause]) || health.state;
}

export interface StateCounts {
  total: number;
  healthy: number;
  unhealthy: number;
  unused: number;
  draining: number;
  initial: number;
  other: number;
}

export function countStates(targets: readonly Target[]): StateCounts {
  const c: StateCounts = { total: targets.length, healthy: 0, unhealthy: 0, unused: 0, draining: 0, initial: 0, other: 0 };
  for (const t of targets) {
    const s = effectiveState(t.health);
    if (s === 'healthy' || s === 'unhealthy' || s === 'unused' || s === 'draining' || s === 'initial') c[s] += 1;
    else c.other += 1;
  }
  return c;
}

/**
 * One line per distinct reason, most frequent first:
 * `Target.Timeout on 2 targets (health checks time out: ...)`.
 */
export function summarizeReasons(targets: readonly Target[]): string {
  const groups = new Map<string, { explanation: ReasonExplanation; count: number }>();
  for (const t of targets) {
    const e = explainHealth(t.health);
    const g = groups.get(e.code);
    if (g) g.count += 1;
    else groups.set(e.code, { explanation: e, count: 1 });
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || a.explanation.code.localeCompare(b.explanation.code))
    .map((g) => `${g.explanation.code} on ${g.count} target${g.count === 1 ? '' : 's'} (${g.explanation.likelyCause})`)
    .join('; ');
}

/** Per-target detail for evidence: key, zone, state, reason, description. */
export function targetHealthDetails(targets: readonly Target[]): Array<Record<string, string | undefined>> {
  return targets.map((t) => ({
    target: t.key,
    zone: t.zone,
    state: t.health.state,
    reason: t.health.reason,
    description: t.health.description,
  }));
}

/** What the observed codes usually mean and what to do, one phrase per kind of code. */
export function adviceFor(codes: readonly number[], grpc: boolean): string {
  if (codes.length === 0) return 'the target description gives no status code: check the health-check path, matcher and the application';
  if (grpc) return 'these are gRPC status codes (12 = UNIMPLEMENTED: no health method at that path): implement it or widen the gRPC success codes';
  const advice: string[] = [];
  const has = (p: (c: number) => boolean): boolean => codes.some(p);
  if (has((c) => c >= 200 && c < 300)) advice.push('2xx: the target answers with a success code the matcher excludes; add it to the matcher');
  if (has((c) => c >= 300 && c < 400)) advice.push('3xx: the path redirects; health-check the real path or accept 200-399');
  if (has((c) => c === 401 || c === 403)) advice.push('401/403: the endpoint requires authentication or blocks the checker; serve an unauthenticated health endpoint');
  if (has((c) => c === 404)) advice.push('404: the path does not exist on the target; fix the health-check path');
  if (has((c) => c >= 400 && c < 500 && c !== 401 && c !== 403 && c !== 404)) {
    advice.push('other 4xx: the target rejects the request, often a vhost-only server (some load balancers send the target IP as Host); add a default vhost or a host-agnostic endpoint');
  }
  if (has((c) => c >= 500)) advice.push('5xx: the application fails on the health path; fix it or its dependencies');
  return advice.join('; ');
}
