/**
 * Compact passes, in the report and in the JSON. An estate of 5,000 target groups has about 100,000 passing (and
 * not-applicable) results, each of which would repeat its resource, status, severity and fingerprint. They are grouped
 * by resource instead (`passed: [{ resource, checks }]`), in memory as on the wire, and read back as the same results:
 * the fingerprint is recomputed from check id, resource id and discriminator, the family and severity come from the
 * report's `checks`. An entry is the check id alone for a pass whose message is the check's own ("<name>: <title>."),
 * `[id, discriminator]` for such a pass with a discriminator, and `{ check, discriminator?, message?, status? }` otherwise.
 * Checks of a pool discriminate by its load balancer: that discriminator is written as `@lb` after the check id
 * (`targets/unhealthy-targets@lb`) instead of the load balancer's id. Results with evidence, a fix or links stay in
 * `results`.
 */
import { fingerprint } from '../engine/fingerprint.js';
import type { Family, ResultResource } from '../engine/result.js';
import { FAMILIES } from '../engine/result.js';
import type { CheckMeta, PassedCheck, PassedGroup, Report, ReportResult } from './types.js';

export type { PassedCheck, PassedGroup };

/** The message the engine gives a pass (`run.ts`), which is what makes a pass rebuildable from its check id. */
function defaultPassMessage(resourceName: string, title: string): string {
  return `${resourceName}: ${title}.`;
}

function familyOf(checkId: string): Family | undefined {
  const family = checkId.split('/')[0];
  return (FAMILIES as readonly string[]).includes(family ?? '') ? (family as Family) : undefined;
}

const MESSAGE_ID = { pass: 'pass', not_applicable: 'not-applicable' } as const;

/** True when the wire form can carry the result and give back exactly this result. */
export function isGroupable(r: ReportResult, meta: Readonly<Record<string, CheckMeta>>): boolean {
  const m = meta[r.checkId];
  if ((r.status !== 'pass' && r.status !== 'not_applicable') || !m || r.messageId !== MESSAGE_ID[r.status]) return false;
  if (r.severity !== m.severity || r.family !== m.family || familyOf(r.checkId) !== m.family) return false;
  if (r.evidence || r.remediation || r.causes || r.docs || r.causedBy || r.explains || r.suppression) return false;
  return r.fingerprint === fingerprint(r.checkId, r.resource.id, r.discriminator);
}

/** The suffix that stands for "discriminated by the resource's load balancer". */
const BY_LB = '@lb';

/** One `<id>@lb` string per check, shared by every entry that uses it. */
const byLbIds = new Map<string, string>();

function byLbId(checkId: string): string {
  let id = byLbIds.get(checkId);
  if (id === undefined) {
    id = `${checkId}${BY_LB}`;
    byLbIds.set(checkId, id);
  }
  return id;
}

function entryOf(r: ReportResult, meta: Readonly<Record<string, CheckMeta>>): PassedCheck {
  const byLb = r.discriminator !== undefined && r.discriminator === r.resource.loadBalancerId;
  const check = byLb ? byLbId(r.checkId) : r.checkId;
  const discriminator = byLb ? undefined : r.discriminator;
  const plain = r.status === 'pass' && r.message === defaultPassMessage(r.resource.name, meta[r.checkId]!.title);
  if (plain) return discriminator ? [check, discriminator] : check;
  return {
    check,
    ...(discriminator ? { discriminator } : {}),
    message: r.message,
    ...(r.status === 'not_applicable' ? { status: 'not_applicable' as const } : {}),
  };
}

/** Group keys by resource object: results of one resource usually share it, so each is serialized once. */
const resourceKeys = new WeakMap<ResultResource, string>();

function resourceKey(resource: ResultResource): string {
  let key = resourceKeys.get(resource);
  if (key === undefined) {
    key = JSON.stringify(resource);
    resourceKeys.set(resource, key);
  }
  return key;
}

