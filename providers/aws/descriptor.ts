/**
 * The AWS provider's descriptor: its kinds, CLI options and demo. Imports no SDK (see src/provider.ts).
 */
import type { ProviderDescriptor } from '../../src/provider.js';
import { parseRegionName, parseRoleArn } from './option-values.js';

export const awsDescriptor: ProviderDescriptor = {
  id: 'aws',
  title: 'Amazon Web Services',
  kinds: ['aws-alb', 'aws-nlb', 'aws-clb', 'aws-gwlb'],
  options: [
    { flags: '--profile <name>', key: 'profile', description: 'AWS named profile (SSO and assume-role profiles included)' },
    {
      flags: '--region <region>',
      key: 'region',
      list: true,
      parse: parseRegionName,
      description: "AWS region to audit; repeat or comma-separate for several (default: the profile's region)",
    },
    {
      flags: '--role-arn <arn>',
      key: 'roleArn',
      list: true,
      parse: parseRoleArn,
      description: 'audit the account of this IAM role (assumed with session name cloud502); repeatable',
    },
    { flags: '--external-id <id>', key: 'externalId', description: 'external id for --role-arn / --accounts-file roles that do not set their own' },
    { flags: '--accounts-file <file>', key: 'accountsFile', description: 'roles to audit: one ARN per line, or a YAML/JSON list of {roleArn, externalId?, name?}' },
    { flags: '--all-regions', key: 'allRegions', description: 'audit every region enabled for each account (ec2:DescribeRegions)' },
  ],
  rawSchemaVersions: [1],
  scopeCalls: { listing: ['elasticloadbalancing:DescribeLoadBalancers'], entry: ['sts:AssumeRole', 'ec2:DescribeRegions'] },
  demoSnapshot: 'demo/aws-demo.json',
  async load() {
    return (await import('./index.js')).awsAdapter;
  },
};
