/**
 * Which items of a run have no report, and why, from the files the Distributed Map's ResultWriter exported: every
 * item of a FAILED child execution (its error), of a PENDING one (never ran), and the items a SUCCEEDED worker
 * reported as failed. The files are streamed record by record; only the failures are kept.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../../errors.js';
import type { LogLine } from '../run.js';
import { getText } from '../store.js';
import { MAP_ITEM_API } from './account-report.js';
import type { MergeConfig } from './config.js';
import { ACCOUNT_ID, itemKey, type AuditItem } from './items.js';
import { parsedRecords } from './json-stream.js';
import { mapResultsPrefix } from './layout.js';
import { failureMessage, parseChildExecution, parseManifest, type ChildExecution, type MapRunOutput, type ResultStatus } from './map-files.js';
import { objectStream } from './s3-read.js';
import type { ItemError } from './worker.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The account × region keys of a child execution's input (`{ BatchInput, Items }`), leniently: bad items are skipped. */
function itemsOfInput(execution: ChildExecution): Array<Pick<AuditItem, 'account' | 'region'>> {
  let input: unknown;
  try {
    input = JSON.parse(execution.Input) as unknown;
  } catch {
    return [];
  }
  const items = isRecord(input) && Array.isArray(input.Items) ? input.Items : [];
  return items.filter((i): i is { account: string; region: string } => isRecord(i) && typeof i.account === 'string' && ACCOUNT_ID.test(i.account) && typeof i.region === 'string');
}

function failedOfOutput(execution: ChildExecution): Array<{ account: string; region: string; error: ItemError }> {
  let output: unknown;
  try {
    output = JSON.parse(execution.Output ?? 'null') as unknown;
  } catch {
    return [];
  }
  const items = isRecord(output) && Array.isArray(output.items) ? output.items : [];
  const out: Array<{ account: string; region: string; error: ItemError }> = [];
  for (const o of items) {
    if (!isRecord(o) || o.status !== 'failed' || typeof o.account !== 'string' || typeof o.region !== 'string' || !isRecord(o.error)) continue;
    const e = o.error;
    const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
    out.push({ account: o.account, region: o.region, error: { api: text(e.api, 128) || MAP_ITEM_API, code: text(e.code, 128) || 'Failed', message: text(e.message, 1000) || 'the item failed' } });
  }
  return out;
}

/** Every item without a report and why, from the ResultWriter files: FAILED and PENDING executions, failed items of SUCCEEDED ones. */
export async function readFailures(s3: S3Client, config: MergeConfig, map: MapRunOutput, log: (line: LogLine) => void): Promise<Map<string, ItemError>> {
  const failures = new Map<string, ItemError>();
  const manifestKey = map.ResultWriterDetails.Key;
  const text = await getText(s3, config.bucket, manifestKey);
  if (text === undefined) throw new ConfigError(`the ResultWriter manifest s3://${config.bucket}/${manifestKey} does not exist`);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError(`the ResultWriter manifest s3://${config.bucket}/${manifestKey} is not JSON`);
  }
  const manifest = parseManifest(value, `s3://${config.bucket}/${manifestKey}`);
  const order: ResultStatus[] = ['SUCCEEDED', 'FAILED', 'PENDING'];
  for (const status of order) {
    for (const file of manifest.ResultFiles[status]) {
      // Result files are written to the manifest's own bucket; a key outside the run's prefix is not read.
      if (manifest.DestinationBucket !== config.bucket || !file.Key.startsWith(`${mapResultsPrefix(config.prefix)}/`)) {
        log({ level: 'WARN', message: 'a result file outside the map results prefix was not read', key: file.Key.slice(0, 300) });
        continue;
      }
      const where = `s3://${config.bucket}/${file.Key}`;
      const body = await objectStream(s3, config.bucket, file.Key);
      if (!body) {
        log({ level: 'WARN', message: 'a result file listed in the manifest does not exist', key: file.Key });
        continue;
      }
      for await (const execution of parsedRecords(body, where, parseChildExecution)) {
        if (status === 'SUCCEEDED') {
          for (const f of failedOfOutput(execution)) failures.set(itemKey(f), f.error);
          continue;
        }
        const error: ItemError =
          status === 'PENDING'
            ? { api: MAP_ITEM_API, code: 'NotRun', message: 'the map run ended before this item ran' }
            : { api: MAP_ITEM_API, code: execution.Error ?? execution.Status ?? 'Failed', message: failureMessage(execution) };
        for (const item of itemsOfInput(execution)) failures.set(itemKey(item), error);
      }
    }
  }
  return failures;
}
