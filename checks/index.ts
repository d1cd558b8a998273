import { CheckRegistry } from '../src/engine/index.js';
import { evidenceChecks } from './evidence/index.js';
import { healthChecks } from './health/index.js';
import { networkChecks } from './network/index.js';
import { targetsChecks } from './targets/index.js';
import { timeoutsChecks } from './timeouts/index.js';
import { tlsChecks } from './tls/index.js';

/** Every check, family by family. */
export const allChecks = [...targetsChecks, ...healthChecks, ...networkChecks, ...tlsChecks, ...timeoutsChecks, ...evidenceChecks];

export function createRegistry(): CheckRegistry {
  return new CheckRegistry(allChecks);
}
