/**
 * A raw snapshot read one scope at a time gives the same audit as the file read whole, and any file that is not
 * shaped as expected is left to the whole read (which names what is wrong).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSnapshot } from '../bench/generate-snapshot.js';
import { collectJudgedSnapshot, demoSnapshotPaths, runAudit, type AuditDeps } from '../src/audit.js';
import { judgeCoverage } from '../src/engine/coverage-verdict.js';
import { roundTripJson } from '../src/json-pieces.js';
import type { PassedGroup, Report } from '../src/report/types.js';
import type { ProgressEvent } from '../src/provider.js';
import { scanSnapshotLayout, snapshotParts } from '../src/snapshot-parts.js';
import { defaultLoadAdapter, readRawSnapshot } from '../src/snapshot.js';

let dir: string;
let multi: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud502-parts-'));
  multi = join(dir, 'multi.json');
  const awsDemo = demoSnapshotPaths().find((p) => p.endsWith('aws-demo.json')) ?? '';
  await generateSnapshot(multi, { targetGroups: 40, demoPath: awsDemo, targetGroupsPerAccount: 12, brokenEvery: 20 });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, 'utf8');
  return path;
}

async function partsOf(path: string): Promise<unknown[] | undefined> {
  const layout = await scanSnapshotLayout(path, 'regions');
  if (!layout) return undefined;
  const out: unknown[] = [];
  for await (const part of snapshotParts(path, layout)) out.push(part);
  return out;
}

describe('scanSnapshotLayout / snapshotParts', () => {
  it('gives each region with the envelope around it, and the envelope without the regions', async () => {
    const whole = JSON.parse(await readFile(multi, 'utf8')) as { regions: unknown[] } & Record<string, unknown>;
    const parts = (await partsOf(multi)) as Array<Record<string, unknown>>;
    expect(whole.regions.length).toBeGreaterThan(2);
    expect(parts).toHaveLength(whole.regions.length);
    const { regions, ...envelope } = whole;
    parts.forEach((part, i) => expect(part).toEqual({ ...envelope, regions: [regions[i]] }));
  });

  it('is not fooled by brackets, quotes, escapes and the key itself inside strings', async () => {
    const tricky = {
      format: 'x "regions": [ {',
      'regions\\"': ['}', ']'],
      nested: { regions: [{ a: 1 }] },
      regions: [{ name: '\\"}]{[', 'key "regions"': ['[', { '}': '{' }] }, { emoji: '🙂 ] }', empty: [] }],
      after: '] }',
    };
    const parts = (await partsOf(await write('tricky.json', JSON.stringify(tricky, null, 1)))) as Array<Record<string, unknown>>;
    const { regions, ...envelope } = tricky;
    expect(parts).toEqual(regions.map((r) => ({ ...envelope, regions: [r] })));
  });

  it('reads an empty region list as no part, with the envelope', async () => {
    const path = await write('empty.json', '{"format":"f","regions":[],"provider":"aws"}');
    const layout = await scanSnapshotLayout(path, 'regions');
    expect(layout?.envelope).toEqual({ format: 'f', regions: [], provider: 'aws' });
    expect(layout?.spans).toEqual([]);
  });

  it.each([
    ['truncated', '{"format":"f","regions":[{"a":1},{"b":'],
    ['a region that is not an object', '{"regions":[{"a":1}, 7]}'],
    ['a region that is a string', '{"regions":["eu-west-1"]}'],
    ['a top-level array', '[{"regions":[]}]'],
    ['two region lists', '{"regions":[{"a":1}],"regions":[{"b":2}]}'],
    ['regions that are not a list', '{"regions":{"a":1}}'],
    ['no regions', '{"format":"f"}'],
    ['an envelope that is not JSON', '{"format":nope,"regions":[{"a":1}]}'],
    ['a stray closing bracket', '{"regions":[{"a":1}]}}'],
  ])('leaves %s to the whole read', async (name, text) => {
    expect(await scanSnapshotLayout(await write(`${name.replace(/\W+/g, '-')}.json`, text), 'regions')).toBeUndefined();
  });

  it('throws on a region that is not valid JSON, for the caller to read the file whole', async () => {
    const path = await write('bad-region.json', '{"regions":[{"a":tru}]}');
    const layout = await scanSnapshotLayout(path, 'regions');
    await expect(partsOf(path)).rejects.toThrow(SyntaxError);
    expect(layout?.spans).toHaveLength(1);
  });
});

/**
 * Read by region, each region is evaluated on its own and the reports merged: the same report as the whole audit, down
 * to the order of the results that are not plain passes and of the diagnosis. Plain passes are grouped region by region.
 */
function expectSameReport(byRegion: Report, whole: Report): void {
  const { passed: regionPassed, ...regionRest } = byRegion;
  const { passed: wholePassed, ...wholeRest } = whole;
  expect(regionRest).toEqual(wholeRest);
  const sorted = (groups: PassedGroup[] | undefined): string[] => (groups ?? []).map((g) => JSON.stringify(g)).sort();
  expect(sorted(regionPassed)).toEqual(sorted(wholePassed));
}

