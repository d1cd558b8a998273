import type { AnyCheck } from '../../src/engine/index.js';

/** The timeouts family, in catalog order. */
export const timeoutsChecks: AnyCheck[] = [];
