/**
 * JUnit XML, so CI systems that already chart test results (Jenkins, GitLab, Azure Pipelines, CircleCI) show audit
 * findings with no plugin: one test case per check × resource, grouped into one suite per check family (or per check).
 * Plain passes and not-applicable results (the ones the JSON report groups) are one test case per check and status,
 * named with their number: 5,000 target groups give some 100,000 of them. Suite counts count the cases written.
 *
 * Status mapping: pass → passed case; fail → <failure type=severity>; error → <error>; unknown → <skipped> (could not
 * decide); not_applicable → <skipped>; suppressed → <skipped message="suppressed: reason">. Every string is escaped,
 * and characters XML 1.0 cannot carry at all are replaced by a visible notation.
 */
import { FAMILIES } from '../engine/result.js';
import { escapeXml, escapeXmlAttr } from './escape.js';
import { describeMetric, docsOf, formatValue } from './format.js';
import { everyResult, foldGroupable } from './passes.js';
import type { Report, ReportResult } from './types.js';


export interface JunitOptions {
  /** One suite per check family (default) or per check. */
  groupBy?: 'family' | 'check';
}

interface Suite {
  name: string;
  results: ReportResult[];
}

/** A test case: one result, or a check's plain passes (or not-applicable results) on `count` resources. */
interface Case {
  result: ReportResult;
  count?: number;
}

/** A suite's results as test cases, the groupable ones folded into one case per check and status. */
function casesOf(results: readonly ReportResult[], report: Report): Case[] {
  const { listed, folded } = foldGroupable(results, report.checks ?? {});
  return [...listed.map((result) => ({ result })), ...folded.map(({ first, count }) => ({ result: first, count }))];
}

function groupName(c: Case & { count: number }): string {
  return `${c.result.status === 'pass' ? 'passed' : 'not applicable'} on ${c.count} resource${c.count === 1 ? '' : 's'}`;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** The body of a failure or error: what was seen, what causes it, the evidence and the fix, as plain text lines. */
function detailText(r: ReportResult, report: Report, byFingerprint: ReadonlyMap<string, ReportResult>): string {
  const e = r.evidence ?? {};
  const lines = [r.message, '', `Resource: ${r.resource.type} ${r.resource.id}`];
  if (r.resource.loadBalancerName) lines.push(`Load balancer: ${r.resource.loadBalancerName}`);
  if (e.path !== undefined) lines.push(`Field: ${e.path}`);
  if (e.observed !== undefined) lines.push(`Observed: ${formatValue(e.observed)}`);
  if (e.expected !== undefined) lines.push(`Expected: ${formatValue(e.expected)}`);
  if (e.source !== undefined) lines.push(`Source: ${e.source}`);
  for (const m of e.metrics ?? []) lines.push(`Metric: ${describeMetric(m)}`);
  for (const [k, v] of Object.entries(e.details ?? {}).filter(([, v]) => v !== undefined)) lines.push(`${k}: ${formatValue(v)}`);
  const link = (fp: string): string => {
    const o = byFingerprint.get(fp);
    return o ? `${fp} (${o.checkId} on ${o.resource.name})` : fp;
  };
  for (const fp of r.causedBy ?? []) lines.push(`Consequence of: ${link(fp)}`);
  for (const fp of r.explains ?? []) lines.push(`Causes: ${link(fp)}`);
  if (r.remediation) {
    lines.push('', `Fix: ${r.remediation.summary}`);
    if (r.remediation.cli) lines.push(`  cli: ${r.remediation.cli}`);
    if (r.remediation.terraform) lines.push(`  terraform: ${r.remediation.terraform}`);
    if (r.remediation.console) lines.push(`  console: ${r.remediation.console}`);
  }
  const docs = docsOf(report, r);
  if (docs.length) lines.push(`Docs: ${docs.join(' ')}`);
  lines.push(`Fingerprint: ${r.fingerprint}`);
  return lines.join('\n');
}

function caseBody(r: ReportResult, report: Report, byFingerprint: ReadonlyMap<string, ReportResult>): string {
  switch (r.status) {
    case 'pass':
      return '';
    case 'fail':
      return `<failure message="${escapeXmlAttr(r.message)}" type="${escapeXmlAttr(r.severity)}">${escapeXml(detailText(r, report, byFingerprint))}</failure>`;
    case 'error':
      return `<error message="${escapeXmlAttr(r.message)}" type="error">${escapeXml(detailText(r, report, byFingerprint))}</error>`;
    case 'unknown':
      return `<skipped message="${escapeXmlAttr(`unknown: ${r.message}`)}"/>`;
    case 'not_applicable':
      return `<skipped message="${escapeXmlAttr(`not applicable: ${r.message}`)}"/>`;
    case 'suppressed': {
      const s = r.suppression;
      const reason = s ? `${s.reason}${s.expires ? ` (until ${s.expires})` : ''}` : 'accepted in the baseline';
      return `<skipped message="${escapeXmlAttr(`suppressed: ${reason}`)}"/>`;
    }
  }
}

function countsOf(cases: readonly Case[]): Counts {
  const results = cases.map((c) => c.result);
  return {
    tests: results.length,
    failures: results.filter((r) => r.status === 'fail').length,
    errors: results.filter((r) => r.status === 'error').length,
    skipped: results.filter((r) => r.status === 'unknown' || r.status === 'not_applicable' || r.status === 'suppressed').length,
  };
}

function countAttrs(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;
}

function suites(report: Report, groupBy: 'family' | 'check'): Suite[] {
  const byName = new Map<string, ReportResult[]>();
  for (const r of everyResult(report)) {
    const name = groupBy === 'family' ? r.family : r.checkId;
    const list = byName.get(name);
    if (list) list.push(r);
    else byName.set(name, [r]);
  }
  const order = (name: string): number => (groupBy === 'family' ? FAMILIES.indexOf(name as (typeof FAMILIES)[number]) : 0);
  return [...byName.entries()]
    .map(([name, results]) => ({ name, results }))
    .sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name));
}

