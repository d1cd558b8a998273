/**
 * The AWS adapter. `collect` loads the SDK-backed collector lazily, so normalize-only uses (`--snapshot`, `--demo`)
 * never load the AWS SDK.
 */
import type { ProviderAdapter } from '../../src/provider.js';
import { normalizeAws } from './normalize/index.js';
import type { AwsRawSnapshot } from './raw.js';
import { validateAwsRaw } from './snapshot.js';

export const awsAdapter: ProviderAdapter<AwsRawSnapshot> = {
  provider: 'aws',
  async collect(options) {
    const { collectAws } = await import('./collect/index.js');
    return collectAws(options);
  },
  validateRaw: validateAwsRaw,
  normalize: normalizeAws,
};
