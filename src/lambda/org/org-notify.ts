/**
 * The SNS notification of an organization run: the findings that are new since each account's previous report (and
 * those whose severity rose) at or above the notify severity. The merge feeds it one account's diff at a time; it
 * keeps counts and only the MAX_LISTED_FINDINGS worst findings, so its memory does not grow with the organization.
 */
import type { Severity } from '../../engine/index.js';
import type { ReportResult } from '../../report/types.js';
import { atLeast, SEVERITIES, severityRank } from '../../engine/index.js';
import type { ReportDiff } from '../../report/diff.js';
import { sanitizeTerminal } from '../../report/escape.js';
import { MAX_LISTED_FINDINGS, subjectLine, type Notification } from '../notify.js';

export interface NotedFinding {
  account: string;
  accountName?: string;
  result: ReportResult;
  /** The severity before, for a finding whose severity rose. */
  before?: Severity;
}

function compare(a: NotedFinding, b: NotedFinding): number {
  return (
    severityRank(a.result.severity) - severityRank(b.result.severity) ||
    a.result.checkId.localeCompare(b.result.checkId) ||
    a.account.localeCompare(b.account) ||
    a.result.resource.name.localeCompare(b.result.resource.name) ||
    a.result.fingerprint.localeCompare(b.result.fingerprint)
  );
}

/** The `limit` smallest items by `compare`, kept sorted; memory is `limit` items whatever is offered. */
class Worst {
  readonly items: NotedFinding[] = [];
  constructor(private readonly limit: number) {}

  offer(item: NotedFinding): void {
    if (this.items.length === this.limit && compare(item, this.items[this.items.length - 1]!) >= 0) return;
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(this.items[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
    if (this.items.length > this.limit) this.items.pop();
  }
}

/** What is new across the organization, account by account. */
export class NewFindings {
  /** New findings at or above the notify severity. */
  total = 0;
  readonly bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  /** Findings already there whose severity rose to at or above the notify severity. */
  raisedTotal = 0;
  readonly accounts = new Set<string>();
  private readonly worst: Worst;
  private readonly worstRaised: Worst;

  constructor(
    readonly notifySeverity: Severity,
    limit = MAX_LISTED_FINDINGS,
  ) {
    this.worst = new Worst(limit);
    this.worstRaised = new Worst(limit);
  }

  /** Adds one account's diff; returns how many of its new findings reach the notify severity. */
  add(account: string, accountName: string | undefined, diff: ReportDiff): number {
    const name = accountName !== undefined ? { accountName } : {};
    let count = 0;
    for (const r of diff.new) {
      if (!atLeast(r.severity, this.notifySeverity)) continue;
      count += 1;
      this.bySeverity[r.severity] += 1;
      this.worst.offer({ account, ...name, result: r });
    }
    for (const c of diff.changed) {
      if (c.direction !== 'up' || !atLeast(c.after.severity, this.notifySeverity)) continue;
      this.raisedTotal += 1;
      this.worstRaised.offer({ account, ...name, result: c.after, before: c.before.severity });
      this.accounts.add(account);
    }
    this.total += count;
    if (count > 0) this.accounts.add(account);
    return count;
  }

  get listed(): readonly NotedFinding[] {
    return this.worst.items;
  }

  get listedRaised(): readonly NotedFinding[] {
    return this.worstRaised.items;
  }
}

export interface OrgNotificationInput {
  findings: NewFindings;
  bucket: string;
  /** Keys of the dated organization report (HTML, JSON) and of the latest one. */
  reportKeys: { html: string; json: string; latest: string };
  runId: string;
  generatedAt: string;
  accounts: number;
  items: number;
  /** Items without a report (failed or never run). */
  failedItems: number;
  /** Accounts compared with nothing (first run, or a previous report that could not be read). */
  uncompared: number;
  failing: number;
  loadBalancers: number;
}

function countBySeverity(bySeverity: Record<Severity, number>): string {
  return SEVERITIES.filter((s) => bySeverity[s] > 0)
    .map((s) => `${bySeverity[s]} ${s}`)
    .join(', ');
}

function where(n: NotedFinding): string {
  const r = n.result;
  const lb = r.resource.loadBalancerName ?? r.resource.loadBalancerId;
  const name = lb && r.resource.kind !== 'load-balancer' ? `${r.resource.name} (load balancer ${lb})` : r.resource.name;
  const account = n.accountName ? `${n.account} (${n.accountName})` : n.account;
  return `${name} in ${account}/${r.resource.region ?? '?'}`;
}

/** The message for a run, or undefined when nothing new reaches the notify severity. */
export function buildOrgNotification(input: OrgNotificationInput): Notification | undefined {
  const f = input.findings;
  if (f.total === 0 && f.raisedTotal === 0) return undefined;
  const t = sanitizeTerminal;
  const counted = f.total ? `${f.total} new finding${f.total === 1 ? '' : 's'} (${countBySeverity(f.bySeverity)})` : '';
  const raisedText = f.raisedTotal ? `${f.raisedTotal} raised to ${f.notifySeverity} or above` : '';
  const headline = [counted, raisedText].filter(Boolean).join(', ');
  const accounts = `${f.accounts.size} account${f.accounts.size === 1 ? '' : 's'}`;
  const subject = subjectLine(`cloud502 organization${input.failedItems ? ' [partial]' : ''}: ${headline} in ${accounts}`);

  const out = [`cloud502 organization audit: ${headline}, at or above ${f.notifySeverity}, in ${accounts}.`, ''];
  out.push(`Report:  s3://${input.bucket}/${input.reportKeys.html}`);
  out.push(`         s3://${input.bucket}/${input.reportKeys.json} (JSON); one report per account under accounts/`);
  out.push(`Latest:  s3://${input.bucket}/${input.reportKeys.latest}`);
  out.push(`Run:     ${t(input.runId)}, generated ${t(input.generatedAt)}; ${input.accounts} accounts, ${input.items} account/region items`);
  out.push(`         ${input.failing} failing checks on ${input.loadBalancers} load balancers`);
  if (input.uncompared) out.push(`${input.uncompared} account${input.uncompared === 1 ? ' has' : 's have'} no previous report to compare with, so all their findings are new.`);
  if (input.failedItems) {
    out.push('', `PARTIAL: ${input.failedItems} account/region item${input.failedItems === 1 ? ' was' : 's were'} not audited; the report lists each with its error under coverage.`);
  }
  if (f.total) {
    out.push('', `New findings (${f.total}):`);
    for (const n of f.listed) out.push(`  [${n.result.severity}] ${t(n.result.checkId)} on ${t(where(n))}`, `      ${t(n.result.message)}`);
    if (f.total > f.listed.length) out.push(`  ... and ${f.total - f.listed.length} more in the account reports.`);
  }
  if (f.raisedTotal) {
    out.push('', `Severity raised (${f.raisedTotal}):`);
    for (const n of f.listedRaised) out.push(`  [${n.before} -> ${n.result.severity}] ${t(n.result.checkId)} on ${t(where(n))}`, `      ${t(n.result.message)}`);
    if (f.raisedTotal > f.listedRaised.length) out.push(`  ... and ${f.raisedTotal - f.listedRaised.length} more in the account reports.`);
  }
  return { subject, message: `${out.join('\n')}\n`, findings: f.listed.map((n) => n.result), raised: [] };
}
