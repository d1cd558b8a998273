/**
 * The merge step of an organization audit. It reads what the run left in the bucket and writes:
 *
 * - one report per account (JSON and the configured formats), merged from the account's partial reports, with a
 *   coverage entry for every item that produced none (naming the account, the region and the error);
 * - the organization report (JSON, CSV, SARIF) and its overview (Markdown, HTML, text), assembled from scratch
 *   files one account at a time;
 * - the SNS message of the findings that are new since each account's previous report, at or above the severity.
 *
 * Memory stays bounded whatever the number of items: the ResultWriter files and the item list are streamed record
 * by record; partial reports are read one account at a time (the plan sorts the items by account); only the items
 * that failed, the accounts to move to `latest/`, and the worst MAX_LISTED_FINDINGS new findings are kept.
 *
 * Order, as in the single mode, for at-least-once notification: dated reports first, then the SNS message, then
 * `latest/`. An account's `latest/` moves only when all its regions were audited in full (or it has no previous
 * report), so a failed region never makes the next run report that region's findings as new.
 */
import { tmpdir } from 'node:os';
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { toolVersion } from '../../audit.js';
import type { CheckRegistry } from '../../engine/index.js';
import { ConfigError } from '../../errors.js';
import type { CoverageGap } from '../../model/index.js';
import { diffReports } from '../../report/diff.js';
import { renderHtml } from '../../report/html.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import { renderReport, type ReportFormat } from '../../report/render.js';
import type { Report } from '../../report/types.js';
import { publishNotification } from '../notify.js';
import type { LogLine } from '../run.js';
import { DEADLINE_API, DEADLINE_CODE } from '../scheduled-audit.js';
import { getText, readPreviousReport, ReportStoreError } from '../store.js';
import { buildAccountReport, itemGap, MAP_ITEM_API, readPartialReport } from './account-report.js';
import type { OrgClients } from './clients.js';
import type { MergeConfig } from './config.js';
import { itemKey, parseItem, type AuditItem } from './items.js';
import { parsedRecords } from './json-stream.js';
import { accountDir, CONTENT_TYPES, datedDir, latestDir, mapResultsPrefix, reportFile, RUN_ID, RUN_SUMMARY_FILE, runKeys } from './layout.js';
import { failureMessage, mapRunOutputOf, type MapRunOutput } from './map-files.js';
import { readFailures } from './map-results.js';
import { ORG_DOCUMENT_FORMATS, OrgReportWriter, type OrgDocumentFormat } from './org-report.js';
import { buildOrgNotification, NewFindings } from './org-notify.js';
import { OVERVIEW_FORMATS, OverviewWriter, type AccountRow, type OverviewFormat } from './org-overview.js';
import { objectStream, exists } from './s3-read.js';
import { scratchDir } from './section-file.js';
import { putText, uploadFile, type UploadSizes } from './upload.js';
import type { ItemError } from './worker.js';

/** The run's API of a coverage entry about the whole map run, not one item. */
export const MAP_RUN_API = 'cloud502:map-run';
/** Partial reports of one account read at once. */
const READ_CONCURRENCY = 16;
/** Objects copied to `latest/` at once. */
const COPY_CONCURRENCY = 8;

/** What the state machine passes: the plan's output, plus the map's output or, when the map failed, its error. */
export interface MergeEvent {
  runId: string;
  generatedAt: string;
  bucket: string;
  itemsKey: string;
  map?: MapRunOutput;
  mapError?: { Error: string; Cause?: string };
}

export interface MergeSummary {
  runId: string;
  bucket: string;
  reportKey: string;
  latestKey: string;
  accounts: number;
  items: number;
  /** Items without a report. */
  failedItems: number;
  /** Accounts with a region not audited in full. */
  partialAccounts: number;
  failing: number;
  newFindings: number;
  notified: boolean;
  messageId?: string;
  /** Accounts whose `latest/` report moved. */
  latestAccounts: number;
  /** Whether the organization's `latest/` moved. */
  latestUpdated: boolean;
}

export interface MergeDeps {
  clients: Pick<OrgClients, 's3' | 'sns'>;
  registry: CheckRegistry;
  log?: (line: LogLine) => void;
  /** Where scratch files go (a Lambda has /tmp); default the OS temporary directory. */
  tmpDir?: string;
  upload?: UploadSizes;
}

