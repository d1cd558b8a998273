/**
 * The diagnosis of each load balancer, as every format shows it first: what its users see (the 5xx it generated in
 * the metrics window), the root causes ranked by impact, and under each cause the findings that are its
 * consequences (`causedBy` links, see src/engine/causality.ts). Pure.
 */
import { linkCauses } from '../engine/causality.js';
import { describeWindow, observedLbStatus } from '../engine/evidence.js';
import type { Severity, Status } from '../engine/result.js';
import { SEVERITIES, STATUSES, severityRank } from '../engine/result.js';
import type { Inventory, InventoryIndex, Provider } from '../model/index.js';
import { indexInventory, metricSum } from '../model/index.js';
import { expandGroup } from './passes.js';
import type { DiagnosisCause, LoadBalancerDiagnosis, PassedGroup, Report, ReportResult, UsersSee } from './types.js';

/** `1,234` */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(n);
}

function share(errors: number, requests: number | undefined): string {
  if (requests === undefined || requests <= 0) return '';
  const pct = (100 * errors) / requests;
  const shown = pct >= 10 ? String(Math.round(pct)) : pct >= 0.1 ? String(Math.round(pct * 10) / 10) : '< 0.1';
  return ` (${shown} % of ${formatCount(requests)} requests)`;
}

/** What the load balancer's users saw: its own 5xx over the window, from the inventory's metrics. */
export function usersSeeOf(inv: Inventory, loadBalancerId: string, index: InventoryIndex = indexInventory(inv)): UsersSee {
  const window = inv.metricsWindowSeconds;
  const when = `in the last ${describeWindow(window)}`;
  const observed = observedLbStatus(inv, loadBalancerId, index);
  const requests = metricSum(index.metric(loadBalancerId, 'lb.requests'));
  const target = metricSum(index.metric(loadBalancerId, 'target.http.5xx'));
  const out: UsersSee = { measured: observed !== undefined, summary: '' };
  if (window !== undefined) out.windowSeconds = window;
  if (requests !== undefined) out.requests = requests;
  if (target !== undefined) out.targetGenerated5xx = target;
  if (!observed) {
    const lbResets = metricSum(index.metric(loadBalancerId, 'lb.tcp.resets'));
    const targetResets = metricSum(index.metric(loadBalancerId, 'target.tcp.resets'));
    if (lbResets !== undefined || targetResets !== undefined) {
      // A layer-4 load balancer answers no HTTP status: what its clients see is connections reset.
      out.measured = true;
      if (lbResets !== undefined) out.lbResets = lbResets;
      if (targetResets !== undefined) out.targetResets = targetResets;
      const resets = [
        lbResets !== undefined ? `the load balancer reset ${formatCount(lbResets)} TCP connections` : '',
        targetResets !== undefined ? `the targets reset ${formatCount(targetResets)}` : '',
      ].filter(Boolean);
      out.summary = `no HTTP status at layer 4; ${resets.join(', ')} ${when}`;
      return out;
    }
    out.summary = window === 0 || window === undefined ? '5xx not measured: metrics were not collected' : `5xx not measured: no 5xx metric was collected ${when}`;
    return out;
  }
  let errors: number;
  let text: string;
  if (observed.perCode) {
    out.byCode = [...observed.counts].map(([code, count]) => ({ code, count }));
    const seen = out.byCode.filter((c) => c.count > 0);
    errors = seen.reduce((a, c) => a + c.count, 0);
    text = seen.map((c) => `${c.code} × ${formatCount(c.count)}`).join(', ');
  } else {
    errors = observed.counts.get(502) ?? 0;
    out.lbGenerated5xx = errors;
    text = errors > 0 ? `5xx × ${formatCount(errors)} (code not reported)` : '';
  }
  const app = target !== undefined && target > 0 ? `; the targets themselves returned 5xx × ${formatCount(target)}` : '';
  out.summary = errors > 0 ? `${text}${share(errors, requests)} ${when}${app}` : `no LB-generated 5xx ${when}${requests !== undefined ? ` (${formatCount(requests)} requests)` : ''}${app}`;
  return out;
}

function emptyCounts(): Record<Status, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
}

