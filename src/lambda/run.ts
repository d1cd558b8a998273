/**
 * One scheduled run: audit under the deadline, write the dated reports, compare with `latest`, notify what is new,
 * then move `latest` (unless the run is partial). handler.ts builds this once per sandbox from the cold-start config.
 *
 * Order matters for at-least-once notification: the message is published BEFORE `latest` moves, so after a failed
 * publish (the invocation fails) the next run still finds the same findings new; a failed `latest` write can only
 * repeat a notification, never lose one.
 */
import { parseConfig } from '../config/load.js';
import type { AuditConfig, CheckRegistry } from '../engine/index.js';
import type { ReportDiff } from '../report/diff.js';
import { diffReports } from '../report/diff.js';
import { renderHtml } from '../report/html.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/types.js';
import type { LambdaClients } from './clients.js';
import type { AuditConfigSource, LambdaConfig } from './config.js';
import { startDeadline } from './deadline.js';
import { EnvConfigError } from './env.js';
import { buildNotification, publishNotification } from './notify.js';
import { runScheduledAudit } from './scheduled-audit.js';
import type { PreviousReport, RenderedReport } from './store.js';
import { datedKeys, getText, latestKeys, putReport, readPreviousReport } from './store.js';

/** The part of the Lambda context the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

export type LogLine = Record<string, unknown> & { level: 'INFO' | 'WARN'; message: string };

export interface HandlerDeps {
  registry: CheckRegistry;
  clients: LambdaClients;
  /** One structured line per event; the default writes JSON lines to stdout (CloudWatch Logs). */
  log?: (line: LogLine) => void;
  clock?: () => Date;
}

/** What an invocation returns (and logs): where the report went and what was notified. */
export interface RunSummary {
  bucket: string;
  reportKey: string;
  latestKey: string;
  /** False for a partial run when a complete report is already in `latest/`. */
  latestUpdated: boolean;
  partial: boolean;
  cutShortRegions: string[];
  failedRegions: string[];
  failing: number;
  previous: PreviousReport['kind'];
  newFindings: number;
  notified: boolean;
  messageId?: string;
}

/** Time kept after the last S3/SNS call so the failure can still be logged and returned before Lambda stops the function. */
export const WRITE_MARGIN_MS = 1_000;

export type ScheduledHandler = (event: unknown, context: LambdaContext) => Promise<RunSummary>;

