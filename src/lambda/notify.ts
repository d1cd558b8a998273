/**
 * The SNS notification of a scheduled run: the findings that are new since the previous run (and those whose
 * severity rose) at or above the notify severity, as one readable plain-text message. Nothing new, no message.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Severity } from '../engine/index.js';
import type { ReportResult } from '../report/types.js';
import { atLeast, SEVERITIES } from '../engine/index.js';
import type { ReportDiff, SeverityChange } from '../report/diff.js';
import { Cloud502Error } from '../errors.js';
import { sanitizeTerminal } from '../report/escape.js';
import { scopeLabel } from '../report/text.js';
import type { Report } from '../report/types.js';
import type { PreviousReport, ReportKeys } from './store.js';

/** SNS: "Subjects must be ... less than 100 characters long", ASCII, no line breaks. */
export const MAX_SUBJECT_LENGTH = 99;
/** Findings listed in full; the rest are counted. SNS caps a message at 256 KB; an e-mail reader gives up sooner. */
export const MAX_LISTED_FINDINGS = 50;

export interface NotificationInput {
  diff: ReportDiff;
  report: Report;
  previous: PreviousReport['kind'];
  notifySeverity: Severity;
  bucket: string;
  dated: ReportKeys;
  latest: ReportKeys;
  /** Regions cut short by the deadline in this run. */
  cutShort: string[];
}

export interface Notification {
  subject: string;
  message: string;
  /** New findings at or above the notify severity, worst first. */
  findings: ReportResult[];
  /** Findings already there whose severity rose to at or above the notify severity. */
  raised: SeverityChange[];
}

/** One line of printable ASCII, at most `max` characters (SNS refuses anything else in a subject). */
export function subjectLine(text: string, max = MAX_SUBJECT_LENGTH): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const ascii = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').replace(/\s+/g, ' ').trim();
  return ascii.length <= max ? ascii : `${ascii.slice(0, max - 3).trimEnd()}...`;
}

function countBySeverity(findings: readonly ReportResult[]): string {
  return SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

function where(r: ReportResult): string {
  const lb = r.resource.loadBalancerName ?? r.resource.loadBalancerId;
  const place = [r.resource.account, r.resource.region].filter(Boolean).join('/');
  const name = lb && r.resource.kind !== 'load-balancer' ? `${r.resource.name} (load balancer ${lb})` : r.resource.name;
  return place ? `${name} in ${place}` : name;
}

/** The message for a run, or undefined when nothing new reaches the notify severity. */
export function buildNotification(input: NotificationInput): Notification | undefined {
  const { diff, report, notifySeverity } = input;
  const findings = diff.new.filter((r) => atLeast(r.severity, notifySeverity));
  const raised = diff.changed.filter((c) => c.direction === 'up' && atLeast(c.after.severity, notifySeverity));
  if (findings.length === 0 && raised.length === 0) return undefined;

  const t = sanitizeTerminal;
  const regions = [...new Set(report.scopes.map((s) => s.region))];
  const counted = findings.length ? `${findings.length} new finding${findings.length === 1 ? '' : 's'} (${countBySeverity(findings)})` : '';
  const raisedText = raised.length ? `${raised.length} raised to ${notifySeverity} or above` : '';
  const headline = [counted, raisedText].filter(Boolean).join(', ');
  const subject = subjectLine(`cloud502${input.cutShort.length ? ' [partial]' : ''}: ${headline} in ${regions.join(', ') || 'no region'}`);

  const out = [`cloud502 scheduled audit: ${headline}, at or above ${notifySeverity}.`, ''];
  out.push(`Report:  s3://${input.bucket}/${input.dated.html}`);
  out.push(`         s3://${input.bucket}/${input.dated.json} (JSON), s3://${input.bucket}/${input.dated.md} (Markdown)`);
  out.push(`Latest:  s3://${input.bucket}/${input.latest.html}`);
  out.push(`Scopes:  ${report.scopes.map((s) => t(scopeLabel(s))).join(', ') || 'none'}`);
  out.push(`Run:     generated ${report.generatedAt}; ${report.summary.byStatus.fail} failing checks on ${report.summary.loadBalancers} load balancers`);
  if (input.previous === 'found') out.push(`Compared with the previous report, generated ${t(diff.before.generatedAt)}.`);
  else if (input.previous === 'absent') out.push('First run: there is no previous report, so every finding is new.');
  else out.push('The previous report could not be read, so every finding is treated as new.');
  if (input.cutShort.length) {
    out.push('', `PARTIAL: collection of ${input.cutShort.join(', ')} stopped early at the Lambda deadline; nothing from there is in this report.`);
  }

  if (findings.length) {
    out.push('', `New findings (${findings.length}):`);
    for (const r of findings.slice(0, MAX_LISTED_FINDINGS)) out.push(`  [${r.severity}] ${t(r.checkId)} on ${t(where(r))}`, `      ${t(r.message)}`);
    if (findings.length > MAX_LISTED_FINDINGS) out.push(`  ... and ${findings.length - MAX_LISTED_FINDINGS} more in the report.`);
  }
  if (raised.length) {
    out.push('', `Severity raised (${raised.length}):`);
    for (const c of raised.slice(0, MAX_LISTED_FINDINGS)) {
      out.push(`  [${c.before.severity} -> ${c.after.severity}] ${t(c.after.checkId)} on ${t(where(c.after))}`, `      ${t(c.after.message)}`);
    }
    if (raised.length > MAX_LISTED_FINDINGS) out.push(`  ... and ${raised.length - MAX_LISTED_FINDINGS} more in the report.`);
  }
  return { subject, message: `${out.join('\n')}\n`, findings, raised };
}

/** A notification that could not be published in time or at all; the invocation fails with this one line. */
export class NotifyError extends Cloud502Error {
  override name = 'NotifyError';
}

/**
 * Publishes one notification; returns the SNS message id. `signal` is the Lambda's deadline: a hung SNS call is
 * abandoned there, so the invocation fails with one line instead of being killed without a word.
 */
export async function publishNotification(
  sns: SNSClient,
  topicArn: string,
  notification: Notification,
  deduplicationId: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const fifo = topicArn.endsWith('.fifo');
  try {
    signal?.throwIfAborted();
    const out = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: notification.subject,
        Message: notification.message,
        // FIFO topics require a group and a deduplication id; one group keeps runs in order.
        ...(fifo ? { MessageGroupId: 'cloud502', MessageDeduplicationId: deduplicationId.slice(-128) } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    return out.MessageId;
  } catch (err) {
    if (signal?.aborted) {
      const why = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
      throw new NotifyError(`cannot publish to ${topicArn}: SNS did not answer before the Lambda deadline (${why})`, { cause: err });
    }
    throw err;
  }
}
