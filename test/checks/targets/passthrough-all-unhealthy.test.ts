import { describe, expect, it } from 'vitest';
import { passthroughAllUnhealthy } from '../../../checks/targets/passthrough-all-unhealthy.js';
import { normalizeGcp } from '../../../providers/gcp/normalize/index.js';
import { evaluateCheck } from '../../../src/engine/index.js';
import type { Inventory } from '../../../src/model/index.js';
import { checkTester } from '../../support/check-tester.js';
import type { FixtureOptions } from '../../providers/gcp/normalize/raw-builder.js';
import { P, raw } from '../../providers/gcp/normalize/raw-builder.js';

/** A passthrough NLB in front of backend service app-bs, built from Compute-shaped data by the real normalizer. */
const nlb = (o: FixtureOptions = {}): Inventory => normalizeGcp(raw({ lb: 'passthrough-external', ...o }), {});

checkTester(passthroughAllUnhealthy, {
  valid: [
    { name: 'every backend healthy', inventory: nlb() },
    { name: 'boundary: one healthy backend is enough', inventory: nlb({ health: ['HEALTHY', 'UNHEALTHY'] }) },
    { name: 'boundary: draining, none unhealthy', inventory: nlb({ health: ['DRAINING', 'HEALTHY'] }) },
  ],
  invalid: [
    {
      name: 'all unhealthy, no failover policy: spread over broken VMs',
      inventory: nlb({ health: ['UNHEALTHY', 'TIMEOUT'] }),
      expect: [{ messageId: 'spread', resource: 'app-bs', severity: 'critical', contains: ['All 2 backends of app-bs are unhealthy', 'provider-default'] }],
    },
    {
      name: 'all unhealthy, dropTrafficIfUnhealthy: dropped',
      inventory: nlb({ health: ['UNHEALTHY', 'UNHEALTHY'], service: { failoverPolicy: { dropTrafficIfUnhealthy: true } } }),
      expect: [{ messageId: 'dropped', resource: 'app-bs', contains: ['drops new connections'] }],
    },
    {
      name: 'internal passthrough too',
      inventory: normalizeGcp(raw({ lb: 'passthrough-internal', health: ['UNHEALTHY', 'UNHEALTHY'] }), {}),
      expect: [{ messageId: 'spread', resource: 'app-bs' }],
    },
  ],
  unknown: [
    {
      name: 'getHealth denied',
      inventory: nlb({
        health: null,
        errors: [
          {
            api: 'compute.regionBackendServices.getHealth',
            permission: 'compute.regionBackendServices.get',
            project: P,
            code: 'PERMISSION_DENIED',
            message: 'denied',
            resourceId: `projects/${P}/regions/us-central1/backendServices/app-bs`,
          },
        ],
      }),
      expect: [{ resource: 'app-bs', contains: ['compute.regionBackendServices.get'] }],
    },
  ],
  notApplicable: [{ name: 'no backends at all', inventory: nlb({ service: { backends: [] } }), expect: [{ resource: 'app-bs' }] }],
});

describe('targets/passthrough-all-unhealthy scope', () => {
  it('judges no Application Load Balancer (they answer failed_to_pick_backend instead)', () => {
    const inv = normalizeGcp(raw({ lb: 'regional', health: ['UNHEALTHY', 'UNHEALTHY'] }), {});
    expect(evaluateCheck(passthroughAllUnhealthy, inv, {})).toEqual([]);
  });
});
