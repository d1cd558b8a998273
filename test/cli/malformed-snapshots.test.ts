/**
 * Malformed raw snapshots, generated: from a real snapshot (test/fixtures/aws/alb-web.json), one field at a time made
 * the wrong type, null, missing, or the file cut short. Each must end in one clean line naming the file and the field,
 * never "internal error: arn.split is not a function". Fields of the right type with odd values must never crash.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './support/run-cli.js';

type Path = Array<string | number>;
const base = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'aws', 'alb-web.json'), 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'cloud502-malformed-'));

/** Every path under `regions` with its value, in document order. */
function paths(value: unknown, at: Path = []): Array<{ path: Path; value: unknown }> {
  const out = [{ path: at, value }];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

/** As the validator names a field: `regions[0].elbv2.loadBalancers[1].LoadBalancerArn`, record keys in brackets. */
function fieldName(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(key) ? `${out === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`;
  }
  return out;
}

function mutate(path: Path, next: unknown | typeof REMOVE): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  let at = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (next === REMOVE) delete at[last];
  else at[last] = next;
  return copy;
}
const REMOVE = Symbol('remove');

/** Every n-th item, so the sample spreads over the whole document. */
const spread = <T>(items: T[], count: number): T[] => items.filter((_, i) => i % Math.max(1, Math.floor(items.length / count)) === 0).slice(0, count);

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'raw-aws.schema.json'), 'utf8')) as Json;
type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema of the value at `path` (through $ref, properties, items and keyed records); undefined when it is not typed. */
function schemaFor(path: Path): Json | undefined {
  const deref = (s: unknown): unknown => (isJson(s) && typeof s.$ref === 'string' ? deref(schema.$defs && (schema.$defs as Json)[s.$ref.replace('#/$defs/', '')]) : s);
  let at = deref(schema);
  for (const key of path) {
    if (!isJson(at)) return undefined;
    const props = isJson(at.properties) ? at.properties : {};
    at = deref(typeof key === 'string' && key in props ? props[key] : (at.items ?? at.additionalProperties));
  }
  return isJson(at) && 'type' in at ? at : undefined;
}

/** Fields the schema types: the ones normalize reads. The rest of an SDK record may be anything. */
const regionPaths = paths(base.regions, ['regions']).filter((p) => p.path.length > 2 && schemaFor(p.path) !== undefined);
const leaves = regionPaths.filter((p) => ['string', 'number', 'boolean'].includes(typeof p.value));
const containers = regionPaths.filter((p) => typeof p.value === 'object' && p.value !== null);

const wrongType = (v: unknown): unknown => (typeof v === 'string' ? 42 : typeof v === 'number' ? 'forty-two' : typeof v === 'boolean' ? 'yes' : Array.isArray(v) ? {} : []);

interface Variant {
  name: string;
  value: unknown;
  /** The field the line must name. */
  field: string;
}

const variants: Variant[] = [
  ...spread(leaves, 30).map(({ path, value }) => ({ name: `${fieldName(path)} of the wrong type`, value: mutate(path, wrongType(value)), field: fieldName(path) })),
  ...spread(containers, 20).map(({ path, value }) => ({ name: `${fieldName(path)} of the wrong shape`, value: mutate(path, wrongType(value)), field: fieldName(path) })),
  ...spread([...leaves, ...containers], 20).map(({ path }) => ({ name: `${fieldName(path)} null`, value: mutate(path, null), field: fieldName(path) })),
  ...[
    ['options'],
    ['options', 'regions'],
    ['options', 'metricsWindowSeconds'],
    ['regions', 0, 'region'],
    ['regions', 0, 'elbv2'],
    ['regions', 0, 'elbv2', 'loadBalancers'],
    ['regions', 0, 'elbv2', 'targetHealth'],
    ['regions', 0, 'elb', 'attributes'],
    ['regions', 0, 'ec2', 'securityGroups'],
    ['regions', 0, 'cloudwatch', 'queries'],
    ['regions', 0, 'acm'],
    ['regions', 0, 'errors'],
  ].map((path) => ({ name: `${fieldName(path)} missing`, value: mutate(path, REMOVE), field: fieldName(path) })),
];

async function audit(file: string, content: string) {
  const path = join(dir, file);
  writeFileSync(path, content);
  return { path, run: await runCli(['audit', '--snapshot', path, '--quiet'], { cwd: dir }) };
}

describe('a malformed raw snapshot', () => {
  it('is generated in enough variants to mean something', () => {
    expect(variants.length).toBeGreaterThanOrEqual(70);
    expect(new Set(variants.map((v) => v.name)).size).toBe(variants.length);
  });

  it.each(variants.map((v, i) => ({ ...v, i })))('$name: one line naming the file and the field', async ({ value, field, i }) => {
    const { path, run } = await audit(`variant-${i}.json`, JSON.stringify(value));
    expectOneLineError(run, `cloud502: snapshot ${path}: ${field}`);
    expect(run.errLines[0]).not.toMatch(/internal error|is not a function|Cannot read properties/);
  });

  it.each([0.1, 0.5, 0.9, 0.999])('cut short at %s of its length: one line saying it is truncated', async (share) => {
    const text = JSON.stringify(base, null, 2);
    const { path, run } = await audit(`truncated-${share}.json`, text.slice(0, Math.floor(text.length * share)));
    expectOneLineError(run, `cloud502: snapshot ${path} is truncated`);
  });
});

describe('odd values of the right type', () => {
  const odd = (v: unknown): unknown[] => (typeof v === 'string' ? ['', 'x', ':::', '\u202e\n'] : typeof v === 'number' ? [-1, 0, 1e12] : [!v]);
  const cases = spread(leaves, 25).flatMap(({ path, value }) => odd(value).map((next) => ({ name: `${fieldName(path)} = ${JSON.stringify(next)}`, value: mutate(path, next) })));

  it.each(cases.map((c, i) => ({ ...c, i })))('$name never crashes the audit', async ({ value, i }) => {
    const { run } = await audit(`odd-${i}.json`, JSON.stringify(value));
    expect(run.stderr).not.toMatch(/internal error/);
    expect([0, 1, 2]).toContain(run.code);
  });
});
