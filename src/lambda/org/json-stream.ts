/**
 * Streaming readers for the large files of an organization run (the item list, the ResultWriter result files):
 * they yield one record at a time from a byte stream, so memory holds one record, never the file.
 *
 * Two layouts are read, both as Step Functions writes / reads them: a JSON array (`[ {...}, {...} ]`, the default
 * ResultWriter output and the ItemReader's JSON input) and JSON Lines (one value per line, the JSONL variants).
 * The layout is decided by the first non-blank character: `[` is an array, anything else is JSON Lines.
 */

/** Records larger than this are refused: a corrupt file must not make one record as large as the file. */
export const DEFAULT_MAX_RECORD_CHARS = 64 * 1024 * 1024;

export class JsonStreamError extends Error {
  override name = 'JsonStreamError';
}

const enum Mode {
  Start,
  Array,
  Lines,
  Done,
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Yields the text of each record; parse it with JSON.parse. Throws JsonStreamError for a truncated array, an empty
 * element, text after the closing bracket, or a record longer than `maxRecordChars`.
 * @example for await (const text of jsonRecords(body)) handle(JSON.parse(text));
 */
export async function* jsonRecords(chunks: AsyncIterable<Uint8Array | string>, maxRecordChars = DEFAULT_MAX_RECORD_CHARS): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let mode = Mode.Start as Mode;
  // Array mode: nesting depth below the top-level array, and the string state (brackets in strings do not count).
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let partsLength = 0;
  let records = 0;

  const take = (piece: string): void => {
    if (piece === '') return;
    partsLength += piece.length;
    if (partsLength > maxRecordChars) throw new JsonStreamError(`record ${records + 1} is longer than ${maxRecordChars} characters`);
    parts.push(piece);
  };
  const finish = (): string => {
    const text = parts.join('').trim();
    parts = [];
    partsLength = 0;
    return text;
  };

  const scan = function* (text: string): Generator<string> {
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (mode === Mode.Start) {
        const c = text.charCodeAt(i);
        if (isBlank(c) || c === 0xfeff) {
          i += 1;
        } else if (c === 0x5b /* [ */) {
          mode = Mode.Array;
          i += 1;
        } else {
          mode = Mode.Lines;
        }
        continue;
      }
      if (mode === Mode.Lines) {
        const nl = text.indexOf('\n', i);
        take(text.slice(i, nl === -1 ? n : nl));
        if (nl === -1) return;
        i = nl + 1;
        const line = finish();
        if (line !== '') {
          records += 1;
          yield line;
        }
        continue;
      }
      if (mode === Mode.Done) {
        for (; i < n; i += 1) if (!isBlank(text.charCodeAt(i))) throw new JsonStreamError('unexpected text after the end of the array');
        return;
      }
      // Array mode: copy runs of characters into the record, stopping only at top-level "," and "]".
      const start = i;
      let boundary = -1;
      for (; i < n; i += 1) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c /* \ */) escaped = true;
          else if (c === 0x22 /* " */) inString = false;
        } else if (c === 0x22) {
          inString = true;
        } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
          depth += 1;
        } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
          if (depth > 0) depth -= 1;
          else if (c === 0x5d) {
            boundary = c;
            break;
          } else throw new JsonStreamError('unbalanced "}" in the array');
        } else if (c === 0x2c /* , */ && depth === 0) {
          boundary = c;
          break;
        }
      }
      take(text.slice(start, i));
      if (boundary === -1) return;
      i += 1;
      const record = finish();
      if (boundary === 0x2c) {
        if (record === '') throw new JsonStreamError(`element ${records + 1} of the array is empty`);
        records += 1;
        yield record;
      } else {
        mode = Mode.Done;
        if (record !== '') {
          records += 1;
          yield record;
        } else if (records > 0) {
          throw new JsonStreamError('the array ends with ","');
        }
      }
    }
  };

  for await (const chunk of chunks) {
    yield* scan(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  yield* scan(decoder.decode());
  if (mode === Mode.Array) throw new JsonStreamError('the array is not closed: the file is truncated');
  if (mode === Mode.Lines) {
    const last = finish();
    if (last !== '') yield last;
  }
}

/**
 * Parses each record with `parse` (which validates and may throw); `where` names the file in errors.
 * A record that is not JSON fails with its position, e.g. `s3://b/k, record 3: not JSON (...)`.
 */
export async function* parsedRecords<T>(chunks: AsyncIterable<Uint8Array | string>, where: string, parse: (value: unknown, where: string) => T): AsyncGenerator<T> {
  let index = 0;
  try {
    for await (const text of jsonRecords(chunks)) {
      index += 1;
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch (err) {
        throw new JsonStreamError(`${where}, record ${index}: not JSON (${err instanceof Error ? err.message : String(err)})`);
      }
      yield parse(value, `${where}, record ${index}`);
    }
  } catch (err) {
    if (err instanceof JsonStreamError && !err.message.startsWith(where)) throw new JsonStreamError(`${where}: ${err.message}`, { cause: err });
    if (err instanceof TypeError && /encoded data was not valid/i.test(err.message)) throw new JsonStreamError(`${where}: not UTF-8 text`, { cause: err });
    throw err;
  }
}
