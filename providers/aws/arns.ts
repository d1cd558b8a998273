/**
 * ARNs cloud502 has to build itself. Pure and SDK-free: collect and normalize both use these, and must agree,
 * because collect records Classic metric queries under the ARN that normalize gives the load balancer.
 */

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`, ...). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** Classic load balancers have no ARN in their API; this is the one IAM and CloudWatch use. */
export function classicLoadBalancerArn(region: string, account: string | undefined, name: string): string {
  return `arn:${partitionOf(region)}:elasticloadbalancing:${region}:${account ?? ''}:loadbalancer/${name}`;
}
