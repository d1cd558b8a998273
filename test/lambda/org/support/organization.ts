/**
 * An AWS organization in moto, made through the real SDK: a management account of the test's own (moto keeps
 * Organizations state per account, so test files never share one), OUs, member accounts with tags, and credentials
 * of any account through AssumeRole (moto serves an assumed role's keys from the account in its ARN).
 */
import { CreateAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, ListRootsCommand, MoveAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';

const TESTING = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Credentials of `account` (any 12-digit id) through AssumeRole of `role`. */
export async function credentialsOf(endpoint: string, account: string, role = 'admin'): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: TESTING, maxAttempts: 1 });
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${role}`, RoleSessionName: 'test' }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  } finally {
    sts.destroy();
  }
}

export interface MemberSpec {
  name: string;
  /** Key of `units` to move the account into; the root when absent. */
  unit?: string;
  tags?: Record<string, string>;
}

export interface TestOrganization {
  management: string;
  managementCredentials: AwsCredentialIdentity;
  rootId: string;
  /** OU ids by the names given. */
  units: Record<string, string>;
  /** Member account ids by name. */
  accounts: Record<string, string>;
}

/**
 * Creates the organization. `units` maps an OU name to its parent OU name (undefined: under the root), in order.
 * @example await createOrganization(url, '420000000001', { apps: undefined, web: 'apps' }, [{ name: 'shop', unit: 'web' }]);
 */
export async function createOrganization(endpoint: string, management: string, units: Record<string, string | undefined>, members: MemberSpec[]): Promise<TestOrganization> {
  const managementCredentials = await credentialsOf(endpoint, management);
  const org = new OrganizationsClient({ endpoint, region: 'us-east-1', credentials: managementCredentials, maxAttempts: 1 });
  try {
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const unitIds: Record<string, string> = {};
    for (const [name, parent] of Object.entries(units)) {
      const out = await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent === undefined ? rootId : unitIds[parent]!, Name: name }));
      unitIds[name] = out.OrganizationalUnit!.Id!;
    }
    const accounts: Record<string, string> = {};
    for (const m of members) {
      const out = await org.send(
        new CreateAccountCommand({ AccountName: m.name, Email: `${m.name}@example.com`, Tags: Object.entries(m.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) }),
      );
      const id = out.CreateAccountStatus!.AccountId!;
      accounts[m.name] = id;
      if (m.unit !== undefined) await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: unitIds[m.unit]! }));
    }
    return { management, managementCredentials, rootId, units: unitIds, accounts };
  } finally {
    org.destroy();
  }
}
