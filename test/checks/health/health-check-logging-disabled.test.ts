import { describe, expect, it } from 'vitest';
import { healthCheckLoggingDisabled } from '../../../checks/health/health-check-logging-disabled.js';
import { normalizeGcp } from '../../../providers/gcp/normalize/index.js';
import { evaluateCheck } from '../../../src/engine/index.js';
import type { Inventory } from '../../../src/model/index.js';
import { checkTester } from '../../support/check-tester.js';
import type { FixtureOptions } from '../../providers/gcp/normalize/raw-builder.js';
import { P, raw } from '../../providers/gcp/normalize/raw-builder.js';

const gcp = (o: FixtureOptions = {}): Inventory => normalizeGcp(raw(o), {});

checkTester(healthCheckLoggingDisabled, {
  valid: [
    { name: 'logging on', inventory: gcp({ healthCheck: { logConfig: { enable: true } } }) },
    { name: 'passthrough NLB with logging on', inventory: gcp({ lb: 'passthrough-internal', healthCheck: { logConfig: { enable: true } } }) },
  ],
  invalid: [
    { name: 'logConfig not set (the default)', inventory: gcp(), expect: [{ messageId: 'off', resource: 'app-bs', severity: 'info', contains: ['app-hc'] }] },
    { name: 'boundary: logConfig present but disabled', inventory: gcp({ healthCheck: { logConfig: { enable: false } } }), expect: [{ messageId: 'off', resource: 'app-bs' }] },
  ],
  unknown: [
    {
      name: 'health checks not listed',
      inventory: gcp({
        healthCheck: null,
        errors: [{ api: 'compute.healthChecks.aggregatedList', permission: 'compute.healthChecks.list', project: P, code: 'PERMISSION_DENIED', message: 'denied' }],
      }),
      expect: [{ resource: 'app-bs', contains: ['compute.healthChecks.list'] }],
    },
  ],
  notApplicable: [{ name: 'no health check attached', inventory: gcp({ service: { healthChecks: [] } }), expect: [{ resource: 'app-bs' }] }],
});

describe('health/health-check-logging-disabled scope', () => {
  it('claims only Google Cloud kinds', () => {
    expect(healthCheckLoggingDisabled.kinds.every((k) => k.startsWith('gcp-'))).toBe(true);
    expect(evaluateCheck(healthCheckLoggingDisabled, gcp({ healthCheck: { logConfig: { enable: true } } }), {}).map((r) => r.status)).toEqual(['pass']);
  });
});
