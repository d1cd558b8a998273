/**
 * Structural validation of an Azure raw snapshot read from disk (`audit --snapshot`, `--demo`), so normalize can
 * trust the shapes it iterates. Checks the envelope and every container; leaves the SDK record fields alone (they are
 * optional in the SDK too). Every problem is one line naming the field.
 */
import { SnapshotError } from '../../src/errors.js';
import { array, isObject, kindOf, object } from '../../src/snapshot-shape.js';
import { AZURE_CLOUD_NAMES } from './clouds.js';
import type { AzureRawSnapshot } from './raw.js';

/** Raw snapshot schema versions this build of the Azure adapter reads. */
export const AZURE_RAW_SCHEMA_VERSIONS: readonly number[] = [1];

function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new SnapshotError(`${path} must be a non-empty string (got ${kindOf(value)})`);
  return value;
}

/** Resources are identified by their ARM id: every one normalize keys on must have it. */
function resources(value: unknown, path: string): void {
  array(value, path).forEach((item, i) => {
    const r = object(item, `${path}[${i}]`);
    string(r.id, `${path}[${i}].id`);
  });
}

function recordOf(value: unknown, path: string, values: 'array' | 'object'): void {
  for (const [key, v] of Object.entries(object(value, path))) {
    if (values === 'array') array(v, `${path}[${JSON.stringify(key)}]`);
    else object(v, `${path}[${JSON.stringify(key)}]`);
  }
}

function errors(value: unknown, path: string): void {
  array(value, path).forEach((e, i) => {
    const err = object(e, `${path}[${i}]`);
    for (const key of ['api', 'code', 'message']) {
      if (typeof err[key] !== 'string') throw new SnapshotError(`${path}[${i}].${key} must be a string`);
    }
  });
}

function validateSubscription(value: unknown, path: string): void {
  const s = object(value, path);
  string(s.subscriptionId, `${path}.subscriptionId`);
  const network = object(s.network, `${path}.network`);
  for (const key of ['applicationGateways', 'loadBalancers', 'networkSecurityGroups', 'networkInterfaces', 'virtualNetworks', 'routeTables', 'publicIpAddresses']) {
    resources(network[key], `${path}.network.${key}`);
  }
  const compute = object(s.compute, `${path}.compute`);
  for (const key of ['virtualMachines', 'virtualMachineStatuses', 'scaleSets']) resources(compute[key], `${path}.compute.${key}`);
  recordOf(compute.scaleSetVms, `${path}.compute.scaleSetVms`, 'array');
  const health = object(s.health, `${path}.health`);
  recordOf(health.applicationGateways, `${path}.health.applicationGateways`, 'object');
  recordOf(health.loadBalancerRules, `${path}.health.loadBalancerRules`, 'object');
  const monitor = object(s.monitor, `${path}.monitor`);
  if (monitor.window !== undefined) {
    const w = object(monitor.window, `${path}.monitor.window`);
    if (typeof w.start !== 'string' || Number.isNaN(Date.parse(w.start)) || typeof w.end !== 'string' || Number.isNaN(Date.parse(w.end))) {
      throw new SnapshotError(`${path}.monitor.window needs start and end as ISO-8601 timestamps`);
    }
  }
  array(monitor.queries, `${path}.monitor.queries`).forEach((q, i) => {
    const query = object(q, `${path}.monitor.queries[${i}]`);
    string(query.id, `${path}.monitor.queries[${i}].id`);
    string(query.resourceId, `${path}.monitor.queries[${i}].resourceId`);
    for (const key of ['metricNames', 'aggregations']) {
      if (!array(query[key], `${path}.monitor.queries[${i}].${key}`).every((n) => typeof n === 'string')) {
        throw new SnapshotError(`${path}.monitor.queries[${i}].${key} must be a list of strings`);
      }
    }
    if (typeof query.intervalSeconds !== 'number' || query.intervalSeconds <= 0) throw new SnapshotError(`${path}.monitor.queries[${i}].intervalSeconds must be a positive number`);
  });
  recordOf(monitor.responses, `${path}.monitor.responses`, 'object');
  errors(s.errors, `${path}.errors`);
}

/**
 * Checks that a parsed JSON value is an Azure raw snapshot this build can read.
 * @throws SnapshotError with one line naming the first problem.
 * @example const raw = validateAzureRaw(JSON.parse(await readFile('snap.json', 'utf8')));
 */
export function validateAzureRaw(value: unknown): AzureRawSnapshot {
  if (!isObject(value)) throw new SnapshotError(`not a cloud502 raw snapshot: expected a JSON object, got ${kindOf(value)}`);
  if (value.format !== 'cloud502-raw-snapshot') {
    const got = value.format === undefined ? 'no "format" field' : `format ${JSON.stringify(value.format)}`;
    throw new SnapshotError(`not a cloud502 raw snapshot: ${got} (expected "cloud502-raw-snapshot")`);
  }
  if (value.provider !== 'azure') throw new SnapshotError(`not an Azure snapshot: provider is ${JSON.stringify(value.provider ?? null)} (expected "azure")`);
  if (typeof value.schemaVersion !== 'number' || !AZURE_RAW_SCHEMA_VERSIONS.includes(value.schemaVersion)) {
    throw new SnapshotError(
      `unsupported Azure snapshot schemaVersion ${JSON.stringify(value.schemaVersion ?? null)} (supported: ${AZURE_RAW_SCHEMA_VERSIONS.join(', ')})`,
    );
  }
  if (typeof value.collectedAt !== 'string' || Number.isNaN(Date.parse(value.collectedAt))) throw new SnapshotError('collectedAt must be an ISO-8601 timestamp');
  if (value.demo !== undefined && typeof value.demo !== 'boolean') throw new SnapshotError('demo must be true or false');
  const options = object(value.options, 'options');
  if (typeof options.cloud !== 'string' || !(AZURE_CLOUD_NAMES as readonly string[]).includes(options.cloud)) {
    throw new SnapshotError(`options.cloud must be one of ${AZURE_CLOUD_NAMES.join(', ')}`);
  }
  array(options.subscriptions, 'options.subscriptions');
  if (typeof options.metricsWindowSeconds !== 'number') throw new SnapshotError('options.metricsWindowSeconds must be a number');
  array(value.subscriptions, 'subscriptions').forEach((s, i) => validateSubscription(s, `subscriptions[${i}]`));
  errors(value.errors, 'errors');
  return value as unknown as AzureRawSnapshot;
}
