/**
 * The files AWS Step Functions writes for a Distributed Map with a ResultWriter, as its developer guide documents them
 * ("ResultWriter (Map)"): under `<Prefix>/<mapRunId>/`, a `manifest.json`
 *
 *   { "DestinationBucket": "...", "MapRunArn": "arn:aws:states:...:mapRun:...",
 *     "ResultFiles": { "FAILED": [{ "Key": ".../FAILED_0.json", "Size": 123 }], "PENDING": [], "SUCCEEDED": [...] } }
 *
 * and result files of child executions grouped by status, each a JSON array of
 * `{ ExecutionArn, Input, Output?, Status, Error?, Cause?, StartDate, StopDate, ... }` where Input and Output are
 * JSON *strings* (Transformation NONE, the default when exporting). The Map state's own output is
 * `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`, Key naming the manifest.
 *
 * Everything here is parsed as untrusted input: unknown fields are ignored, required ones checked.
 */
import { ConfigError } from '../../errors.js';

export const RESULT_STATUSES = ['SUCCEEDED', 'FAILED', 'PENDING'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export interface ResultFile {
  Key: string;
  Size: number;
}

export interface ResultWriterManifest {
  DestinationBucket: string;
  MapRunArn: string;
  ResultFiles: Record<ResultStatus, ResultFile[]>;
}

/** One child workflow execution in a result file (the fields cloud502 reads). */
export interface ChildExecution {
  ExecutionArn?: string;
  Status?: string;
  /** The execution's input as JSON text: for a batched map, `{ BatchInput, Items }`. */
  Input: string;
  /** The execution's output as JSON text (SUCCEEDED). */
  Output?: string;
  /** The error name (FAILED), e.g. `States.Timeout`, `Lambda.Unknown` or the function's error type. */
  Error?: string;
  /** The error details (FAILED); for a Lambda error, JSON text `{"errorType","errorMessage","trace"}`. */
  Cause?: string;
}

/** The Map state's output when results are exported. */
export interface MapRunOutput {
  MapRunArn: string;
  ResultWriterDetails: { Bucket: string; Key: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @throws ConfigError naming `where` and the field at fault. */
export function parseManifest(value: unknown, where: string): ResultWriterManifest {
  if (!isRecord(value)) throw new ConfigError(`${where}: the ResultWriter manifest is not a JSON object`);
  const { DestinationBucket, MapRunArn, ResultFiles } = value;
  if (typeof DestinationBucket !== 'string' || DestinationBucket === '') throw new ConfigError(`${where}: DestinationBucket is missing`);
  if (typeof MapRunArn !== 'string' || !MapRunArn.startsWith('arn:')) throw new ConfigError(`${where}: MapRunArn is missing`);
  if (!isRecord(ResultFiles)) throw new ConfigError(`${where}: ResultFiles is missing`);
  const files = {} as Record<ResultStatus, ResultFile[]>;
  for (const status of RESULT_STATUSES) {
    // A status with no executions may be absent or an empty list.
    const list = ResultFiles[status] ?? [];
    if (!Array.isArray(list)) throw new ConfigError(`${where}: ResultFiles.${status} is not a list`);
    files[status] = list.map((entry: unknown, i) => {
      if (!isRecord(entry) || typeof entry.Key !== 'string' || entry.Key === '') throw new ConfigError(`${where}: ResultFiles.${status}[${i}].Key is missing`);
      const size = typeof entry.Size === 'number' && Number.isFinite(entry.Size) ? entry.Size : 0;
      return { Key: entry.Key, Size: size };
    });
  }
  return { DestinationBucket, MapRunArn, ResultFiles: files };
}

/** @throws ConfigError when the entry has no Input or carries non-string fields where text is documented. */
export function parseChildExecution(value: unknown, where: string): ChildExecution {
  if (!isRecord(value)) throw new ConfigError(`${where}: a child execution result is not a JSON object`);
  if (typeof value.Input !== 'string') throw new ConfigError(`${where}: the child execution has no Input`);
  const out: ChildExecution = { Input: value.Input };
  for (const key of ['ExecutionArn', 'Status', 'Output', 'Error', 'Cause'] as const) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new ConfigError(`${where}: ${key} is not text`);
    out[key] = v;
  }
  return out;
}

/** The Map state's output, or undefined when it is not one (the map failed, or results were not exported). */
export function mapRunOutputOf(value: unknown): MapRunOutput | undefined {
  if (!isRecord(value) || typeof value.MapRunArn !== 'string') return undefined;
  const details = value.ResultWriterDetails;
  if (!isRecord(details) || typeof details.Bucket !== 'string' || typeof details.Key !== 'string' || details.Key === '') return undefined;
  return { MapRunArn: value.MapRunArn, ResultWriterDetails: { Bucket: details.Bucket, Key: details.Key } };
}

/**
 * The one-line error of a failed child execution: a Lambda error's `errorMessage` when Cause is the Lambda error
 * JSON, else the Cause text itself (Step Functions' own errors, e.g. States.Timeout), at most `max` characters.
 */
export function failureMessage(execution: Pick<ChildExecution, 'Error' | 'Cause'>, max = 1000): string {
  const cause = execution.Cause ?? '';
  let message = cause;
  try {
    const parsed = JSON.parse(cause) as unknown;
    if (isRecord(parsed) && typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Not the Lambda error JSON: the text is the message.
  }
  // eslint-disable-next-line no-control-regex -- one line: control characters (newlines of stack traces) go
  message = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (message === '') message = `the child execution failed${execution.Error ? ` with ${execution.Error}` : ''}`;
  return message.length <= max ? message : `${message.slice(0, max - 3)}...`;
}
