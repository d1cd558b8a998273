/**
 * Where the reports live in S3:
 * - dated: `<prefix><yyyy>/<mm>/<dd>/<iso-timestamp>/report.{json,html,md}` (UTC), one folder per run, never overwritten;
 * - latest: `<prefix>latest/report.{json,html,md}`, overwritten by every complete run (and by a partial first run);
 *   `latest/report.json` is what the next run compares against.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SEVERITIES, STATUSES } from '../engine/index.js';
import { Cloud502Error } from '../errors.js';
import { expandPassed } from '../report/passes.js';
import { READABLE_REPORT_SCHEMA_VERSIONS, type Report } from '../report/types.js';

export const REPORT_FILES = { json: 'report.json', html: 'report.html', md: 'report.md' } as const;
export type ReportFormatKey = keyof typeof REPORT_FILES;

const CONTENT_TYPES: Record<ReportFormatKey, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

export type ReportKeys = Record<ReportFormatKey, string>;
export type RenderedReport = Record<ReportFormatKey, string>;

/** An S3 read or write that failed for a reason the operator must fix (permissions, missing bucket). */
export class ReportStoreError extends Cloud502Error {
  override name = 'ReportStoreError';
}

function keysUnder(dir: string): ReportKeys {
  return { json: `${dir}${REPORT_FILES.json}`, html: `${dir}${REPORT_FILES.html}`, md: `${dir}${REPORT_FILES.md}` };
}

/** @example datedKeys('cloud502/', new Date('2026-03-04T05:06:07.089Z')).json === 'cloud502/2026/03/04/2026-03-04T05:06:07.089Z/report.json' */
export function datedKeys(prefix: string, now: Date): ReportKeys {
  const iso = now.toISOString();
  return keysUnder(`${prefix}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso}/`);
}

export function latestKeys(prefix: string): ReportKeys {
  return keysUnder(`${prefix}latest/`);
}

function errorCode(err: unknown): { name: string; status?: number } {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  return { name: typeof e?.name === 'string' ? e.name : String(err), ...(typeof status === 'number' ? { status } : {}) };
}

function storeError(action: string, bucket: string, key: string, err: unknown, signal?: AbortSignal): ReportStoreError {
  if (signal?.aborted) {
    return new ReportStoreError(`cannot ${action} s3://${bucket}/${key}: S3 did not answer before the Lambda deadline (${describeReason(signal.reason)})`, { cause: err });
  }
  const { name, status } = errorCode(err);
  const denied = name === 'AccessDenied' || status === 403;
  const hint = denied ? `: the function needs s3:${action === 'write' ? 'PutObject' : 'GetObject'} on s3://${bucket}/${key}` : '';
  return new ReportStoreError(`cannot ${action} s3://${bucket}/${key} (${name}${status ? `, HTTP ${status}` : ''})${hint}`, { cause: err });
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * Writes the three renderings under `keys`; `metadata` becomes `x-amz-meta-*` headers. `signal` is the Lambda's
 * deadline: a hung S3 call is abandoned there, so the invocation fails with one line instead of being killed.
 */
export async function putReport(
  s3: S3Client,
  bucket: string,
  keys: ReportKeys,
  rendered: RenderedReport,
  metadata: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  // JSON last: `latest/report.json` is the next run's comparison base, so it moves only once the others are written.
  for (const format of ['html', 'md', 'json'] as const) {
    try {
      signal?.throwIfAborted();
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: keys[format], Body: rendered[format], ContentType: CONTENT_TYPES[format], Metadata: metadata }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (err) {
      throw storeError('write', bucket, keys[format], err, signal);
    }
  }
}

/** The object's text, or undefined when it does not exist. */
export async function getText(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    signal?.throwIfAborted();
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), signal ? { abortSignal: signal } : {});
    return (await out.Body?.transformToString('utf-8')) ?? '';
  } catch (err) {
    if (signal?.aborted) throw storeError('read', bucket, key, err, signal);
    const { name, status } = errorCode(err);
    // Without s3:ListBucket S3 answers 403 AccessDenied for a missing key too; the stack grants ListBucket on the
    // prefix so that 404 means "absent" and 403 means a real permission problem, which must not pass as "first run".
    if (name === 'NoSuchKey' || status === 404) return undefined;
    throw storeError('read', bucket, key, err);
  }
}

export type PreviousReport = { kind: 'absent' } | { kind: 'found'; report: Report } | { kind: 'unreadable'; reason: string };

/** The previous run's JSON report: absent on the first run, unreadable when it is not a cloud502 report. */
export async function readPreviousReport(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<PreviousReport> {
  const text = await getText(s3, bucket, key, signal);
  if (text === undefined) return { kind: 'absent' };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { kind: 'unreadable', reason: `s3://${bucket}/${key} is not JSON` };
  }
  const problem = reportShapeProblem(value);
  return problem === undefined ? { kind: 'found', report: expandPassed(value as Report) } : { kind: 'unreadable', reason: `s3://${bucket}/${key}: ${problem}` };
}

/** What diffReports reads must be there; the rest of the report is not needed to compare. */
function reportShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const r = value as Partial<Record<keyof Report, unknown>>;
  if (typeof r.schemaVersion !== 'number' || !READABLE_REPORT_SCHEMA_VERSIONS.includes(r.schemaVersion)) {
    return `schemaVersion ${JSON.stringify(r.schemaVersion)} is not ${READABLE_REPORT_SCHEMA_VERSIONS.join(' or ')}`;
  }
  if (typeof r.generatedAt !== 'string' || typeof r.collectedAt !== 'string') return 'generatedAt/collectedAt missing';
  if (!Array.isArray(r.results)) return 'results is not a list';
  const bad = r.results.findIndex((x: unknown) => {
    const res = x as Record<string, unknown> | null;
    return (
      typeof res?.fingerprint !== 'string' ||
      !(STATUSES as readonly unknown[]).includes(res.status) ||
      !(SEVERITIES as readonly unknown[]).includes(res.severity) ||
      typeof res.checkId !== 'string' ||
      typeof (res.resource as { name?: unknown } | undefined)?.name !== 'string'
    );
  });
  return bad === -1 ? undefined : `results[${bad}] is not a check result`;
}
