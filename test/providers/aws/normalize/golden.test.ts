/**
 * Golden tests: hand-written raw fixtures (SDK response shapes) → inventory JSON. Review a golden diff like code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import { validateAwsRaw } from '../../../../providers/aws/snapshot.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/aws/', import.meta.url));
const names = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

describe('AWS normalize golden inventories', () => {
  it('has fixtures', () => {
    expect(names).toEqual(['alb-web', 'nlb-classic', 'partial-access']);
  });

  it.each(names)('%s', async (name) => {
    const raw = validateAwsRaw(JSON.parse(readFileSync(`${fixtures}${name}.json`, 'utf8')));
    const inv = normalizeAws(raw, {});
    await expect(`${JSON.stringify(inv, null, 2)}\n`).toMatchFileSnapshot(`../../../golden/aws/${name}.inventory.json`);
  });
});
