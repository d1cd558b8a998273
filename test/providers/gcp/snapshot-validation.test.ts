/**
 * Reading a Google Cloud raw snapshot from disk: valid ones pass; a bad one is one line naming the field.
 */
import { describe, expect, it } from 'vitest';
import { buildGcpDemo } from '../../../demo/build-gcp-demo.js';
import { validateGcpRaw } from '../../../providers/gcp/snapshot.js';
import { SnapshotError } from '../../../src/errors.js';

const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(buildGcpDemo())) as Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test edits arbitrary paths of a parsed JSON document
function mutate(fn: (v: Record<string, any>) => void): unknown {
  const v = good();
  fn(v);
  return v;
}

describe('validateGcpRaw', () => {
  it('accepts the demo snapshot', () => {
    expect(validateGcpRaw(good()).projects[0]?.project).toBe('shop-prod-4711');
  });

  it.each([
    ['not an object', [], /expected a JSON object, got an array/],
    ['another format', { format: 'x' }, /format "x"/],
    ['an AWS snapshot', mutate((v) => (v.provider = 'aws')), /not a Google Cloud snapshot: provider is "aws"/],
    ['an unknown version', mutate((v) => (v.schemaVersion = 9)), /unsupported Google Cloud snapshot schemaVersion 9/],
    ['a bad clock', mutate((v) => (v.collectedAt = 'yesterday')), /collectedAt must be an ISO-8601 timestamp/],
    ['projects missing', mutate((v) => delete v.projects), /^projects must be an array \(got nothing\)$/],
    ['a compute list not an array', mutate((v) => (v.projects[0].compute.instances = {})), /^projects\[0\]\.compute\.instances must be an array \(got an object\)$/],
    ['a health entry without its group', mutate((v) => delete v.projects[0].compute.backendHealth[0].group), /^projects\[0\]\.compute\.backendHealth\[0\]\.group must be a string$/],
    ['a series without its query', mutate((v) => delete v.projects[0].monitoring.series[0].queryId), /series\[0\]\.queryId must be a string/],
    ['an error without a permission', mutate((v) => v.projects[0].errors.push({ api: 'x', project: 'p', code: 'c', message: 'm' })), /errors\[0\]\.permission must be a string/],
    ['a bad window', mutate((v) => (v.projects[0].monitoring.window = { start: 1 })), /monitoring\.window needs start, end/],
  ])('rejects %s with one line', (_name, value, message) => {
    let caught: unknown;
    try {
      validateGcpRaw(value);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SnapshotError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });
});
