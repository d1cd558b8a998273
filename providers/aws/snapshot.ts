/**
 * Validation of an AWS raw snapshot read from disk (`audit --snapshot`, `--demo`) or just collected, against its JSON
 * Schema (schema/raw-aws.schema.json), so normalize can trust every shape and type it reads: a malformed snapshot is
 * one line naming the field ("regions[0].elbv2.loadBalancers[3].LoadBalancerArn must be a string (got a number)"),
 * never "internal error: arn.split is not a function".
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { SnapshotError } from '../../src/errors.js';
import { isObject, kindOf } from '../../src/snapshot-shape.js';
import rawAwsSchema from '../../schema/raw-aws.schema.json' with { type: 'json' };
import type { AwsRawSnapshot } from './raw.js';

/** Raw snapshot schema versions this build of the AWS adapter reads. */
export const AWS_RAW_SCHEMA_VERSIONS: readonly number[] = [1];

let validator: ValidateFunction | undefined;

/** Compiled once, on first use. */
function compiled(): ValidateFunction {
  if (!validator) {
    // ajv-formats is CommonJS: through ESM interop its plugin may sit one `default` deeper.
    const mod = ajvFormats as unknown as { default: unknown };
    const addFormats = (typeof mod.default === 'function' ? mod.default : (mod.default as { default: unknown }).default) as (ajv: Ajv2020, formats: string[]) => unknown;
    // The schema is checked against the meta-schema by a test, not at every start (that doubles the compile time).
    const ajv = new Ajv2020({ allErrors: false, strict: true, validateSchema: false });
    addFormats(ajv, ['date-time']);
    validator = ajv.compile(rawAwsSchema);
  }
  return validator;
}

/** `/regions/0/elbv2/targetHealth/arn:aws:…` → `regions[0].elbv2.targetHealth["arn:aws:…"]`, walking the value for arrays. */
function pathOf(instancePath: string, root: unknown): { path: string; value: unknown } {
  let path = '';
  let value = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) path += `[${key}]`;
    else path += /^[A-Za-z_$][\w$]*$/.test(key) ? `${path === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`;
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return { path, value };
}

const TYPE_WORDS: Readonly<Record<string, string>> = { string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', array: 'an array', object: 'an object' };

/** The subschema at a JSON pointer of the schema (`#/$defs/region/required`). */
function schemaAt(pointer: string): unknown {
  let at: unknown = rawAwsSchema;
  for (const raw of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) at = isObject(at) ? at[raw.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return at;
}

/** Follows `$ref`s to the schema itself. */
function deref(schema: unknown): unknown {
  return isObject(schema) && typeof schema.$ref === 'string' ? deref(schemaAt(schema.$ref)) : schema;
}

/** The schema of the value at an instance path (`/regions/0/elbv2`), walking properties, items and keyed records. */
function schemaForInstance(instancePath: string): unknown {
  let at = deref(rawAwsSchema);
  for (const raw of instancePath.split('/').slice(1)) {
    if (!isObject(at)) return undefined;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const next = isObject(at.properties) && key in at.properties ? at.properties[key] : at.items ?? at.additionalProperties;
    at = deref(next);
  }
  return at;
}

/** What a (sub)schema expects, in words: its type, through a `$ref`. */
function expected(schema: unknown): string {
  if (!isObject(schema)) return 'present';
  if (typeof schema.$ref === 'string') return expected(schemaAt(schema.$ref));
  if ('const' in schema) return JSON.stringify(schema.const);
  return typeof schema.type === 'string' ? (TYPE_WORDS[schema.type] ?? schema.type) : 'present';
}

/** One line for the first schema error. */
function describeError(e: ErrorObject, root: unknown): string {
  const { path, value } = pathOf(e.instancePath, root);
  const at = (suffix: string) => `${path}${path === '' ? '' : '.'}${suffix}`;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const parent = schemaForInstance(e.instancePath);
      const properties = isObject(parent) && isObject(parent.properties) ? parent.properties : {};
      return `${at(missing)} must be ${expected(properties[missing])} (got nothing)`;
    }
    case 'type':
      return `${path} must be ${TYPE_WORDS[String((e.params as { type: unknown }).type)] ?? String((e.params as { type: unknown }).type)} (got ${kindOf(value)})`;
    case 'format':
      return `${path} must be an ISO-8601 timestamp (got ${JSON.stringify(String(value).slice(0, 40))})`;
    case 'minLength':
      return `${path} must not be empty`;
    case 'const':
      return `${path} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return `${path} ${e.message ?? 'is invalid'}`;
  }
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
  const validate = compiled();
  if (!validate(value)) throw new SnapshotError(describeError(validate.errors![0]!, value));
  return value as unknown as AwsRawSnapshot;
}
