/**
 * The worker step: the scheduled audit (runScheduledAudit, the single-invocation mode's pipeline) adapted to one
 * batch of Distributed Map items. The map's ItemBatcher hands it `{ BatchInput: { runId, generatedAt }, Items }`;
 * each item is one account × region, audited through the account's role and written as a partial JSON report to
 * `runs/<runId>/partial/<account>/<region>.json`.
 *
 * Rate limits: each item gets the collector's own rate budget, keyed account × region × API, and no two items of a
 * run share an account × region (the plan lists each once), so items never draw on the same AWS bucket.
 *
 * Failures: an item that fails (its role cannot be assumed, its region cannot be reached, its report cannot be
 * written) is reported in the output and the others go on. Only when every item of the batch failed does the
 * invocation fail, with the first item's error as its type (e.g. AccessDenied, CollectionError), so the map counts
 * the failure against its tolerance and its Retry policy can match the error.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { AuditDeps } from '../../audit.js';
import type { AuditConfig, CheckRegistry } from '../../engine/index.js';
import { ConfigError } from '../../errors.js';
import { renderJson } from '../../report/json.js';
import type { Report } from '../../report/types.js';
import { STS_ASSUME_ROLE } from '../../../providers/aws/iam.js';
import { startDeadline } from '../deadline.js';
import type { LambdaContext, LogLine } from '../run.js';
import { REGION_FAILED_API, runScheduledAudit } from '../scheduled-audit.js';
import { ReportStoreError } from '../store.js';
import type { OrgClients } from './clients.js';
import type { WorkerConfig } from './config.js';
import { itemKey, parseItem, type AuditItem } from './items.js';
import { RUN_ID, runKeys } from './layout.js';
import { NothingAuditedError } from '../../errors.js';

/** ItemBatcher allows larger batches; a worker takes at most this many (the stack's batch size is far below). */
export const MAX_ITEMS_PER_EVENT = 100;

export interface WorkerEvent {
  BatchInput: { runId: string; generatedAt: string };
  Items: AuditItem[];
}

/** Why an item produced no report: the coverage entry the merge writes for it. */
export interface ItemError {
  /** The call or step that failed, e.g. `sts:AssumeRole`, `cloud502:collect`. */
  api: string;
  code: string;
  message: string;
}

export interface ItemOutcome {
  account: string;
  region: string;
  status: 'complete' | 'partial' | 'failed';
  /** The partial report (complete and partial items). */
  key?: string;
  failing?: number;
  error?: ItemError;
}

export interface WorkerOutput {
  runId: string;
  items: ItemOutcome[];
}

export interface WorkerDeps {
  registry: CheckRegistry;
  clients: Pick<OrgClients, 's3'>;
  log?: (line: LogLine) => void;
  /** The audit's adapter loader (tests instrument the collector's clients through it). */
  loadAdapter?: AuditDeps['loadAdapter'];
}

export type WorkerHandler = (event: unknown, context: LambdaContext) => Promise<WorkerOutput>;

/** The invocation's error when every item failed: its name is the first item's error code. */
export class BatchFailedError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = /^[A-Za-z][\w.]{0,99}$/.test(code) ? code : 'BatchFailed';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @throws ConfigError with one line naming what is wrong with the event. */
export function parseWorkerEvent(event: unknown): WorkerEvent {
  if (!isRecord(event) || !isRecord(event.BatchInput) || !Array.isArray(event.Items)) {
    throw new ConfigError('worker input: expected { BatchInput: { runId, generatedAt }, Items: [...] }, as the map\'s ItemBatcher sends it');
  }
  const { runId, generatedAt } = event.BatchInput;
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) throw new ConfigError(`worker input: BatchInput.runId ${JSON.stringify(String(runId).slice(0, 140))} is not a run id`);
  if (typeof generatedAt !== 'string' || !Number.isFinite(Date.parse(generatedAt))) throw new ConfigError('worker input: BatchInput.generatedAt is not an ISO 8601 time');
  if (event.Items.length === 0 || event.Items.length > MAX_ITEMS_PER_EVENT) throw new ConfigError(`worker input: Items must hold 1 to ${MAX_ITEMS_PER_EVENT} items, got ${event.Items.length}`);
  const items = event.Items.map((v, i) => parseItem(v, `worker input, item ${i + 1}`));
  const keys = new Set(items.map(itemKey));
  if (keys.size !== items.length) throw new ConfigError('worker input: an account × region appears twice in one batch');
  return { BatchInput: { runId, generatedAt: new Date(Date.parse(generatedAt)).toISOString() }, Items: items };
}

