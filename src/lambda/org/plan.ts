/**
 * The plan step of an organization audit: the accounts (AWS Organizations, or an accounts file in the bucket), each
 * crossed with its enabled regions, written as one JSON array to S3, the Distributed Map's ItemReader source
 * (`"ReaderConfig": {"InputType": "JSON"}`: a file holding one JSON array of items).
 *
 * It also sets the map's tolerated failure percentage for this run (ToleratedFailurePercentagePath): high enough
 * that every item of the largest account may fail, so one broken account never fails the run, and no lower than
 * MIN_TOLERATED_FAILURE_PERCENT, so a systemic failure (every item failing) still stops the map early.
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { ConfigError } from '../../errors.js';
import { parseAccountsFile } from '../../../providers/aws/accounts.js';
import { partitionOf } from '../../../providers/aws/arns.js';
import { awsErrorCode, awsErrorMessage } from '../../../providers/aws/errors.js';
import { RateBudget } from '../../../providers/aws/rate-limit.js';
import type { LogLine } from '../run.js';
import { getText } from '../store.js';
import type { OrgClients } from './clients.js';
import type { PlanConfig } from './config.js';
import { enabledRegions } from './enabled-regions.js';
import { accountName, compareItems, type AuditItem } from './items.js';
import { RUN_ID, runKeys } from './layout.js';
import { listOrganizationAccounts } from './org-accounts.js';

export const MIN_TOLERATED_FAILURE_PERCENT = 5;

/** What the state machine passes: its execution's name and start time (`$$.Execution.Name`, `$$.Execution.StartTime`). */
export interface PlanEvent {
  executionName?: string;
  startedAt?: string;
}

export interface PlanOutput {
  runId: string;
  /** The run's clock: every item's report and the merged report carry it. */
  generatedAt: string;
  bucket: string;
  itemsKey: string;
  items: number;
  accounts: number;
  /** For the map's ToleratedFailurePercentagePath. */
  toleratedFailurePercentage: number;
  /** Accounts whose regions could not be looked up (their items are planned anyway; the worker records why). */
  discoveryFailures: number;
}

export interface PlanDeps {
  clients: OrgClients;
  log?: (line: LogLine) => void;
  clock?: () => Date;
  budget?: RateBudget;
}

export type PlanHandler = (event: unknown) => Promise<PlanOutput>;

interface AccountTarget {
  account: string;
  roleArn: string;
  externalId?: string;
  name?: string;
}

