import { drainingAtScale } from '../../../checks/targets/draining-at-scale.js';
import type { BackendPool, TargetHealth } from '../../../src/model/index.js';
import { albInventory, health, inventory, pool, targetsWithHealth } from '../../support/builders.js';
import { checkTester } from '../../support/check-tester.js';

const ok = health('healthy');
const drain = health('draining', 'Target.DeregistrationInProgress', 'Target deregistration is in progress');
const inv = (healths: TargetHealth[] | undefined, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ pools: [pool('tg-api', { targets: healths && targetsWithHealth(healths), ...poolOverrides })] });

checkTester(drainingAtScale, {
  valid: [
    { name: 'nothing draining', inventory: inv([ok, ok, ok]) },
    { name: 'boundary: exactly 50 % draining', inventory: inv([drain, drain, ok, ok]) },
  ],
  invalid: [
    {
      name: 'boundary: 60 % draining',
      inventory: inv([drain, drain, drain, ok, ok]),
      expect: [{ messageId: 'draining', resource: 'tg-api', severity: 'medium', contains: ['3 of 5', '(60 %)', 'above 50 %', 'only 2 healthy'] }],
    },
    {
      name: 'the whole pool draining',
      inventory: inv([drain, drain]),
      expect: [{ messageId: 'draining', resource: 'tg-api', severity: 'medium', contains: ['only 0 healthy'] }],
    },
    {
      name: 'Classic instances draining (from the description)',
      inventory: inv([health('unhealthy', 'ELB', 'Instance deregistration currently in progress.'), health('unhealthy', 'ELB', 'Instance deregistration currently in progress.'), ok]),
      expect: [{ messageId: 'draining', resource: 'tg-api', contains: ['2 of 3'] }],
    },
    {
      name: 'threshold from config: 25 %',
      inventory: inv([drain, drain, ok, ok]),
      config: { checks: { 'targets/draining-at-scale': { thresholds: { maxDrainingPercent: 25 } } } },
      expect: [{ messageId: 'draining', resource: 'tg-api', contains: ['above 25 %'] }],
    },
  ],
  unknown: [{ name: 'target health not collected', inventory: inv(undefined), expect: [{ resource: 'tg-api' }] }],
  notApplicable: [
    { name: 'no registered targets', inventory: inv([]), expect: [{ resource: 'tg-api' }] },
    { name: 'pool not routed', inventory: inventory({ backendPools: [pool('tg-old', { targets: targetsWithHealth([drain]) })] }), expect: [{ resource: 'tg-old' }] },
  ],
});