/** Splits results into what stays in `results` and the grouped passes. */
export function groupPasses(results: readonly ReportResult[], meta: Readonly<Record<string, CheckMeta>>): { rest: ReportResult[]; passed: PassedGroup[] } {
  const rest: ReportResult[] = [];
  const groups = new Map<string, PassedGroup>();
  for (const r of results) {
    if (!isGroupable(r, meta)) {
      rest.push(r);
      continue;
    }
    // Same resource, same group: the resource object is compared whole, so nothing about it is lost.
    const key = resourceKey(r.resource);
    let group = groups.get(key);
    if (!group) {
      group = { resource: r.resource, checks: [] };
      groups.set(key, group);
    }
    group.checks.push(entryOf(r, meta));
  }
  return { rest, passed: [...groups.values()] };
}

/** Plain passes (or not-applicable results) of one check, as formats that count them show them. */
export interface FoldedResults {
  /** The first of them, in report order: what they share. */
  first: ReportResult;
  count: number;
}

/**
 * Results as a format lists them: every result that is not a plain pass one by one (`listed`, in order), and the plain
 * passes and not-applicable results folded per check and status (`folded`, in order of first appearance).
 */
export function foldGroupable(results: Iterable<ReportResult>, meta: Readonly<Record<string, CheckMeta>>): { listed: ReportResult[]; folded: FoldedResults[] } {
  const listed: ReportResult[] = [];
  const folded = new Map<string, FoldedResults>();
  for (const r of results) {
    if (!isGroupable(r, meta)) {
      listed.push(r);
      continue;
    }
    const key = `${r.checkId}\u0000${r.status}`;
    const group = folded.get(key);
    if (group) group.count += 1;
    else folded.set(key, { first: r, count: 1 });
  }
  return { listed, folded: [...folded.values()] };
}

/** The results a group stands for. */
export function expandGroup(group: PassedGroup, meta: Readonly<Record<string, CheckMeta>>): ReportResult[] {
  return group.checks.map((c) => {
    const written = typeof c === 'string' ? { check: c } : Array.isArray(c) ? { check: c[0], discriminator: c[1] } : c;
    const byLb = written.check.endsWith(BY_LB);
    const checkId = byLb ? written.check.slice(0, -BY_LB.length) : written.check;
    const entry = { ...written, check: checkId, ...(byLb && group.resource.loadBalancerId ? { discriminator: group.resource.loadBalancerId } : {}) };
    const m = meta[entry.check];
    if (!m) throw new Error(`passed check ${entry.check} has no entry in the report's checks`);
    const status = entry.status ?? 'pass';
    const r: ReportResult = {
      checkId: entry.check,
      family: m.family,
      status,
      severity: m.severity,
      resource: group.resource,
      message: entry.message ?? defaultPassMessage(group.resource.name, m.title),
      messageId: MESSAGE_ID[status],
      fingerprint: fingerprint(entry.check, group.resource.id, entry.discriminator),
    };
    if (entry.discriminator) r.discriminator = entry.discriminator;
    return r;
  });
}

/** The grouped passes of a report as results, one group at a time. */
export function* passedResults(report: Report): Generator<ReportResult> {
  const meta = report.checks ?? {};
  for (const group of report.passed ?? []) yield* expandGroup(group, meta);
}

/** Every result of a report: `results`, then the grouped passes. */
export function* everyResult(report: Report): Generator<ReportResult> {
  yield* report.results;
  yield* passedResults(report);
}

/**
 * The report with its grouped passes back in `results` (after the other results, in the order written), for readers
 * that want one list. Reports without `passed` (version 1, or nothing to group) come back unchanged.
 */
export function expandPassed(report: Report): Report {
  const { passed, ...rest } = report;
  if (passed === undefined) return report;
  if (!passed.length) return rest;
  return { ...rest, results: [...everyResult(report)] };
}

/** Parses the text of a JSON report (trusted: tests, tools) into a report with its passes back in `results`. */
export function parseReportJson(text: string): Report {
  return expandPassed(JSON.parse(text) as Report);
}
