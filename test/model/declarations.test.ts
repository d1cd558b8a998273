import { describe, expect, it } from 'vitest';
import type { BackendDeclaration } from '../../src/engine/config.js';
import { applyBackendDeclarations, globToRegExp, parseKeepAliveTag } from '../../src/model/declarations.js';
import type { BackendPool, Inventory } from '../../src/model/index.js';
import { albInventory, pool } from '../support/builders.js';

function withPool(overrides: Partial<BackendPool>): Inventory {
  return albInventory({ pools: [pool('tg-api', overrides)] });
}

const backendOf = (inv: Inventory, config: { backends?: BackendDeclaration[] } = {}) => applyBackendDeclarations(inv, config).backendPools[0]?.backend;

describe('keep-alive tag values', () => {
  it.each([
    ['75', 75],
    ['75s', 75],
    [' 2.5 ', 2.5],
    ['0', 0],
    ['none', null],
    ['abc', undefined],
    ['-5', undefined],
    ['75 ms', undefined],
    ['', undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseKeepAliveTag(value)).toBe(expected);
  });
});

describe('globs', () => {
  it.each([
    ['tg-*', 'tg-api', true],
    ['tg-*', 'api-tg', false],
    ['tg-?pi', 'tg-api', true],
    ['shop.web', 'shopxweb', false],
    ['*', 'anything', true],
  ])('%s matches %s: %s', (glob, name, expected) => {
    expect(globToRegExp(glob).test(name)).toBe(expected);
  });
});

describe('backend declarations from tags', () => {
  it('declares server and keep-alive from the pool tags', () => {
    expect(backendOf(withPool({ tags: { 'cloud502:server': 'node', 'cloud502:keepalive': '65' } }))).toEqual({
      server: { value: 'node', source: 'declared', detail: 'tag cloud502:server=node on tg-api' },
      keepAliveSeconds: { value: 65, source: 'declared', detail: 'tag cloud502:keepalive=65 on tg-api' },
    });
  });

  it('accepts a server kind in any case', () => {
    expect(backendOf(withPool({ tags: { 'cloud502:server': 'Gunicorn' } }))?.server?.value).toBe('gunicorn');
  });

  it.each([
    ['keep-alive "abc"', { 'cloud502:keepalive': 'abc' }, 'tag cloud502:keepalive="abc" on tg-api is not a number of seconds; the tag declaration was ignored'],
    ['server "iis"', { 'cloud502:server': 'iis' }, 'tag cloud502:server="iis" on tg-api is not a known server kind'],
    ['a valid server with an invalid keep-alive', { 'cloud502:server': 'node', 'cloud502:keepalive': '5 minutes' }, 'cloud502:keepalive="5 minutes"'],
  ])('ignores an invalid tag (%s), leaves the pool undeclared and reports a coverage gap', (_, tags, message) => {
    const inv = applyBackendDeclarations(withPool({ tags }), {});
    expect(inv.backendPools[0]?.backend).toBeUndefined();
    expect(inv.coverage).toHaveLength(1);
    expect(inv.coverage[0]).toMatchObject({ provider: 'aws', api: 'cloud502:backend-declaration', code: 'InvalidTagValue', resourceId: inv.backendPools[0]?.ref.id, impact: 'declared backend of tg-api unknown' });
    expect(inv.coverage[0]?.message).toContain(message);
  });

  it('leaves pools without declarations untouched', () => {
    const inv = withPool({ tags: { team: 'web' } });
    const out = applyBackendDeclarations(inv, {});
    expect(out.backendPools[0]).toBe(inv.backendPools[0]);
    expect(out.coverage).toEqual([]);
  });
});

