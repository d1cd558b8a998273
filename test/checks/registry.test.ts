/**
 * Keeps the catalog honest: every check follows the contract, lives where its id says, has a test file, uses every
 * message it declares, and links https documentation.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allChecks, createRegistry } from '../../checks/index.js';
import { FAMILIES, SEVERITIES } from '../../src/engine/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Shared helpers that live beside the checks of a family and are not checks themselves. */
const HELPER_MODULES = new Set(['index.ts', 'reason-codes.ts', 'pool-context.ts', 'paths.ts']);

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
        expect(check.providers.length).toBeGreaterThan(0);
        expect(check.rationale.length).toBeGreaterThan(40);
        expect(check.remediation.summary.length).toBeGreaterThan(10);
        expect(check.causes.every((c) => Number.isInteger(c) && c >= 100 && c <= 599)).toBe(true);
        for (const p of check.providers) expect(check.remediation[p] ?? check.remediation.summary, `${p} remediation`).toBeTruthy();
        if (check.family !== 'evidence') expect(check.remediation.aws?.cli ?? check.remediation.aws?.terraform, 'AWS CLI or Terraform fix').toBeTruthy();
      });

      it('links https documentation', () => {
        expect(check.docs.length).toBeGreaterThan(0);
        for (const url of check.docs) expect(url).toMatch(/^https:\/\/[^\s]+$/);
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