function writeLogLine(line: LogLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Lambda gives a function's initialisation 10 s; reading the config file must fail with its own line before that. */
export const CONFIG_READ_TIMEOUT_MS = 8_000;

/** The audit config of CLOUD502_CONFIG_JSON or CLOUD502_CONFIG_KEY, read once at cold start. */
export async function loadAuditConfig(
  source: AuditConfigSource,
  bucket: string,
  registry: CheckRegistry,
  clients: LambdaClients,
  timeoutMs = CONFIG_READ_TIMEOUT_MS,
): Promise<AuditConfig> {
  switch (source.kind) {
    case 'none':
      return {};
    case 'inline':
      return source.config;
    case 's3': {
      let text: string | undefined;
      try {
        text = await getText(clients.s3(), bucket, source.key, AbortSignal.timeout(timeoutMs));
      } catch (err) {
        throw new EnvConfigError('CLOUD502_CONFIG_KEY', err instanceof Error ? err.message : String(err));
      }
      if (text === undefined) throw new EnvConfigError('CLOUD502_CONFIG_KEY', `s3://${bucket}/${source.key} does not exist`);
      // parseConfig picks JSON or YAML by the key's extension; its messages name s3://bucket/key.
      return parseConfig(text, `s3://${bucket}/${source.key}`, registry);
    }
  }
}

function render(report: Report, registry: CheckRegistry, cutShort: string[]): RenderedReport {
  const checks = (id: string) => registry.get(id);
  const fails = report.summary.byStatus.fail;
  // Partial reports say so in their heading, not only in the coverage section further down.
  const title = cutShort.length
    ? `cloud502 PARTIAL report (collection stopped early in ${cutShort.join(', ')}): ${fails} failing check${fails === 1 ? '' : 's'}`
    : undefined;
  return {
    json: renderJson(report),
    html: renderHtml(report, { checks, ...(title ? { title } : {}) }),
    md: renderMarkdown(report, { checks, ...(title ? { title } : {}) }),
  };
}

/**
 * Builds the handler for a validated config.
 * @example export const handler = createHandler(config, auditConfig, { registry, clients: lazyClients(config) });
 */
export function createHandler(config: LambdaConfig, auditConfig: AuditConfig, deps: HandlerDeps): ScheduledHandler {
  const log = deps.log ?? writeLogLine;
  const clock = deps.clock ?? (() => new Date());
  return async (_event, context) => {
    const now = clock();
    const deadline = startDeadline(context.getRemainingTimeInMillis(), config.safetyMarginMs);
    let outcome;
    try {
      outcome = await runScheduledAudit(
        {
          regions: config.regions,
          roleArns: config.roleArns,
          ...(config.externalId !== undefined ? { externalId: config.externalId } : {}),
          ...(config.include ? { include: config.include } : {}),
          ...(config.exclude ? { exclude: config.exclude } : {}),
          config: auditConfig,
          metricsWindowSeconds: config.metricsWindowSeconds,
          concurrency: config.concurrency,
          ...(config.endpointUrl !== undefined ? { endpointUrl: config.endpointUrl } : {}),
          now,
          deadline: deadline.signal,
        },
        { registry: deps.registry },
      );
    } finally {
      deadline.dispose();
    }
    const { report, partial, cutShort, failed } = outcome;
    if (partial) log({ level: 'WARN', message: 'collection stopped at the deadline; the report is partial', cutShortRegions: cutShort, budgetMs: deadline.budgetMs });

    const s3 = deps.clients.s3();
    const rendered = render(report, deps.registry, cutShort);
    const dated = datedKeys(config.prefix, now);
    const latest = latestKeys(config.prefix);
    const metadata = { 'cloud502-partial': String(partial), 'cloud502-generated-at': report.generatedAt };
    // Every S3 and SNS call from here on ends before the Lambda does: a hung one fails the invocation with one line.
    const writes = startDeadline(context.getRemainingTimeInMillis(), WRITE_MARGIN_MS, 'S3 and SNS calls');
    try {
      await putReport(s3, config.bucket, dated, rendered, metadata, writes.signal);

      const previous = await readPreviousReport(s3, config.bucket, latest.json, writes.signal);
      if (previous.kind === 'unreadable') log({ level: 'WARN', message: 'previous report unreadable; every finding counts as new', reason: previous.reason });
      // No usable previous report: compare with an empty one, so every finding is new.
      const diff: ReportDiff = diffReports(previous.kind === 'found' ? previous.report : { ...report, results: [] }, report);

      let messageId: string | undefined;
      let notified = false;
      if (config.topicArn !== undefined) {
        const notification = buildNotification({
          diff,
          report,
          previous: previous.kind,
          notifySeverity: config.notifySeverity,
          bucket: config.bucket,
          dated,
          latest,
          cutShort,
        });
        if (notification) {
          messageId = await publishNotification(deps.clients.sns(), config.topicArn, notification, dated.json, writes.signal);
          notified = true;
        }
      }
      // `latest/` is the last COMPLETE report, the next run's comparison base: a partial one there would make every
      // finding of the regions it missed look new next time. Only a first run, with nothing to compare, writes it anyway.
      const latestUpdated = !partial || previous.kind !== 'found';
      if (latestUpdated) await putReport(s3, config.bucket, latest, rendered, metadata, writes.signal);

      const summary: RunSummary = {
        bucket: config.bucket,
        reportKey: dated.json,
        latestKey: latest.json,
        latestUpdated,
        partial,
        cutShortRegions: cutShort,
        failedRegions: failed,
        failing: report.summary.byStatus.fail,
        previous: previous.kind,
        newFindings: diff.new.length,
        notified,
        ...(messageId !== undefined ? { messageId } : {}),
      };
      log({ level: 'INFO', message: 'cloud502 scheduled audit written', ...(context.awsRequestId ? { requestId: context.awsRequestId } : {}), ...summary });
      return summary;
    } finally {
      writes.dispose();
    }
  };
}