export type MergeHandler = (event: unknown) => Promise<MergeSummary>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @throws ConfigError: the merge reads only this run's objects in its own bucket and prefix. */
export function parseMergeEvent(event: unknown, config: MergeConfig): MergeEvent {
  if (!isRecord(event)) throw new ConfigError('merge input: expected the plan output with the map output');
  const { runId, generatedAt, bucket, itemsKey } = event;
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) throw new ConfigError('merge input: runId is missing or malformed');
  if (typeof generatedAt !== 'string' || !Number.isFinite(Date.parse(generatedAt))) throw new ConfigError('merge input: generatedAt is not an ISO 8601 time');
  if (bucket !== config.bucket) throw new ConfigError(`merge input: bucket ${JSON.stringify(String(bucket).slice(0, 70))} is not ${config.bucket}`);
  if (itemsKey !== runKeys(config.prefix, runId).items) throw new ConfigError('merge input: itemsKey is not the run\'s item list');
  const out: MergeEvent = { runId, generatedAt: new Date(Date.parse(generatedAt)).toISOString(), bucket, itemsKey };
  if (event.map !== undefined) {
    const map = mapRunOutputOf(event.map);
    if (!map) throw new ConfigError('merge input: map is not a Map state output with ResultWriterDetails');
    if (map.ResultWriterDetails.Bucket !== config.bucket || !map.ResultWriterDetails.Key.startsWith(`${mapResultsPrefix(config.prefix)}/`)) {
      throw new ConfigError('merge input: the ResultWriter manifest is not under this stack\'s map-results prefix');
    }
    out.map = map;
  }
  if (event.mapError !== undefined) {
    const e = event.mapError;
    if (!isRecord(e) || typeof e.Error !== 'string') throw new ConfigError('merge input: mapError is not a Step Functions error ({ Error, Cause })');
    out.mapError = { Error: e.Error.slice(0, 256), ...(typeof e.Cause === 'string' ? { Cause: e.Cause } : {}) };
  }
  return out;
}

async function* accountsOf(items: AsyncIterable<AuditItem>): AsyncGenerator<AuditItem[]> {
  const done = new Set<string>();
  let current: AuditItem[] = [];
  for await (const item of items) {
    if (current.length > 0 && current[0]!.account !== item.account) {
      done.add(current[0]!.account);
      yield current;
      current = [];
    }
    // One account at a time needs the plan's order; a revisited account would overwrite its own report.
    if (done.has(item.account)) throw new ConfigError(`the item list is not grouped by account (${item.account} appears twice apart)`);
    current.push(item);
  }
  if (current.length > 0) yield current;
}

