import type { AnyCheck } from '../../src/engine/index.js';

/** The evidence family, in catalog order. */
export const evidenceChecks: AnyCheck[] = [];
