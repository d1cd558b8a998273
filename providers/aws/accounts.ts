/**
 * The accounts of a multi-account audit: role ARNs from the options and from an accounts file, validated with one
 * clear line per problem, and the credentials an assumed role yields (re-assumed before they expire).
 *
 * Permissions: the CALLER needs `sts:AssumeRole` on every role (see `awsAssumeRolePolicy` in iam.ts); each ROLE
 * needs the read-only audit policy (`awsIamPolicy`) and a trust policy that lets the caller assume it.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../src/errors.js';

/** One account to audit through a role. */
export interface AwsAccountSpec {
  roleArn: string;
  externalId?: string;
  /** A label for progress and reports; the account id is used when absent. */
  name?: string;
}

/** The RoleSessionName of every AssumeRole, so CloudTrail shows who read the account. */
export const ROLE_SESSION_NAME = 'cloud502';

/** Any partition; a role name may carry a path (`role/audit/cloud502`). */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** IAM: 2 to 1,224 characters, alphanumeric and `+=,.@:/-` (IAM User Guide, "IAM and AWS STS quotas"). */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** The account id in a role ARN, or undefined when it is not one. */
export function accountOfRoleArn(arn: string): string | undefined {
  return ROLE_ARN.exec(arn)?.[1];
}

function checkRoleArn(arn: unknown, where: string): string {
  if (typeof arn !== 'string' || !ROLE_ARN.test(arn.trim())) {
    throw new ConfigError(`${where}: ${JSON.stringify(arn)} is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)`);
  }
  return arn.trim();
}

function checkExternalId(id: unknown, where: string): string {
  if (typeof id !== 'string' || !EXTERNAL_ID.test(id)) {
    throw new ConfigError(`${where}: the external id must be 2 to 1,224 characters of letters, digits and +=,.@:/- (got ${JSON.stringify(id)})`);
  }
  return id;
}

const ENTRY_KEYS = new Set(['roleArn', 'externalId', 'name']);

function entryOf(value: unknown, where: string): AwsAccountSpec {
  if (typeof value === 'string') return { roleArn: checkRoleArn(value, where) };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where}: expected a role ARN or {roleArn, externalId?, name?}, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
  }
  const record = value as Record<string, unknown>;
  const unknownKey = Object.keys(record).find((k) => !ENTRY_KEYS.has(k));
  if (unknownKey !== undefined) throw new ConfigError(`${where}: unknown key "${unknownKey}" (allowed: roleArn, externalId, name)`);
  const spec: AwsAccountSpec = { roleArn: checkRoleArn(record.roleArn, where) };
  if (record.externalId !== undefined) spec.externalId = checkExternalId(record.externalId, where);
  if (record.name !== undefined) {
    if (typeof record.name !== 'string' || record.name.trim() === '') throw new ConfigError(`${where}: name must be a non-empty string`);
    spec.name = record.name.trim();
  }
  return spec;
}

type FileFormat = 'json' | 'yaml' | 'lines';

function formatOf(path: string, text: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  const first = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  if (first === undefined) return 'lines';
  if (first.startsWith('[') || first.startsWith('{')) return 'json';
  if (first.startsWith('-')) return 'yaml';
  return 'lines';
}

/**
 * Parses an accounts file: one role ARN per line (blank lines and `#` comments ignored), or a YAML / JSON list
 * whose items are role ARNs or `{roleArn, externalId?, name?}`. Chosen by extension (.json, .yaml, .yml), else by content.
 * @throws ConfigError naming the file and the entry or line at fault.
 */
export function parseAccountsFile(text: string, path: string): AwsAccountSpec[] {
  const label = `accounts file ${path}`;
  const format = formatOf(path, text);
  let specs: AwsAccountSpec[];
  if (format === 'lines') {
    specs = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line !== '' && !line.startsWith('#')) specs.push({ roleArn: checkRoleArn(line, `${label}, line ${i + 1}`) });
    });
  } else {
    let value: unknown;
    try {
      value = format === 'json' ? JSON.parse(text) : parseYaml(text);
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      throw new ConfigError(`${label} is not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${reason}`);
    }
    if (!Array.isArray(value)) throw new ConfigError(`${label}: expected a list of role ARNs or {roleArn, externalId?, name?} entries`);
    specs = value.map((item, i) => entryOf(item, `${label}, entry ${i + 1}`));
  }
  if (specs.length === 0) throw new ConfigError(`${label} lists no roles`);
  return specs;
}

/** Reads and parses an accounts file; an unreadable file is a ConfigError too. */
export async function loadAccountsFile(path: string): Promise<AwsAccountSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`cannot read accounts file ${path} (${code})`);
  }
  return parseAccountsFile(text, path);
}

export interface AccountOptions {
  roleArns?: readonly string[];
  externalId?: string;
  accountsFile?: string;
}

/**
 * The roles to audit: `roleArns` then the accounts file, each role once, `externalId` filled in where an entry
 * has none. Empty means "the caller's own account".
 * @throws ConfigError for a malformed ARN or external id, or one role listed with two different external ids.
 */
export async function resolveAccountSpecs(options: AccountOptions): Promise<AwsAccountSpec[]> {
  const fallbackExternalId = options.externalId === undefined ? undefined : checkExternalId(options.externalId, 'external id');
  const specs: AwsAccountSpec[] = (options.roleArns ?? []).map((arn) => ({ roleArn: checkRoleArn(arn, 'role ARN') }));
  if (options.accountsFile) specs.push(...(await loadAccountsFile(options.accountsFile)));
  const byArn = new Map<string, AwsAccountSpec>();
  for (const spec of specs) {
    const resolved: AwsAccountSpec = { ...spec };
    if (resolved.externalId === undefined && fallbackExternalId !== undefined) resolved.externalId = fallbackExternalId;
    const prior = byArn.get(resolved.roleArn);
    if (!prior) {
      byArn.set(resolved.roleArn, resolved);
      continue;
    }
    if (prior.externalId !== resolved.externalId) {
      throw new ConfigError(`role ${resolved.roleArn} is listed twice with different external ids`);
    }
    if (prior.name === undefined && resolved.name !== undefined) prior.name = resolved.name;
  }
  return [...byArn.values()];
}

/** Credentials with the expiry STS gave them. */
export interface ExpiringCredentials extends AwsCredentialIdentity {
  expiration?: Date;
}

/** Re-assume this long before the credentials expire, so no call is signed with credentials about to lapse. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** At most one AssumeRole per account in this interval while the credentials are still valid. */
export const MIN_REFRESH_INTERVAL_MS = 60_000;

/**
 * A credential provider that hands out `initial` and calls `refresh` (once, however many calls ask at the same
 * time) when they are within `REFRESH_BEFORE_EXPIRY_MS` of expiring, so audits longer than the role's session work.
 */
export function refreshingCredentials(
  initial: ExpiringCredentials,
  refresh: () => Promise<ExpiringCredentials>,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let current = initial;
  let pending: Promise<ExpiringCredentials> | undefined;
  let refreshedAt = Number.NEGATIVE_INFINITY;
  return async () => {
    const expires = current.expiration?.getTime();
    const t = now();
    if (expires === undefined || expires - t > REFRESH_BEFORE_EXPIRY_MS) return current;
    // Credentials that come back already close to expiry (a skewed clock) are used as they are, not re-fetched per call.
    if (t - refreshedAt < MIN_REFRESH_INTERVAL_MS && expires > t) return current;
    pending ??= refresh()
      .then((fresh) => {
        refreshedAt = now();
        return (current = fresh);
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
