import type { AnyCheck } from '../../src/engine/index.js';
import { observed5xxUnexplained } from './observed-5xx-unexplained.js';

/** The evidence family, in catalog order. */
export const evidenceChecks: AnyCheck[] = [observed5xxUnexplained];
