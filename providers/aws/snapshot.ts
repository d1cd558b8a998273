/**
 * Structural validation of an AWS raw snapshot read from disk (`audit --snapshot`, `--demo`), so normalize can
 * trust the shapes it reads. Checks the envelope and every container normalize iterates; leaves SDK record fields
 * alone (they are optional in the SDK too).
 */
import { SnapshotError } from '../../src/errors.js';
import type { AwsRawSnapshot } from './raw.js';

/** Raw snapshot schema versions this build of the AWS adapter reads. */
export const AWS_RAW_SCHEMA_VERSIONS: readonly number[] = [1];

type Json = Record<string, unknown>;

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw new SnapshotError(`${path} must be an object (got ${kindOf(value)})`);
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new SnapshotError(`${path} must be an array (got ${kindOf(value)})`);
  return value;
}

/** A record keyed by ARN/name whose values are arrays (or objects, for `objectValues`). */
function record(value: unknown, path: string, values: 'array' | 'object'): void {
  const r = object(value, path);
  for (const [key, v] of Object.entries(r)) {
    if (values === 'array') array(v, `${path}[${JSON.stringify(key)}]`);
    else object(v, `${path}[${JSON.stringify(key)}]`);
  }
}

function arrayOfObjects(value: unknown, path: string): void {
  array(value, path).forEach((item, i) => object(item, `${path}[${i}]`));
}

function validateRegion(value: unknown, path: string): void {
  const r = object(value, path);
  if (typeof r.region !== 'string' || r.region === '') throw new SnapshotError(`${path}.region must be a region name`);
  if (r.account !== undefined && typeof r.account !== 'string') throw new SnapshotError(`${path}.account must be a string`);

  const elbv2 = object(r.elbv2, `${path}.elbv2`);
  arrayOfObjects(elbv2.loadBalancers, `${path}.elbv2.loadBalancers`);
  arrayOfObjects(elbv2.targetGroups, `${path}.elbv2.targetGroups`);
  arrayOfObjects(elbv2.tags, `${path}.elbv2.tags`);
  for (const key of ['loadBalancerAttributes', 'listeners', 'listenerAttributes', 'listenerCertificates', 'rules', 'targetGroupAttributes', 'targetHealth']) {
    record(elbv2[key], `${path}.elbv2.${key}`, 'array');
  }

  const elb = object(r.elb, `${path}.elb`);
  arrayOfObjects(elb.loadBalancers, `${path}.elb.loadBalancers`);
  arrayOfObjects(elb.tags, `${path}.elb.tags`);
  record(elb.attributes, `${path}.elb.attributes`, 'object');
  record(elb.instanceHealth, `${path}.elb.instanceHealth`, 'array');

  const ec2 = object(r.ec2, `${path}.ec2`);
  for (const key of ['securityGroups', 'networkAcls', 'subnets', 'vpcs', 'instances', 'networkInterfaces']) arrayOfObjects(ec2[key], `${path}.ec2.${key}`);

  const cw = object(r.cloudwatch, `${path}.cloudwatch`);
  if (cw.window !== undefined) {
    const w = object(cw.window, `${path}.cloudwatch.window`);
    if (typeof w.start !== 'string' || typeof w.end !== 'string' || typeof w.periodSeconds !== 'number') {
      throw new SnapshotError(`${path}.cloudwatch.window needs start, end (ISO strings) and periodSeconds (number)`);
    }
  }
  array(cw.queries, `${path}.cloudwatch.queries`).forEach((q, i) => {
    const query = object(q, `${path}.cloudwatch.queries[${i}]`);
    for (const key of ['id', 'resourceArn', 'namespace', 'metricName', 'stat']) {
      if (typeof query[key] !== 'string') throw new SnapshotError(`${path}.cloudwatch.queries[${i}].${key} must be a string`);
    }
    if (typeof query.periodSeconds !== 'number') throw new SnapshotError(`${path}.cloudwatch.queries[${i}].periodSeconds must be a number`);
  });
  arrayOfObjects(cw.results, `${path}.cloudwatch.results`);

  const acm = object(r.acm, `${path}.acm`);
  record(acm.certificates, `${path}.acm.certificates`, 'object');

  array(r.errors, `${path}.errors`).forEach((e, i) => {
    const err = object(e, `${path}.errors[${i}]`);
    for (const key of ['api', 'code', 'message']) {
      if (typeof err[key] !== 'string') throw new SnapshotError(`${path}.errors[${i}].${key} must be a string`);
    }
  });
}

/**
 * Checks that a parsed JSON value is an AWS raw snapshot this build can read.
 * @throws SnapshotError with one line naming the first problem.
 * @example const raw = validateAwsRaw(JSON.parse(await readFile('snap.json', 'utf8')));
 */
export function validateAwsRaw(value: unknown): AwsRawSnapshot {
  if (!isObject(value)) throw new SnapshotError(`not a cloud502 raw snapshot: expected a JSON object, got ${kindOf(value)}`);
  if (value.format !== 'cloud502-raw-snapshot') {
    const got = value.format === undefined ? 'no "format" field' : `format ${JSON.stringify(value.format)}`;
    throw new SnapshotError(`not a cloud502 raw snapshot: ${got} (expected "cloud502-raw-snapshot")`);
  }
  if (value.provider !== 'aws') throw new SnapshotError(`not an AWS snapshot: provider is ${JSON.stringify(value.provider ?? null)} (expected "aws")`);
  if (typeof value.schemaVersion !== 'number' || !AWS_RAW_SCHEMA_VERSIONS.includes(value.schemaVersion)) {
    throw new SnapshotError(
      `unsupported AWS snapshot schemaVersion ${JSON.stringify(value.schemaVersion ?? null)} (supported: ${AWS_RAW_SCHEMA_VERSIONS.join(', ')})`,
    );
  }
  if (typeof value.collectedAt !== 'string' || Number.isNaN(Date.parse(value.collectedAt))) {
    throw new SnapshotError('collectedAt must be an ISO-8601 timestamp');
  }
  if (value.demo !== undefined && typeof value.demo !== 'boolean') throw new SnapshotError('demo must be true or false');
  const options = object(value.options, 'options');
  array(options.regions, 'options.regions');
  if (typeof options.metricsWindowSeconds !== 'number') throw new SnapshotError('options.metricsWindowSeconds must be a number');
  array(value.regions, 'regions').forEach((r, i) => validateRegion(r, `regions[${i}]`));
  return value as unknown as AwsRawSnapshot;
}