function worse(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/**
 * Root causes of one group with their folded consequences. A root is a failure no other failure of the report causes;
 * a consequence reached from several roots is folded under the highest-ranked one only.
 */
export function foldCauses(results: readonly ReportResult[], failing: ReadonlyMap<string, ReportResult>): DiagnosisCause[] {
  const fails = results.filter((r) => r.status === 'fail');
  const isRoot = (r: ReportResult): boolean => !(r.causedBy ?? []).some((fp) => failing.has(fp));
  const treeOf = (root: ReportResult): string[] => {
    const out: string[] = [];
    const seen = new Set([root.fingerprint]);
    const walk = (r: ReportResult): void => {
      // Worst consequences first, then a stable order.
      const children = (r.explains ?? [])
        .map((fp) => failing.get(fp))
        .filter((x): x is ReportResult => x !== undefined)
        .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.checkId.localeCompare(b.checkId) || a.fingerprint.localeCompare(b.fingerprint));
      for (const child of children) {
        const fp = child.fingerprint;
        if (seen.has(fp)) continue;
        seen.add(fp);
        out.push(fp);
        walk(child);
      }
    };
    walk(root);
    return out;
  };
  const impactOf = (root: ReportResult, tree: readonly string[]): Severity =>
    tree.reduce<Severity>((acc, fp) => worse(acc, failing.get(fp)?.severity ?? acc), root.severity);
  const causes = fails
    .filter(isRoot)
    .map((root) => {
      const tree = treeOf(root);
      return { root, tree, impact: impactOf(root, tree) };
    })
    .sort(
      (a, b) =>
        severityRank(a.impact) - severityRank(b.impact) ||
        severityRank(a.root.severity) - severityRank(b.root.severity) ||
        b.tree.length - a.tree.length ||
        a.root.checkId.localeCompare(b.root.checkId) ||
        a.root.fingerprint.localeCompare(b.root.fingerprint),
    );
  const placed = new Set<string>();
  return causes.map(({ root, tree, impact }) => {
    const consequences = tree.filter((fp) => !placed.has(fp));
    for (const fp of consequences) placed.add(fp);
    return { fingerprint: root.fingerprint, impact, consequences };
  });
}

interface Group {
  entry: LoadBalancerDiagnosis;
  results: ReportResult[];
}

function scopeKey(r: { provider: Provider; account?: string; region?: string }): string {
  return `scope:${r.provider}:${r.account ?? ''}:${r.region ?? ''}`;
}

/** The diagnosis group a result belongs to: its load balancer, or its scope when it has none. */
export function groupKeyOf(r: Pick<ReportResult, 'resource'>): string {
  return r.resource.loadBalancerId ? `lb:${r.resource.loadBalancerId}` : scopeKey(r.resource);
}

/** The key of a diagnosis entry, as {@link groupKeyOf} gives it for its results. */
export function diagnosisKey(d: Pick<LoadBalancerDiagnosis, 'loadBalancerId' | 'provider' | 'account' | 'region'>): string {
  return d.loadBalancerId ? `lb:${d.loadBalancerId}` : scopeKey(d);
}

/**
 * The diagnosis of every load balancer of the inventory (and of the results' load balancers when no inventory is
 * given, as for a saved version 1 report), plus one group per scope for findings tied to no load balancer. Worst
 * first: by the worst impact, then by the number of causes per severity, then by the 5xx users saw, then by name.
 * Expects `results` linked by {@link linkCauses}.
 */
export function diagnose(results: readonly ReportResult[], inv?: Inventory): LoadBalancerDiagnosis[] {
  const index = inv ? indexInventory(inv) : undefined;
  const groups = new Map<string, Group>();
  const failing = new Map(results.filter((r) => r.status === 'fail').map((r) => [r.fingerprint, r]));
  for (const lb of inv?.loadBalancers ?? []) {
    const entry: LoadBalancerDiagnosis = {
      loadBalancerId: lb.ref.id,
      name: lb.ref.name,
      provider: lb.ref.provider,
      type: lb.ref.type,
      worst: null,
      causes: [],
      counts: emptyCounts(),
    };
    if (lb.ref.region !== undefined) entry.region = lb.ref.region;
    if (lb.ref.account !== undefined) entry.account = lb.ref.account;
    entry.usersSee = usersSeeOf(inv!, lb.ref.id, index);
    groups.set(`lb:${lb.ref.id}`, { entry, results: [] });
  }
  for (const r of results) {
    const lbId = r.resource.loadBalancerId;
    const key = groupKeyOf(r);
    let group = groups.get(key);
    if (!group) {
      const entry: LoadBalancerDiagnosis = lbId
        ? { loadBalancerId: lbId, name: r.resource.loadBalancerName ?? lbId, provider: r.resource.provider, worst: null, causes: [], counts: emptyCounts() }
        : { name: [r.resource.account, r.resource.region].filter(Boolean).join(' ') || r.resource.provider, provider: r.resource.provider, worst: null, causes: [], counts: emptyCounts() };
      if (r.resource.region !== undefined) entry.region = r.resource.region;
      if (r.resource.account !== undefined) entry.account = r.resource.account;
      group = { entry, results: [] };
      groups.set(key, group);
    }
    if (lbId && r.resource.kind === 'load-balancer' && r.resource.id === lbId && group.entry.type === undefined) group.entry.type = r.resource.type;
    group.results.push(r);
    group.entry.counts[r.status] += 1;
  }
  for (const { entry, results: own } of groups.values()) {
    entry.causes = foldCauses(own, failing);
    entry.worst = entry.causes[0]?.impact ?? null;
  }
  return [...groups.values()].map((g) => g.entry).sort(compareDiagnoses);
}

