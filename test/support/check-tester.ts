/**
 * Table-driven check tests, after ESLint's RuleTester: `valid` rows must produce no failure, `invalid` rows must
 * produce exactly the expected failures (message id, resource name, optional severity and data in the message),
 * `unknown` rows must produce an unknown result for the named resource.
 */
import { describe, expect, it } from 'vitest';
import type { AnyCheck, AuditConfig, CheckResult, Severity, Status } from '../../src/engine/index.js';
import { runChecks } from '../../src/engine/index.js';
import type { Inventory } from '../../src/model/index.js';
import { FIX_RENDERERS } from './fix-renderers.js';

/**
 * Evaluates a check as an audit does: on the part of the inventory it claims (one `not_applicable` per other kind
 * present, named after the kind), with every provider's fix renderer.
 */
export function evaluateAsAudit(check: AnyCheck, inventory: Inventory, config: AuditConfig = {}): CheckResult[] {
  return runChecks(inventory, [check], config, { fixRenderers: FIX_RENDERERS });
}

export interface ExpectedResult {
  messageId?: string;
  /** Resource name. */
  resource: string;
  severity?: Severity;
  /** Substrings the message must contain. */
  contains?: string[];
}

export interface Row {
  name: string;
  inventory: Inventory;
  config?: AuditConfig;
}

export interface CheckCases {
  valid?: Row[];
  invalid?: Array<Row & { expect: ExpectedResult[] }>;
  unknown?: Array<Row & { expect: ExpectedResult[] }>;
  notApplicable?: Array<Row & { expect: ExpectedResult[] }>;
}

function run(check: AnyCheck, row: Row): CheckResult[] {
  const results = evaluateAsAudit(check, row.inventory, row.config ?? {});
  const errors = results.filter((r) => r.status === 'error');
  if (errors.length) throw new Error(`check threw: ${errors.map((e) => e.message).join('; ')}`);
  return results;
}

function assertMatches(results: CheckResult[], status: Status, expected: ExpectedResult[]): void {
  const got = results.filter((r) => r.status === status);
  expect(got.map((r) => `${r.resource.name}:${status === 'fail' ? r.messageId : status}`).sort()).toEqual(
    expected.map((e) => `${e.resource}:${status === 'fail' ? (e.messageId ?? '?') : status}`).sort(),
  );
  for (const e of expected) {
    const r = got.find((x) => x.resource.name === e.resource && (status !== 'fail' || x.messageId === e.messageId));
    expect(r, `result for ${e.resource}`).toBeDefined();
    if (e.severity) expect(r?.severity).toBe(e.severity);
    for (const s of e.contains ?? []) expect(r?.message).toContain(s);
    expect(r?.message).not.toMatch(/\{\{/);
  }
}

export function checkTester(check: AnyCheck, cases: CheckCases): void {
  describe(check.id, () => {
    for (const row of cases.valid ?? []) {
      it(`valid: ${row.name}`, () => {
        const results = run(check, row);
        expect(results.filter((r) => r.status === 'fail').map((r) => r.message)).toEqual([]);
        expect(results.some((r) => r.status === 'pass'), 'a clean resource reports pass').toBe(true);
      });
    }
    for (const row of cases.invalid ?? []) {
      it(`invalid: ${row.name}`, () => assertMatches(run(check, row), 'fail', row.expect));
    }
    for (const row of cases.unknown ?? []) {
      it(`unknown: ${row.name}`, () => {
        const results = run(check, row);
        assertMatches(results, 'unknown', row.expect);
        expect(results.filter((r) => r.status === 'pass').map((r) => r.resource.name)).not.toEqual(
          expect.arrayContaining(row.expect.map((e) => e.resource)),
        );
      });
    }
    for (const row of cases.notApplicable ?? []) {
      it(`not applicable: ${row.name}`, () => assertMatches(run(check, row), 'not_applicable', row.expect));
    }
  });
}
