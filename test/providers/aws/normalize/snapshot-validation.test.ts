import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { validateAwsRaw } from '../../../../providers/aws/snapshot.js';
import { SnapshotError } from '../../../../src/errors.js';
import { emptyRegion, snapshot } from './raw-builder.js';

/** A valid snapshot as plain JSON, to break one field at a time. */
const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(snapshot(emptyRegion()))) as Record<string, unknown>;

const REMOVE = Symbol('remove');

/** A valid snapshot with the value at `path` replaced (or removed). */
function broken(path: Array<string | number>, value: unknown): unknown {
  const s = valid();
  let at: Record<string | number, unknown> = s;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === REMOVE) delete at[last];
  else at[last] = value;
  return s;
}

describe('validateAwsRaw', () => {
  it('accepts a valid snapshot and returns it', () => {
    const s = valid();
    expect(validateAwsRaw(s)).toBe(s);
  });

  it.each<[string, unknown, RegExp]>([
    ['an array', [], /expected a JSON object, got an array/],
    ['null', null, /expected a JSON object, got null/],
    ['a string', 'snapshot', /expected a JSON object, got a string/],
    ['no format', broken(['format'], REMOVE), /no "format" field \(expected "cloud502-raw-snapshot"\)/],
    ['a report', broken(['format'], 'cloud502-report'), /format "cloud502-report"/],
    ['another provider', broken(['provider'], 'azure'), /provider is "azure" \(expected "aws"\)/],
    ['a newer schema', broken(['schemaVersion'], 2), /schemaVersion 2 \(supported: 1\)/],
    ['no schema', broken(['schemaVersion'], REMOVE), /schemaVersion null \(supported: 1\)/],
    ['a bad collectedAt', broken(['collectedAt'], 'yesterday'), /collectedAt must be an ISO-8601 timestamp/],
    ['a string demo flag', broken(['demo'], 'yes'), /demo must be true or false/],
    ['no regions', broken(['regions'], REMOVE), /^regions must be an array \(got nothing\)$/],
    ['regions as object', broken(['regions'], {}), /^regions must be an array \(got an object\)$/],
    ['a region without a name', broken(['regions', 0, 'region'], REMOVE), /^regions\[0\]\.region must be a string \(got nothing\)$/],
    ['an empty region name', broken(['regions', 0, 'region'], ''), /^regions\[0\]\.region must not be empty$/],
    ['no elbv2 section', broken(['regions', 0, 'elbv2'], REMOVE), /regions\[0\]\.elbv2 must be an object \(got nothing\)/],
    ['target groups as object', broken(['regions', 0, 'elbv2', 'targetGroups'], {}), /regions\[0\]\.elbv2\.targetGroups must be an array/],
    [
      'a non-array target health entry',
      broken(['regions', 0, 'elbv2', 'targetHealth'], { 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/tg/1': {} }),
      /^regions\[0\]\.elbv2\.targetHealth\["arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup\/tg\/1"\] must be an array \(got an object\)$/,
    ],
    ['no ec2 subnets', broken(['regions', 0, 'ec2', 'subnets'], REMOVE), /regions\[0\]\.ec2\.subnets must be an array/],
    ['a null instance', broken(['regions', 0, 'ec2', 'instances'], [null]), /regions\[0\]\.ec2\.instances\[0\] must be an object \(got null\)/],
    ['a classic attributes array', broken(['regions', 0, 'elb', 'attributes'], { legacy: [] }), /^regions\[0\]\.elb\.attributes\.legacy must be an object \(got an array\)$/],
    ['a metric query without id', broken(['regions', 0, 'cloudwatch', 'queries'], [{ resourceArn: 'a', namespace: 'AWS/ELB', metricName: 'x', stat: 'Sum', periodSeconds: 60 }]), /cloudwatch\.queries\[0\]\.id must be a string/],
    ['a bad metrics window', broken(['regions', 0, 'cloudwatch', 'window'], { start: 1 }), /^regions\[0\]\.cloudwatch\.window\.end must be a string \(got nothing\)$/],
    ['an error without code', broken(['regions', 0, 'errors'], [{ api: 'ec2:DescribeVpcs', message: 'm' }]), /errors\[0\]\.code must be a string/],
    ['no acm', broken(['regions', 0, 'acm'], REMOVE), /regions\[0\]\.acm must be an object/],
  ])('rejects %s with one clear line', (_, value, message) => {
    let thrown: unknown;
    try {
      validateAwsRaw(value);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SnapshotError);
    const text = (thrown as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});

describe('schema/raw-aws.schema.json', () => {
  const schemaPath = join(import.meta.dirname, '..', '..', '..', '..', 'schema', 'raw-aws.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;

  it('is a valid JSON Schema 2020-12 (the validator skips this check at run time)', () => {
    const ajv = new Ajv2020({ strict: true });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('types every SDK field normalize reads, so none of them can crash it', () => {
    // Prepare: the PascalCase fields the normalizers read (`lb.LoadBalancerArn`, `{ Key: … }`), and the schema's.
    const dir = join(import.meta.dirname, '..', '..', '..', '..', 'providers', 'aws', 'normalize');
    const read = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      // String literals are values (reason codes such as 'Target.Timeout'), not fields read.
      const code = readFileSync(join(dir, file), 'utf8').replace(/'[^'\n]*'/g, "''");
      for (const m of code.matchAll(/\.([A-Z][A-Za-z0-9]+)\b/g)) read.add(m[1]!);
    }
    const typed = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'properties' && typeof value === 'object' && value !== null) for (const name of Object.keys(value)) typed.add(name);
          walk(value);
        }
      }
    };
    walk(schema);

    // Assess
    expect([...read].filter((name) => !typed.has(name)).sort()).toEqual([]);
  });
});
