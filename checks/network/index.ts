import type { AnyCheck } from '../../src/engine/index.js';

/** The network family, in catalog order. */
export const networkChecks: AnyCheck[] = [];
