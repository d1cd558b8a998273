import { unreferencedTargetGroup } from '../../../checks/targets/unreferenced-target-group.js';
import { albInventory, inventory, listener, loadBalancer, pool, target } from '../../support/builders.js';
import { checkTester } from '../../support/check-tester.js';

const orphan = pool('tg-old');

/** A pool reached only through a listener rule, with loadBalancerIds not filled in. */
function routedByRuleOnly() {
  const p = pool('tg-rule');
  const lb = loadBalancer('alb-web', { listeners: [listener('alb-web', { routes: [{ id: 'rule-1', conditions: 'path /api/*', poolIds: [p.ref.id] }] })] });
  return inventory({ loadBalancers: [lb], backendPools: [p] });
}

checkTester(unreferencedTargetGroup, {
  valid: [
    { name: 'pool behind a listener default action', inventory: albInventory() },
    { name: 'boundary: pool reached only through a listener rule', inventory: routedByRuleOnly() },
    { name: 'pool used by a load balancer outside the inventory', inventory: inventory({ backendPools: [pool('tg-x', { loadBalancerIds: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/other/1'] })] }) },
  ],
  invalid: [
    {
      name: 'pool no load balancer uses',
      inventory: inventory({ backendPools: [orphan] }),
      expect: [{ messageId: 'unreferenced', resource: 'tg-old', severity: 'low', contains: ['2 registered targets', '503'] }],
    },
    {
      name: 'orphan next to a routed pool',
      inventory: (() => {
        const inv = albInventory();
        return { ...inv, backendPools: [...inv.backendPools, pool('tg-old', { targets: [target()] })] };
      })(),
      expect: [{ messageId: 'unreferenced', resource: 'tg-old', severity: 'low', contains: ['1 registered target'] }],
    },
  ],
  unknown: [
    {
      name: 'listeners could not be read',
      inventory: inventory({
        backendPools: [orphan],
        coverage: [{ provider: 'aws', region: 'eu-west-1', api: 'elasticloadbalancing:DescribeListeners', permission: 'elasticloadbalancing:DescribeListeners', code: 'AccessDenied', message: 'denied', inputs: ['listeners', 'pools'] }],
      }),
      expect: [{ resource: 'tg-old', contains: ['DescribeListeners', 'AccessDenied'] }],
    },
    {
      name: 'target groups could not be listed: the scope names the call (no pool to judge one by one)',
      inventory: inventory({
        coverage: [{ provider: 'aws', region: 'eu-west-1', api: 'elasticloadbalancing:DescribeTargetGroups', permission: 'elasticloadbalancing:DescribeTargetGroups', code: 'AccessDenied', message: 'denied', inputs: ['pools', 'health-check'] }],
      }),
      expect: [{ resource: '123456789012 eu-west-1', contains: ['DescribeTargetGroups', 'AccessDenied'] }],
    },
  ],
});
