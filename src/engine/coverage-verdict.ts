/**
 * Never green when blind: decides from the coverage gaps whether an audit saw everything (`complete`), saw only part
 * (`partial`: some scopes or calls failed), or saw nothing at all, which is not an audit and ends with exit 2.
 *
 * A scope (account × region) whose load-balancer listing failed, or that could not be entered at all (a role that
 * cannot be assumed, regions that cannot be discovered, a deadline before the listing), was not audited: its
 * "no load balancers" means "unknown", never "none". Pure: reads the inventory's scopes, gaps and load balancers.
 */
import { descriptorOf } from '../../providers/index.js';
import { NothingAuditedError } from '../errors.js';
import type { CoverageGap, Inventory, Provider } from '../model/index.js';
import type { ScopeCalls } from '../provider.js';

/** The gap of a scope whose collection stopped at the audit deadline. */
export const DEADLINE_API = 'cloud502:deadline';
export const DEADLINE_CODE = 'DeadlineExceeded';
/** The gap of a scope whose collection failed as a whole (credentials, unreachable), as the Lambda records it. */
export const SCOPE_FAILED_API = 'cloud502:collect';

/** How the verdict learns a provider's scope calls: from its descriptor unless a test gives them. */
export type ScopeCallsOf = (provider: Provider) => ScopeCalls | undefined;

const fromDescriptors: ScopeCallsOf = (provider) => descriptorOf(provider)?.scopeCalls;

export type Coverage = 'complete' | 'partial';

/** A scope that was not (fully) audited, and the failure that decided it. */
export interface FailedScope {
  provider: Provider;
  account?: string;
  region?: string;
  api: string;
  code: string;
  message: string;
  /** The permission to grant, when the failure was an access denial. */
  permission?: string;
}

export interface CoverageVerdict {
  /** `complete`: nothing is missing; `partial`: some data could not be collected (see `failedScopes` and the gaps). */
  coverage: Coverage;
  /** Scopes whose load balancers could not be listed, or that could not be entered at all. */
  failedScopes: FailedScope[];
  /** Why the audit is partial, in one sentence; undefined when complete. */
  reason?: string;
  /** Set when nothing was audited: the one line to fail with. */
  nothingAudited?: string;
}

function scopeKey(s: { provider: Provider; account?: string | undefined; region?: string | undefined }): string {
  return `${s.provider}|${s.account ?? ''}|${s.region ?? ''}`;
}

export function scopeName(s: { provider: Provider; account?: string | undefined; region?: string | undefined }): string {
  return [s.provider, s.account, s.region].filter(Boolean).join(' ');
}

/**
 * The gap decides the scope: its listing or its entry failed. A call about one resource never does, except entering
 * an account, which is recorded against the role it assumes.
 */
function failsScope(gap: CoverageGap, scopeCallsOf: ScopeCallsOf): boolean {
  const calls = scopeCallsOf(gap.provider);
  const entry = gap.api === SCOPE_FAILED_API || (calls?.entry.includes(gap.api) ?? false);
  if (gap.resourceId !== undefined && !entry) return false;
  return entry || (calls?.listing.includes(gap.api) ?? false);
}

/**
 * The audited scopes a failing gap stands for: its own, or, when it names no region (a subscription-wide listing)
 * or no account (listing the subscriptions themselves), every audited scope it covers.
 */
function scopesOf(gap: CoverageGap, scopes: Inventory['scopes']): Array<Pick<CoverageGap, 'provider' | 'account' | 'region'>> {
  if (gap.region !== undefined && gap.account !== undefined) return [gap];
  const covered = scopes.filter((s) => s.provider === gap.provider && (gap.account === undefined || s.account === gap.account) && (gap.region === undefined || s.region === gap.region));
  return covered.length > 0 ? covered : [gap];
}

function toFailedScope(gap: CoverageGap): FailedScope {
  return {
    provider: gap.provider,
    ...(gap.account !== undefined ? { account: gap.account } : {}),
    ...(gap.region !== undefined ? { region: gap.region } : {}),
    api: gap.api,
    code: gap.code,
    message: gap.message,
    ...(gap.permission !== undefined ? { permission: gap.permission } : {}),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function failureText(f: FailedScope): string {
  const grant = f.permission ? `; grant ${f.permission}` : '';
  return `${f.api} ${f.code}: ${f.message}${grant}`;
}

/** "in every scope (…): <failure>" when all scopes failed alike, else each scope with its own failure (the first three). */
function describeFailures(failed: readonly FailedScope[]): string {
  const first = failed[0]!;
  if (failed.every((f) => f.api === first.api && f.code === first.code)) {
    const where = failed.map(scopeName);
    const list = where.length > 4 ? `${where.slice(0, 4).join(', ')} and ${where.length - 4} more` : where.join(', ');
    return `${failureText(first)} (${failed.length === 1 ? list : `every scope: ${list}`})`;
  }
  const shown = failed.slice(0, 3).map((f) => `${scopeName(f)}: ${failureText(f)}`);
  return `${shown.join('; ')}${failed.length > 3 ? `; and ${failed.length - 3} more scopes` : ''}`;
}

/** `elasticloadbalancing:DescribeTargetHealth AccessDenied ×3, ec2:DescribeInstances HTTP500 and 2 more kinds`. */
function describeKinds(gaps: readonly CoverageGap[]): string {
  const counts = new Map<string, number>();
  for (const g of gaps) counts.set(`${g.api} ${g.code}`, (counts.get(`${g.api} ${g.code}`) ?? 0) + 1);
  const kinds = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind));
  return kinds.length > 3 ? `${kinds.slice(0, 3).join(', ')} and ${kinds.length - 3} more kinds` : kinds.join(', ');
}

