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

/** A level a metric is judged against, drawn on its chart: e.g. 0 for LB-generated 5xx, the idle timeout for latency. */
export interface MetricThreshold {
  value: number;
  /** What crossing it means, in a few words: `idle timeout 60 s: slower responses get 504`. */
  label: string;
}

/**
 * A metric that corroborates (or not) a finding, summarized over the metrics window: the fold (`value`), and for a
 * series with data points its total, peak and 99th percentile of the periods. Full per-period points only when the
 * audit was asked for them (`--include-series`).
 */
export interface MetricEvidence {
  name: string;
  providerName: string;
  statistic: string;
  /** The series folded over the window: `sum` for counts, `max` for peaks and latencies, `min` for minima. */
  aggregation?: 'sum' | 'max' | 'min';
  /** The fold of the series over the window; 0 when it has no data points (see `datapoints`). */
  value: number;
  unit: 'count' | 'seconds' | 'percent';
  windowSeconds: number;
  /** The LB or pool the series was measured on. */
  resourceId?: string;
  periodSeconds?: number;
  /** Periods with a value; 0 means "collected, no data points", which is not the same as a measured 0. */
  datapoints?: number;
  /** Sum of the periods (counts only). */
  sum?: number;
  /** Highest period value and when it was. */
  peak?: number;
  peakAt?: string;
  /** 99th percentile of the period values (nearest rank). */
  p99?: number;
  threshold?: MetricThreshold;
  /** Per-period points for charts: [iso, value]. Only with `--include-series`; bounded in length. */
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
  /** What tells several results of one check on one resource apart (e.g. a certificate id), when there are several. */
  discriminator?: string;
  suppression?: Suppression;
  /** Fingerprints of the findings this one is a consequence of (set when the report is built). */
  causedBy?: string[];
  /** Fingerprints of the findings that are consequences of this one (the inverse of `causedBy`). */
  explains?: string[];
}
