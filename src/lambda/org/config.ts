/**
 * Configuration of the three functions of an organization audit (plan, worker, merge): environment variables only,
 * read and validated at cold start; every problem is one line starting with the variable's name.
 *
 * Shared: CLOUD502_BUCKET (required), CLOUD502_PREFIX (`cloud502/`), AWS_ENDPOINT_URL.
 *
 * | step | variable | meaning | default |
 * | --- | --- | --- | --- |
 * | plan | CLOUD502_ACCOUNTS_KEY | key of an accounts file in the bucket, instead of AWS Organizations | Organizations |
 * | plan | CLOUD502_ORG_UNITS | OU or root ids (`ou-…`, `r-…`); their accounts, nested OUs included | the whole organization |
 * | plan | CLOUD502_ACCOUNT_TAGS | `key=value,…`: only accounts carrying every one of these tags | no filter |
 * | plan | CLOUD502_SKIP_ACCOUNTS | account ids never audited (e.g. the management account) | none |
 * | plan | CLOUD502_AUDIT_ROLE_NAME | the member accounts' audit role | `cloud502-audit` |
 * | plan | CLOUD502_EXTERNAL_ID | ExternalId of every AssumeRole | none |
 * | plan | CLOUD502_REGIONS | `all`, or regions; crossed with each account's enabled regions | `all` |
 * | plan | CLOUD502_DISCOVERY_CONCURRENCY | accounts whose regions are looked up at once | 8 |
 * | worker | CLOUD502_CHECKS, CLOUD502_SKIP_CHECKS, CLOUD502_METRICS_WINDOW, CLOUD502_CONCURRENCY, CLOUD502_CONFIG_JSON / CLOUD502_CONFIG_KEY, CLOUD502_SAFETY_MARGIN_MS | as in the single-invocation mode | |
 * | worker | CLOUD502_ITEM_CONCURRENCY | items of one batch audited at once | 4 |
 * | merge | CLOUD502_FORMATS | report formats besides JSON: html, markdown, csv, sarif, junit, text | `html,markdown` |
 * | merge | CLOUD502_TOPIC_ARN, CLOUD502_NOTIFY_SEVERITY | new findings to SNS, as in the single mode | none, `high` |
 */
import { checkEndpointUrl } from '../../config/values.js';
import type { CheckRegistry, Severity } from '../../engine/index.js';
import { SEVERITIES } from '../../engine/index.js';
import { isReportFormat, type ReportFormat } from '../../report/render.js';
import { validateRegions } from '../../../providers/aws/regions.js';
import type { AuditConfigSource } from '../config.js';
import { auditConfigSource, readAuditSettings, DEFAULT_NOTIFY_SEVERITY, DEFAULT_PREFIX, DEFAULT_SAFETY_MARGIN_MS } from '../config.js';
import type { Env } from '../env.js';
import { EnvConfigError, getEnumFromEnv, getIntegerFromEnv, getListFromEnv, getOptionalStringFromEnv, getStringFromEnv, withVariable } from '../env.js';
import { ACCOUNT_ID } from './items.js';

export const ORG_STEPS = ['plan', 'worker', 'merge'] as const;
export type OrgStep = (typeof ORG_STEPS)[number];
export const STEP_VARIABLE = 'CLOUD502_ORG_STEP';

export const DEFAULT_AUDIT_ROLE_NAME = 'cloud502-audit';
export const DEFAULT_DISCOVERY_CONCURRENCY = 8;
export const DEFAULT_ITEM_CONCURRENCY = 4;
export const DEFAULT_FORMATS: readonly ReportFormat[] = ['html', 'markdown'];

export interface OrgCommonConfig {
  bucket: string;
  /** Empty or ending in `/`. */
  prefix: string;
  endpointUrl?: string;
}

export type AccountSource =
  | { kind: 'organizations'; organizationalUnitIds: string[]; tags: Record<string, string> }
  | { kind: 's3'; key: string };

export interface PlanConfig extends OrgCommonConfig {
  accounts: AccountSource;
  skipAccounts: string[];
  auditRoleName: string;
  externalId?: string;
  /** `all`, or the regions to audit where they are enabled. */
  regions: 'all' | string[];
  /** The function's region: STS and region discovery calls go there. */
  homeRegion: string;
  discoveryConcurrency: number;
}

