import { describe, expect, it } from 'vitest';
import { unusedTargets } from '../../../checks/targets/unused-targets.js';
import type { BackendPool, LoadBalancer, TargetHealth } from '../../../src/model/index.js';
import { albInventory, health, inventory, pool, targetsWithHealth } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const ok = health('healthy');
const stopped = health('unused', 'Target.InvalidState', 'Target is in the stopped state');
const zoneOff = health('unused', 'Target.NotInUse', 'Target is in an Availability Zone that is not enabled for the load balancer');
const inv = (healths: TargetHealth[] | undefined, lb: Partial<LoadBalancer> = {}, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ lb, pools: [pool('tg-api', { targets: healths && targetsWithHealth(healths), ...poolOverrides })] });

checkTester(unusedTargets, {
  valid: [
    { name: 'all targets healthy', inventory: inv([ok, ok]) },
    { name: 'unhealthy and draining targets are other checks\' business', inventory: inv([ok, health('unhealthy', 'Target.Timeout'), health('draining', 'Target.DeregistrationInProgress')]) },
  ],
  invalid: [
    {
      name: 'a stopped instance',
      inventory: inv([ok, stopped]),
      expect: [{ messageId: 'someUnused', resource: 'tg-api', severity: 'medium', contains: ['1 of 2', 'i-02:8080 in eu-west-1b Target.InvalidState', 'deallocated or terminated'] }],
    },
    {
      name: 'boundary: all but one target unused stays medium',
      inventory: inv([zoneOff, zoneOff, ok]),
      expect: [{ messageId: 'someUnused', resource: 'tg-api', severity: 'medium', contains: ['2 of 3', 'zone the load balancer does not serve'] }],
    },
    {
      name: 'boundary: every target unused is critical',
      inventory: inv([zoneOff, stopped]),
      expect: [{ messageId: 'allUnused', resource: 'tg-api', severity: 'critical', contains: ['None of the 2 targets', '503'] }],
    },
    {
      name: 'Classic instance in a zone the load balancer does not serve',
      inventory: inv(
        [ok, health('unhealthy', 'ELB', 'Instance is in the EC2 Availability Zone for which LoadBalancer is not configured to route traffic to.')],
        { kind: 'aws-clb' },
      ),
      expect: [{ messageId: 'someUnused', resource: 'tg-api', severity: 'medium', contains: ['OutOfService (ELB)'] }],
    },
  ],
  unknown: [{ name: 'target health not collected', inventory: inv(undefined), expect: [{ resource: 'tg-api' }] }],
  notApplicable: [
    { name: 'Lambda pool', inventory: inv([ok], {}, { targetType: 'lambda' }), expect: [{ resource: 'tg-api' }] },
    { name: 'pool not routed (all NotInUse)', inventory: inventory({ backendPools: [pool('tg-old', { targets: targetsWithHealth([zoneOff]) })] }), expect: [{ resource: 'tg-old' }] },
  ],
});

describe('targets/unused-targets remediation', () => {
  it('starts the stopped instances: the fix that restores capacity', () => {
    const i = inv([ok, stopped, zoneOff]);
    const [r] = evaluateAsAudit(unusedTargets, i, {});
    expect(r?.remediation.cli).toBe('aws ec2 start-instances --instance-ids i-02');
  });
});
