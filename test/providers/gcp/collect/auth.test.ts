/**
 * The metadata-server probe's warnings are dropped while credentials resolve; every other warning still shows.
 */
import { describe, expect, it } from 'vitest';
import { withoutMetadataWarnings } from '../../../../providers/gcp/collect/auth.js';

describe('withoutMetadataWarnings', () => {
  it('drops MetadataLookupWarning only, and restores process.emitWarning', async () => {
    const seen: string[] = [];
    const listener = (w: Error): void => void seen.push(w.name);
    process.on('warning', listener);
    const original = process.emitWarning;
    try {
      await withoutMetadataWarnings(async () => {
        process.emitWarning('received unexpected error = connect ECONNREFUSED', 'MetadataLookupWarning');
        process.emitWarning('something else', 'OtherWarning');
        const err = new Error('as an Error');
        err.name = 'MetadataLookupWarning';
        process.emitWarning(err);
      });
      await new Promise((r) => setImmediate(r));
      expect(seen).toEqual(['OtherWarning']);
      expect(process.emitWarning).toBe(original);
    } finally {
      process.off('warning', listener);
    }
  });

  it('restores process.emitWarning when the work fails', async () => {
    const original = process.emitWarning;
    await expect(withoutMetadataWarnings(async () => Promise.reject(new Error('no credentials')))).rejects.toThrow('no credentials');
    expect(process.emitWarning).toBe(original);
  });
});