function seen5xx(d: LoadBalancerDiagnosis): number {
  return (d.usersSee?.byCode ?? []).reduce((a, c) => a + c.count, 0) + (d.usersSee?.lbGenerated5xx ?? 0);
}

function causesPerSeverity(d: LoadBalancerDiagnosis): number[] {
  return SEVERITIES.map((s) => d.causes.filter((c) => c.impact === s).length);
}

/**
 * Worst first: load balancers before scope groups, then by the worst impact, then by the number of causes per
 * severity, then by the 5xx users saw, then by name.
 */
export function compareDiagnoses(a: LoadBalancerDiagnosis, b: LoadBalancerDiagnosis): number {
  if ((a.loadBalancerId === undefined) !== (b.loadBalancerId === undefined)) return a.loadBalancerId === undefined ? 1 : -1;
  const wa = a.worst === null ? SEVERITIES.length : severityRank(a.worst);
  const wb = b.worst === null ? SEVERITIES.length : severityRank(b.worst);
  if (wa !== wb) return wa - wb;
  const ca = causesPerSeverity(a);
  const cb = causesPerSeverity(b);
  for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) return cb[i]! - ca[i]!;
  return seen5xx(b) - seen5xx(a) || a.name.localeCompare(b.name);
}

/** Root causes per impact over a diagnosis. */
export function causesByImpact(diagnosis: readonly LoadBalancerDiagnosis[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const d of diagnosis) for (const c of d.causes) out[c.impact] += 1;
  return out;
}

/** What every renderer works from: linked results, the diagnosis, and results by fingerprint. */
export interface Diagnosed {
  /** The report's results without its grouped passes. */
  results: ReportResult[];
  diagnosis: LoadBalancerDiagnosis[];
  byFingerprint: Map<string, ReportResult>;
  /** Results per diagnosis entry (see {@link diagnosisKey}), without the grouped passes. */
  byGroup: Map<string, ReportResult[]>;
  /** Every result of a diagnosis entry, its grouped passes expanded (for this entry only, when asked). */
  allOf(d: LoadBalancerDiagnosis): ReportResult[];
}

/**
 * The report's diagnosis, or one derived from its results for a report written before diagnoses existed (links are
 * computed the same way; what users saw is then unknown).
 */
export function diagnosed(report: Report): Diagnosed {
  const linked = report.diagnosis ? report.results : linkCauses(report.results);
  const diagnosis = report.diagnosis ?? diagnose(linked);
  const byFingerprint = new Map<string, ReportResult>();
  const byGroup = new Map<string, ReportResult[]>();
  for (const r of linked) {
    if (!byFingerprint.has(r.fingerprint)) byFingerprint.set(r.fingerprint, r);
    const key = groupKeyOf(r);
    const list = byGroup.get(key);
    if (list) list.push(r);
    else byGroup.set(key, [r]);
  }
  const passedByGroup = new Map<string, PassedGroup[]>();
  for (const g of report.passed ?? []) {
    const key = groupKeyOf(g);
    const list = passedByGroup.get(key);
    if (list) list.push(g);
    else passedByGroup.set(key, [g]);
  }
  const meta = report.checks ?? {};
  const allOf = (d: LoadBalancerDiagnosis): ReportResult[] => {
    const key = diagnosisKey(d);
    return [...(byGroup.get(key) ?? []), ...(passedByGroup.get(key) ?? []).flatMap((g) => expandGroup(g, meta))];
  };
  return { results: linked, diagnosis, byFingerprint, byGroup, allOf };
}
