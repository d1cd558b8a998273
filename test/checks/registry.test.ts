/**
 * Keeps the catalog honest: every check follows the contract, lives where its id says, has a test file, uses every
 * message it declares, and links https documentation.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allChecks, createRegistry } from '../../checks/index.js';
import { descriptorOfKind } from '../../providers/index.js';
import { FAMILIES, providersOf, SEVERITIES } from '../../src/engine/index.js';
import { LOAD_BALANCER_KINDS } from '../../src/model/index.js';
import { FIX_RENDERERS } from '../support/fix-renderers.js';
import { docsFor, docsProvider } from '../../src/report/docs.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Shared helpers that live beside the checks of a family and are not checks themselves. */
const HELPER_MODULES = new Set(['index.ts', 'reason-codes.ts', 'pool-context.ts', 'paths.ts', 'routing-gap.ts', 'metrics-gap.ts', 'latency-idle.ts']);
/** Provider literals a check may contain only when every kind it claims is that provider's. */
const PROVIDER_LITERAL = /'(aws|azure|gcp)'|'(aws|azure|gcp)-[a-z-]+'/g;

describe('check catalog', () => {
  it('builds a registry (ids unique and family/kebab-case)', () => {
    expect(createRegistry().all()).toHaveLength(allChecks.length);
  });

  it('has every check file registered, and every registered check in its file', () => {
    const files = FAMILIES.flatMap((family) =>
      readdirSync(join(root, 'checks', family))
        .filter((f) => f.endsWith('.ts') && !HELPER_MODULES.has(f))
        .map((f) => `${family}/${f.replace(/\.ts$/, '')}`),
    );
    expect(allChecks.map((c) => c.id).sort()).toEqual(files.sort());
  });

  for (const check of allChecks) {
    describe(check.id, () => {
      const source = readFileSync(join(root, 'checks', `${check.id}.ts`), 'utf8');

      it('declares the contract fields', () => {
        expect(check.title.length).toBeGreaterThan(10);
        expect(SEVERITIES).toContain(check.severity);
        expect(check.kinds.length).toBeGreaterThan(0);
        for (const k of check.kinds) expect(Object.keys(LOAD_BALANCER_KINDS), 'a kind of the model').toContain(k);
        expect(check.rationale.length).toBeGreaterThan(40);
        expect(check.remediation.summary.length).toBeGreaterThan(10);
        expect(check.causes.every((c) => Number.isInteger(c) && c >= 100 && c <= 599)).toBe(true);
      });

      it('has a fix for every kind it claims, from the provider of that kind', () => {
        for (const kind of check.kinds) {
          // A kind whose provider is not in this build yet has no renderer to ask.
          if (!descriptorOfKind(kind)) continue;
          const renderer = FIX_RENDERERS[LOAD_BALANCER_KINDS[kind].provider];
          expect(renderer, `a fix renderer for ${kind}`).toBeDefined();
          for (const intent of check.fixes) expect(renderer?.supports(intent, kind), `${intent} on ${kind}`).toBe(true);
        }
      });

      it('names no provider command in its summary, and no provider literal unless it is declared for one provider only', () => {
        expect(check.remediation.summary).not.toMatch(/\b(aws|az|gcloud) [a-z]/);
        const literals = source.match(PROVIDER_LITERAL) ?? [];
        if (providersOf(check).length > 1 || check.kinds.length === Object.keys(LOAD_BALANCER_KINDS).length) expect(literals, 'provider literals').toEqual([]);
      });

      it('cites no internal document', () => {
        expect(source).not.toMatch(/CHECKS\.md|DESIGN\.md/);
      });

      it('links https documentation', () => {
        expect(check.docs.length).toBeGreaterThan(0);
        for (const url of check.docs) expect(url).toMatch(/^https:\/\/[^\s]+$/);
      });

      it('links the documentation of every cloud it claims, so no finding shows only the pages of another cloud', () => {
        for (const provider of providersOf(check)) expect(docsFor(check.docs, provider).length, provider).toBeGreaterThan(0);
        for (const provider of providersOf(check)) expect(check.docs.some((url) => docsProvider(url) === provider), provider).toBe(true);
      });

      it('documents every threshold with a unit and a default inside its bounds', () => {
        for (const [name, spec] of Object.entries(check.thresholds)) {
          expect(spec.description.length, name).toBeGreaterThan(10);
          if (spec.min !== undefined) expect(spec.default).toBeGreaterThanOrEqual(spec.min);
          if (spec.max !== undefined) expect(spec.default).toBeLessThanOrEqual(spec.max);
        }
      });

      it('uses every message it declares', () => {
        // Once in `messages` and at least once where it is reported.
        for (const id of Object.keys(check.messages)) {
          const uses = source.match(new RegExp(`\\b${id}\\b`, 'g'))?.length ?? 0;
          expect(uses, `message "${id}" is declared but never reported`).toBeGreaterThanOrEqual(2);
        }
      });

      it('has a test file', () => {
        expect(existsSync(join(root, 'test', 'checks', `${check.id}.test.ts`)), `test/checks/${check.id}.test.ts`).toBe(true);
      });
    });
  }
});

describe('the engine', () => {
  /**
   * Provider facts live in the descriptors and the model's kind tables, never in the engine. The one literal left is
   * the fallback scope of a check that threw on an inventory without scopes (src/engine/run.ts, another owner's file).
   */
  const ALLOWED: Partial<Record<string, string[]>> = { 'run.ts': ["'aws'"] };

  it.each(readdirSync(join(root, 'src', 'engine')).filter((f) => f.endsWith('.ts')))('%s names no provider', (file) => {
    const source = readFileSync(join(root, 'src', 'engine', file), 'utf8');
    // Quoted ids, and provider-keyed tables (`aws: { … }`).
    const literals = [...(source.match(PROVIDER_LITERAL) ?? []), ...(source.match(/^\s*(aws|azure|gcp)\s*:/gm) ?? []).map((k) => k.trim())];
    expect(literals, `provider literals in src/engine/${file}`).toEqual(ALLOWED[file] ?? []);
  });
});