function oneLine(text: string, max = 1000): string {
  // eslint-disable-next-line no-control-regex -- a message is one line
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 3)}...`;
}

function errorOf(err: unknown): ItemError {
  // Nothing could be audited: name the call that failed (e.g. AssumeRole denied), not the wrapper.
  const first = err instanceof NothingAuditedError ? err.failures[0] : undefined;
  if (first) return { api: first.api, code: first.code, message: oneLine(first.message) };
  const e = err as { name?: unknown; message?: unknown };
  return { api: REGION_FAILED_API, code: typeof e?.name === 'string' && e.name !== '' ? e.name : 'Error', message: oneLine(typeof e?.message === 'string' ? e.message : String(err)) };
}

/** The account could not be entered: the report holds nothing but the AssumeRole failure. */
function assumeRoleFailure(report: Report): ItemError | undefined {
  const gap = report.coverage.find((g) => g.api === STS_ASSUME_ROLE);
  return gap ? { api: STS_ASSUME_ROLE, code: gap.code, message: oneLine(gap.message) } : undefined;
}

function writeLogLine(line: LogLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/**
 * Builds the worker handler for a validated config and the audit config read at cold start.
 * @example export const handler = createWorker(config, auditConfig, { registry, clients: lazyOrgClients({}) });
 */
export function createWorker(config: WorkerConfig, auditConfig: AuditConfig, deps: WorkerDeps): WorkerHandler {
  const log = deps.log ?? writeLogLine;
  return async (event, context) => {
    const { BatchInput, Items } = parseWorkerEvent(event);
    const now = new Date(BatchInput.generatedAt);
    const keys = runKeys(config.prefix, BatchInput.runId);
    // One deadline for the batch: items still running when it strikes come back partial, as a region does in the single mode.
    const deadline = startDeadline(context.getRemainingTimeInMillis(), config.safetyMarginMs);
    const limit = pLimit(config.itemConcurrency);

    const auditItem = async (item: AuditItem): Promise<ItemOutcome> => {
      const base = { account: item.account, region: item.region };
      let report: Report;
      let partial: boolean;
      try {
        const outcome = await runScheduledAudit(
          {
            regions: [item.region],
            roleArns: [item.roleArn],
            ...(item.externalId !== undefined ? { externalId: item.externalId } : {}),
            ...(config.include ? { include: config.include } : {}),
            ...(config.exclude ? { exclude: config.exclude } : {}),
            config: auditConfig,
            metricsWindowSeconds: config.metricsWindowSeconds,
            concurrency: config.concurrency,
            ...(config.endpointUrl !== undefined ? { endpointUrl: config.endpointUrl } : {}),
            now,
            deadline: deadline.signal,
          },
          { registry: deps.registry, ...(deps.loadAdapter ? { loadAdapter: deps.loadAdapter } : {}) },
        );
        report = outcome.report;
        partial = outcome.partial;
      } catch (err) {
        return { ...base, status: 'failed', error: errorOf(err) };
      }
      const denied = assumeRoleFailure(report);
      if (denied) return { ...base, status: 'failed', error: denied };
      const key = keys.partial(item.account, item.region);
      try {
        await deps.clients.s3().send(
          new PutObjectCommand({
            Bucket: config.bucket,
            Key: key,
            Body: renderJson(report),
            ContentType: 'application/json; charset=utf-8',
            Metadata: { 'cloud502-partial': String(partial), 'cloud502-generated-at': report.generatedAt },
          }),
        );
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode;
        const hint = e.name === 'AccessDenied' || status === 403 ? `: the worker needs s3:PutObject on s3://${config.bucket}/${key}` : '';
        const failure = new ReportStoreError(`cannot write s3://${config.bucket}/${key} (${e.name ?? 'Error'}${status ? `, HTTP ${status}` : ''})${hint}`, { cause: err });
        return { ...base, status: 'failed', error: { api: 's3:PutObject', code: failure.name, message: failure.message } };
      }
      return { ...base, status: partial ? 'partial' : 'complete', key, failing: report.summary.byStatus.fail };
    };

    let outcomes: ItemOutcome[];
    try {
      outcomes = await Promise.all(Items.map((item) => limit(() => auditItem(item))));
    } finally {
      deadline.dispose();
    }
    const failed = outcomes.filter((o) => o.status === 'failed');
    log({
      level: failed.length ? 'WARN' : 'INFO',
      message: 'cloud502 organization items audited',
      runId: BatchInput.runId,
      items: outcomes.length,
      failed: failed.map((o) => ({ item: itemKey(o), code: o.error?.code })),
      partial: outcomes.filter((o) => o.status === 'partial').map(itemKey),
      ...(context.awsRequestId ? { requestId: context.awsRequestId } : {}),
    });
    if (failed.length === outcomes.length) {
      // The merge gives every item of a failed batch this message; with several items it says whose it is.
      const first = failed[0]!;
      const more = failed.length > 1 ? ` (all ${failed.length} items of this batch failed; this is the error of ${itemKey(first)})` : '';
      throw new BatchFailedError(first.error!.code, `${first.error!.message}${more}`);
    }
    return { runId: BatchInput.runId, items: outcomes };
  };
}
