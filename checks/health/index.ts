import type { AnyCheck } from '../../src/engine/index.js';

/** The health family, in catalog order. */
export const healthChecks: AnyCheck[] = [];
