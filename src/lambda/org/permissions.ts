/**
 * The IAM actions each function of an organization audit calls, with its own credentials, exactly: the stack grants
 * these and nothing else, and the tests record every command the functions send and compare.
 *
 * What runs in member accounts (the collector's read-only calls, and the plan's ec2:DescribeRegions) runs as the
 * member account's audit role, whose policy is AWS_READ_ONLY_ACTIONS (providers/aws/iam.ts); the functions
 * themselves only need sts:AssumeRole on that role.
 */
import type { AccountSource } from './config.js';
import { ORGANIZATIONS_ACTIONS } from './org-accounts.js';

export const ASSUME_ROLE = 'sts:AssumeRole';

/** The plan: the account listing its source needs, AssumeRole (region discovery), the item list write. */
export function planActions(source: AccountSource): { organizations: string[]; accountsFile: string[]; items: string[]; assumeRole: string[] } {
  const organizations: string[] =
    source.kind === 's3'
      ? []
      : [
          ...(source.organizationalUnitIds.length > 0 ? ORGANIZATIONS_ACTIONS.units : ORGANIZATIONS_ACTIONS.wholeOrganization),
          ...(Object.keys(source.tags).length > 0 ? ORGANIZATIONS_ACTIONS.tags : []),
        ];
  return { organizations: organizations.sort(), accountsFile: source.kind === 's3' ? ['s3:GetObject'] : [], items: ['s3:PutObject'], assumeRole: [ASSUME_ROLE] };
}

/** The worker: AssumeRole into the items' accounts, the partial report writes, and the config file when there is one. */
export const WORKER_ACTIONS = { assumeRole: [ASSUME_ROLE], partials: ['s3:PutObject'], configFile: ['s3:GetObject'] } as const;

/**
 * The merge: reads and writes under the org prefix (HeadObject and CopyObject are s3:GetObject / s3:PutObject),
 * s3:ListBucket on the prefix so that a missing previous report is a 404, not a 403 (as in the single mode),
 * s3:AbortMultipartUpload to clean up a failed large upload, and sns:Publish.
 */
export const MERGE_ACTIONS = { objects: ['s3:GetObject', 's3:PutObject'], listing: ['s3:ListBucket'], abort: ['s3:AbortMultipartUpload'], notify: ['sns:Publish'] } as const;
