/**
 * The scheduled Lambda's configuration: environment variables only, read and validated once at cold start.
 * Every problem is one line that starts with the variable's name, e.g.
 * `CLOUD502_REGIONS: unknown AWS region "eu-west-9"; did you mean "eu-west-1"?`.
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | CLOUD502_REGIONS | comma-separated regions to audit | required |
 * | CLOUD502_ROLE_ARNS | comma-separated IAM roles to assume, one audited account each | the function's own account |
 * | CLOUD502_EXTERNAL_ID | ExternalId for every AssumeRole | none |
 * | CLOUD502_CHECKS / CLOUD502_SKIP_CHECKS | check ids, families or globs, as `--checks` / `--skip-checks` | every check / none |
 * | CLOUD502_METRICS_WINDOW | CloudWatch window, as `--metrics-window` (`0` disables) | `24h` |
 * | CLOUD502_CONCURRENCY | concurrent API calls, shared by all regions | the CLI's default |
 * | CLOUD502_BUCKET | the bucket the reports are written to | required |
 * | CLOUD502_PREFIX | key prefix of every report (a `/` is appended when missing) | `cloud502/` |
 * | CLOUD502_TOPIC_ARN | SNS topic for new findings | no notifications |
 * | CLOUD502_NOTIFY_SEVERITY | lowest severity that is notified | `high` |
 * | CLOUD502_CONFIG_JSON | the audit config (thresholds, backends, baseline) as JSON | none |
 * | CLOUD502_CONFIG_KEY | or: the key of a YAML/JSON config file in CLOUD502_BUCKET | none |
 * | CLOUD502_SAFETY_MARGIN_MS | time kept free before the Lambda deadline to write a partial report | `60000` |
 * | AWS_ENDPOINT_URL | endpoint override for every AWS service (tests, emulators) | AWS |
 */
import type { AuditConfig, CheckRegistry, Severity } from '../engine/index.js';
import { SEVERITIES } from '../engine/index.js';
import { checkEndpointUrl, parseMetricsWindow } from '../config/values.js';
import { validateConfig } from '../config/load.js';
import { resolveAccountSpecs } from '../../providers/aws/accounts.js';
import { DEFAULT_CONCURRENCY } from '../../providers/aws/collect/index.js';
import { validateRegions } from '../../providers/aws/regions.js';
import type { Env } from './env.js';
import {
  EnvConfigError,
  getEnumFromEnv,
  getIntegerFromEnv,
  getListFromEnv,
  getOptionalStringFromEnv,
  getStringFromEnv,
  withVariable,
} from './env.js';

/** Where the audit config (`.cloud502.yml` content) comes from. */
export type AuditConfigSource = { kind: 'none' } | { kind: 'inline'; config: AuditConfig } | { kind: 's3'; key: string };

export interface LambdaConfig {
  regions: string[];
  roleArns: string[];
  externalId?: string;
  include?: string[];
  exclude?: string[];
  metricsWindowSeconds: number;
  /** Concurrent API calls for the whole run; each region gets its share. */
  concurrency: number;
  bucket: string;
  /** Empty or ending in `/`. */
  prefix: string;
  topicArn?: string;
  notifySeverity: Severity;
  auditConfig: AuditConfigSource;
  safetyMarginMs: number;
  endpointUrl?: string;
}

export const DEFAULT_PREFIX = 'cloud502/';
export const DEFAULT_METRICS_WINDOW = '24h';
export const DEFAULT_NOTIFY_SEVERITY: Severity = 'high';
export const DEFAULT_SAFETY_MARGIN_MS = 60_000;

// S3 bucket naming rules (general purpose buckets): 3-63 characters, lower case, digits, dots, hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// arn:partition:sns:region:account:name (a FIFO topic ends in .fifo).
const TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

/**
 * Reads and validates the whole configuration. Check patterns and the inline config are validated against the
 * registry, so a typo in a check id fails the init, not the first scheduled run.
 * @throws EnvConfigError (or a ConfigError naming the variable) for the first bad value.
 * @example const config = await readLambdaConfig(process.env, await defaultRegistry());
 */
