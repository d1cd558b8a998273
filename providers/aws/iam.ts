/**
 * The IAM permissions `cloud502 audit` needs on AWS: exactly the actions the collect layer calls.
 * test/providers/aws/collect/collect.moto.test.ts records every command the collector sends and compares.
 * `sts:GetCallerIdentity` is also called (for the account id) but needs no permission, so it is not listed.
 * `ec2:DescribeRegions` is called only to audit all enabled regions.
 *
 * Multi-account audits: each audited ROLE needs `awsIamPolicy()`; the CALLER needs only `sts:AssumeRole` on those
 * roles (`awsAssumeRolePolicy(roleArns)`), and each role's trust policy must allow the caller.
 */

/** Sorted; all read-only. */
export const AWS_READ_ONLY_ACTIONS = [
  'acm:DescribeCertificate',
  'cloudwatch:GetMetricData',
  'ec2:DescribeInstances',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeRegions',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
  'elasticloadbalancing:DescribeInstanceHealth',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeListenerCertificates',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
] as const;

/** An IAM action the collector may call (typos in collect code are compile errors). */
export type AwsReadOnlyAction = (typeof AWS_READ_ONLY_ACTIONS)[number];

/** `sts:GetCallerIdentity` is always allowed; it is recorded under this name when it fails. */
export const STS_GET_CALLER_IDENTITY = 'sts:GetCallerIdentity';

/** What the caller (not the audited roles) needs for a multi-account audit; recorded under this name when it fails. */
export const STS_ASSUME_ROLE = 'sts:AssumeRole';

/** The STS actions the collector calls. */
export type StsAction = typeof STS_GET_CALLER_IDENTITY | typeof STS_ASSUME_ROLE;

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{ Sid: string; Effect: 'Allow'; Action: string[]; Resource: '*' | string[] }>;
}

/**
 * The least-privilege policy for an audit. These Describe/Get actions do not support resource-level
 * permissions, hence `Resource: "*"`.
 * @example JSON.stringify(awsIamPolicy(), null, 2)
 */
export function awsIamPolicy(): IamPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Cloud502ReadOnlyAudit', Effect: 'Allow', Action: [...AWS_READ_ONLY_ACTIONS], Resource: '*' }],
  };
}

/**
 * The caller's policy for a multi-account audit: `sts:AssumeRole` on exactly the audited roles.
 * @example awsAssumeRolePolicy(['arn:aws:iam::111122223333:role/cloud502-audit'])
 */
export function awsAssumeRolePolicy(roleArns: readonly string[]): IamPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Cloud502AssumeAuditRoles', Effect: 'Allow', Action: [STS_ASSUME_ROLE], Resource: [...roleArns] }],
  };
}

/** The policy as pretty-printed JSON, ready for `aws iam create-policy --policy-document`. */
export function awsIamPolicyJson(): string {
  return `${JSON.stringify(awsIamPolicy(), null, 2)}\n`;
}