/**
 * Test case names: the resource name, with its id when that differs. CI tools key history on classname + name, so a
 * second finding of one check on one resource (another port, say) gets its fingerprint appended to stay distinct.
 */
function caseNames(all: readonly Case[]): string[] {
  const cases = all.map(({ result: r, count }) => {
    if (count !== undefined) return { base: groupName({ result: r, count }), key: `${r.checkId}\u0000group\u0000${r.status}`, fingerprint: r.fingerprint };
    const base = r.resource.name === r.resource.id ? r.resource.name : `${r.resource.name} (${r.resource.id})`;
    return { base, key: `${r.checkId}\u0000${base}`, fingerprint: r.fingerprint };
  });
  const count = new Map<string, number>();
  for (const c of cases) count.set(c.key, (count.get(c.key) ?? 0) + 1);
  return cases.map((c) => ((count.get(c.key) ?? 0) > 1 ? `${c.base} [${c.fingerprint.slice(0, 8)}]` : c.base));
}

/** Renders the report as JUnit XML. */
export function renderJunit(report: Report, options: JunitOptions = {}): string {
  const groups = suites(report, options.groupBy ?? 'family');
  const byFingerprint = new Map(report.results.map((r) => [r.fingerprint, r]));
  // JUnit's timestamp is an xs:dateTime without zone or fraction; generatedAt is always UTC.
  const timestamp = escapeXmlAttr(report.generatedAt.slice(0, 19));
  const all: Case[] = [];
  const body = groups.map((suite) => {
    const suiteCases = casesOf(suite.results, report);
    all.push(...suiteCases);
    const names = caseNames(suiteCases);
    const cases = suiteCases.map(({ result: r, count }, i) => {
      const open = `<testcase classname="${escapeXmlAttr(r.checkId)}" name="${escapeXmlAttr(names[i] ?? '')}" time="0"`;
      const inner =
        count === undefined
          ? caseBody(r, report, byFingerprint)
          : r.status === 'not_applicable'
            ? `<skipped message="${escapeXmlAttr(`not applicable: ${report.checks?.[r.checkId]?.title ?? r.checkId}`)}"/>`
            : '';
      return inner ? `    ${open}>\n      ${inner}\n    </testcase>` : `    ${open}/>`;
    });
    return [
      `  <testsuite name="${escapeXmlAttr(suite.name)}" ${countAttrs(countsOf(suiteCases))} time="0" timestamp="${timestamp}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  const demo = report.demo ? ' (demo data)' : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXmlAttr(`cloud502 ${report.tool.version}${demo}`)}" ${countAttrs(countsOf(all))} time="0">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