/** What the verdict reads: an inventory fits, or the scopes, gaps and load-balancer count of an audit read in parts. */
export type CoverageInput = Pick<Inventory, 'scopes' | 'coverage'> & { loadBalancers: { readonly length: number } };

/**
 * Judges an inventory's coverage.
 * @example
 * const verdict = judgeCoverage(inventory);
 * if (verdict.nothingAudited) throw new NothingAuditedError(verdict.nothingAudited);
 */
export function judgeCoverage(inventory: CoverageInput, scopeCallsOf: ScopeCallsOf = fromDescriptors): CoverageVerdict {
  const failsScopeHere = (gap: CoverageGap) => failsScope(gap, scopeCallsOf);
  const failedByScope = new Map<string, FailedScope>();
  for (const gap of inventory.coverage) {
    if (!failsScopeHere(gap)) continue;
    for (const scope of scopesOf(gap, inventory.scopes)) {
      const key = scopeKey(scope);
      // The deadline's own entry only says collection stopped; the listing's entry says whether it got that far.
      if (!failedByScope.has(key)) failedByScope.set(key, toFailedScope({ ...gap, ...scope }));
    }
  }
  const failedScopes = [...failedByScope.values()];
  const allScopes = new Set([...inventory.scopes.map(scopeKey), ...failedByScope.keys()]);

  if (allScopes.size === 0) return { coverage: 'partial', failedScopes, reason: 'no scope was audited', nothingAudited: 'nothing was audited: no account or region to audit' };
  if (inventory.loadBalancers.length === 0 && failedScopes.length === allScopes.size) {
    return {
      coverage: 'partial',
      failedScopes,
      reason: `the load-balancer listing failed in ${failedScopes.length === 1 ? 'the only scope' : `all ${failedScopes.length} scopes`}`,
      nothingAudited: `nothing was audited: no load-balancer listing succeeded — ${describeFailures(failedScopes)}`,
    };
  }
  if (inventory.coverage.length === 0) return { coverage: 'complete', failedScopes: [] };

  const parts: string[] = [];
  if (failedScopes.length > 0) {
    parts.push(`the load-balancer listing failed in ${failedScopes.length} of ${plural(allScopes.size, 'scope')} (${describeFailures(failedScopes)})`);
  }
  const deadline = inventory.coverage.filter((g) => g.api === DEADLINE_API);
  if (deadline.length > 0) parts.push(`collection stopped at the audit deadline in ${deadline.map((g) => scopeName(g)).join(', ')}`);
  const others = inventory.coverage.filter((g) => !failsScopeHere(g) && g.api !== DEADLINE_API);
  if (others.length > 0) {
    const gaps = plural(others.length, parts.length > 0 ? 'other coverage gap' : 'coverage gap');
    parts.push(`${gaps} (${describeKinds(others)}): checks that needed that data answer "unknown"`);
  }
  return { coverage: 'partial', failedScopes, reason: parts.join('; ') };
}

/** The verdict as the JSON report's summary carries it (`summary.coverage`, `summary.failedScopes`, `summary.partialReason`). */
export interface CoverageSummary {
  coverage: Coverage;
  failedScopes: FailedScope[];
  partialReason?: string;
}

export function coverageSummary(verdict: CoverageVerdict): CoverageSummary {
  return { coverage: verdict.coverage, failedScopes: verdict.failedScopes, ...(verdict.reason !== undefined ? { partialReason: verdict.reason } : {}) };
}

/** Throws the one-line error of an audit that audited nothing. */
export function assertSomethingAudited(verdict: CoverageVerdict): void {
  if (verdict.nothingAudited !== undefined) {
    throw new NothingAuditedError(verdict.nothingAudited, verdict.failedScopes.map((s) => ({ api: s.api, code: s.code, message: s.message })));
  }
}

/** The line a partial report opens with; undefined for a complete one. */
export function partialAuditLine(summary: { coverage?: Coverage; partialReason?: string }): string | undefined {
  if (summary.coverage !== 'partial') return undefined;
  return `PARTIAL AUDIT: ${summary.partialReason ?? 'some data could not be collected'}.`;
}
