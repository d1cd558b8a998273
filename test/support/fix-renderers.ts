/** Every provider's fix renderer, for tests that evaluate checks the way an audit does. */
import type { FixRenderers } from '../../src/engine/index.js';
import { awsFixes } from '../../providers/aws/fixes.js';
import { azureFixes } from '../../providers/azure/fixes.js';
import { gcpFixes } from '../../providers/gcp/fixes.js';

export const FIX_RENDERERS: FixRenderers = { aws: awsFixes, azure: azureFixes, gcp: gcpFixes };
