import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine/index.js';
import type { Inventory } from '../../src/model/index.js';
import { mergeInventories } from '../../src/model/merge.js';
import { ReportAccumulator } from '../../src/report/accumulate.js';
import { buildReport, sortResults } from '../../src/report/json.js';
import { everyResult } from '../../src/report/passes.js';
import type { PassedGroup, Report } from '../../src/report/types.js';
import { brokenInventory, cleanInventory, fakeChecks } from '../cli/support/fakes.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';
import { renderJson } from '../../src/report/json.js';

const GENERATED = new Date('2026-11-20T12:05:00.000Z');
const head = { checksRun: fakeChecks.length, checkOrder: fakeChecks.map((c) => c.id), source: { kind: 'snapshot' as const, path: 'x.json' }, generatedAt: GENERATED, toolVersion: '0.1.0' };
/** The fake checks but the one that throws (which is an error per part, see below). */
const evaluating = fakeChecks.filter((c) => c.id !== 'tls/fake-throws');

/** The same estate in another region: every id, name and gap moved there. */
function inRegion(inv: Inventory, region: string): Inventory {
  return JSON.parse(JSON.stringify(inv).replaceAll('eu-west-1', region)) as Inventory;
}

function built(inventory: Inventory, checks = fakeChecks): Report {
  return buildReport({ inventory, results: runChecks(inventory, checks), checks, checksRun: checks.length, source: head.source, generatedAt: GENERATED, toolVersion: '0.1.0' });
}

const groupsAsSet = (groups: PassedGroup[] | undefined): string[] => (groups ?? []).map((g) => JSON.stringify(g)).sort();

describe('ReportAccumulator', () => {
  it('merges the reports of disjoint parts into the report of the whole estate evaluated at once', () => {
    const parts = [brokenInventory(), inRegion(cleanInventory(), 'us-east-1'), inRegion(brokenInventory(), 'ap-south-1')];
    const whole = built(mergeInventories(parts), evaluating);
    const acc = new ReportAccumulator();
    for (const inv of parts) acc.add(built(inv, evaluating));
    const merged = acc.finish({ ...head, checksRun: evaluating.length });
    const { passed: mergedPassed, ...mergedRest } = merged;
    const { passed: wholePassed, ...wholeRest } = whole;
    expect(mergedRest).toEqual(wholeRest);
    expect(groupsAsSet(mergedPassed)).toEqual(groupsAsSet(wholePassed));
    expect(merged.summary.byStatus.fail).toBe(2 * built(brokenInventory(), evaluating).summary.byStatus.fail);
    expect(merged.diagnosis!.map((d) => d.region)).toContain('ap-south-1');
    const errors = reportSchemaErrors(JSON.parse(renderJson(merged)));
    expect(errors, formatErrors(errors)).toEqual([]);
  });

  it('reports a check that fails to evaluate once per part it ran on, each on its own scope', () => {
    const acc = new ReportAccumulator();
    acc.add(built(brokenInventory()));
    acc.add(built(inRegion(brokenInventory(), 'us-east-1')));
    const errors = acc.finish(head).results.filter((r) => r.status === 'error');
    expect(errors.map((r) => [r.checkId, r.resource.kind, r.resource.region])).toEqual([
      ['tls/fake-throws', 'scope', 'eu-west-1'],
      ['tls/fake-throws', 'scope', 'us-east-1'],
    ]);
  });

  it('sorts results across parts by status and severity, then in catalog order', () => {
    const acc = new ReportAccumulator();
    acc.add(built(brokenInventory()));
    acc.add(built(inRegion(brokenInventory(), 'us-east-1')));
    const { results } = acc.finish(head);
    expect(results).toEqual(sortResults(results));
    const order = new Map(head.checkOrder.map((id, i) => [id, i]));
    for (let i = 1; i < results.length; i++) {
      const [a, b] = [results[i - 1]!, results[i]!];
      if (a.status === b.status && a.severity === b.severity) expect(order.get(a.checkId)!).toBeLessThanOrEqual(order.get(b.checkId)!);
    }
  });

  it('combines two diagnoses of one load balancer, and adds gaps that belong to no part', () => {
    const part = built(brokenInventory());
    const acc = new ReportAccumulator();
    acc.add(part);
    acc.add(built(brokenInventory()));
    acc.addCoverage([{ provider: 'aws', region: 'us-west-2', api: 'cloud502:scope', code: 'Timeout', message: 'not audited' }]);
    const merged = acc.finish(head);
    const web = (r: Report) => r.diagnosis!.find((d) => d.name === 'alb-web')!;
    expect(merged.diagnosis!.filter((d) => d.name === 'alb-web')).toHaveLength(1);
    expect(web(merged).counts.fail).toBe(2 * web(part).counts.fail);
    expect(web(merged).causes).toHaveLength(2 * web(part).causes.length);
    expect(web(merged).worst).toBe(web(part).worst);
    expect(merged.coverage.map((g) => g.region)).toEqual([...part.coverage.map((g) => g.region), ...part.coverage.map((g) => g.region), 'us-west-2']);
    expect(merged.summary.total).toBe(2 * part.summary.total);
    expect([...everyResult(merged)]).toHaveLength(merged.summary.total);
  });

  it('gives an empty report, checksRun from the head, when no part was added', () => {
    const merged = new ReportAccumulator().finish({ ...head, checksRun: 3 });
    expect(merged.summary).toMatchObject({ total: 0, loadBalancers: 0, highestSeverity: null, checksRun: 3 });
    expect(merged.collectedAt).toBe(GENERATED.toISOString());
    expect(merged.passed).toBeUndefined();
  });
});

