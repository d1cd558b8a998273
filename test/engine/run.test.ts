import { describe, expect, it } from 'vitest';
import { CheckRegistry, defineCheck, evaluateCheck, fingerprint, runChecks, UnknownCheckError } from '../../src/engine/index.js';
import { albInventory, lbInventory, inventory } from '../support/builders.js';
import { FIX_RENDERERS } from '../support/fix-renderers.js';

const base = {
  title: 'Pools have targets',
  family: 'targets' as const,
  severity: 'high' as const,
  causes: [503],
  kinds: ['aws-alb' as const, 'aws-nlb' as const],
  fixes: ['register-targets' as const],
  rationale: 'r',
  remediation: { summary: 'Register targets in {{resourceName}}' },
  docs: ['https://docs.aws.amazon.com/'],
};

const poolsHaveTargets = defineCheck({
  ...base,
  id: 'targets/test-pools-have-targets',
  thresholds: { minTargets: { default: 1, description: 'd', unit: 'count', min: 0 } },
  messages: { empty: '{{pool}} has {{count}} targets; at least {{min}} expected.' },
  evaluate(inv, ctx) {
    for (const p of inv.backendPools) {
      const n = p.targets?.length ?? 0;
      if (n < ctx.thresholds.minTargets) ctx.fail(p, 'empty', { pool: p.ref.name, count: n, min: ctx.thresholds.minTargets }, { severity: 'critical', fix: { kind: 'register-targets', poolId: p.ref.id } });
      else ctx.pass(p);
    }
  },
});

describe('engine', () => {
  it('reports pass and fail with interpolated message, remediation and a stable fingerprint', () => {
    const inv = albInventory();
    const pass = evaluateCheck(poolsHaveTargets, inv, {});
    expect(pass.map((r) => r.status)).toEqual(['pass']);
    const fail = evaluateCheck(poolsHaveTargets, inv, { checks: { 'targets/test-pools-have-targets': { thresholds: { minTargets: 3 } } } }, undefined, { fixRenderers: FIX_RENDERERS });
    expect(fail[0]).toMatchObject({ status: 'fail', severity: 'critical', message: 'tg-api has 2 targets; at least 3 expected.' });
    expect(fail[0]?.remediation).toMatchObject({ summary: 'Register targets in tg-api' });
    expect(fail[0]?.remediation.cli).toContain(`aws elbv2 register-targets --target-group-arn ${inv.backendPools[0]?.ref.id} --targets Id="\${TARGET_ID:?instance id or IP address that serves this target group}"`);
    // Without the provider's renderer there is no command, never a wrong one.
    expect(evaluateCheck(poolsHaveTargets, inv, { checks: { 'targets/test-pools-have-targets': { thresholds: { minTargets: 3 } } } })[0]?.remediation.cli).toBeUndefined();
    expect(fail[0]?.fingerprint).toBe(fingerprint('targets/test-pools-have-targets', inv.backendPools[0]!.ref.id));
  });

  it('turns a throwing check into one error result, never a pass', () => {
    const throwing = defineCheck({ ...base, id: 'targets/test-throws', thresholds: {}, messages: {}, evaluate(inv, ctx) {
      ctx.pass(inv.backendPools[0]!);
      throw new Error('boom');
    } });
    const results = runChecks(albInventory(), [throwing, poolsHaveTargets]);
    expect(results.map((r) => `${r.checkId}:${r.status}`)).toEqual(['targets/test-throws:error', 'targets/test-pools-have-targets:pass']);
    expect(results[0]?.message).toContain('boom');
  });

  it('rejects unknown or out-of-range thresholds', () => {
    expect(() => evaluateCheck(poolsHaveTargets, albInventory(), { checks: { 'targets/test-pools-have-targets': { thresholds: { nope: 1 } } } })).toThrow(/no threshold "nope"/);
    expect(() => evaluateCheck(poolsHaveTargets, albInventory(), { checks: { 'targets/test-pools-have-targets': { thresholds: { minTargets: -1 } } } })).toThrow(/outside/);
  });

  it('honours severity pinned in config and disabled checks', () => {
    const cfg = { checks: { 'targets/test-pools-have-targets': { severity: 'low' as const, thresholds: { minTargets: 5 } } } };
    expect(evaluateCheck(poolsHaveTargets, albInventory(), cfg)[0]?.severity).toBe('low');
    expect(runChecks(albInventory(), [poolsHaveTargets], { checks: { 'targets/test-pools-have-targets': { enabled: false } } })).toEqual([]);
  });

  it('selects checks by id, family and glob, and refuses a pattern that matches nothing', () => {
    const reg = new CheckRegistry([poolsHaveTargets]);
    expect(reg.select(['targets'], undefined)).toHaveLength(1);
    expect(reg.select(['targets/*'], ['targets/test-pools-have-targets'])).toHaveLength(0);
    expect(() => reg.select(['timeouts/nope'], undefined)).toThrow(UnknownCheckError);
    expect(() => new CheckRegistry([poolsHaveTargets, poolsHaveTargets])).toThrow(/duplicate/);
  });

  it('rejects a fix intent the check does not declare: an error result, not a wrong command', () => {
    const sneaky = defineCheck({ ...base, id: 'targets/test-undeclared-fix', thresholds: {}, messages: { m: 'x' }, evaluate(inv, ctx) {
      ctx.fail(inv.backendPools[0]!, 'm', {}, { fix: { kind: 'remove-pool', poolId: inv.backendPools[0]!.ref.id } });
    } });
    const [r] = evaluateCheck(sneaky, albInventory(), {}, undefined, { fixRenderers: FIX_RENDERERS });
    expect(r).toMatchObject({ status: 'error' });
    expect(r?.message).toContain('emitted fix remove-pool');
  });

  it('hands a check only the kinds it claims, and reports every other kind present once as not applicable', () => {
    const alb = albInventory();
    const appgw = lbInventory('azure-appgw', { name: 'agw-1' });
    const lbs = [...alb.loadBalancers, ...appgw.loadBalancers, ...lbInventory('azure-appgw', { name: 'agw-2' }).loadBalancers];
    const inv = inventory({ scopes: [...alb.scopes, ...appgw.scopes], loadBalancers: lbs, backendPools: alb.backendPools });
    const results = runChecks(inv, [poolsHaveTargets], {});
    expect(results.map((r) => `${r.status}:${r.resource.name}`)).toEqual(['pass:tg-api', 'not_applicable:Application Gateway']);
    expect(results[1]?.message).toContain('2 in this audit');
  });
});
