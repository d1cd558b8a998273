/**
 * The read-only audit role of a member account, as a CloudFormation template for a StackSet: exactly the documented
 * policy (`awsIamPolicy()`, the README's least-privilege policy) and a trust policy that lets only the organization
 * audit's own roles (the worker, and the plan for region discovery) assume it, with the ExternalId when one is set.
 * IAM is global: deploy one stack instance per account, in one region.
 *
 * Two forms: `memberRoleTemplate` with the trusted role ARNs filled in (the org stack's own StackSet), and
 * `standaloneMemberRoleTemplate` with them as parameters (for a StackSet created by hand or by other tooling).
 */
import { awsIamPolicy } from '../../../providers/aws/iam.js';

export const MEMBER_ROLE_POLICY_NAME = 'cloud502-read-only-audit';
export const DEFAULT_MEMBER_ROLE_NAME = 'cloud502-audit';

export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, unknown>;
}

export interface MemberRoleOptions {
  roleName: string;
  /** Role ARNs (strings or CloudFormation values) allowed to assume the audit role. */
  trustedRoleArns: unknown[];
  externalId?: string;
}

const DESCRIPTION = 'cloud502 organization audit: the read-only role the audit assumes in this account (load balancers, networks, certificates, metrics)';

function role(roleName: unknown, principal: unknown, condition: unknown): Record<string, unknown> {
  return {
    RoleName: roleName,
    Description: 'cloud502 read-only load balancer audit',
    MaxSessionDuration: 3600,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Cloud502Audit', Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...(condition !== undefined ? { Condition: condition } : {}) }],
    },
    Policies: [{ PolicyName: MEMBER_ROLE_POLICY_NAME, PolicyDocument: awsIamPolicy() }],
  };
}

/** The template with the trusted roles filled in. */
export function memberRoleTemplate(options: MemberRoleOptions): CfnTemplate {
  const condition = options.externalId !== undefined ? { StringEquals: { 'sts:ExternalId': options.externalId } } : undefined;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: DESCRIPTION,
    Resources: { AuditRole: { Type: 'AWS::IAM::Role', Properties: role(options.roleName, options.trustedRoleArns, condition) } },
    Outputs: { AuditRoleArn: { Value: { 'Fn::GetAtt': ['AuditRole', 'Arn'] } } },
  };
}

/** The template with the trusted roles, the ExternalId and the role name as parameters. */
export function standaloneMemberRoleTemplate(): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: DESCRIPTION,
    Parameters: {
      TrustedRoleArns: { Type: 'CommaDelimitedList', Description: 'The organization audit\'s worker and plan role ARNs (stack outputs WorkerRoleArn, PlanRoleArn)' },
      ExternalId: { Type: 'String', Default: '', Description: 'The ExternalId the audit sends (CLOUD502_EXTERNAL_ID); empty for none' },
      RoleName: { Type: 'String', Default: DEFAULT_MEMBER_ROLE_NAME, Description: 'Must equal the audit\'s role name (CLOUD502_AUDIT_ROLE_NAME)' },
    },
    Conditions: { HasExternalId: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExternalId' }, ''] }] } },
    Resources: {
      AuditRole: {
        Type: 'AWS::IAM::Role',
        Properties: role({ Ref: 'RoleName' }, { Ref: 'TrustedRoleArns' }, { 'Fn::If': ['HasExternalId', { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } }, { Ref: 'AWS::NoValue' }] }),
      },
    },
    Outputs: { AuditRoleArn: { Value: { 'Fn::GetAtt': ['AuditRole', 'Arn'] } } },
  };
}
