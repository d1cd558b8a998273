import { allTargetsUnhealthy } from '../../../checks/targets/all-targets-unhealthy.js';
import type { BackendPool, LoadBalancer, TargetHealth } from '../../../src/model/index.js';
import { albInventory, health, inventory, pool, targetsWithHealth } from '../../support/builders.js';
import { checkTester } from '../../support/check-tester.js';

const ok = health('healthy');
const timeout = health('unhealthy', 'Target.Timeout', 'Request timed out');
const inv = (healths: TargetHealth[] | undefined, lb: Partial<LoadBalancer> = {}, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ lb, pools: [pool('tg-api', { targets: healths && targetsWithHealth(healths), ...poolOverrides })] });

checkTester(allTargetsUnhealthy, {
  valid: [
    { name: 'all healthy', inventory: inv([ok, ok]) },
    { name: 'boundary: one healthy target left', inventory: inv([ok, timeout, timeout, timeout]) },
    { name: 'targets still in initial health checks', inventory: inv([health('initial', 'Elb.InitialHealthChecking'), health('initial', 'Elb.InitialHealthChecking')]) },
  ],
  invalid: [
    {
      name: 'boundary: no healthy target on an ALB fails open',
      inventory: inv([timeout, timeout]),
      expect: [{ messageId: 'failOpen', resource: 'tg-api', severity: 'critical', contains: ['All 2 targets', 'Target.Timeout on 2 targets', 'fails open', '502/504'] }],
    },
    {
      name: 'names the unhealthy-state routing attribute when present',
      inventory: inv([timeout], {}, { attributes: { 'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1' } }),
      expect: [{ messageId: 'failOpen', resource: 'tg-api', severity: 'critical', contains: ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.count = 1'] }],
    },
    {
      name: 'NLB fails open too',
      inventory: inv([health('unhealthy', 'Target.FailedHealthChecks'), timeout], { kind: 'aws-nlb' }),
      expect: [{ messageId: 'failOpen', resource: 'tg-api', severity: 'critical', contains: ['connection error'] }],
    },
    {
      name: 'Classic Load Balancer answers 503',
      inventory: inv(
        [health('unhealthy', 'Instance', 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.')],
        { kind: 'aws-clb' },
      ),
      expect: [{ messageId: 'noHealthy', resource: 'tg-api', severity: 'critical', contains: ['503', 'OutOfService (Instance)'] }],
    },
  ],
  unknown: [{ name: 'target health not collected', inventory: inv(undefined), expect: [{ resource: 'tg-api' }] }],
  notApplicable: [
    { name: 'no registered targets', inventory: inv([]), expect: [{ resource: 'tg-api' }] },
    { name: 'pool not routed', inventory: inventory({ backendPools: [pool('tg-old', { targets: targetsWithHealth([timeout]) })] }), expect: [{ resource: 'tg-old' }] },
  ],
});
