import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSnapshotPaths } from '../src/audit.js';
import { prettyJsonChunks, roundTripJson } from '../src/json-pieces.js';
import { readRawSnapshot, writeRawSnapshot } from '../src/snapshot.js';

describe('roundTripJson', () => {
  it('gives what one JSON round trip gives, Dates, undefined and nested lists included', () => {
    const value = {
      at: new Date('2026-11-20T10:00:00Z'),
      gone: undefined,
      fn: () => 1,
      regions: [{ when: new Date(0), nested: [1, undefined, { x: undefined }] }, undefined, 'plain'],
      empty: [],
      n: 3,
    };
    expect(roundTripJson(value)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(roundTripJson([1, new Date(0)])).toEqual(JSON.parse(JSON.stringify([1, new Date(0)])));
    expect(roundTripJson('text')).toBe('text');
  });
});

describe('prettyJsonChunks', () => {
  it('joins into exactly JSON.stringify(value, null, 2), one piece per list entry', () => {
    const values: unknown[] = [
      { format: 'x', regions: [{ a: 1, b: [1, 2] }, { c: { d: 'e' } }], empty: [], none: {}, gone: undefined, s: 'line\nbreak' },
      {},
      [1, 2],
      'text',
      { regions: [] },
    ];
    for (const value of values) expect([...prettyJsonChunks(value)].join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
    // Opening brace, the list's key, one piece per entry, the list's end, the closing brace.
    expect([...prettyJsonChunks({ regions: [{ a: 1 }, { a: 2 }, { a: 3 }] })].length).toBe(7);
  });

  it('writes a raw snapshot that reads back the same, byte for byte what one string would have been', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-pieces-'));
    try {
      const { raw } = await readRawSnapshot(demoSnapshotPaths().find((p) => p.endsWith('aws-demo.json'))!);
      const path = join(dir, 'out.json');
      await writeRawSnapshot(path, raw);
      expect(await readFile(path, 'utf8')).toBe(`${JSON.stringify(raw, null, 2)}\n`);
      expect((await readRawSnapshot(path)).raw).toEqual(raw);
      await expect(writeRawSnapshot(join(dir, 'missing', 'out.json'), raw)).rejects.toThrow(/cannot write snapshot .*the directory does not exist/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