function writeLogLine(line: LogLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** `2026-03-04T05:06:07.089Z` + `exec-1` → `20260304T050607Z-exec-1`: sortable and unique per execution. */
export function runIdOf(generatedAt: Date, executionName: string): string {
  const stamp = generatedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${stamp}-${executionName}`.slice(0, 128);
}

function parseEvent(event: unknown, now: Date): { runId: string; generatedAt: Date } {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  let generatedAt = now;
  if (e.startedAt !== undefined) {
    const t = typeof e.startedAt === 'string' ? Date.parse(e.startedAt) : Number.NaN;
    if (!Number.isFinite(t)) throw new ConfigError(`plan input: startedAt must be an ISO 8601 time, got ${JSON.stringify(String(e.startedAt).slice(0, 64))}`);
    generatedAt = new Date(t);
  }
  let name: string = randomUUID();
  if (e.executionName !== undefined) {
    if (typeof e.executionName !== 'string' || !RUN_ID.test(e.executionName) || e.executionName.length > 80) {
      throw new ConfigError(`plan input: executionName ${JSON.stringify(String(e.executionName).slice(0, 100))} is not a Step Functions execution name`);
    }
    name = e.executionName;
  }
  return { runId: runIdOf(generatedAt, name), generatedAt };
}

function roleArnFor(config: PlanConfig, account: string): string {
  return `arn:${partitionOf(config.homeRegion)}:iam::${account}:role/${config.auditRoleName}`;
}

/** The accounts file's roles, each in its own account and named as the stack allows the worker to assume. */
async function accountsFromFile(config: PlanConfig, key: string, clients: OrgClients): Promise<AccountTarget[]> {
  const where = `s3://${config.bucket}/${key}`;
  const text = await getText(clients.s3(), config.bucket, key);
  if (text === undefined) throw new ConfigError(`the accounts file ${where} does not exist`);
  const seen = new Set<string>();
  return parseAccountsFile(text, where).map((spec, i) => {
    const match = /^arn:[a-z-]+:iam::(\d{12}):role\/(.+)$/.exec(spec.roleArn)!;
    const [, account, roleName] = match;
    if (roleName !== config.auditRoleName) {
      throw new ConfigError(`accounts file ${where}, entry ${i + 1}: role "${roleName}" is not "${config.auditRoleName}", the only role name the audit may assume`);
    }
    if (seen.has(account!)) throw new ConfigError(`accounts file ${where}: account ${account} is listed twice`);
    seen.add(account!);
    const externalId = spec.externalId ?? config.externalId;
    const name = spec.name !== undefined ? accountName(spec.name) : '';
    return { account: account!, roleArn: spec.roleArn, ...(externalId !== undefined ? { externalId } : {}), ...(name ? { name } : {}) };
  });
}

async function targetsOf(config: PlanConfig, clients: OrgClients, budget: RateBudget): Promise<AccountTarget[]> {
  if (config.accounts.kind === 's3') return accountsFromFile(config, config.accounts.key, clients);
  const accounts = await listOrganizationAccounts(config.accounts, { client: clients.organizations(), budget });
  return accounts.map((a) => ({
    account: a.id,
    roleArn: roleArnFor(config, a.id),
    ...(config.externalId !== undefined ? { externalId: config.externalId } : {}),
    ...(a.name !== undefined ? { name: a.name } : {}),
  }));
}

/** The tolerated failure percentage of a run: the largest account's share of the items, at least the floor. */
export function toleratedFailurePercentage(items: readonly Pick<AuditItem, 'account'>[]): number {
  if (items.length === 0) return 100;
  const perAccount = new Map<string, number>();
  for (const item of items) perAccount.set(item.account, (perAccount.get(item.account) ?? 0) + 1);
  const largest = Math.max(...perAccount.values());
  return Math.min(100, Math.max(MIN_TOLERATED_FAILURE_PERCENT, Math.ceil((100 * largest) / items.length)));
}

/** The items file: one JSON array, one item per line (readable, and streamable line by line too). */
export function itemsFileText(items: readonly AuditItem[]): string {
  return items.length === 0 ? '[]\n' : `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]\n`;
}

/**
 * Builds the plan handler for a validated config.
 * @example export const handler = createPlanHandler(readPlanConfig(process.env), { clients: lazyOrgClients({}) });
 */
export function createPlanHandler(config: PlanConfig, deps: PlanDeps): PlanHandler {
  const log = deps.log ?? writeLogLine;
  const clock = deps.clock ?? (() => new Date());
  return async (event) => {
    const { runId, generatedAt } = parseEvent(event, clock());
    const budget = deps.budget ?? new RateBudget();
    const skip = new Set(config.skipAccounts);
    const targets = (await targetsOf(config, deps.clients, budget)).filter((t) => !skip.has(t.account));

    const limit = pLimit(config.discoveryConcurrency);
    let discoveryFailures = 0;
    const perAccount = await Promise.all(
      targets.map((target) =>
        limit(async (): Promise<AuditItem[]> => {
          const found = await enabledRegions(target, { clients: deps.clients, homeRegion: config.homeRegion, budget });
          let regions: string[];
          if (found.kind === 'found') {
            regions = config.regions === 'all' ? found.regions : config.regions.filter((r) => found.regions.includes(r));
          } else {
            discoveryFailures += 1;
            // Planned anyway: the worker meets the same failure and the report names it for this account.
            regions = config.regions === 'all' ? [config.homeRegion] : [...config.regions];
            log({ level: 'WARN', message: 'regions of an account could not be looked up; its items are planned anyway', account: target.account, api: found.api, code: found.code, reason: found.message });
          }
          return regions.map((region) => ({ account: target.account, region, roleArn: target.roleArn, ...(target.externalId !== undefined ? { externalId: target.externalId } : {}), ...(target.name !== undefined ? { name: target.name } : {}) }));
        }),
      ),
    );
    const items = perAccount.flat().sort(compareItems);
    const itemsKey = runKeys(config.prefix, runId).items;
    try {
      await deps.clients.s3().send(new PutObjectCommand({ Bucket: config.bucket, Key: itemsKey, Body: itemsFileText(items), ContentType: 'application/json; charset=utf-8' }));
    } catch (err) {
      throw new ConfigError(`cannot write the item list to s3://${config.bucket}/${itemsKey} (${awsErrorCode(err)}: ${awsErrorMessage(err)}); the plan function needs s3:PutObject there`, { cause: err });
    }
    const output: PlanOutput = {
      runId,
      generatedAt: generatedAt.toISOString(),
      bucket: config.bucket,
      itemsKey,
      items: items.length,
      accounts: new Set(items.map((i) => i.account)).size,
      toleratedFailurePercentage: toleratedFailurePercentage(items),
      discoveryFailures,
    };
    log({ level: 'INFO', message: 'cloud502 organization audit planned', ...output });
    return output;
  };
}