export async function readLambdaConfig(env: Env, registry: CheckRegistry): Promise<LambdaConfig> {
  const endpointUrl = withVariable('AWS_ENDPOINT_URL', () => {
    const value = getOptionalStringFromEnv({ env, key: 'AWS_ENDPOINT_URL' });
    return value === undefined ? undefined : checkEndpointUrl(value);
  });

  const regions = getListFromEnv({ env, key: 'CLOUD502_REGIONS', required: true, description: 'comma-separated AWS regions to audit, e.g. eu-west-1,us-east-1' });
  withVariable('CLOUD502_REGIONS', () => validateRegions(regions, { endpointOverride: endpointUrl !== undefined, env }));

  const roleArns = getListFromEnv({ env, key: 'CLOUD502_ROLE_ARNS' });
  await withVariableAsync('CLOUD502_ROLE_ARNS', () => resolveAccountSpecs({ roleArns }));
  const externalId = getOptionalStringFromEnv({ env, key: 'CLOUD502_EXTERNAL_ID' });
  if (externalId !== undefined) {
    if (roleArns.length === 0) throw new EnvConfigError('CLOUD502_EXTERNAL_ID', 'is only used with CLOUD502_ROLE_ARNS, which is not set');
    await withVariableAsync('CLOUD502_EXTERNAL_ID', () => resolveAccountSpecs({ externalId }));
  }

  const { include, exclude, metricsWindowSeconds, concurrency } = readAuditSettings(env, registry);

  const bucket = getStringFromEnv({ env, key: 'CLOUD502_BUCKET', description: 'the S3 bucket the reports are written to' });
  if (!BUCKET.test(bucket)) throw new EnvConfigError('CLOUD502_BUCKET', `"${bucket}" is not an S3 bucket name`);
  const prefix = normalizePrefix(getStringFromEnv({ env, key: 'CLOUD502_PREFIX', defaultValue: DEFAULT_PREFIX }));

  const topicArn = getOptionalStringFromEnv({ env, key: 'CLOUD502_TOPIC_ARN' });
  if (topicArn !== undefined && !TOPIC_ARN.test(topicArn)) {
    throw new EnvConfigError('CLOUD502_TOPIC_ARN', `"${topicArn}" is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)`);
  }
  const notifySeverity = getEnumFromEnv({ env, key: 'CLOUD502_NOTIFY_SEVERITY', allowed: SEVERITIES, defaultValue: DEFAULT_NOTIFY_SEVERITY });

  const auditConfig = auditConfigSource(env, registry);
  const safetyMarginMs = getIntegerFromEnv({
    env,
    key: 'CLOUD502_SAFETY_MARGIN_MS',
    defaultValue: DEFAULT_SAFETY_MARGIN_MS,
    min: 1_000,
    max: 600_000,
    unit: 'milliseconds',
  });

  return {
    regions,
    roleArns,
    ...(externalId !== undefined ? { externalId } : {}),
    ...(include.length ? { include } : {}),
    ...(exclude.length ? { exclude } : {}),
    metricsWindowSeconds,
    concurrency,
    bucket,
    prefix,
    ...(topicArn !== undefined ? { topicArn } : {}),
    notifySeverity,
    auditConfig,
    safetyMarginMs,
    ...(endpointUrl !== undefined ? { endpointUrl } : {}),
  };
}

/** `reports` → `reports/`; a leading `/` would make an empty first path segment in S3, so it is refused. */
function normalizePrefix(prefix: string): string {
  if (prefix.startsWith('/')) throw new EnvConfigError('CLOUD502_PREFIX', `must not start with "/", got "${prefix}"`);
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** What to audit and how, the same for the single mode and an organization's workers. */
export function readAuditSettings(env: Env, registry: CheckRegistry): { include: string[]; exclude: string[]; metricsWindowSeconds: number; concurrency: number } {
  const include = getListFromEnv({ env, key: 'CLOUD502_CHECKS' });
  const exclude = getListFromEnv({ env, key: 'CLOUD502_SKIP_CHECKS' });
  // Validated one at a time, so the error names the variable that holds the typo.
  withVariable('CLOUD502_CHECKS', () => registry.select(include.length ? include : undefined, undefined));
  withVariable('CLOUD502_SKIP_CHECKS', () => registry.select(undefined, exclude.length ? exclude : undefined));
  const metricsWindowSeconds = withVariable('CLOUD502_METRICS_WINDOW', () =>
    parseMetricsWindow(getStringFromEnv({ env, key: 'CLOUD502_METRICS_WINDOW', defaultValue: DEFAULT_METRICS_WINDOW })),
  );
  const concurrency = getIntegerFromEnv({ env, key: 'CLOUD502_CONCURRENCY', defaultValue: DEFAULT_CONCURRENCY, min: 1, max: 256 });
  return { include, exclude, metricsWindowSeconds, concurrency };
}

/** `CLOUD502_CONFIG_JSON` (inline) or `CLOUD502_CONFIG_KEY` (an object in the report bucket): the audit config's source. */
export function auditConfigSource(env: Env, registry: CheckRegistry): AuditConfigSource {
  const json = getOptionalStringFromEnv({ env, key: 'CLOUD502_CONFIG_JSON' });
  const key = getOptionalStringFromEnv({ env, key: 'CLOUD502_CONFIG_KEY' });
  if (json !== undefined && key !== undefined) {
    throw new EnvConfigError('CLOUD502_CONFIG_JSON', 'set either CLOUD502_CONFIG_JSON or CLOUD502_CONFIG_KEY, not both');
  }
  if (key !== undefined) return { kind: 's3', key };
  if (json === undefined) return { kind: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(json) as unknown;
  } catch (err) {
    throw new EnvConfigError('CLOUD502_CONFIG_JSON', `is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  // validateConfig's messages read "config CLOUD502_CONFIG_JSON: <path>: <problem>", so they already name the variable.
  return { kind: 'inline', config: validateConfig(value, 'CLOUD502_CONFIG_JSON', registry) };
}

async function withVariableAsync<T>(key: string, validate: () => Promise<T>): Promise<T> {
  try {
    return await validate();
  } catch (err) {
    return withVariable(key, () => {
      throw err;
    });
  }
}