describe('backend declarations from config', () => {
  const lbId = (inv: Inventory) => inv.loadBalancers[0]?.ref.id ?? '';

  it.each<{ name: string; match: BackendDeclaration['match']; tags?: Record<string, string>; matches: boolean }>([
    { name: 'pool glob', match: { pool: 'tg-a*' }, matches: true },
    { name: 'pool glob, other name', match: { pool: 'tg-web*' }, matches: false },
    { name: 'load balancer glob', match: { loadBalancer: 'alb-*' }, matches: true },
    { name: 'load balancer glob, other LB', match: { loadBalancer: 'nlb-*' }, matches: false },
    { name: 'tag key', match: { tag: { key: 'runtime' } }, tags: { runtime: 'python' }, matches: true },
    { name: 'tag key=value', match: { tag: { key: 'runtime', value: 'python' } }, tags: { runtime: 'python' }, matches: true },
    { name: 'tag key=other value', match: { tag: { key: 'runtime', value: 'node' } }, tags: { runtime: 'python' }, matches: false },
    { name: 'all criteria must hold', match: { pool: 'tg-*', loadBalancer: 'nlb-*' }, matches: false },
  ])('matches by $name: $matches', ({ match, tags, matches }) => {
    const inv = withPool({ tags: tags ?? {} });
    const backend = backendOf(inv, { backends: [{ match, server: 'uvicorn' }] });
    expect(backend?.server?.value).toBe(matches ? 'uvicorn' : undefined);
    expect(lbId(inv)).not.toBe('');
  });

  it('first match wins per field, and names the entry', () => {
    const backend = backendOf(withPool({}), {
      backends: [
        { match: { pool: 'tg-*' }, keepAliveSeconds: 75 },
        { match: { pool: 'tg-api' }, server: 'nginx', keepAliveSeconds: 5, maxRequestSeconds: 30 },
      ],
    });
    expect(backend).toEqual({
      server: { value: 'nginx', source: 'declared', detail: 'config backends[1] (pool "tg-api")' },
      keepAliveSeconds: { value: 75, source: 'declared', detail: 'config backends[0] (pool "tg-*")' },
      maxRequestSeconds: { value: 30, source: 'declared', detail: 'config backends[1] (pool "tg-api")' },
    });
  });

  it('config wins over tags field by field and says so', () => {
    const backend = backendOf(withPool({ tags: { 'cloud502:server': 'node', 'cloud502:keepalive': '5' } }), {
      backends: [{ match: { loadBalancer: 'alb-web' }, keepAliveSeconds: 75 }],
    });
    expect(backend).toEqual({
      server: { value: 'node', source: 'declared', detail: 'tag cloud502:server=node on tg-api' },
      keepAliveSeconds: { value: 75, source: 'declared', detail: 'config backends[0] (loadBalancer "alb-web"); overrides tag cloud502:keepalive=5 on tg-api' },
    });
  });

  it('config still declares a pool whose tags are invalid', () => {
    const inv = applyBackendDeclarations(withPool({ tags: { 'cloud502:keepalive': 'abc' } }), { backends: [{ match: { pool: 'tg-api' }, keepAliveSeconds: 90 }] });
    expect(inv.backendPools[0]?.backend?.keepAliveSeconds?.value).toBe(90);
    expect(inv.coverage).toHaveLength(1);
  });

  it('a measured value already on the pool outranks a declaration', () => {
    const backend = backendOf(withPool({ backend: { keepAliveSeconds: { value: 4, source: 'measured', detail: 'probe' } } }), {
      backends: [{ match: { pool: 'tg-api' }, server: 'node', keepAliveSeconds: 75 }],
    });
    expect(backend).toEqual({
      server: { value: 'node', source: 'declared', detail: 'config backends[0] (pool "tg-api")' },
      keepAliveSeconds: { value: 4, source: 'measured', detail: 'probe' },
    });
  });

  it('does not mutate its input', () => {
    const inv = withPool({ tags: { 'cloud502:server': 'node' } });
    const before = JSON.stringify(inv);
    applyBackendDeclarations(inv, { backends: [{ match: { pool: '*' }, keepAliveSeconds: 1 }] });
    expect(JSON.stringify(inv)).toBe(before);
  });
});
