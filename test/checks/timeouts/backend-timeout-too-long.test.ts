import { describe, expect, it } from 'vitest';
import { backendTimeoutTooLong } from '../../../checks/timeouts/backend-timeout-too-long.js';
import { normalizeGcp } from '../../../providers/gcp/normalize/index.js';
import { evaluateCheck } from '../../../src/engine/index.js';
import type { Inventory } from '../../../src/model/index.js';
import { checkTester } from '../../support/check-tester.js';
import type { FixtureOptions } from '../../providers/gcp/normalize/raw-builder.js';
import { raw } from '../../providers/gcp/normalize/raw-builder.js';

const alb = (timeoutSec: number | undefined, o: FixtureOptions = {}): Inventory => normalizeGcp(raw({ ...o, service: { timeoutSec, ...(o.service ?? {}) } }), {});

function withoutTimeout(inv: Inventory): Inventory {
  return { ...inv, backendPools: inv.backendPools.map(({ requestTimeoutSeconds: _t, ...p }) => p) };
}

checkTester(backendTimeoutTooLong, {
  valid: [
    { name: 'the 30 s default', inventory: alb(undefined) },
    { name: 'boundary: exactly one day', inventory: alb(86_400) },
  ],
  invalid: [
    { name: 'one second over a day', inventory: alb(86_401), expect: [{ messageId: 'tooLong', resource: 'app-bs', severity: 'info', contains: ['86401 s'] }] },
    { name: 'regional ALB, two days', inventory: alb(172_800, { lb: 'regional' }), expect: [{ messageId: 'tooLong', resource: 'app-bs', contains: ['more than 86400 s'] }] },
    {
      name: 'a configured threshold',
      inventory: alb(7200),
      config: { checks: { 'timeouts/backend-timeout-too-long': { thresholds: { maxSeconds: 3600 } } } },
      expect: [{ messageId: 'tooLong', resource: 'app-bs', contains: ['more than 3600 s'] }],
    },
  ],
  unknown: [{ name: 'timeout not collected', inventory: withoutTimeout(alb(30)), expect: [{ resource: 'app-bs', contains: ['not collected'] }] }],
});

describe('timeouts/backend-timeout-too-long scope', () => {
  it('judges no passthrough NLB (no response timeout there)', () => {
    const inv = normalizeGcp(raw({ lb: 'passthrough-external', service: { timeoutSec: 999_999 } }), {});
    expect(evaluateCheck(backendTimeoutTooLong, inv, {})).toEqual([]);
  });
});
