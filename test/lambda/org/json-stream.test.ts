/**
 * The streaming record reader: JSON arrays and JSON Lines, split at every possible chunk boundary, and the errors a
 * truncated or corrupt file must raise instead of yielding a partial list.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RECORD_CHARS, jsonRecords, JsonStreamError, parsedRecords } from '../../../src/lambda/org/json-stream.js';

async function* chunksOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function collect(text: string, size = 1 << 20, max = DEFAULT_MAX_RECORD_CHARS): Promise<string[]> {
  const out: string[] = [];
  for await (const r of jsonRecords(chunksOf(text, size), max)) out.push(r);
  return out;
}

async function errorOf(text: string, size = 3): Promise<Error> {
  try {
    await collect(text, size);
  } catch (err) {
    return err as Error;
  }
  throw new Error('no error');
}

const ARRAY = ` \n[ {"a":"x,]}\\"[{","b":[1,{"c":"]"}]}, "str,ing" ,42,true,null, {"u":"ü€𝄞"} ,[ [ ] ]]\n `;
const EXPECTED = [{ a: 'x,]}"[{', b: [1, { c: ']' }] }, 'str,ing', 42, true, null, { u: 'ü€𝄞' }, [[]]];

describe('jsonRecords', () => {
  it('yields each element of a JSON array, whatever the chunk boundaries (multi-byte characters split too)', async () => {
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const records = await collect(ARRAY, size);
      expect(records.map((r) => JSON.parse(r) as unknown), `chunk size ${size}`).toEqual(EXPECTED);
    }
  });

  it('reads JSON Lines, CRLF and blank lines included, the last line without a newline', async () => {
    const text = '{"a":1}\r\n\n  {"b":"[,"}\n[1,2]\n"last"';
    for (const size of [1, 4, 100]) expect((await collect(text, size)).map((r) => JSON.parse(r) as unknown)).toEqual([{ a: 1 }, { b: '[,' }, [1, 2], 'last']);
  });

  it('reads an empty array, an empty file and a byte-order mark', async () => {
    expect(await collect('[]')).toEqual([]);
    expect(await collect(' [ \n ] ')).toEqual([]);
    expect(await collect('')).toEqual([]);
    expect(await collect('\ufeff[1]')).toEqual(['1']);
  });

  it.each([
    ['a truncated array', '[{"a":1},{"b":', /not closed/],
    ['a trailing comma', '[1,2,]', /ends with ","/],
    ['an empty element', '[1,,2]', /element 2 of the array is empty/],
    ['text after the array', '[1] x', /after the end of the array/],
    ['an unbalanced brace', '[1}]', /unbalanced/],
  ])('refuses %s', async (_name, text, message) => {
    const err = await errorOf(text);
    expect(err).toBeInstanceOf(JsonStreamError);
    expect(err.message).toMatch(message);
  });

  it('refuses a record longer than the limit instead of growing without bound', async () => {
    const big = `[${JSON.stringify('x'.repeat(100))},2]`;
    await expect(collect(big, 7, 50)).rejects.toThrow(/record 1 is longer than 50 characters/);
    await expect(collect(`${'y'.repeat(80)}\n`, 7, 50)).rejects.toThrow(/longer than 50/);
    // At the limit exactly, the record passes.
    expect(await collect(`[${'1'.repeat(50)}]`, 7, 50)).toEqual(['1'.repeat(50)]);
  });
});

describe('parsedRecords', () => {
  it('parses and validates each record, naming the file and record of an error', async () => {
    const parse = (v: unknown, where: string) => {
      if (typeof v !== 'number') throw new Error(`${where}: not a number`);
      return v * 2;
    };
    const out: number[] = [];
    for await (const v of parsedRecords(chunksOf('[1, 2, 3]', 2), 's3://b/k', parse)) out.push(v);
    expect(out).toEqual([2, 4, 6]);
    const bad = async (text: string) => {
      for await (const _ of parsedRecords(chunksOf(text, 2), 's3://b/k', parse)) void _;
    };
    await expect(bad('[1, "two"]')).rejects.toThrow('s3://b/k, record 2: not a number');
    await expect(bad('[1, {x}]')).rejects.toThrow(/^s3:\/\/b\/k, record 2: not JSON/);
    await expect(bad('[1, 2')).rejects.toThrow(/^s3:\/\/b\/k: the array is not closed/);
    await expect(bad('\u0000\u0001')).rejects.toThrow(/^s3:\/\/b\/k, record 1: not JSON/);
  });

  it('refuses bytes that are not UTF-8', async () => {
    async function* invalid(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([0x5b, 0xff, 0xfe, 0x5d]);
    }
    const run = async () => {
      for await (const _ of parsedRecords(invalid(), 's3://b/k', (v) => v)) void _;
    };
    await expect(run()).rejects.toThrow('s3://b/k: not UTF-8 text');
  });
});