describe('runAudit of a snapshot file', () => {
  it('gives the same report read by region as read whole (the whole read is what --save-snapshot uses)', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    const saved: string[] = [];
    const byRegion = (await runAudit({ source: { kind: 'snapshot', path: multi }, now })).report;
    const whole = (await runAudit({ source: { kind: 'snapshot', path: multi }, now, onRawSnapshot: async (raw) => void saved.push(raw.provider) })).report;
    expect(saved).toEqual(['aws']);
    expect(byRegion.summary.byStatus.fail).toBeGreaterThan(0);
    expect(byRegion.scopes.length).toBeGreaterThan(1);
    expectSameReport(byRegion, whole);
  });

  it('says which region it audits, one of how many, when asked', async () => {
    const events: ProgressEvent[] = [];
    await runAudit({ source: { kind: 'snapshot', path: multi }, now: new Date('2026-11-20T10:00:00Z'), progress: (e) => void events.push(e) });
    const regions = (await partsOf(multi))!.length;
    expect(regions).toBeGreaterThan(1);
    expect(events.map((e) => [e.activity, e.phase, e.done, e.total])).toEqual(Array.from({ length: regions }, (_, i) => ['auditing', 'region', i + 1, regions]));
    expect(events[0]?.scope).toMatch(/^\d{12} eu-west-1$/);
  });

  it('gives the same report for a live collection audited region by region as audited whole', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    const collected = JSON.parse(await readFile(multi, 'utf8')) as { regions: Array<Record<string, unknown>> };
    // The SDK gives Dates: the per-region round trip must turn them into strings as the whole one does.
    (collected as unknown as { sdkDate: Date }).sdkDate = now;
    const aws = await defaultLoadAdapter('aws');
    let normalized = 0;
    const live = (): AuditDeps => ({
      loadAdapter: async () => ({
        ...aws,
        collect: async () => structuredClone(collected) as never,
        normalize: (raw, config) => (normalized++, aws.normalize(raw, config)),
      }),
    });
    const source = { kind: 'live' as const, provider: 'aws' as const, collectOptions: { providerOptions: {}, metricsWindowSeconds: 86400, concurrency: 4, now } };
    const byRegion = (await runAudit({ source, now }, live())).report;
    expect(normalized).toBe(collected.regions.length);
    normalized = 0;
    const saved: string[] = [];
    const whole = (await runAudit({ source, now, onRawSnapshot: async (raw) => void saved.push(JSON.stringify(raw).slice(0, 1)) }, live())).report;
    expect(saved).toEqual(['{']);
    expect(normalized).toBe(1);
    expect(byRegion.scopes.length).toBe(collected.regions.length);
    expectSameReport(byRegion, whole);
    // `cloud502 collect` judges what it collected region by region too, with the verdict of the whole.
    normalized = 0;
    const judged = await collectJudgedSnapshot(source, live());
    expect(normalized).toBe(collected.regions.length);
    expect(judged.coverage).toEqual(judgeCoverage(aws.normalize(aws.validateRaw(roundTripJson(collected)), {})));
    expect(judged.coverage.coverage).toBe(whole.summary.coverage);
  });

  it('reports a snapshot that cannot be read by region exactly as before (the whole read names the problem)', async () => {
    const truncated = await write('truncated.json', (await readFile(multi, 'utf8')).slice(0, 5000));
    await expect(runAudit({ source: { kind: 'snapshot', path: truncated } })).rejects.toThrow(/is truncated/);
    const text = await readFile(multi, 'utf8');
    const wrongType = await write('wrong-type.json', text.replace(/"region":\s*"/, '"region": 5, "x": "'));
    const expected = await readRawSnapshot(wrongType).then(
      () => 'no error',
      (err: Error) => err.message,
    );
    expect(expected).toMatch(/^snapshot .*wrong-type\.json.*region/);
    await expect(runAudit({ source: { kind: 'snapshot', path: wrongType } })).rejects.toThrow(expected);
  });

  it('fails on a broken last region with what the whole read says, after the regions before it were audited', async () => {
    const text = await readFile(multi, 'utf8');
    const at = text.lastIndexOf('"region":');
    const lastBroken = await write('last-broken.json', `${text.slice(0, at)}"region": 5, "x":${text.slice(at + '"region":'.length)}`);
    const expected = await readRawSnapshot(lastBroken).then(
      () => 'no error',
      (err: Error) => err.message,
    );
    expect(expected).toMatch(/^snapshot .*last-broken\.json.*region/);
    const events: ProgressEvent[] = [];
    await expect(runAudit({ source: { kind: 'snapshot', path: lastBroken }, progress: (e) => void events.push(e) })).rejects.toThrow(expected);
    // The regions before the broken one were audited (and their results dropped with the failed audit).
    expect(events.length).toBe((await partsOf(multi))!.length - 1);
  });
});
