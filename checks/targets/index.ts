import type { AnyCheck } from '../../src/engine/index.js';

/** The targets family, in catalog order. */
export const targetsChecks: AnyCheck[] = [];
