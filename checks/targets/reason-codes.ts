/**
 * Target health reason codes mapped to their likely causes, shared by the targets and health families.
 *
 * ELBv2 codes: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html.
 * Classic Load Balancer `DescribeInstanceHealth` has no reason codes of that kind: `ReasonCode` is only `ELB`, `Instance`
 * or `N/A`, and the cause is in the fixed `Description` texts
 * (https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_InstanceState.html), matched here.
 */
import type { Target, TargetHealth, TargetHealthState } from '../../src/model/index.js';

export type ReasonCategory =
  | 'response-code'
  | 'timeout'
  | 'connection-or-malformed'
  | 'failed-health-checks'
  | 'provider-internal'
  | 'not-in-use'
  | 'invalid-state'
  | 'not-registered'
  | 'ip-unusable'
  | 'deregistering'
  | 'initial'
  | 'health-check-disabled'
  | 'unspecified';

export interface ReasonExplanation {
  /** The provider's reason code, or for a Classic instance `OutOfService (<ReasonCode>)`. */
  code: string;
  category: ReasonCategory;
  /** What usually causes it, in words a reader can act on. */
  likelyCause: string;
}

const ELBV2: Record<string, { category: ReasonCategory; likelyCause: string }> = {
  'Target.Timeout': {
    category: 'timeout',
    likelyCause: 'health checks time out: the health-check port is blocked (security group or network ACL) or the application answers too slowly',
  },
  'Target.FailedHealthChecks': {
    category: 'connection-or-malformed',
    likelyCause: 'connection error or malformed response: nothing listens on the port, the connection is reset, or the reply is not valid HTTP',
  },
  'Target.ResponseCodeMismatch': {
    category: 'response-code',
    likelyCause: 'the health check got an unexpected HTTP status: the health-check path or the success-code matcher is wrong',
  },
  'Elb.InternalError': {
    category: 'provider-internal',
    likelyCause: 'an internal error on the provider side; it usually clears by itself, contact AWS support if it persists',
  },
  'Target.NotInUse': {
    category: 'not-in-use',
    likelyCause: "the target is in an Availability Zone that is not enabled on the load balancer, or no load balancer uses the target group",
  },
  'Target.InvalidState': { category: 'invalid-state', likelyCause: 'the instance is stopped or terminated' },
  'Target.NotRegistered': { category: 'not-registered', likelyCause: 'the target is not registered with the target group' },
  'Target.IpUnusable': { category: 'ip-unusable', likelyCause: 'the target IP address is reserved for use by a load balancer' },
  'Target.DeregistrationInProgress': { category: 'deregistering', likelyCause: 'the target is draining after deregistration' },
  'Elb.RegistrationInProgress': { category: 'initial', likelyCause: 'the target is being registered' },
  'Elb.InitialHealthChecking': { category: 'initial', likelyCause: 'the target has not yet passed its first health checks' },
  'Target.HealthCheckDisabled': { category: 'health-check-disabled', likelyCause: 'health checks are disabled for the target group' },
};

/** Classic `InstanceState.Description` texts (matched case-insensitively on a distinctive fragment). */
const CLASSIC: Array<{ fragment: string; category: ReasonCategory; likelyCause: string }> = [
  {
    fragment: 'failed at least the unhealthythreshold',
    category: 'failed-health-checks',
    likelyCause: 'the instance failed consecutive health checks: ping port blocked (security group or network ACL), application down or slow, or a wrong ping target',
  },
  { fragment: 'has not passed the configured healthythreshold', category: 'initial', likelyCause: 'the instance has not yet passed enough health checks' },
  { fragment: 'registration is still in progress', category: 'initial', likelyCause: 'the instance is being registered' },
  { fragment: 'pending state', category: 'initial', likelyCause: 'the instance is still starting' },
  {
    fragment: 'availability zone for which loadbalancer is not configured',
    category: 'not-in-use',
    likelyCause: 'the instance is in an Availability Zone that is not enabled on the load balancer',
  },
  { fragment: 'disable availability zone is currently in progress', category: 'not-in-use', likelyCause: "the instance's Availability Zone is being disabled on the load balancer" },
  { fragment: 'not currently registered', category: 'not-registered', likelyCause: 'the instance is not registered with the load balancer' },
  { fragment: 'deregistration currently in progress', category: 'deregistering', likelyCause: 'the instance is draining after deregistration' },
  { fragment: 'stopped state', category: 'invalid-state', likelyCause: 'the instance is stopped' },
  { fragment: 'terminated state', category: 'invalid-state', likelyCause: 'the instance is terminated' },
  { fragment: 'transient error', category: 'provider-internal', likelyCause: 'a transient error on the provider side' },
];

/** Explains a target's health: its reason code, a category and the likely cause. */
export function explainHealth(health: TargetHealth): ReasonExplanation {
  const known = health.reason ? ELBV2[health.reason] : undefined;
  if (health.reason && known) return { code: health.reason, ...known };
  const description = health.description?.toLowerCase() ?? '';
  const classic = description ? CLASSIC.find((c) => description.includes(c.fragment)) : undefined;
  if (classic) {
    const code = health.reason && health.reason !== 'N/A' ? `OutOfService (${health.reason})` : 'OutOfService';
    return { code, category: classic.category, likelyCause: classic.likelyCause };
  }
  return {
    code: health.reason ?? 'no reason code',
    category: 'unspecified',
    likelyCause: health.description ? `provider says: ${health.description}` : 'the provider gave no reason',
  };
}

const STATE_OF_CATEGORY: Partial<Record<ReasonCategory, TargetHealthState>> = {
  'not-in-use': 'unused',
  'invalid-state': 'unused',
  'not-registered': 'unused',
  'ip-unusable': 'unused',
  deregistering: 'draining',
  initial: 'initial',
};

/**
 * The state a target is really in. ELBv2 states are used as given; a Classic `OutOfService` instance that is stopped,
 * draining or in a disabled zone is reclassified from its description, so that it is not counted as failing health checks.
 */
export function effectiveState(health: TargetHealth): TargetHealthState {
  if (health.state === 'healthy') return 'healthy';
  return STATE_OF_CATEGORY[explainHealth(health).category] ?? health.state;
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

/** The ELBv2 reason code of a health check answered with a status outside the matcher. */
export const RESPONSE_CODE_MISMATCH = 'Target.ResponseCodeMismatch';

/** Status codes from a description such as `Health checks failed with these codes: [301]`. */
export function codesFromDescription(description: string | undefined): number[] {
  const list = description?.match(/\[([^\]]*)\]/)?.[1];
  if (!list) return [];
  return list
    .split(/[,\s]+/)
    .filter((s) => /^\d{1,3}$/.test(s))
    .map(Number);
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
    advice.push('other 4xx: the target rejects the request, often a vhost-only server (ALB checks send Host: <target IP>:<port>); add a default vhost or a host-agnostic endpoint');
  }
  if (has((c) => c >= 500)) advice.push('5xx: the application fails on the health path; fix it or its dependencies');
  return advice.join('; ');
}
