/**
 * Golden inventories: the demo project and the smallest fixture, normalized. A change to the normalizer shows up
 * here as a diff to review (`vitest -u` rewrites the files).
 */
import { describe, expect, it } from 'vitest';
import { buildGcpDemo } from '../../../../demo/build-gcp-demo.js';
import { normalizeGcp } from '../../../../providers/gcp/normalize/index.js';
import { raw } from './raw-builder.js';

describe('golden inventories', () => {
  it('demo project', async () => {
    await expect(`${JSON.stringify(normalizeGcp(buildGcpDemo(), {}), null, 2)}\n`).toMatchFileSnapshot('../../../golden/gcp/demo.inventory.json');
  });
  it('one global external ALB', async () => {
    await expect(`${JSON.stringify(normalizeGcp(raw(), {}), null, 2)}\n`).toMatchFileSnapshot('../../../golden/gcp/alb-global.inventory.json');
  });
});
