/**
 * The AWS collector's options: the common collection options plus AWS's own, as the CLI flags and the Lambda's
 * configuration give them.
 */
import { checkEndpointUrl } from '../../src/config/values.js';
import { ConfigError } from '../../src/errors.js';
import type { CollectOptions, ProviderOptionValues } from '../../src/provider.js';

export interface AwsCollectOptions extends Omit<CollectOptions, 'providerOptions'> {
  /** Regions to audit; empty/undefined = the profile's / environment's default region. */
  regions?: string[];
  /** AWS named profile (SSO and assume-role profiles included). */
  profile?: string;
  /**
   * IAM roles to assume, one audited account each. When roles are given, only their accounts are audited.
   * The caller needs `sts:AssumeRole` on them; the roles need the read-only audit policy.
   */
  roleArns?: string[];
  /** ExternalId for every AssumeRole of `roleArns`, and of `accountsFile` entries that do not set their own. */
  externalId?: string;
  /** A file of roles: one role ARN per line (`#` comments), or a YAML/JSON list of ARNs or `{roleArn, externalId?, name?}`. */
  accountsFile?: string;
  /**
   * Audit every region enabled for each account (ec2:DescribeRegions). `regions[0]`, else the default region, is
   * then only the home region the discovery calls go to.
   */
  allRegions?: boolean;
}

const list = (v: ProviderOptionValues[string]): string[] | undefined => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined);
const text = (v: ProviderOptionValues[string]): string | undefined => (typeof v === 'string' ? v : undefined);

/** The descriptor's option values (see descriptor.ts for the keys) → the collector's options. */
export function awsCollectOptions(options: CollectOptions): AwsCollectOptions {
  const { providerOptions: p, ...common } = options;
  // The ecosystem's own override, checked here so that a malformed value is one line naming the variable.
  const fromEnv = options.env?.AWS_ENDPOINT_URL;
  if (common.endpointUrl === undefined && fromEnv !== undefined && fromEnv !== '') {
    try {
      common.endpointUrl = checkEndpointUrl(fromEnv);
    } catch (err) {
      throw new ConfigError(`AWS_ENDPOINT_URL: ${(err as Error).message}`);
    }
  }
  const regions = list(p.region);
  if (p.allRegions === true && regions?.length) throw new ConfigError('--all-regions audits every enabled region: drop --region');
  const roleArns = list(p.roleArn);
  const profile = text(p.profile);
  const externalId = text(p.externalId);
  const accountsFile = text(p.accountsFile);
  return {
    ...common,
    ...(regions ? { regions } : {}),
    ...(profile !== undefined ? { profile } : {}),
    ...(roleArns ? { roleArns } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
    ...(accountsFile !== undefined ? { accountsFile } : {}),
    ...(p.allRegions === true ? { allRegions: true } : {}),
  };
}
