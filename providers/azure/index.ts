/**
 * The Azure adapter. `collect` loads the SDK-backed collector (and with it the Azure SDKs) lazily, so normalize-only
 * uses (`--snapshot`, `--demo`) and other providers' audits never load them.
 */
import type { ProviderAdapter } from '../../src/provider.js';
import { azureFixes } from './fixes.js';
import { azurePermissions } from './iam.js';
import { normalizeAzure } from './normalize/index.js';
import type { AzureRawSnapshot } from './raw.js';
import { validateAzureRaw } from './snapshot.js';

export const azureAdapter: ProviderAdapter<AzureRawSnapshot> = {
  provider: 'azure',
  async collect(options) {
    const { collectAzure } = await import('./collect/index.js');
    return collectAzure(options);
  },
  validateRaw: validateAzureRaw,
  normalize: normalizeAzure,
  fixes: azureFixes,
  permissions: azurePermissions,
};
