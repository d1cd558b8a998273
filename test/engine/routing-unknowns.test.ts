/**
 * A load balancer whose routing could not be read (listeners, rules or pools denied) hides pools from every check
 * that judges pools: the engine gives each such check one `unknown` on that load balancer, naming the failed call,
 * unless the check already said it could not judge it. Checks that never judge pools opt out.
 */
import { describe, expect, it } from 'vitest';
import { defineCheck, runChecks } from '../../src/engine/index.js';
import type { Inventory } from '../../src/model/index.js';
import { albInventory } from '../support/builders.js';

const base = {
  family: 'targets' as const,
  severity: 'high' as const,
  causes: [503],
  kinds: ['aws-alb' as const],
  fixes: [],
  rationale: 'r',
  remediation: { summary: 'Fix {{resourceName}}' },
  docs: ['https://docs.aws.amazon.com/'],
  thresholds: {},
  messages: {},
};

const passesPools = defineCheck({ ...base, id: 'targets/test-passes-pools', title: 'passes pools', evaluate: (inv, ctx) => inv.backendPools.forEach((p) => ctx.pass(p)) });
const listenerOnly = defineCheck({ ...base, id: 'tls/test-listener-only', family: 'tls', title: 'listener only', judgesPools: false, evaluate: (inv, ctx) => inv.loadBalancers.forEach((lb) => ctx.pass(lb.ref)) });
const saysUnknown = defineCheck({ ...base, id: 'targets/test-says-unknown', title: 'says unknown', evaluate: (inv, ctx) => inv.loadBalancers.forEach((lb) => ctx.unknown(lb.ref, 'listeners were not read')) });

function rulesDenied(): Inventory {
  const inv = albInventory();
  const lb = inv.loadBalancers[0]!;
  return {
    ...inv,
    loadBalancers: [{ ...lb, notCollected: [{ input: 'routes', api: 'elasticloadbalancing:DescribeRules', permission: 'elasticloadbalancing:DescribeRules', code: 'AccessDenied' }] }],
  };
}

describe('routing not read', () => {
  it('adds one unknown per load balancer to a check that judges pools, naming the call and the permission', () => {
    const inv = rulesDenied();
    const results = runChecks(inv, [passesPools]);
    const unknown = results.filter((r) => r.status === 'unknown');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ checkId: 'targets/test-passes-pools', resource: { id: inv.loadBalancers[0]!.ref.id, kind: 'load-balancer' } });
    expect(unknown[0]!.message).toContain('elasticloadbalancing:DescribeRules: AccessDenied');
    expect(unknown[0]!.message).toContain('grant elasticloadbalancing:DescribeRules');
    // The pools it could see keep their own results.
    expect(results.filter((r) => r.status === 'pass')).toHaveLength(inv.backendPools.length);
  });

  it('adds nothing when routing was read (clean), for a check that opts out, or when the check already said unknown', () => {
    expect(runChecks(albInventory(), [passesPools]).some((r) => r.status === 'unknown')).toBe(false);
    expect(runChecks(rulesDenied(), [listenerOnly]).some((r) => r.status === 'unknown')).toBe(false);
    expect(runChecks(rulesDenied(), [saysUnknown]).filter((r) => r.status === 'unknown').map((r) => r.message)).toEqual([expect.stringContaining('listeners were not read')]);
  });

  it('also for a scope-wide gap of the load balancer region (a listing denied for the whole region)', () => {
    const inv = albInventory();
    const withGap: Inventory = { ...inv, coverage: [{ provider: 'aws', region: inv.loadBalancers[0]!.ref.region, api: 'elasticloadbalancing:DescribeListeners', code: 'AccessDenied', message: 'denied', inputs: ['listeners', 'pools'] }] };
    const unknown = runChecks(withGap, [passesPools]).filter((r) => r.status === 'unknown');
    expect(unknown.map((r) => r.message)).toEqual([expect.stringContaining('elasticloadbalancing:DescribeListeners')]);
  });
});
