/**
 * Structural validation of a Google Cloud raw snapshot read from disk (`audit --snapshot`, `--demo`), so normalize
 * can trust the containers it iterates. Resource fields are left alone (they are optional in the API too).
 */
import { SnapshotError } from '../../src/errors.js';
import { array, isObject, kindOf, object, type Json } from '../../src/snapshot-shape.js';
import type { GcpRawSnapshot } from './raw.js';

/** Raw snapshot schema versions this build of the Google Cloud adapter reads. */
export const GCP_RAW_SCHEMA_VERSIONS: readonly number[] = [1];

const COMPUTE_ARRAYS = [
  'backendServices',
  'urlMaps',
  'targetHttpProxies',
  'targetHttpsProxies',
  'targetTcpProxies',
  'targetSslProxies',
  'forwardingRules',
  'healthChecks',
  'instanceGroups',
  'networkEndpointGroups',
  'instances',
  'firewalls',
  'networks',
  'subnetworks',
  'sslCertificates',
] as const;

function arrayOfObjects(value: unknown, path: string): Json[] {
  return array(value, path).map((item, i) => object(item, `${path}[${i}]`));
}

function strings(record: Json, keys: readonly string[], path: string): void {
  for (const key of keys) if (typeof record[key] !== 'string') throw new SnapshotError(`${path}.${key} must be a string`);
}

function recordOf(value: unknown, path: string, values: 'array' | 'object'): void {
  for (const [key, v] of Object.entries(object(value, path))) {
    if (values === 'array') arrayOfObjects(v, `${path}[${JSON.stringify(key)}]`);
    else object(v, `${path}[${JSON.stringify(key)}]`);
  }
}

function validateProject(value: unknown, path: string): void {
  const p = object(value, path);
  if (typeof p.project !== 'string' || p.project === '') throw new SnapshotError(`${path}.project must be a project id`);
  const compute = object(p.compute, `${path}.compute`);
  for (const key of COMPUTE_ARRAYS) arrayOfObjects(compute[key], `${path}.compute.${key}`);
  recordOf(compute.groupInstances, `${path}.compute.groupInstances`, 'array');
  recordOf(compute.negEndpoints, `${path}.compute.negEndpoints`, 'array');
  recordOf(compute.effectiveFirewalls, `${path}.compute.effectiveFirewalls`, 'object');
  arrayOfObjects(compute.backendHealth, `${path}.compute.backendHealth`).forEach((h, i) => {
    const where = `${path}.compute.backendHealth[${i}]`;
    strings(h, ['backendService', 'group'], where);
    arrayOfObjects(h.healthStatus, `${where}.healthStatus`);
  });

  const monitoring = object(p.monitoring, `${path}.monitoring`);
  if (monitoring.window !== undefined) {
    const w = object(monitoring.window, `${path}.monitoring.window`);
    if (typeof w.start !== 'string' || typeof w.end !== 'string' || typeof w.periodSeconds !== 'number') {
      throw new SnapshotError(`${path}.monitoring.window needs start, end (ISO strings) and periodSeconds (number)`);
    }
  }
  arrayOfObjects(monitoring.queries, `${path}.monitoring.queries`).forEach((q, i) => {
    const where = `${path}.monitoring.queries[${i}]`;
    strings(q, ['id', 'metricType', 'resourceType', 'aligner', 'reducer'], where);
    array(q.groupBy, `${where}.groupBy`);
    if (typeof q.periodSeconds !== 'number') throw new SnapshotError(`${where}.periodSeconds must be a number`);
  });
  arrayOfObjects(monitoring.series, `${path}.monitoring.series`).forEach((s, i) => strings(s, ['queryId'], `${path}.monitoring.series[${i}]`));

  arrayOfObjects(p.errors, `${path}.errors`).forEach((e, i) => strings(e, ['api', 'permission', 'project', 'code', 'message'], `${path}.errors[${i}]`));
}

/**
 * Checks that a parsed JSON value is a Google Cloud raw snapshot this build can read.
 * @throws SnapshotError with one line naming the first problem.
 * @example const raw = validateGcpRaw(JSON.parse(await readFile('snap.json', 'utf8')));
 */
export function validateGcpRaw(value: unknown): GcpRawSnapshot {
  if (!isObject(value)) throw new SnapshotError(`not a cloud502 raw snapshot: expected a JSON object, got ${kindOf(value)}`);
  if (value.format !== 'cloud502-raw-snapshot') {
    const got = value.format === undefined ? 'no "format" field' : `format ${JSON.stringify(value.format)}`;
    throw new SnapshotError(`not a cloud502 raw snapshot: ${got} (expected "cloud502-raw-snapshot")`);
  }
  if (value.provider !== 'gcp') throw new SnapshotError(`not a Google Cloud snapshot: provider is ${JSON.stringify(value.provider ?? null)} (expected "gcp")`);
  if (typeof value.schemaVersion !== 'number' || !GCP_RAW_SCHEMA_VERSIONS.includes(value.schemaVersion)) {
    throw new SnapshotError(
      `unsupported Google Cloud snapshot schemaVersion ${JSON.stringify(value.schemaVersion ?? null)} (supported: ${GCP_RAW_SCHEMA_VERSIONS.join(', ')})`,
    );
  }
  if (typeof value.collectedAt !== 'string' || Number.isNaN(Date.parse(value.collectedAt))) throw new SnapshotError('collectedAt must be an ISO-8601 timestamp');
  if (value.demo !== undefined && typeof value.demo !== 'boolean') throw new SnapshotError('demo must be true or false');
  const options = object(value.options, 'options');
  array(options.projects, 'options.projects');
  array(options.regions, 'options.regions');
  if (typeof options.metricsWindowSeconds !== 'number') throw new SnapshotError('options.metricsWindowSeconds must be a number');
  array(value.projects, 'projects').forEach((p, i) => validateProject(p, `projects[${i}]`));
  return value as unknown as GcpRawSnapshot;
}
