/**
 * The unit of work of an organization audit: one account × one region, audited through the account's audit role.
 * The plan writes these to S3 (the Distributed Map's item list); the worker and the merge read them back, so every
 * reader validates them: the list is data in a bucket, not a trusted constant.
 */
import { ConfigError } from '../../errors.js';
import { accountOfRoleArn } from '../../../providers/aws/accounts.js';

export interface AuditItem {
  account: string;
  region: string;
  /** The role the worker assumes in `account`. */
  roleArn: string;
  externalId?: string;
  /** The account's name (Organizations or the accounts file), for reports only. */
  name?: string;
}

export const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** IAM: 2 to 1,224 characters of letters, digits and `+=,.@:/-` (the rule providers/aws/accounts.ts applies). */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** Account names are free text in Organizations; reports show them, so they are bounded and single-line. */
export const MAX_NAME_LENGTH = 256;

/** The key of an item in maps and logs: `111122223333/eu-west-1`. */
export function itemKey(item: Pick<AuditItem, 'account' | 'region'>): string {
  return `${item.account}/${item.region}`;
}

/** Sorts by account, then region: the order the plan writes and the merge relies on (one account at a time). */
export function compareItems(a: Pick<AuditItem, 'account' | 'region'>, b: Pick<AuditItem, 'account' | 'region'>): number {
  return a.account < b.account ? -1 : a.account > b.account ? 1 : a.region < b.region ? -1 : a.region > b.region ? 1 : 0;
}

function field(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw new ConfigError(`${where}: "${key}" must be a string`);
  return value;
}

const ITEM_KEYS = new Set(['account', 'region', 'roleArn', 'externalId', 'name']);

/**
 * Validates one item; `where` names it in the one-line error (e.g. `item 3 of s3://bucket/key`).
 * @throws ConfigError for a missing or malformed field, an unknown key, or a role outside the item's account.
 */
export function parseItem(value: unknown, where: string): AuditItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${where}: expected an object`);
  const record = value as Record<string, unknown>;
  const unknownKey = Object.keys(record).find((k) => !ITEM_KEYS.has(k));
  if (unknownKey !== undefined) throw new ConfigError(`${where}: unknown key ${JSON.stringify(unknownKey.slice(0, 64))}`);
  const account = field(record, 'account', where);
  if (!ACCOUNT_ID.test(account)) throw new ConfigError(`${where}: ${JSON.stringify(account.slice(0, 64))} is not a 12-digit account id`);
  const region = field(record, 'region', where);
  if (!REGION.test(region) || region.length > 32) throw new ConfigError(`${where}: ${JSON.stringify(region.slice(0, 64))} is not a region name`);
  const roleArn = field(record, 'roleArn', where);
  const roleAccount = accountOfRoleArn(roleArn);
  if (roleAccount === undefined) throw new ConfigError(`${where}: ${JSON.stringify(roleArn.slice(0, 200))} is not an IAM role ARN`);
  if (roleAccount !== account) throw new ConfigError(`${where}: role ${roleArn} is not in account ${account}`);
  const item: AuditItem = { account, region, roleArn };
  if (record.externalId !== undefined) {
    const externalId = field(record, 'externalId', where);
    if (!EXTERNAL_ID.test(externalId)) throw new ConfigError(`${where}: the external id must be 2 to 1,224 characters of letters, digits and +=,.@:/-`);
    item.externalId = externalId;
  }
  if (record.name !== undefined) item.name = accountName(field(record, 'name', where));
  return item;
}

/** An account name as reports show it: control characters become spaces, at most MAX_NAME_LENGTH characters. */
export function accountName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
}
