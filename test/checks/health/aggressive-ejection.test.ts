import { describe, expect, it } from 'vitest';
import { aggressiveEjection } from '../../../checks/health/aggressive-ejection.js';
import type { BackendPool } from '../../../src/model/index.js';
import { albInventory, healthCheck, pool, type HealthCheckOverrides, HEALTH_CHECK_DENIED } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const inv = (hc: HealthCheckOverrides | undefined, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ pools: [pool('tg-api', { healthCheck: hc && healthCheck(hc), ...poolOverrides })] });
const minEject = (seconds: number) => ({ checks: { 'health/aggressive-ejection': { thresholds: { minEjectSeconds: seconds } } } });

checkTester(aggressiveEjection, {
  valid: [
    { name: 'ALB API defaults 30 s × 2', inventory: inv({ intervalSeconds: 30, unhealthyThreshold: 2 }) },
    { name: 'boundary: AWS minimum 5 s × 2 = 10 s meets the default 10 s', inventory: inv({ intervalSeconds: 5, unhealthyThreshold: 2 }) },
    { name: 'boundary: 10 s × 3 = 30 s meets a configured 30 s', inventory: inv({ intervalSeconds: 10, unhealthyThreshold: 3 }), config: minEject(30) },
  ],
  invalid: [
    {
      name: 'boundary: 29 s below a configured 30 s',
      inventory: inv({ intervalSeconds: 29, unhealthyThreshold: 1 }),
      config: minEject(30),
      expect: [{ messageId: 'ejectsFast', resource: 'tg-api', severity: 'medium', contains: ['about 29 s', 'below 30 s', 'alb-web (HTTPS:443)'] }],
    },
    {
      name: '5 s × 2 against a configured 20 s',
      inventory: inv({ intervalSeconds: 5, unhealthyThreshold: 2 }),
      config: minEject(20),
      expect: [{ messageId: 'ejectsFast', resource: 'tg-api', severity: 'medium', contains: ['after 2 failed checks 5 s apart (about 10 s)'] }],
    },
    {
      name: 'a snapshot below the AWS minimums still fails at the default',
      inventory: inv({ intervalSeconds: 3, unhealthyThreshold: 2 }),
      expect: [{ messageId: 'ejectsFast', resource: 'tg-api', severity: 'medium', contains: ['about 6 s', 'below 10 s'] }],
    },
  ],
  unknown: [
    { name: 'health-check settings not collected', inventory: inv(undefined, { notCollected: [HEALTH_CHECK_DENIED] }), expect: [{ resource: 'tg-api', contains: ['grant elasticloadbalancing:DescribeTargetGroups'] }] },
    { name: 'unhealthy threshold not collected', inventory: inv({ unhealthyThreshold: undefined }), expect: [{ resource: 'tg-api', contains: ['unhealthyThreshold'] }] },
  ],
  notApplicable: [
    { name: 'Lambda pool', inventory: inv({ intervalSeconds: 5, unhealthyThreshold: 2 }, { targetType: 'lambda' }), expect: [{ resource: 'tg-api' }] },
    { name: 'health checks disabled', inventory: inv({ enabled: false }), expect: [{ resource: 'tg-api' }] },
  ],
});

describe('health/aggressive-ejection remediation', () => {
  it('suggests a threshold that reaches the minimum', () => {
    const i = inv({ intervalSeconds: 10, unhealthyThreshold: 2 });
    const [r] = evaluateAsAudit(aggressiveEjection, i, minEject(30));
    expect(r?.remediation.cli).toBe(
      `aws elbv2 modify-target-group --target-group-arn ${i.backendPools[0]!.ref.id} --health-check-interval-seconds 10 --unhealthy-threshold-count 3`,
    );
    expect(r?.evidence).toMatchObject({ observed: 20, expected: '>= 30 s' });
  });
});
