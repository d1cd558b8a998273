/**
 * SARIF 2.1.0 (OASIS) for code-scanning dashboards and security tooling: one run, one rule per check of the catalog,
 * one result per failing (or accepted) finding. Resources are cloud objects, not files, so a result's location is a
 * logical location whose fully qualified name is the resource id (ARN, ARM id, selfLink).
 *
 * The stable finding fingerprint goes into `partialFingerprints` so consumers track a finding across runs, and a
 * finding accepted in the baseline carries an external suppression instead of disappearing.
 */
import type { AnyCheck } from '../engine/check.js';
import type { Severity } from '../engine/result.js';
import { neutralizeDeep } from './escape.js';
import { scopeLabel } from './format.js';
import type { CheckMeta, Report, ReportResult } from './types.js';
import type { Provider } from '../model/index.js';
import { docsFor } from './docs.js';

/** What a SARIF rule needs from a check; `registry.all()` fits. */
export type SarifRuleSource = Pick<AnyCheck, 'id' | 'title' | 'family' | 'severity' | 'rationale' | 'docs'>;

export interface SarifOptions {
  /** The check catalog: one rule per check, whether or not it found anything. Result check ids missing here get a bare rule. */
  checks?: readonly SarifRuleSource[];
  /** Also emit `unknown` results, as notes, so undecided checks are visible on a dashboard. */
  includeUnknown?: boolean;
  /** Where the tool is described. */
  informationUri?: string;
}

export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

export interface SarifMessage {
  text: string;
}

export interface SarifRule {
  id: string;
  shortDescription?: SarifMessage;
  fullDescription?: SarifMessage;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; severity?: Severity };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: Array<{ logicalLocations: Array<{ name: string; fullyQualifiedName: string; kind: string }> }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: 'external'; state: 'accepted'; justification: string; properties?: { expires: string } }>;
  properties: Record<string, unknown>;
}

export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  associatedRule?: { id: string };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: 'cloud502'; version: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
    invocations: Array<{ executionSuccessful: boolean; endTimeUtc: string; toolExecutionNotifications: SarifNotification[] }>;
    results: SarifResult[];
    properties: Record<string, unknown>;
  }>;
}

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Key of the cloud502 fingerprint in `partialFingerprints`; the version changes if the fingerprint recipe does. */
export const SARIF_FINGERPRINT_KEY = 'cloud502/v1';

/** The package's registry page: derived from the package name, so it never points at a guessed repository. */
export const DEFAULT_INFORMATION_URI = 'https://www.npmjs.com/package/cloud502';

/** critical/high → error, medium → warning, low/info → note. */
export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
    case 'info':
      return 'note';
  }
}

/** The one cloud a report is about, when it is about one: a rule's help link is then that cloud's page. */
function soleProvider(report: Report): Provider | undefined {
  const providers = new Set(report.scopes.map((s) => s.provider));
  return providers.size === 1 ? [...providers][0] : undefined;
}

function ruleFromCheck(check: SarifRuleSource, provider?: Provider): SarifRule {
  const rule: SarifRule = {
    id: check.id,
    shortDescription: { text: check.title },
    fullDescription: { text: check.rationale },
    defaultConfiguration: { level: sarifLevel(check.severity) },
    properties: { tags: [check.family], severity: check.severity },
  };
  const help = (provider ? docsFor(check.docs, provider)[0] : undefined) ?? check.docs[0];
  if (help) rule.helpUri = help;
  return rule;
}

/** A rule for a check the catalog does not list: from the report's own check metadata, else from the result. */
function ruleFromResult(r: ReportResult, meta: CheckMeta | undefined, provider?: Provider): SarifRule {
  if (meta) return ruleFromCheck({ id: r.checkId, ...meta }, provider);
  const rule: SarifRule = { id: r.checkId, defaultConfiguration: { level: sarifLevel(r.severity) }, properties: { tags: [r.family] } };
  const help = r.docs?.[0];
  if (help) rule.helpUri = help;
  return rule;
}

