/**
 * Backend declarations: what the user states about the software behind a pool, since cloud APIs cannot tell.
 * Two sources, both `declared`: pool tags (`cloud502:server`, `cloud502:keepalive`) and config `backends` entries.
 * Config wins over tags field by field, and the detail says so.
 */
import type { AuditConfig, BackendDeclaration } from '../engine/config.js';
import type { BackendPool, BackendProfile, CoverageGap, Inventory, ServerKind, Sourced } from './inventory.js';
import { isServerKind } from './backend.js';

export const SERVER_TAG = 'cloud502:server';
export const KEEPALIVE_TAG = 'cloud502:keepalive';

type Declared = { server?: Sourced<ServerKind>; keepAliveSeconds?: Sourced<number | null>; maxRequestSeconds?: Sourced<number> };

/** `75`, `75s`, `2.5`; `none` = never closes idle connections (Go without IdleTimeout). */
export function parseKeepAliveTag(value: string): number | null | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'none') return null;
  const m = /^(\d+(?:\.\d+)?)s?$/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/** Converts a glob (`*` any run of characters, `?` one character) to an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

interface TagResult {
  declared?: Declared;
  /** Invalid tag values; the whole tag declaration is then ignored so a typo never turns into a false claim. */
  invalid: string[];
}

function fromTags(pool: BackendPool): TagResult {
  const server = pool.tags[SERVER_TAG];
  const keepAlive = pool.tags[KEEPALIVE_TAG];
  const invalid: string[] = [];
  const declared: Declared = {};
  if (server !== undefined) {
    const kind = server.trim().toLowerCase();
    if (isServerKind(kind)) declared.server = { value: kind, source: 'declared', detail: `tag ${SERVER_TAG}=${server} on ${pool.ref.name}` };
    else invalid.push(`tag ${SERVER_TAG}="${server}" on ${pool.ref.name} is not a known server kind`);
  }
  if (keepAlive !== undefined) {
    const seconds = parseKeepAliveTag(keepAlive);
    if (seconds !== undefined) declared.keepAliveSeconds = { value: seconds, source: 'declared', detail: `tag ${KEEPALIVE_TAG}=${keepAlive} on ${pool.ref.name}` };
    else invalid.push(`tag ${KEEPALIVE_TAG}="${keepAlive}" on ${pool.ref.name} is not a number of seconds`);
  }
  if (invalid.length > 0) return { invalid };
  return Object.keys(declared).length > 0 ? { declared, invalid } : { invalid };
}

