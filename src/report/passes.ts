/**
 * Compact passes in the JSON report. An estate of 5,000 target groups has about 100,000 passing results, each of
 * which would repeat its resource, message and fingerprint. On the wire they are grouped by resource instead
 * (`passed: [{ resource, checks }]`): a pass whose message is the check's own ("<name>: <title>.") and that carries no
 * evidence is written as its check id (with its discriminator when it has one), and read back as the same result —
 * the fingerprint is recomputed from check id, resource id and discriminator. Any other pass stays in `results`.
 */
import { fingerprint } from '../engine/fingerprint.js';
import type { Family, ResultResource } from '../engine/result.js';
import { FAMILIES } from '../engine/result.js';
import type { CheckMeta, Report, ReportResult } from './types.js';

/** A check that passed on a resource: its id, or [id, discriminator]. */
export type PassedCheck = string | [checkId: string, discriminator: string];

export interface PassedGroup {
  resource: ResultResource;
  checks: PassedCheck[];
}

/** The message the engine gives a pass (`run.ts`), which is what makes a pass rebuildable from its check id. */
function defaultPassMessage(resourceName: string, title: string): string {
  return `${resourceName}: ${title}.`;
}

function familyOf(checkId: string): Family | undefined {
  const family = checkId.split('/')[0];
  return (FAMILIES as readonly string[]).includes(family ?? '') ? (family as Family) : undefined;
}

/** True when the wire form can carry the pass and give back exactly this result. */
export function isGroupable(r: ReportResult, meta: Readonly<Record<string, CheckMeta>>): boolean {
  const m = meta[r.checkId];
  if (r.status !== 'pass' || !m || r.messageId !== 'pass') return false;
  if (r.severity !== m.severity || r.family !== m.family || familyOf(r.checkId) !== m.family) return false;
  if (r.message !== defaultPassMessage(r.resource.name, m.title)) return false;
  if (r.evidence || r.remediation || r.causes || r.docs || r.causedBy || r.explains || r.suppression) return false;
  return r.fingerprint === fingerprint(r.checkId, r.resource.id, r.discriminator);
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
    const key = JSON.stringify(r.resource);
    let group = groups.get(key);
    if (!group) {
      group = { resource: r.resource, checks: [] };
      groups.set(key, group);
    }
    group.checks.push(r.discriminator ? [r.checkId, r.discriminator] : r.checkId);
  }
  return { rest, passed: [...groups.values()] };
}

/** The results a group stands for. */
export function expandGroup(group: PassedGroup, meta: Readonly<Record<string, CheckMeta>>): ReportResult[] {
  return group.checks.map((c) => {
    const [checkId, discriminator] = typeof c === 'string' ? [c, undefined] : c;
    const m = meta[checkId];
    if (!m) throw new Error(`passed check ${checkId} has no entry in the report's checks`);
    const r: ReportResult = {
      checkId,
      family: m.family,
      status: 'pass',
      severity: m.severity,
      resource: group.resource,
      message: defaultPassMessage(group.resource.name, m.title),
      messageId: 'pass',
      fingerprint: fingerprint(checkId, group.resource.id, discriminator),
    };
    if (discriminator) r.discriminator = discriminator;
    return r;
  });
}

/** A report as JSON carries it: `results` without the grouped passes, and `passed`. */
export type WireReport = Report & { passed?: PassedGroup[] };

/**
 * A report read from JSON, with its grouped passes back in `results` (after the other passes, in the order written).
 * Reports without `passed` (version 1, or nothing to group) come back unchanged.
 */
export function expandPassed(wire: WireReport): Report {
  const { passed, ...report } = wire;
  if (!passed?.length) return report;
  const meta = report.checks ?? {};
  const expanded = passed.flatMap((g) => expandGroup(g, meta));
  // Passes come after suppressed results and before not-applicable ones, as the report sorts them (see buildReport).
  const results = [...report.results.filter((r) => r.status !== 'not_applicable'), ...expanded, ...report.results.filter((r) => r.status === 'not_applicable')];
  return { ...report, results };
}

/** Parses the text of a JSON report (trusted: tests, tools) into a report with its passes back in `results`. */
export function parseReportJson(text: string): Report {
  return expandPassed(JSON.parse(text) as WireReport);
}
