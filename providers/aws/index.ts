/**
 * The AWS adapter. `collect` loads the SDK-backed collector lazily, so normalize-only uses (`--snapshot`, `--demo`)
 * never load the AWS SDK.
 */
import type { ProviderAdapter } from '../../src/provider.js';
import { awsFixes } from './fixes.js';
import { AWS_READ_ONLY_ACTIONS, awsIamPolicyJson } from './iam.js';
import { normalizeAws } from './normalize/index.js';
import { awsCollectOptions } from './options.js';
import type { AwsRawSnapshot } from './raw.js';
import { validateAwsRaw } from './snapshot.js';

export const awsAdapter: ProviderAdapter<AwsRawSnapshot> = {
  provider: 'aws',
  async collect(options) {
    const { collectAws } = await import('./collect/index.js');
    return collectAws(awsCollectOptions(options));
  },
  validateRaw: validateAwsRaw,
  normalize: normalizeAws,
  fixes: awsFixes,
  permissions: () => ({ title: 'IAM policy (JSON), for aws iam create-policy --policy-document', text: awsIamPolicyJson(), permissions: [...AWS_READ_ONLY_ACTIONS] }),
};
