import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/engine/collect-garbage.js';

describe('collectGarbage', () => {
  it('frees what is no longer referenced, at once', () => {
    // Built and dropped inside the call: garbage once it returns.
    const allocate = (): number => Array.from({ length: 300_000 }, (_, i) => ({ i, text: `item ${i}` })).length;
    expect(allocate()).toBe(300_000);
    // Nothing is allocated between the two readings, so V8 has no reason to collect on its own in between.
    const before = process.memoryUsage().heapUsed;
    collectGarbage();
    const after = process.memoryUsage().heapUsed;
    expect(before - after).toBeGreaterThan(10 * 1024 * 1024);
  });
});
