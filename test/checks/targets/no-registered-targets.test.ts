import { describe, expect, it } from 'vitest';
import { noRegisteredTargets } from '../../../checks/targets/no-registered-targets.js';
import type { BackendPool, CoverageGap } from '../../../src/model/index.js';
import { albInventory, inventory, loadBalancer, pool, series, target, TARGET_HEALTH_DENIED, wire } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const withTargets = (targets: BackendPool['targets'], extra: Parameters<typeof albInventory>[0] = {}) =>
  albInventory({ ...extra, pools: [pool('tg-api', { targets })] });

const targetHealthDenied = (poolId: string): CoverageGap => ({
  provider: 'aws',
  region: 'eu-west-1',
  api: 'elasticloadbalancing:DescribeTargetHealth',
  permission: 'elasticloadbalancing:DescribeTargetHealth',
  code: 'AccessDenied',
  message: 'not authorized',
  resourceId: poolId,
  inputs: ['target-health', 'targets'],
});

/** One pool behind two load balancers. */
function sharedPool(targets: BackendPool['targets']) {
  const p = pool('tg-api', { targets });
  const a = wire(loadBalancer('alb-a'), [p]);
  const b = wire(loadBalancer('alb-b'), a.pools);
  return inventory({ loadBalancers: [a.lb, b.lb], backendPools: b.pools });
}

checkTester(noRegisteredTargets, {
  valid: [
    { name: 'two registered targets', inventory: albInventory() },
    { name: 'boundary: exactly one registered target', inventory: withTargets([target()]) },
  ],
  invalid: [
    {
      name: 'boundary: zero registered targets behind a listener',
      inventory: withTargets([]),
      expect: [{ messageId: 'noTargets', resource: 'tg-api', severity: 'critical', contains: ['alb-web (HTTPS:443)', '503'] }],
    },
    {
      name: 'empty pool shared by two load balancers is reported under each',
      inventory: sharedPool([]),
      expect: [
        { messageId: 'noTargets', resource: 'tg-api', severity: 'critical' },
        { messageId: 'noTargets', resource: 'tg-api', severity: 'critical' },
      ],
    },
  ],
  unknown: [
    { name: 'target health not collected', inventory: albInventory({ pools: [pool('tg-api', { targets: undefined, notCollected: [TARGET_HEALTH_DENIED] })] }), expect: [{ resource: 'tg-api', contains: ['elasticloadbalancing:DescribeTargetHealth'] }] },
    {
      name: 'target health denied: names the error',
      inventory: (() => {
        const inv = withTargets(undefined);
        return { ...inv, coverage: [targetHealthDenied(inv.backendPools[0]!.ref.id)] };
      })(),
      expect: [{ resource: 'tg-api', contains: ['AccessDenied', 'grant elasticloadbalancing:DescribeTargetHealth'] }],
    },
  ],
  notApplicable: [{ name: 'no listener routes to the pool', inventory: inventory({ backendPools: [pool('tg-old', { targets: [] })] }), expect: [{ resource: 'tg-old' }] }],
});

describe('targets/no-registered-targets results', () => {
  it('places the finding under its load balancer, fills the CLI command and attaches 503 evidence', () => {
    const inv = withTargets([]);
    const lbId = inv.loadBalancers[0]!.ref.id;
    inv.metrics.push(series(lbId, 'lb.http.503', [4, 6]));
    const [r] = evaluateAsAudit(noRegisteredTargets, inv, {});
    expect(r?.resource).toMatchObject({ name: 'tg-api', loadBalancerId: lbId, loadBalancerName: 'alb-web' });
    expect(r?.remediation.cli).toBe(
      `aws elbv2 register-targets --target-group-arn ${inv.backendPools[0]!.ref.id} --targets Id="\${TARGET_ID:?instance id or IP address that serves this target group}"`,
    );
    expect(r?.evidence).toMatchObject({ path: 'backendPool.targets', observed: 0 });
    expect(r?.evidence.metrics?.[0]).toMatchObject({ name: 'lb.http.503', value: 10 });
  });

  it('gives a pool shared by two load balancers two distinct fingerprints', () => {
    const results = evaluateAsAudit(noRegisteredTargets, sharedPool([]), {});
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(2);
    expect(results.map((r) => r.resource.loadBalancerName).sort()).toEqual(['alb-a', 'alb-b']);
  });
});
