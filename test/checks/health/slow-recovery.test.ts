import { slowRecovery } from '../../../checks/health/slow-recovery.js';
import type { BackendPool } from '../../../src/model/index.js';
import { albInventory, healthCheck, pool, type HealthCheckOverrides } from '../../support/builders.js';
import { checkTester } from '../../support/check-tester.js';

const inv = (hc: HealthCheckOverrides | undefined, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ pools: [pool('tg-api', { healthCheck: hc && healthCheck(hc), ...poolOverrides })] });

checkTester(slowRecovery, {
  valid: [
    { name: 'ALB defaults 30 s × 5', inventory: inv({ intervalSeconds: 30, healthyThreshold: 5 }) },
    { name: 'boundary: Classic default 30 s × 10 = 300 s', inventory: inv({ intervalSeconds: 30, healthyThreshold: 10 }) },
  ],
  invalid: [
    {
      name: 'boundary: 43 s × 7 = 301 s',
      inventory: inv({ intervalSeconds: 43, healthyThreshold: 7 }),
      expect: [{ messageId: 'slowRecovery', resource: 'tg-api', severity: 'low', contains: ['7 passing checks 43 s apart (about 301 s)', 'above 300 s'] }],
    },
    {
      name: '60 s × 10',
      inventory: inv({ intervalSeconds: 60, healthyThreshold: 10 }),
      expect: [{ messageId: 'slowRecovery', resource: 'tg-api', severity: 'low', contains: ['about 600 s'] }],
    },
    {
      name: 'threshold from config: 60 s',
      inventory: inv({ intervalSeconds: 30, healthyThreshold: 3 }),
      config: { checks: { 'health/slow-recovery': { thresholds: { maxRecoverySeconds: 60 } } } },
      expect: [{ messageId: 'slowRecovery', resource: 'tg-api', severity: 'low', contains: ['above 60 s'] }],
    },
  ],
  unknown: [{ name: 'healthy threshold not collected', inventory: inv({ healthyThreshold: undefined }), expect: [{ resource: 'tg-api', contains: ['healthyThreshold'] }] }],
  notApplicable: [{ name: 'health checks disabled', inventory: inv({ enabled: false }), expect: [{ resource: 'tg-api' }] }],
});
