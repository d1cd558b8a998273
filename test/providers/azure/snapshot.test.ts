import { describe, expect, it } from 'vitest';
import { validateAzureRaw } from '../../../providers/azure/snapshot.js';
import { SnapshotError } from '../../../src/errors.js';
import { rawFromWorld } from './support/arm.js';
import { NOW, productionWorld } from './support/world.js';

const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(rawFromWorld(productionWorld(), { collectedAt: NOW }))) as Record<string, unknown>;

const REMOVE = Symbol('remove');

/** The valid snapshot with the value at `path` replaced (or removed). */
function mutate(path: Array<string | number>, value: unknown): unknown {
  const raw = valid();
  let node = raw as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return raw;
}

describe('validateAzureRaw', () => {
  it('accepts a snapshot built from the REST fixtures', () => {
    expect(validateAzureRaw(valid()).subscriptions[0]?.network.applicationGateways).toHaveLength(1);
  });

  it.each([
    ['not an object', [], /^not a cloud502 raw snapshot: expected a JSON object, got an array$/],
    ['no format', mutate(['format'], REMOVE), /no "format" field/],
    ['another provider', mutate(['provider'], 'aws'), /^not an Azure snapshot: provider is "aws"/],
    ['future schema', mutate(['schemaVersion'], 9), /^unsupported Azure snapshot schemaVersion 9 \(supported: 1\)$/],
    ['bad clock', mutate(['collectedAt'], 'yesterday'), /^collectedAt must be an ISO-8601 timestamp$/],
    ['unknown cloud', mutate(['options', 'cloud'], 'Mars'), /^options\.cloud must be one of AzureCloud/],
    ['gateways not a list', mutate(['subscriptions', 0, 'network', 'applicationGateways'], {}), /^subscriptions\[0\]\.network\.applicationGateways must be an array \(got an object\)$/],
    ['resource without id', mutate(['subscriptions', 0, 'network', 'loadBalancers', 0, 'id'], REMOVE), /^subscriptions\[0\]\.network\.loadBalancers\[0\]\.id must be a non-empty string/],
    ['health not a record of objects', mutate(['subscriptions', 0, 'health', 'applicationGateways'], { x: [] }), /^subscriptions\[0\]\.health\.applicationGateways\["x"\] must be an object \(got an array\)$/],
    ['bad metric query', mutate(['subscriptions', 0, 'monitor', 'queries'], [{ id: 'q0', resourceId: 'x', metricNames: 'A', aggregations: [], intervalSeconds: 300 }]), /metricNames must be an array/],
    ['bad window', mutate(['subscriptions', 0, 'monitor', 'window'], { start: 'x', end: NOW }), /monitor\.window needs start and end/],
    ['bad error entry', mutate(['subscriptions', 0, 'errors'], [{ api: 'X' }]), /^subscriptions\[0\]\.errors\[0\]\.code must be a string$/],
  ])('%s: one line naming the field', (_name, value, message) => {
    expect(() => validateAzureRaw(value)).toThrow(SnapshotError);
    expect(() => validateAzureRaw(value)).toThrow(message);
  });
});
