import { describe, expect, it } from 'vitest';
import { unhealthyTargets } from '../../../checks/targets/unhealthy-targets.js';
import type { BackendPool, LoadBalancer, TargetHealth } from '../../../src/model/index.js';
import { albInventory, health, inventory, pool, TARGET_HEALTH_DENIED, targetsWithHealth } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const ok = health('healthy');
const timeout = health('unhealthy', 'Target.Timeout', 'Request timed out');
const inv = (healths: TargetHealth[] | undefined, lb: Partial<LoadBalancer> = {}, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ lb, pools: [pool('tg-api', { targets: healths && targetsWithHealth(healths), ...poolOverrides })] });
const CLASSIC_FAILED = 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.';

checkTester(unhealthyTargets, {
  valid: [
    { name: 'all targets healthy', inventory: inv([ok, ok, ok]) },
    { name: 'draining and initial targets are not unhealthy', inventory: inv([ok, health('draining', 'Target.DeregistrationInProgress'), health('initial', 'Elb.InitialHealthChecking')]) },
    {
      name: 'a stopped Classic instance is unused, not unhealthy',
      inventory: inv([ok, ok, health('unhealthy', 'Instance', 'Instance is in stopped state.')], { kind: 'aws-clb' }),
    },
  ],
  invalid: [
    {
      name: 'half the targets time out',
      inventory: inv([ok, timeout, ok, timeout]),
      expect: [{ messageId: 'someUnhealthy', resource: 'tg-api', severity: 'high', contains: ['2 of 4', 'Target.Timeout on 2 targets', 'blocked', 'The 2 healthy targets carry all traffic from alb-web (HTTPS:443)'] }],
    },
    {
      name: 'boundary: exactly 25 % unhealthy stays high',
      inventory: inv([timeout, ok, ok, ok]),
      expect: [{ messageId: 'someUnhealthy', resource: 'tg-api', severity: 'high', contains: ['1 of 4', '(25 %)'] }],
    },
    {
      name: 'boundary: 20 % unhealthy is medium',
      inventory: inv([timeout, ok, ok, ok, ok]),
      expect: [{ messageId: 'someUnhealthy', resource: 'tg-api', severity: 'medium', contains: ['1 of 5', '(20 %)'] }],
    },
    {
      name: 'threshold from config: 50 % is medium below 60 %',
      inventory: inv([timeout, ok, timeout, ok]),
      config: { checks: { 'targets/unhealthy-targets': { thresholds: { mediumBelowPercent: 60 } } } },
      expect: [{ messageId: 'someUnhealthy', resource: 'tg-api', severity: 'medium' }],
    },
    {
      name: 'reason codes are mapped to likely causes',
      inventory: inv([
        ok,
        health('unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [404]'),
        health('unhealthy', 'Target.FailedHealthChecks', 'Health checks failed'),
        health('unhealthy', 'Elb.InternalError'),
      ]),
      expect: [{ messageId: 'someUnhealthy', resource: 'tg-api', severity: 'high', contains: ['success codes are wrong', 'connection error or malformed response', "provider's side"] }],
    },
    {
      name: 'Classic OutOfService instances are explained from the description',
      inventory: inv([ok, health('unhealthy', 'Instance', CLASSIC_FAILED)], { kind: 'aws-clb' }),
      expect: [{ messageId: 'someUnhealthy', resource: 'tg-api', contains: ['OutOfService (Instance) on 1 target', 'health-check port blocked', 'The only healthy target carries'] }],
    },
  ],
  unknown: [{ name: 'target health not collected', inventory: inv(undefined, {}, { notCollected: [TARGET_HEALTH_DENIED] }), expect: [{ resource: 'tg-api', contains: ['DescribeTargetHealth'] }] }],
  notApplicable: [
    { name: 'every target unhealthy is all-targets-unhealthy', inventory: inv([timeout, timeout]), expect: [{ resource: 'tg-api' }] },
    { name: 'no registered targets', inventory: inv([]), expect: [{ resource: 'tg-api' }] },
    { name: 'pool not routed', inventory: inventory({ backendPools: [pool('tg-old', { targets: targetsWithHealth([timeout, ok]) })] }), expect: [{ resource: 'tg-old' }] },
  ],
});

describe('targets/unhealthy-targets evidence', () => {
  it('lists the unhealthy targets with their reasons', () => {
    const [r] = evaluateAsAudit(unhealthyTargets, inv([ok, timeout]), {});
    expect(r?.evidence.observed).toEqual({ unhealthy: 1, healthy: 1, total: 2 });
    expect(r?.evidence.details?.unhealthyTargets).toEqual([
      { target: 'i-02:8080', zone: 'eu-west-1b', state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' },
    ]);
  });
});