function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function writeLogLine(line: LogLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/**
 * Builds the merge handler for a validated config.
 * @example export const handler = createMergeHandler(readMergeConfig(process.env), { clients, registry });
 */
export function createMergeHandler(config: MergeConfig, deps: MergeDeps): MergeHandler {
  const log = deps.log ?? writeLogLine;
  const perAccountFormats: ReportFormat[] = ['json', ...config.formats];
  const orgDocuments = new Set<OrgDocumentFormat>(['json', ...config.formats.filter((f): f is OrgDocumentFormat => (ORG_DOCUMENT_FORMATS as readonly string[]).includes(f))]);
  const overviews = config.formats.filter((f): f is OverviewFormat => (OVERVIEW_FORMATS as readonly string[]).includes(f));
  const checks = (id: string) => deps.registry.get(id);
  const catalog = deps.registry.all();

  const render = (report: Report, format: ReportFormat, title: string | undefined): string => {
    if (format === 'json') return renderJson(report);
    if (format === 'html') return renderHtml(report, { checks, ...(title ? { title } : {}) });
    if (format === 'markdown') return renderMarkdown(report, { checks, ...(title ? { title } : {}) });
    return renderReport(report, format, { checks, catalog });
  };

  return async (rawEvent) => {
    const event = parseMergeEvent(rawEvent, config);
    const s3 = deps.clients.s3();
    const generatedAt = new Date(event.generatedAt);
    const version = toolVersion();
    const run = runKeys(config.prefix, event.runId);
    const dated = datedDir(config.prefix, generatedAt);
    const latest = latestDir(config.prefix);
    const mapFailure = event.mapError ? { code: event.mapError.Error, message: failureMessage(event.mapError) } : undefined;

    const failures = event.map ? await readFailures(s3, config, event.map, log) : new Map<string, ItemError>();
    if (!event.map && !event.mapError) log({ level: 'WARN', message: 'the merge got no map output; items without a report are listed as not audited' });

    const scratch = await scratchDir(deps.tmpDir ?? tmpdir());
    try {
      const org = await OrgReportWriter.create(scratch, { generatedAt, toolVersion: version }, orgDocuments, catalog);
      const overview = await OverviewWriter.create(scratch, overviews);
      const findings = new NewFindings(config.notifySeverity);
      const toLatest: string[] = [];
      let accounts = 0;
      let items = 0;
      let failedItems = 0;
      let partialAccounts = 0;
      let uncompared = 0;
      const readLimit = pLimit(READ_CONCURRENCY);

      const itemsBody = await objectStream(s3, config.bucket, event.itemsKey);
      if (!itemsBody) throw new ConfigError(`the item list s3://${config.bucket}/${event.itemsKey} does not exist`);
      const parsedItems = parsedRecords(itemsBody, `s3://${config.bucket}/${event.itemsKey}`, parseItem);

      for await (const group of accountsOf(parsedItems)) {
        const account = group[0]!.account;
        const name = group.find((i) => i.name !== undefined)?.name;
        accounts += 1;
        items += group.length;
        const loaded = await Promise.all(
          group.map((item) =>
            readLimit(async (): Promise<{ report: Report } | { gap: CoverageGap }> => {
              const failure = failures.get(itemKey(item));
              if (failure) return { gap: itemGap(item, failure) };
              const key = run.partial(item.account, item.region);
              const text = await getText(s3, config.bucket, key);
              if (text === undefined) {
                const why = mapFailure
                  ? { api: MAP_RUN_API, code: mapFailure.code, message: `the map run failed before this item wrote its report: ${mapFailure.message}` }
                  : { api: MAP_ITEM_API, code: 'NoReport', message: 'the item ended without writing its report' };
                return { gap: itemGap(item, why) };
              }
              let value: unknown;
              try {
                value = JSON.parse(text) as unknown;
              } catch {
                value = undefined;
              }
              const read = readPartialReport(value, item);
              if ('problem' in read) return { gap: itemGap(item, { api: MAP_ITEM_API, code: 'InvalidReport', message: `s3://${config.bucket}/${key}: ${read.problem}` }) };
              return read;
            }),
          ),
        );
        const partials = loaded.flatMap((l) => ('report' in l ? [l.report] : []));
        const gaps = loaded.flatMap((l) => ('gap' in l ? [l.gap] : []));
        const partialRegions = partials.filter((p) => p.coverage.some((g) => g.api === DEADLINE_API && g.code === DEADLINE_CODE)).length;
        const report = buildAccountReport({ generatedAt, toolVersion: version, partials, gaps });
        const complete = gaps.length === 0 && partialRegions === 0;
        failedItems += gaps.length;
        if (!complete) partialAccounts += 1;

        const accountLatestJson = `${accountDir(latest, account)}${reportFile('json')}`;
        const previous = await readPreviousReport(s3, config.bucket, accountLatestJson);
        if (previous.kind === 'unreadable') log({ level: 'WARN', message: 'previous account report unreadable; its findings count as new', account, reason: previous.reason });
        if (previous.kind !== 'found') uncompared += 1;
        const diff = diffReports(previous.kind === 'found' ? previous.report : { ...report, results: [] }, report);
        const newCount = findings.add(account, name, diff);

        const title = complete ? undefined : `cloud502 PARTIAL report of account ${account}: ${gaps.length} region${gaps.length === 1 ? '' : 's'} not audited, ${partialRegions} cut short`;
        const rendered = new Map<ReportFormat, string>();
        const dir = accountDir(dated, account);
        for (const format of perAccountFormats) {
          const text = render(report, format, title);
          rendered.set(format, text);
          await putText(s3, { bucket: config.bucket, key: `${dir}${reportFile(format)}`, contentType: CONTENT_TYPES[format], metadata: { 'cloud502-partial': String(!complete), 'cloud502-run': event.runId } }, text);
        }
        await org.addAccount(report, { ...(rendered.has('csv') ? { csv: rendered.get('csv')! } : {}), ...(rendered.has('sarif') ? { sarif: rendered.get('sarif')! } : {}) });
        const row: AccountRow = {
          account,
          ...(name !== undefined ? { name } : {}),
          regions: partials.length,
          partialRegions,
          failedItems: gaps.length,
          summary: report.summary,
          newFindings: newCount,
          coverageGaps: report.coverage.length,
          compared: previous.kind === 'found',
        };
        await overview.addAccount(row, perAccountFormats);
        for (const gap of gaps) await overview.addNotAudited(gap);
        if (complete || previous.kind !== 'found') toLatest.push(account);
      }

      const runGap: CoverageGap | undefined = mapFailure
        ? { provider: 'aws', api: MAP_RUN_API, code: mapFailure.code, message: mapFailure.message, impact: 'the map run stopped early; items it did not finish are listed as not audited' }
        : undefined;
      if (runGap) await org.addGap(runGap);
      const documents = await org.finish();
      const partial = failedItems > 0 || partialAccounts > 0 || runGap !== undefined;
      const title = partial
        ? `cloud502 PARTIAL organization report: ${failedItems} account/region item${failedItems === 1 ? '' : 's'} not audited`
        : `cloud502 organization report: ${org.summary.byStatus.fail} failing check${org.summary.byStatus.fail === 1 ? '' : 's'} in ${accounts} account${accounts === 1 ? '' : 's'}`;
      const pages = await overview.finish({
        title,
        runId: event.runId,
        generatedAt: event.generatedAt,
        summary: org.summary,
        accounts,
        items,
        failedItems,
        newFindings: findings.listed,
        newTotal: findings.total,
        notifySeverity: config.notifySeverity,
        formats: perAccountFormats,
        ...(runGap ? { runGap } : {}),
      });
      const files = new Map<ReportFormat, string>([...documents, ...pages]);

      const metadata = { 'cloud502-partial': String(partial), 'cloud502-run': event.runId };
      const uploadAll = async (dir: string) => {
        for (const [format, path] of files) {
          await uploadFile(s3, { bucket: config.bucket, key: `${dir}${reportFile(format)}`, contentType: CONTENT_TYPES[format], metadata }, path, deps.upload);
        }
      };
      // JSON last: a reader that polls for report.json finds the other formats already there.
      const ordered = [...files.entries()].sort(([a], [b]) => (a === 'json' ? 1 : 0) - (b === 'json' ? 1 : 0));
      files.clear();
      for (const [f, p] of ordered) files.set(f, p);
      await uploadAll(dated);
      const runSummary = {
        runId: event.runId,
        generatedAt: event.generatedAt,
        mapRunArn: event.map?.MapRunArn ?? null,
        mapError: event.mapError ?? null,
        accounts,
        items,
        failedItems,
        partialAccounts,
        formats: { organization: [...files.keys()], accounts: perAccountFormats },
      };
      await putText(s3, { bucket: config.bucket, key: `${dated}${RUN_SUMMARY_FILE}`, contentType: CONTENT_TYPES.json }, `${JSON.stringify(runSummary, null, 2)}\n`);

      let messageId: string | undefined;
      let notified = false;
      if (config.topicArn !== undefined) {
        const notification = buildOrgNotification({
          findings,
          bucket: config.bucket,
          reportKeys: { html: `${dated}${reportFile(files.has('html') ? 'html' : 'json')}`, json: `${dated}${reportFile('json')}`, latest: `${latest}${reportFile(files.has('html') ? 'html' : 'json')}` },
          runId: event.runId,
          generatedAt: event.generatedAt,
          accounts,
          items,
          failedItems,
          uncompared,
          failing: org.summary.byStatus.fail,
          loadBalancers: org.summary.loadBalancers,
        });
        if (notification) {
          messageId = await publishNotification(deps.clients.sns(), config.topicArn, notification, `${dated}${reportFile('json')}`);
          notified = true;
        }
      }

      const copyLimit = pLimit(COPY_CONCURRENCY);
      await Promise.all(
        toLatest.flatMap((account) =>
          perAccountFormats.map((format) =>
            copyLimit(async () => {
              const from = `${accountDir(dated, account)}${reportFile(format)}`;
              const to = `${accountDir(latest, account)}${reportFile(format)}`;
              try {
                await s3.send(new CopyObjectCommand({ Bucket: config.bucket, Key: to, CopySource: copySource(config.bucket, from), MetadataDirective: 'COPY' }));
              } catch (err) {
                throw new ReportStoreError(`cannot copy s3://${config.bucket}/${from} to ${to} (${(err as { name?: string }).name ?? 'Error'})`, { cause: err });
              }
            }),
          ),
        ),
      );
      const latestKey = `${latest}${reportFile('json')}`;
      const latestUpdated = !partial || !(await exists(s3, config.bucket, latestKey));
      if (latestUpdated) await uploadAll(latest);

      const summary: MergeSummary = {
        runId: event.runId,
        bucket: config.bucket,
        reportKey: `${dated}${reportFile('json')}`,
        latestKey,
        accounts,
        items,
        failedItems,
        partialAccounts,
        failing: org.summary.byStatus.fail,
        newFindings: findings.total,
        notified,
        ...(messageId !== undefined ? { messageId } : {}),
        latestAccounts: toLatest.length,
        latestUpdated,
      };
      log({ level: partial ? 'WARN' : 'INFO', message: 'cloud502 organization report written', ...summary });
      return summary;
    } finally {
      await scratch.dispose();
    }
  };
}
