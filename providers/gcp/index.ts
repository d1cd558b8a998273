/**
 * The Google Cloud adapter. `collect` loads the SDK-backed collector lazily, so normalize-only uses (`--snapshot`,
 * `--demo`), `--help` and other providers' audits never load the Google SDK.
 */
import type { ProviderAdapter } from '../../src/provider.js';
import { gcpFixes } from './fixes.js';
import { gcpPermissionDocument } from './iam.js';
import { normalizeGcp } from './normalize/index.js';
import type { GcpRawSnapshot } from './raw.js';
import { validateGcpRaw } from './snapshot.js';

export const gcpAdapter: ProviderAdapter<GcpRawSnapshot> = {
  provider: 'gcp',
  async collect(options) {
    const { collectGcp } = await import('./collect/index.js');
    return collectGcp(options);
  },
  validateRaw: validateGcpRaw,
  normalize: normalizeGcp,
  fixes: gcpFixes,
  permissions: gcpPermissionDocument,
};