function resultProperties(r: ReportResult, report: Report): Record<string, unknown> {
  const p: Record<string, unknown> = {
    status: r.status,
    severity: r.severity,
    family: r.family,
    causes: r.causes ?? report.checks?.[r.checkId]?.causes ?? [],
    provider: r.resource.provider,
    resourceKind: r.resource.kind,
    resourceType: r.resource.type,
  };
  if (r.remediation !== undefined) p.remediation = r.remediation.summary;
  // The diagnosis: a consequence names its causes, a cause its consequences (fingerprints, as partialFingerprints).
  if (r.causedBy?.length) p.causedBy = r.causedBy;
  if (r.explains?.length) p.explains = r.explains;
  if (r.resource.account !== undefined) p.account = r.resource.account;
  if (r.resource.region !== undefined) p.region = r.resource.region;
  if (r.resource.loadBalancerId !== undefined) p.loadBalancerId = r.resource.loadBalancerId;
  if (r.resource.loadBalancerName !== undefined) p.loadBalancerName = r.resource.loadBalancerName;
  if (r.remediation?.cli !== undefined) p.remediationCli = r.remediation.cli;
  if (r.remediation?.terraform !== undefined) p.remediationTerraform = r.remediation.terraform;
  return p;
}

function sarifResult(r: ReportResult, ruleIndex: number, report: Report): SarifResult {
  const out: SarifResult = {
    ruleId: r.checkId,
    ruleIndex,
    // SARIF has no "undecided" level; an unknown is shown as a note so it never reads like a failure.
    level: r.status === 'unknown' ? 'note' : sarifLevel(r.severity),
    message: { text: r.message },
    locations: [{ logicalLocations: [{ name: r.resource.name, fullyQualifiedName: r.resource.id, kind: 'resource' }] }],
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: r.fingerprint },
    properties: resultProperties(r, report),
  };
  if (r.status === 'suppressed') {
    const s = r.suppression;
    const justification = s ? `${s.reason}${s.expires ? ` (accepted until ${s.expires})` : ''}` : 'accepted in the baseline';
    out.suppressions = [{ kind: 'external', state: 'accepted', justification, ...(s?.expires ? { properties: { expires: s.expires } } : {}) }];
  }
  return out;
}

/** Tool execution notifications: check errors and coverage gaps, so a partial audit is visible next to its results. */
function notifications(report: Report): SarifNotification[] {
  const out: SarifNotification[] = [];
  for (const r of report.results) {
    if (r.status === 'error') out.push({ level: 'error', message: { text: r.message }, associatedRule: { id: r.checkId } });
  }
  for (const g of report.coverage) {
    const what = g.permission ? `missing permission ${g.permission}` : `${g.code}: ${g.message}`;
    const impact = g.impact ? ` (affects ${g.impact})` : '';
    out.push({ level: 'warning', message: { text: `Not collected in ${scopeLabel(g)}: ${g.api}, ${what}${impact}.` } });
  }
  return out;
}

/** Builds the SARIF log object (see {@link renderSarif} for the string). */
export function buildSarif(report: Report, options: SarifOptions = {}): SarifLog {
  const provider = soleProvider(report);
  const rules = (options.checks ?? []).map((c) => ruleFromCheck(c, provider));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const emitted = report.results.filter(
    (r) => r.status === 'fail' || r.status === 'suppressed' || (options.includeUnknown === true && r.status === 'unknown'),
  );
  const results = emitted.map((r) => {
    let index = ruleIndex.get(r.checkId);
    if (index === undefined) {
      index = rules.push(ruleFromResult(r, report.checks?.[r.checkId], provider)) - 1;
      ruleIndex.set(r.checkId, index);
    }
    return sarifResult(r, index, report);
  });
  const properties: Record<string, unknown> = {
    demo: report.demo,
    source: report.source,
    collectedAt: report.collectedAt,
    scopes: report.scopes,
    summary: report.summary,
  };
  if (report.metricsWindowSeconds !== undefined) properties.metricsWindowSeconds = report.metricsWindowSeconds;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cloud502',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: options.informationUri ?? DEFAULT_INFORMATION_URI,
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt, toolExecutionNotifications: notifications(report) }],
        results,
        properties,
      },
    ],
  };
}

/**
 * Renders the report as a SARIF 2.1.0 log. Every string has its control and format characters (bidi overrides)
 * made visible: code-scanning views render messages as text, where U+202E would reverse them.
 */
export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return `${JSON.stringify(neutralizeDeep(buildSarif(report, options)), null, 2)}\n`;
}
