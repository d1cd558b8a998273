import type { AnyCheck } from '../../src/engine/index.js';

/** The tls family, in catalog order. */
export const tlsChecks: AnyCheck[] = [];