export interface WorkerConfig extends OrgCommonConfig {
  include?: string[];
  exclude?: string[];
  metricsWindowSeconds: number;
  concurrency: number;
  auditConfig: AuditConfigSource;
  safetyMarginMs: number;
  itemConcurrency: number;
}

export interface MergeConfig extends OrgCommonConfig {
  /** JSON is always written; these are the other formats. */
  formats: ReportFormat[];
  topicArn?: string;
  notifySeverity: Severity;
}

// S3 bucket naming rules (general purpose buckets): 3-63 characters, lower case, digits, dots, hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// arn:partition:sns:region:account:name (a FIFO topic ends in .fifo).
const TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;
// Organizations: "ou-" + 4-32 lower-case letters or digits (the root id part) + "-" + 8-32 more; roots "r-" + 4-32.
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
// IAM role names (1-64 of letters, digits and +=,.@_-), optionally under a path.
const ROLE_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** The step of this function (CLOUD502_ORG_STEP). */
export function readStep(env: Env): OrgStep {
  const step = getOptionalStringFromEnv({ env, key: STEP_VARIABLE });
  if (step === undefined) throw new EnvConfigError(STEP_VARIABLE, `is required (one of ${ORG_STEPS.join(', ')})`);
  return getEnumFromEnv({ env, key: STEP_VARIABLE, allowed: ORG_STEPS, defaultValue: 'plan' });
}

function readCommon(env: Env): OrgCommonConfig {
  const endpointUrl = withVariable('AWS_ENDPOINT_URL', () => {
    const value = getOptionalStringFromEnv({ env, key: 'AWS_ENDPOINT_URL' });
    return value === undefined ? undefined : checkEndpointUrl(value);
  });
  const bucket = getStringFromEnv({ env, key: 'CLOUD502_BUCKET', description: 'the S3 bucket of the reports and of the run files' });
  if (!BUCKET.test(bucket)) throw new EnvConfigError('CLOUD502_BUCKET', `"${bucket}" is not an S3 bucket name`);
  const prefix = getStringFromEnv({ env, key: 'CLOUD502_PREFIX', defaultValue: DEFAULT_PREFIX });
  if (prefix.startsWith('/')) throw new EnvConfigError('CLOUD502_PREFIX', `must not start with "/", got "${prefix}"`);
  return { bucket, prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, ...(endpointUrl !== undefined ? { endpointUrl } : {}) };
}

function readTags(env: Env): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of getListFromEnv({ env, key: 'CLOUD502_ACCOUNT_TAGS' })) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq).trim();
    if (key === '' || key.length > 128 || pair.length - eq - 1 > 256) {
      throw new EnvConfigError('CLOUD502_ACCOUNT_TAGS', `"${pair}" is not key=value (key 1-128 characters, value at most 256)`);
    }
    tags[key] = pair.slice(eq + 1).trim();
  }
  return tags;
}

function readAccountSource(env: Env): AccountSource {
  const key = getOptionalStringFromEnv({ env, key: 'CLOUD502_ACCOUNTS_KEY' });
  const units = getListFromEnv({ env, key: 'CLOUD502_ORG_UNITS' });
  const bad = units.find((u) => !OU_ID.test(u) && !ROOT_ID.test(u));
  if (bad !== undefined) throw new EnvConfigError('CLOUD502_ORG_UNITS', `"${bad}" is not an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)`);
  const tags = readTags(env);
  if (key === undefined) return { kind: 'organizations', organizationalUnitIds: units, tags };
  if (units.length > 0 || Object.keys(tags).length > 0) {
    throw new EnvConfigError('CLOUD502_ACCOUNTS_KEY', 'lists the accounts itself; CLOUD502_ORG_UNITS and CLOUD502_ACCOUNT_TAGS filter AWS Organizations and cannot be combined with it');
  }
  return { kind: 's3', key };
}

