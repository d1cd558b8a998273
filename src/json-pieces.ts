/**
 * Large JSON documents in pieces. A raw snapshot of 20,000 target groups is hundreds of megabytes of text: as one
 * string it would come close to V8's limit on string length ("Invalid string length"), and it would be held twice
 * (text and objects). Its top-level lists (AWS regions) are handled one entry at a time instead.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What `JSON.parse(JSON.stringify(value))` gives, for a value that is JSON's `undefined` (absent) or anything else. */
function roundTripOne(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

/**
 * `JSON.parse(JSON.stringify(value))`, one entry of each top-level list at a time, so no string longer than the largest
 * entry is ever built. Turns SDK Dates into strings as the whole round trip would.
 */
export function roundTripJson<T>(value: T): T {
  if (!isPlainObject(value)) return roundTripOne(value) as T;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) out[key] = v.map((entry) => roundTripOne(entry) ?? null);
    else {
      const back = roundTripOne(v);
      if (back !== undefined) out[key] = back;
    }
  }
  return out as T;
}

function indent(text: string, prefix: string): string {
  return text.replace(/\n/g, `\n${prefix}`);
}

/**
 * The text of `JSON.stringify(value, null, 2) + '\n'`, in pieces: one per top-level value and one per entry of a
 * top-level list. Joined, the pieces are exactly that text.
 */
export function* prettyJsonChunks(value: unknown): Generator<string> {
  if (!isPlainObject(value)) {
    yield `${JSON.stringify(value, null, 2)}\n`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => JSON.stringify(v) !== undefined);
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i]!;
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(v) && v.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let j = 0; j < v.length; j++) {
        const text = JSON.stringify(v[j], null, 2) ?? 'null';
        yield `    ${indent(text, '    ')}${j < v.length - 1 ? ',' : ''}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indent(JSON.stringify(v, null, 2), '  ')}${comma}\n`;
    }
  }
  yield '}\n';
}
