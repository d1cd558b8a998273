import { checkDisabled } from '../../../checks/health/check-disabled.js';
import type { BackendPool } from '../../../src/model/index.js';
import { albInventory, healthCheck, inventory, pool, type HealthCheckOverrides, HEALTH_CHECK_DENIED } from '../../support/builders.js';
import { checkTester } from '../../support/check-tester.js';

const inv = (hc: HealthCheckOverrides | undefined, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ pools: [pool('tg-api', { healthCheck: hc && healthCheck(hc), ...poolOverrides })] });

checkTester(checkDisabled, {
  valid: [{ name: 'health checks enabled', inventory: inv({ enabled: true }) }],
  invalid: [
    {
      name: 'boundary: disabled on an instance pool',
      inventory: inv({ enabled: false }),
      expect: [{ messageId: 'disabled', resource: 'tg-api', severity: 'medium', contains: ['alb-web (HTTPS:443)', '502/504'] }],
    },
    {
      name: 'disabled on a pool no load balancer uses yet',
      inventory: inventory({ backendPools: [pool('tg-new', { healthCheck: healthCheck({ enabled: false }) })] }),
      expect: [{ messageId: 'disabled', resource: 'tg-new', severity: 'medium', contains: ['the load balancer keeps sending'] }],
    },
  ],
  unknown: [{ name: 'health-check settings not collected', inventory: inv(undefined, { notCollected: [HEALTH_CHECK_DENIED] }), expect: [{ resource: 'tg-api', contains: ['grant elasticloadbalancing:DescribeTargetGroups'] }] }],
  notApplicable: [{ name: 'boundary: disabled on a Lambda pool (the default)', inventory: inv({ enabled: false }, { targetType: 'lambda' }), expect: [{ resource: 'tg-api' }] }],
});
