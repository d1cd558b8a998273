/**
 * The accounts an organization audit covers, from AWS Organizations: the active accounts of the whole organization
 * (ListAccounts) or of some OUs and their nested OUs (ListOrganizationalUnitsForParent, ListAccountsForParent),
 * optionally only those carrying given tags (ListTagsForResource). Every call is paced by the rate budget and the
 * SDK's adaptive retry; a failure is one clear error: without the account list there is nothing to plan.
 */
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListTagsForResourceCommand,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { ConfigError } from '../../errors.js';
import type { RateBudget } from '../../../providers/aws/rate-limit.js';
import { accountName } from './items.js';

/** The IAM actions this module calls, by use: the stack grants exactly the ones its configuration needs. */
export const ORGANIZATIONS_ACTIONS = {
  wholeOrganization: ['organizations:ListAccounts'],
  units: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
  tags: ['organizations:ListTagsForResource'],
} as const;

export interface OrgAccount {
  id: string;
  name?: string;
}

export interface OrgListing {
  organizationalUnitIds: readonly string[];
  tags: Readonly<Record<string, string>>;
}

export interface OrgListingDeps {
  client: OrganizationsClient;
  budget: RateBudget;
  signal?: AbortSignal;
}

/** An account is audited while it is active. `State` replaces `Status` (retired in 2026); either one is read. */
export function isActive(account: Account): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

/** Pages through a NextToken listing, one paced call per page. */
async function pages<P extends { NextToken?: string | undefined }>(deps: OrgListingDeps, action: string, fetchPage: (token: string | undefined) => Promise<P>): Promise<P[]> {
  const out: P[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    // Organizations calls go to one global endpoint: one budget bucket per action for the caller.
    await deps.budget.take('caller', 'global', action, deps.signal);
    await deps.budget.admit('caller', 'global', action, deps.signal);
    let page: P;
    try {
      page = await fetchPage(token);
    } catch (err) {
      throw organizationsError(action, err);
    }
    out.push(page);
    token = page.NextToken || undefined;
    if (token === undefined) return out;
    if (seen.has(token)) throw new ConfigError(`${action} repeated a pagination token; the account list would never end`);
    seen.add(token);
  }
}

function organizationsError(action: string, err: unknown): Error {
  const e = err as { name?: unknown; message?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = (typeof e.message === 'string' ? e.message : String(err)).split('\n')[0];
  const hint =
    name === 'AccessDeniedException' || name === 'AccessDenied'
      ? `; the plan function needs ${action}, and must run in the management account or a delegated administrator account`
      : name === 'AWSOrganizationsNotInUseException'
        ? '; this account is not in an organization: use an accounts file (CLOUD502_ACCOUNTS_KEY) instead'
        : '';
  return new ConfigError(`cannot list the organization's accounts: ${action} failed (${name}: ${message})${hint}`, { cause: err });
}

function toOrgAccount(account: Account): OrgAccount | undefined {
  if (!account.Id || !/^\d{12}$/.test(account.Id) || !isActive(account)) return undefined;
  const name = account.Name ? accountName(account.Name) : '';
  return name ? { id: account.Id, name } : { id: account.Id };
}

async function wholeOrganization(deps: OrgListingDeps): Promise<OrgAccount[]> {
  const listed = await pages(deps, 'organizations:ListAccounts', (NextToken) => deps.client.send(new ListAccountsCommand({ ...(NextToken ? { NextToken } : {}) }), { abortSignal: deps.signal }));
  return listed.flatMap((p) => (p.Accounts ?? []).map(toOrgAccount).filter((a): a is OrgAccount => a !== undefined));
}

/** The accounts under the given OUs or roots, nested OUs included, each once. */
async function underUnits(deps: OrgListingDeps, unitIds: readonly string[]): Promise<OrgAccount[]> {
  const accounts = new Map<string, OrgAccount>();
  const visited = new Set<string>();
  const queue = [...unitIds];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    if (visited.has(parent)) continue;
    visited.add(parent);
    const children = await pages(deps, 'organizations:ListOrganizationalUnitsForParent', (NextToken) =>
      deps.client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent, ...(NextToken ? { NextToken } : {}) }), { abortSignal: deps.signal }),
    );
    for (const page of children) for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) queue.push(ou.Id);
    const listed = await pages(deps, 'organizations:ListAccountsForParent', (NextToken) =>
      deps.client.send(new ListAccountsForParentCommand({ ParentId: parent, ...(NextToken ? { NextToken } : {}) }), { abortSignal: deps.signal }),
    );
    for (const page of listed) {
      for (const account of page.Accounts ?? []) {
        const found = toOrgAccount(account);
        if (found) accounts.set(found.id, found);
      }
    }
  }
  return [...accounts.values()];
}

async function tagsOf(deps: OrgListingDeps, accountId: string): Promise<Map<string, string>> {
  const listed = await pages(deps, 'organizations:ListTagsForResource', (NextToken) =>
    deps.client.send(new ListTagsForResourceCommand({ ResourceId: accountId, ...(NextToken ? { NextToken } : {}) }), { abortSignal: deps.signal }),
  );
  return new Map(listed.flatMap((p) => (p.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''] as const)));
}

/**
 * The active accounts to audit, sorted by id.
 * @throws ConfigError naming the action that failed and what permission or setup it needs.
 */
export async function listOrganizationAccounts(listing: OrgListing, deps: OrgListingDeps): Promise<OrgAccount[]> {
  const accounts = listing.organizationalUnitIds.length > 0 ? await underUnits(deps, listing.organizationalUnitIds) : await wholeOrganization(deps);
  const wanted = Object.entries(listing.tags);
  let kept = accounts;
  if (wanted.length > 0) {
    const limit = pLimit(4);
    const matches = await Promise.all(
      accounts.map((a) =>
        limit(async () => {
          const tags = await tagsOf(deps, a.id);
          return wanted.every(([k, v]) => tags.get(k) === v);
        }),
      ),
    );
    kept = accounts.filter((_, i) => matches[i]);
  }
  return kept.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
