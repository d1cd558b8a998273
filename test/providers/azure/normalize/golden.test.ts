/**
 * Golden tests: REST-shaped fixtures (support/world.ts, support/scenarios.ts) → raw snapshot → inventory JSON.
 * Review a golden diff like code.
 */
import { describe, expect, it } from 'vitest';
import { normalizeAzure } from '../../../../providers/azure/normalize/index.js';
import { validateAzureRaw } from '../../../../providers/azure/snapshot.js';
import type { AzureRawSnapshot } from '../../../../providers/azure/raw.js';
import { rawFromWorld } from '../support/arm.js';
import { answerFromWorld, brokenSubscription, metricQueries, readerErrors, WINDOW, worldOf } from '../support/scenarios.js';
import { NOW, productionSubscription } from '../support/world.js';

function production(): AzureRawSnapshot {
  const sub = productionSubscription();
  return rawFromWorld(worldOf(sub), { collectedAt: NOW, metricsWindowSeconds: 3600, window: WINDOW, queries: metricQueries(sub) }, answerFromWorld);
}

function broken(): AzureRawSnapshot {
  const sub = brokenSubscription();
  return rawFromWorld(worldOf(sub), { collectedAt: NOW, metricsWindowSeconds: 3600, window: WINDOW, queries: metricQueries(sub) }, answerFromWorld);
}

/** A Reader without the health actions whose NSG listing also failed; the load balancer's metrics call failed. */
function partialAccess(): AzureRawSnapshot {
  const sub = productionSubscription();
  sub.networkSecurityGroups = [];
  const queries = metricQueries(sub);
  const raw = rawFromWorld(worldOf(sub), { collectedAt: NOW, metricsWindowSeconds: 3600, window: WINDOW, queries, errors: readerErrors(), withoutHealth: true }, (s, q) =>
    q.resourceId.includes('/loadBalancers/') ? undefined : answerFromWorld(s, q),
  );
  return raw;
}

const SCENARIOS: Record<string, () => AzureRawSnapshot> = { production, 'appgw-v1-broken': broken, 'partial-access': partialAccess };

describe('Azure normalize golden inventories', () => {
  it.each(Object.keys(SCENARIOS))('%s', async (name) => {
    const raw = validateAzureRaw(JSON.parse(JSON.stringify(SCENARIOS[name]!())));
    const inventory = normalizeAzure(raw, {});
    await expect(`${JSON.stringify(inventory, null, 2)}\n`).toMatchFileSnapshot(`golden/${name}.inventory.json`);
  });

  it('is pure: the same snapshot normalizes to the same inventory', () => {
    const raw = broken();
    expect(normalizeAzure(raw, {})).toEqual(normalizeAzure(JSON.parse(JSON.stringify(raw)) as AzureRawSnapshot, {}));
  });
});
