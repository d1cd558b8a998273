/**
 * Small formatting helpers every renderer shares: durations, scopes, values, metric summaries, and the check
 * metadata a result refers to (from the report's `checks`, or the catalog for reports that predate it).
 */
import type { MetricEvidence } from '../engine/result.js';
import type { Provider } from '../model/index.js';
import type { CheckMeta, Report, ReportResult } from './types.js';
import { docsFor } from './docs.js';

/** What renderers need from the check catalog; `registry.get` fits. */
export interface CheckInfo {
  title: string;
  rationale: string;
  docs?: readonly string[];
}

export type CheckLookup = (checkId: string) => CheckInfo | undefined;

/** 86400 → `24h`, 1800 → `30m`, 604800 → `7d`, 90 → `90s`. */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 86_400 === 0 && seconds >= 2 * 86_400) return `${seconds / 86_400}d`;
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export function scopeLabel(scope: { provider: Provider; account?: string; region?: string }): string {
  return `${scope.provider} ${scope.account ?? 'unknown-account'} ${scope.region ?? 'global'}`;
}

/** `1,234`; fractions as they are. */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(Math.round(n * 1000) / 1000);
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

function withUnit(m: MetricEvidence, v: number): string {
  return m.unit === 'seconds' ? `${formatCount(v)} s` : formatCount(v);
}

/** The provider's metric name with its statistic, once (`AWS/ApplicationELB HTTPCode_ELB_502_Count Sum`). */
export function metricOrigin(m: MetricEvidence): string {
  return m.providerName.endsWith(` ${m.statistic}`) ? m.providerName : `${m.providerName} ${m.statistic}`;
}

/**
 * One metric summary in one line: `lb.http.502 = 103 over 24h, peak 12 at 2026-11-19T14:05:00.000Z (AWS/… Sum)`.
 * A series with no data points says so, which is not the same as a measured 0.
 */
export function describeMetric(m: MetricEvidence): string {
  const window = formatDuration(m.windowSeconds);
  const origin = metricOrigin(m);
  if (m.datapoints === 0) return `${m.name}: no data points over ${window} (${origin})`;
  // Version 1 reports carry neither the fold nor the peak: read them from the statistic and the points.
  const how = m.aggregation ?? (m.statistic === 'Minimum' ? 'min' : m.statistic === 'Sum' && m.unit === 'count' ? 'sum' : 'max');
  let { peak, peakAt } = m;
  if (peak === undefined && m.points?.length) {
    const top = m.points.reduce((a, b) => (b[1] > a[1] ? b : a));
    [peakAt, peak] = top;
  }
  const head =
    how === 'min'
      ? `${m.name} lowest ${withUnit(m, m.value)} over ${window}`
      : how === 'sum'
        ? `${m.name} = ${withUnit(m, m.value)} over ${window}`
        : `${m.name} peak ${withUnit(m, m.value)} over ${window}`;
  const extra: string[] = [];
  if (how === 'sum' && peak !== undefined && m.value > 0) extra.push(`busiest period ${withUnit(m, peak)}${peakAt ? ` at ${peakAt}` : ''}`);
  if (how === 'max' && peakAt !== undefined) extra.push(`at ${peakAt}`);
  if (how === 'max' && m.p99 !== undefined && m.p99 !== m.value) extra.push(`p99 of periods ${withUnit(m, m.p99)}`);
  return `${head}${extra.length ? `, ${extra.join(', ')}` : ''} (${origin})`;
}

/** The catalog entry of a result's check: the report's own `checks` first, then the lookup (older reports). */
export function checkMetaOf(report: Pick<Report, 'checks'>, checkId: string, lookup?: CheckLookup): CheckInfo | undefined {
  const own: CheckMeta | undefined = report.checks?.[checkId];
  if (own) return { title: own.title, rationale: own.rationale, docs: own.docs };
  return lookup?.(checkId);
}

/** Documentation links of a result: its own (version 1 reports), else its check's pages for the result's cloud. */
export function docsOf(report: Pick<Report, 'checks'>, r: Pick<ReportResult, 'checkId' | 'docs' | 'resource'>, lookup?: CheckLookup): readonly string[] {
  return docsFor(r.docs ?? checkMetaOf(report, r.checkId, lookup)?.docs ?? [], r.resource.provider);
}

/** HTTP statuses a result is about (its own, else its check's). */
export function causesOf(report: Pick<Report, 'checks'>, r: Pick<ReportResult, 'checkId' | 'causes'>): readonly number[] {
  return r.causes ?? report.checks?.[r.checkId]?.causes ?? [];
}

/** A path as one shell word, for `explain` hints: bare when it is plain, single-quoted otherwise. */
export function shellWord(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
