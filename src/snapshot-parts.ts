/**
 * Reads a large raw snapshot one scope at a time, so an audit never holds the whole parsed file: at 5,000 target
 * groups the parsed AWS snapshot alone is about 100 MB, and its text 60 MB more.
 *
 * A first pass streams the file's bytes and records where each entry of the provider's scope list (AWS `regions`)
 * starts and ends, keeping everything else (the envelope: format, provider, options…) as text. Then each entry is
 * read by its offsets, parsed and handed over with the envelope around it: a raw snapshot of one scope, which the
 * provider validates and normalizes like any other.
 *
 * Anything unexpected (not one JSON object, a list entry that is not an object, a syntax error) gives up on parts:
 * the caller then reads the file whole, which says precisely what is wrong with it.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Provider } from './model/index.js';

/**
 * The list of a provider's raw snapshot whose entries normalize on their own. AWS maps each region with a context
 * built from that region alone. Azure subscriptions and Google projects can refer to each other (peered networks,
 * shared VPC), so those snapshots are read whole.
 */
export const INDEPENDENT_SCOPE_LIST: Partial<Record<Provider, string>> = { aws: 'regions' };

/** Byte offsets of one entry of the scope list: [start, end). */
interface Span {
  start: number;
  end: number;
}

export interface SnapshotLayout {
  /** The file with the scope list emptied, parsed: small. */
  envelope: Record<string, unknown>;
  /** The key of the scope list that was split. */
  listKey: string;
  spans: Span[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Streams the file once and finds the entries of `listKey`, a key of the top-level object whose value is an array of
 * objects. Undefined when the file is not shaped so (the caller reads it whole).
 */
export async function scanSnapshotLayout(path: string, listKey: string): Promise<SnapshotLayout | undefined> {
  const envelope: Buffer[] = [];
  const spans: Span[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  // The last string completed at depth 1 (a key of the top-level object), as bytes.
  let keyBytes: number[] | undefined;
  let lastKey = '';
  let awaitingValueOf: string | undefined;
  // True while inside the scope list: its entries are skipped from the envelope.
  let inList = false;
  let listSeen = false;
  let entryStart = -1;
  let shaped = true;
  let offset = 0;

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let keepFrom = inList ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          inString = false;
          if (keyBytes) {
            lastKey = Buffer.from(keyBytes).toString('utf8');
            keyBytes = undefined;
          }
          continue;
        }
        // Escapes are kept as written: a key spelled with one is never taken for the plain key.
        keyBytes?.push(b);
        continue;
      }
      if (b === QUOTE) {
        inString = true;
        if (depth === 1 && !inList) keyBytes = [];
        // Entries of the scope list must be objects.
        if (inList && depth === 2) shaped = false;
        continue;
      }
      if (b === COLON && depth === 1) {
        awaitingValueOf = lastKey;
        continue;
      }
      if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        if (inList && depth === 2) {
          if (b !== OPEN_OBJECT) shaped = false;
          entryStart = offset + i;
        }
        depth += 1;
        // A second list of the same key would replace the first when parsed whole: read such a file whole.
        if (depth === 2 && awaitingValueOf === listKey && listSeen) shaped = false;
        if (depth === 2 && b === OPEN_ARRAY && awaitingValueOf === listKey && !listSeen) {
          listSeen = true;
          inList = true;
          // Keep the `[` itself; the entries up to the matching `]` stay out of the envelope.
          envelope.push(chunk.subarray(keepFrom, i + 1));
          keepFrom = -1;
        }
        awaitingValueOf = undefined;
        continue;
      }
      if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        depth -= 1;
        if (depth < 0) return undefined;
        if (inList && depth === 2 && entryStart >= 0) {
          spans.push({ start: entryStart, end: offset + i + 1 });
          entryStart = -1;
        } else if (inList && depth === 1) {
          inList = false;
          keepFrom = i;
        }
        continue;
      }
      if (b === COMMA && depth === 1) awaitingValueOf = undefined;
      else if (inList && depth === 2 && b !== COMMA && !WHITESPACE.has(b)) shaped = false;
    }
    if (keepFrom >= 0) envelope.push(chunk.subarray(keepFrom));
    offset += chunk.length;
  }
  if (depth !== 0 || inString || inList || !shaped) return undefined;
  try {
    const parsed = JSON.parse(Buffer.concat(envelope).toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray((parsed as Record<string, unknown>)[listKey])) return undefined;
    return { envelope: parsed as Record<string, unknown>, listKey, spans };
  } catch {
    return undefined;
  }
}

/**
 * The scope-list entries of a scanned file, parsed one at a time, each as the envelope with a list of that one entry.
 * Throws (a SyntaxError) when an entry is not valid JSON.
 */
export async function* snapshotParts(path: string, layout: SnapshotLayout): AsyncGenerator<Record<string, unknown>> {
  const file = await open(path, 'r');
  try {
    for (const span of layout.spans) {
      const bytes = Buffer.allocUnsafe(span.end - span.start);
      const { bytesRead } = await file.read(bytes, 0, bytes.length, span.start);
      if (bytesRead !== bytes.length) throw new SyntaxError('the file changed while it was read');
      const entry = JSON.parse(bytes.toString('utf8')) as unknown;
      yield { ...layout.envelope, [layout.listKey]: [entry] };
    }
  } finally {
    await file.close();
  }
}
