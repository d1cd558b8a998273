/**
 * Raw snapshot files: what `cloud502 collect --out` writes and `cloud502 audit --snapshot` replays.
 *
 * This module owns the envelope (format, provider, schemaVersion, collectedAt); the provider's adapter owns the rest
 * through `validateRaw`. Every failure is a {@link SnapshotError} whose message is one line naming the file.
 */
import { readFile, rename, rm } from 'node:fs/promises';
import { prettyJsonChunks } from './json-pieces.js';
import { writeChunks } from './write-chunks.js';
import { Cloud502Error, SnapshotError } from './errors.js';
import type { Provider } from './model/index.js';
import type { ProviderAdapter, RawSnapshotEnvelope } from './provider.js';
import { descriptorOf, PROVIDER_DESCRIPTORS } from '../providers/index.js';

export const RAW_SNAPSHOT_FORMAT = 'cloud502-raw-snapshot';

export type AdapterLoader = (provider: Provider) => Promise<ProviderAdapter>;

/** Loads a registered provider's adapter. */
export const defaultLoadAdapter: AdapterLoader = async (provider) => {
  const descriptor = descriptorOf(provider);
  if (!descriptor) throw new Error(`provider ${provider} is not available in this build`);
  return descriptor.load();
};

/** Reads and parses a JSON file, mapping every I/O and syntax failure to one line that names the file. */
export async function readJsonFile(path: string, what = 'snapshot'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SnapshotError(`${what} ${path} ${describeReadError(err)}`);
  }
  if (text.trim() === '') throw new SnapshotError(`${what} ${path} is empty`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = oneLine(err instanceof Error ? err.message : String(err));
    if (isTruncation(message, text)) {
      throw new SnapshotError(`${what} ${path} is truncated: the JSON ends unexpectedly (${message})`);
    }
    throw new SnapshotError(`${what} ${path} is not valid JSON (${message})`);
  }
}

/**
 * Checks the provider-neutral envelope of a parsed raw snapshot.
 * @throws SnapshotError naming `path` when the value is not a raw snapshot this build can read.
 */
export function checkEnvelope(value: unknown, path: string): RawSnapshotEnvelope {
  const where = `snapshot ${path}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SnapshotError(`${where} is not a cloud502 raw snapshot (expected a JSON object)`);
  }
  const v = value as Record<string, unknown>;
  if (v.format !== RAW_SNAPSHOT_FORMAT) {
    // A saved JSON report is the most likely wrong file; say so rather than "wrong format".
    if ('results' in v && 'summary' in v) {
      throw new SnapshotError(`${where} is a cloud502 JSON report, not a raw snapshot (write one with "cloud502 collect --out FILE")`);
    }
    const got = v.format === undefined ? 'no "format" field' : `format ${JSON.stringify(v.format)}`;
    throw new SnapshotError(`${where} is not a cloud502 raw snapshot (${got}; expected "${RAW_SNAPSHOT_FORMAT}")`);
  }
  const descriptor = typeof v.provider === 'string' ? PROVIDER_DESCRIPTORS.find((d) => d.id === v.provider) : undefined;
  if (!descriptor) {
    const known = PROVIDER_DESCRIPTORS.map((d) => d.id).join(', ');
    throw new SnapshotError(`${where} has unknown provider ${JSON.stringify(v.provider ?? null)} (expected one of ${known})`);
  }
  const provider = descriptor.id;
  const supported = descriptor.rawSchemaVersions;
  if (typeof v.schemaVersion !== 'number' || !Number.isInteger(v.schemaVersion) || v.schemaVersion < 1) {
    throw new SnapshotError(`${where} has no valid "schemaVersion" (expected a positive integer)`);
  }
  if (!supported.includes(v.schemaVersion)) {
    const newest = Math.max(...supported);
    const hint = v.schemaVersion > newest ? 'upgrade cloud502 to read it' : 'collect it again with this version of cloud502';
    throw new SnapshotError(
      `${where} has schemaVersion ${v.schemaVersion}; this version of cloud502 reads ${provider} snapshots of version ${supported.join(', ')} (${hint})`,
    );
  }
  if (typeof v.collectedAt !== 'string' || Number.isNaN(Date.parse(v.collectedAt))) {
    throw new SnapshotError(`${where} has no valid "collectedAt" timestamp`);
  }
  if (v.demo !== undefined && typeof v.demo !== 'boolean') {
    throw new SnapshotError(`${where} has a non-boolean "demo" field`);
  }
  return value as RawSnapshotEnvelope;
}

/**
 * Validates a parsed raw snapshot: the envelope here, the provider-specific body through the adapter.
 * Returns the adapter too, so the caller can normalize without loading it again.
 */
export async function validateRawSnapshot(
  value: unknown,
  path: string,
  loadAdapter: AdapterLoader = defaultLoadAdapter,
): Promise<{ raw: RawSnapshotEnvelope; adapter: ProviderAdapter }> {
  const envelope = checkEnvelope(value, path);
  const adapter = await loadAdapter(envelope.provider);
  try {
    return { raw: adapter.validateRaw(value), adapter };
  } catch (err) {
    const message = oneLine(err instanceof Error ? err.message : String(err));
    if (err instanceof Cloud502Error && message.includes(path)) throw new SnapshotError(message);
    throw new SnapshotError(`snapshot ${path}: ${message}`);
  }
}

/** Reads, parses and validates a raw snapshot file. */
export async function readRawSnapshot(
  path: string,
  loadAdapter: AdapterLoader = defaultLoadAdapter,
): Promise<{ raw: RawSnapshotEnvelope; adapter: ProviderAdapter }> {
  return validateRawSnapshot(await readJsonFile(path), path, loadAdapter);
}

/**
 * Writes a raw snapshot, region by region (never as one string: see json-pieces.ts). The file appears only once
 * complete (write to a sibling, then rename), so an interrupted collect never leaves a truncated snapshot behind.
 */
export async function writeRawSnapshot(path: string, raw: RawSnapshotEnvelope): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeChunks(tmp, prettyJsonChunks(raw));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new SnapshotError(`cannot write snapshot ${path}: ${describeWriteError(err)}`);
  }
}

function describeReadError(err: unknown): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return 'does not exist';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    default:
      return `cannot be read (${errorCode(err) ?? oneLine(String(err))})`;
  }
}

function describeWriteError(err: unknown): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return 'the directory does not exist';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return errorCode(err) ?? oneLine(String(err));
  }
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** JSON.parse reports truncation as "end of input", or as an error at the very last character of the text. */
function isTruncation(message: string, text: string): boolean {
  if (/end of JSON input|Unterminated string/i.test(message)) return true;
  const at = /at position (\d+)/.exec(message);
  return at !== null && Number(at[1]) >= text.trimEnd().length;
}

/** Collapses a message to one line: user-facing errors are always one line. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
