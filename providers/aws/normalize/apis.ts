/**
 * The `service:Action` names collection errors are recorded under (they are also the IAM actions), so normalize can
 * tell "this call failed" from "this call succeeded and returned nothing".
 */
export const AWS_API = {
  describeLoadBalancers: 'elasticloadbalancing:DescribeLoadBalancers',
  /** Shared by ELBv2 (resourceId = ARN) and Classic (resourceId = name): IAM uses one action for both. */
  describeLoadBalancerAttributes: 'elasticloadbalancing:DescribeLoadBalancerAttributes',
  describeListeners: 'elasticloadbalancing:DescribeListeners',
  describeListenerAttributes: 'elasticloadbalancing:DescribeListenerAttributes',
  describeListenerCertificates: 'elasticloadbalancing:DescribeListenerCertificates',
  describeRules: 'elasticloadbalancing:DescribeRules',
  describeTargetGroups: 'elasticloadbalancing:DescribeTargetGroups',
  describeTargetGroupAttributes: 'elasticloadbalancing:DescribeTargetGroupAttributes',
  describeTargetHealth: 'elasticloadbalancing:DescribeTargetHealth',
  describeTags: 'elasticloadbalancing:DescribeTags',
  describeInstanceHealth: 'elasticloadbalancing:DescribeInstanceHealth',
  describeSecurityGroups: 'ec2:DescribeSecurityGroups',
  describeNetworkAcls: 'ec2:DescribeNetworkAcls',
  describeSubnets: 'ec2:DescribeSubnets',
  describeVpcs: 'ec2:DescribeVpcs',
  describeInstances: 'ec2:DescribeInstances',
  describeNetworkInterfaces: 'ec2:DescribeNetworkInterfaces',
  getMetricData: 'cloudwatch:GetMetricData',
  describeCertificate: 'acm:DescribeCertificate',
  getCallerIdentity: 'sts:GetCallerIdentity',
} as const;

/** Error codes AWS services use for a missing IAM permission. */
export const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