function describeMatch(d: BackendDeclaration, index: number): string {
  const parts: string[] = [];
  if (d.match.pool !== undefined) parts.push(`pool "${d.match.pool}"`);
  if (d.match.loadBalancer !== undefined) parts.push(`loadBalancer "${d.match.loadBalancer}"`);
  if (d.match.tag) parts.push(`tag ${d.match.tag.key}${d.match.tag.value !== undefined ? `=${d.match.tag.value}` : ''}`);
  return `config backends[${index}]${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** All given criteria must hold. */
function matches(d: BackendDeclaration, pool: BackendPool, lbNames: string[]): boolean {
  const { pool: poolGlob, loadBalancer, tag } = d.match;
  if (poolGlob !== undefined && !globToRegExp(poolGlob).test(pool.ref.name)) return false;
  if (loadBalancer !== undefined) {
    const re = globToRegExp(loadBalancer);
    if (!lbNames.some((n) => re.test(n))) return false;
  }
  if (tag) {
    const value = pool.tags[tag.key];
    if (value === undefined || (tag.value !== undefined && value !== tag.value)) return false;
  }
  return true;
}

/** First matching entry wins per field (src/engine/config.ts). */
function fromConfig(pool: BackendPool, lbNames: string[], declarations: readonly BackendDeclaration[]): Declared | undefined {
  const declared: Declared = {};
  declarations.forEach((d, i) => {
    if (!matches(d, pool, lbNames)) return;
    const detail = describeMatch(d, i);
    if (!declared.server && d.server !== undefined && isServerKind(d.server)) declared.server = { value: d.server, source: 'declared', detail };
    if (!declared.keepAliveSeconds && typeof d.keepAliveSeconds === 'number' && d.keepAliveSeconds >= 0) {
      declared.keepAliveSeconds = { value: d.keepAliveSeconds, source: 'declared', detail };
    }
    if (!declared.maxRequestSeconds && typeof d.maxRequestSeconds === 'number' && d.maxRequestSeconds > 0) {
      declared.maxRequestSeconds = { value: d.maxRequestSeconds, source: 'declared', detail };
    }
  });
  return Object.keys(declared).length > 0 ? declared : undefined;
}

function overrideNote<T>(config: Sourced<T> | undefined, tag: Sourced<T> | undefined): Sourced<T> | undefined {
  if (!config) return tag;
  if (!tag) return config;
  return { ...config, detail: `${config.detail ?? 'config'}; overrides ${tag.detail ?? 'a tag'}` };
}

const TRUST: Record<string, number> = { measured: 3, declared: 2, inferred: 1 };

/** Keeps a value already known from a more trusted source (a probe measurement) over a declaration. */
function keepTrusted<T>(existing: Sourced<T> | undefined, declared: Sourced<T> | undefined): Sourced<T> | undefined {
  if (!existing) return declared;
  if (!declared) return existing;
  return (TRUST[existing.source] ?? 0) > (TRUST[declared.source] ?? 0) ? existing : declared;
}

function profile(existing: BackendProfile | undefined, declared: Declared): BackendProfile {
  const server = keepTrusted(existing?.server, declared.server);
  const keepAliveSeconds = keepTrusted(existing?.keepAliveSeconds, declared.keepAliveSeconds);
  const maxRequestSeconds = keepTrusted(existing?.maxRequestSeconds, declared.maxRequestSeconds);
  return {
    ...(server ? { server } : {}),
    ...(keepAliveSeconds ? { keepAliveSeconds } : {}),
    ...(maxRequestSeconds ? { maxRequestSeconds } : {}),
  };
}

/**
 * Sets `pool.backend` from tags and config declarations. Pure: returns a new inventory. An invalid tag value leaves
 * the pool undeclared by tags and adds a coverage gap that says which tag to fix.
 *
 * @example
 * applyBackendDeclarations(inv, { backends: [{ match: { pool: 'tg-api*' }, server: 'gunicorn', keepAliveSeconds: 75 }] });
 */
export function applyBackendDeclarations(inv: Inventory, config: AuditConfig): Inventory {
  const lbNames = new Map(inv.loadBalancers.map((lb) => [lb.ref.id, lb.ref.name]));
  const declarations = config.backends ?? [];
  const gaps: CoverageGap[] = [];
  const backendPools = inv.backendPools.map((pool) => {
    const tags = fromTags(pool);
    for (const problem of tags.invalid) {
      gaps.push({
        provider: pool.ref.provider,
        ...(pool.ref.account ? { account: pool.ref.account } : {}),
        ...(pool.ref.region ? { region: pool.ref.region } : {}),
        api: 'cloud502:backend-declaration',
        code: 'InvalidTagValue',
        message: `${problem}; the tag declaration was ignored`,
        resourceId: pool.ref.id,
        impact: `declared backend of ${pool.ref.name} unknown`,
      });
    }
    const names = pool.loadBalancerIds.map((id) => lbNames.get(id)).filter((n): n is string => n !== undefined);
    const cfg = fromConfig(pool, names, declarations);
    const tag = tags.declared;
    if (!cfg && !tag) return pool;
    const declared: Declared = {};
    const server = overrideNote(cfg?.server, tag?.server);
    const keepAliveSeconds = overrideNote(cfg?.keepAliveSeconds, tag?.keepAliveSeconds);
    if (server) declared.server = server;
    if (keepAliveSeconds) declared.keepAliveSeconds = keepAliveSeconds;
    if (cfg?.maxRequestSeconds) declared.maxRequestSeconds = cfg.maxRequestSeconds;
    return { ...pool, backend: profile(pool.backend, declared) };
  });
  return { ...inv, backendPools, coverage: [...inv.coverage, ...gaps] };
}