/** @throws EnvConfigError for the first bad value. */
export function readPlanConfig(env: Env): PlanConfig {
  const common = readCommon(env);
  const accounts = readAccountSource(env);
  const skipAccounts = getListFromEnv({ env, key: 'CLOUD502_SKIP_ACCOUNTS' });
  const badAccount = skipAccounts.find((a) => !ACCOUNT_ID.test(a));
  if (badAccount !== undefined) throw new EnvConfigError('CLOUD502_SKIP_ACCOUNTS', `"${badAccount}" is not a 12-digit account id`);
  const auditRoleName = getStringFromEnv({ env, key: 'CLOUD502_AUDIT_ROLE_NAME', defaultValue: DEFAULT_AUDIT_ROLE_NAME });
  if (!ROLE_NAME.test(auditRoleName)) throw new EnvConfigError('CLOUD502_AUDIT_ROLE_NAME', `"${auditRoleName}" is not an IAM role name`);
  const externalId = getOptionalStringFromEnv({ env, key: 'CLOUD502_EXTERNAL_ID' });
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw new EnvConfigError('CLOUD502_EXTERNAL_ID', 'must be 2 to 1,224 characters of letters, digits and +=,.@:/-');
  }
  const homeRegion = getStringFromEnv({ env, key: 'AWS_REGION', description: 'the region STS and region discovery calls go to; Lambda sets it' });
  const endpointOverride = common.endpointUrl !== undefined;
  withVariable('AWS_REGION', () => validateRegions([homeRegion], { endpointOverride, env }));
  const listed = getListFromEnv({ env, key: 'CLOUD502_REGIONS' });
  let regions: 'all' | string[] = 'all';
  if (listed.length > 0 && !(listed.length === 1 && listed[0] === 'all')) {
    if (listed.includes('all')) throw new EnvConfigError('CLOUD502_REGIONS', '"all" cannot be combined with region names');
    withVariable('CLOUD502_REGIONS', () => validateRegions(listed, { endpointOverride, env }));
    regions = listed;
  }
  const discoveryConcurrency = getIntegerFromEnv({ env, key: 'CLOUD502_DISCOVERY_CONCURRENCY', defaultValue: DEFAULT_DISCOVERY_CONCURRENCY, min: 1, max: 64 });
  return {
    ...common,
    accounts,
    skipAccounts,
    auditRoleName,
    ...(externalId !== undefined ? { externalId } : {}),
    regions,
    homeRegion,
    discoveryConcurrency,
  };
}

/** @throws EnvConfigError (or a ConfigError naming the variable) for the first bad value. */
export function readWorkerConfig(env: Env, registry: CheckRegistry): WorkerConfig {
  const common = readCommon(env);
  const { include, exclude, metricsWindowSeconds, concurrency } = readAuditSettings(env, registry);
  const auditConfig = auditConfigSource(env, registry);
  const safetyMarginMs = getIntegerFromEnv({ env, key: 'CLOUD502_SAFETY_MARGIN_MS', defaultValue: DEFAULT_SAFETY_MARGIN_MS, min: 1_000, max: 600_000, unit: 'milliseconds' });
  const itemConcurrency = getIntegerFromEnv({ env, key: 'CLOUD502_ITEM_CONCURRENCY', defaultValue: DEFAULT_ITEM_CONCURRENCY, min: 1, max: 25 });
  return {
    ...common,
    ...(include.length ? { include } : {}),
    ...(exclude.length ? { exclude } : {}),
    metricsWindowSeconds,
    concurrency,
    auditConfig,
    safetyMarginMs,
    itemConcurrency,
  };
}

/** `md` is accepted for `markdown`, as the single mode's file names suggest. */
function readFormats(env: Env): ReportFormat[] {
  const listed = getListFromEnv({ env, key: 'CLOUD502_FORMATS' });
  if (listed.length === 0) return [...DEFAULT_FORMATS];
  const formats = new Set<ReportFormat>();
  for (const name of listed) {
    const format = name === 'md' ? 'markdown' : name;
    if (!isReportFormat(format)) throw new EnvConfigError('CLOUD502_FORMATS', `unknown format "${name}" (json, html, markdown, csv, sarif, junit, text)`);
    if (format !== 'json') formats.add(format);
  }
  return [...formats];
}

/** @throws EnvConfigError for the first bad value. */
export function readMergeConfig(env: Env): MergeConfig {
  const common = readCommon(env);
  const formats = readFormats(env);
  const topicArn = getOptionalStringFromEnv({ env, key: 'CLOUD502_TOPIC_ARN' });
  if (topicArn !== undefined && !TOPIC_ARN.test(topicArn)) {
    throw new EnvConfigError('CLOUD502_TOPIC_ARN', `"${topicArn}" is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)`);
  }
  const notifySeverity = getEnumFromEnv({ env, key: 'CLOUD502_NOTIFY_SEVERITY', allowed: SEVERITIES, defaultValue: DEFAULT_NOTIFY_SEVERITY });
  return { ...common, formats, ...(topicArn !== undefined ? { topicArn } : {}), notifySeverity };
}
