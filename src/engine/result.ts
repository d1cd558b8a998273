import type { Provider, ResourceKind } from '../model/index.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['pass', 'fail', 'unknown', 'error', 'not_applicable', 'suppressed'] as const;
export type Status = (typeof STATUSES)[number];

export const FAMILIES = ['health', 'targets', 'network', 'tls', 'timeouts', 'evidence'] as const;
export type Family = (typeof FAMILIES)[number];

/** 0 = most severe. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

/** One step more severe, capped at critical. */
export function raiseSeverity(s: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(s) - 1)] ?? 'critical';
}

export interface ResultResource {
  provider: Provider;
  kind: ResourceKind;
  /** Provider-specific type, e.g. `aws-alb`. */
  type: string;
  id: string;
  name: string;
  region?: string;
  account?: string;
  /** The load balancer this finding is about or under, used to group reports. */
  loadBalancerId?: string;
  loadBalancerName?: string;
}

/** A metric value that corroborates (or not) a finding. */
export interface MetricEvidence {
  name: string;
  providerName: string;
  statistic: string;
  /** The series folded over the window: `sum` for counts, `max` for peaks and latencies, `min` for minima. */
  aggregation?: 'sum' | 'max' | 'min';
  value: number;
  unit: 'count' | 'seconds' | 'percent';
  windowSeconds: number;
  /** Per-period points for charts: [iso, value]. Bounded in length. */
  points?: Array<[string, number]>;
}

export interface Evidence {
  /** Path of the offending field, e.g. `targetGroup.healthCheck.intervalSeconds`. */
  path?: string;
  observed?: unknown;
  expected?: unknown;
  /** Where a value came from (api, provider-default, declared, inferred, measured) and its detail. */
  source?: string;
  metrics?: MetricEvidence[];
  /** Anything else a reader needs, as plain key → value. */
  details?: Record<string, unknown>;
}

export interface Remediation {
  summary: string;
  cli?: string;
  terraform?: string;
  console?: string;
}

export interface Suppression {
  reason: string;
  expires?: string;
  by: 'fingerprint' | 'pattern';
}

export interface CheckResult {
  checkId: string;
  family: Family;
  status: Status;
  /** The check's severity for this resource (may be raised by evidence). Pass results keep the check's default. */
  severity: Severity;
  resource: ResultResource;
  /** A full sentence: what was seen, on which resource. */
  message: string;
  /** Message id from the check's `messages` (fail) or a fixed id (`pass`, `unknown`, `not-applicable`, `error`). */
  messageId: string;
  /** The HTTP status codes this issue causes. */
  causes: number[];
  evidence: Evidence;
  remediation: Remediation;
  docs: string[];
  /** Stable across runs: sha256 of check id + resource id + discriminator. */
  fingerprint: string;
  suppression?: Suppression;
}
