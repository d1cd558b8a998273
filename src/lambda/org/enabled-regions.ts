/**
 * The regions enabled in a member account, asked as the account itself: sts:AssumeRole into its audit role (with the
 * plan's credentials), then ec2:DescribeRegions (AllRegions=false, part of the audit role's documented policy).
 * Opt-in regions the account has not enabled are left out, so the map never spends an item on a region that would
 * only answer "not authorized".
 */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { awsErrorCode, awsErrorMessage } from '../../../providers/aws/errors.js';
import { ROLE_SESSION_NAME } from '../../../providers/aws/accounts.js';
import type { RateBudget } from '../../../providers/aws/rate-limit.js';
import type { OrgClients } from './clients.js';

export interface DiscoveryTarget {
  account: string;
  roleArn: string;
  externalId?: string;
}

export type Discovery = { kind: 'found'; regions: string[] } | { kind: 'failed'; api: string; code: string; message: string };

export interface DiscoveryDeps {
  clients: Pick<OrgClients, 'sts' | 'ec2'>;
  homeRegion: string;
  budget: RateBudget;
  signal?: AbortSignal;
}

async function paced<T>(deps: DiscoveryDeps, account: string, bucket: string, run: () => Promise<T>): Promise<T> {
  await deps.budget.take(account, deps.homeRegion, bucket, deps.signal);
  await deps.budget.admit(account, deps.homeRegion, bucket, deps.signal);
  return run();
}

function failed(api: string, err: unknown): Discovery {
  return { kind: 'failed', api, code: awsErrorCode(err), message: awsErrorMessage(err).slice(0, 1000) };
}

/** Never throws for an AWS error: a failure is returned, and the plan still gives the account its items. */
export async function enabledRegions(target: DiscoveryTarget, deps: DiscoveryDeps): Promise<Discovery> {
  let credentials: AwsCredentialIdentity;
  try {
    const out = await paced(deps, 'caller', 'sts:AssumeRole', () =>
      deps.clients
        .sts()
        .send(
          new AssumeRoleCommand({ RoleArn: target.roleArn, RoleSessionName: ROLE_SESSION_NAME, ...(target.externalId ? { ExternalId: target.externalId } : {}) }),
          deps.signal ? { abortSignal: deps.signal } : {},
        ),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) return { kind: 'failed', api: 'sts:AssumeRole', code: 'NoCredentials', message: 'AssumeRole answered without credentials' };
    credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
  } catch (err) {
    if (deps.signal?.aborted) throw err;
    return failed('sts:AssumeRole', err);
  }
  const ec2 = deps.clients.ec2(deps.homeRegion, credentials);
  try {
    const out = await paced(deps, target.account, 'ec2:DescribeRegions', () =>
      ec2.send(new DescribeRegionsCommand({ AllRegions: false }), deps.signal ? { abortSignal: deps.signal } : {}),
    );
    const regions = (out.Regions ?? [])
      .filter((r) => r.RegionName && r.OptInStatus !== 'not-opted-in')
      .map((r) => r.RegionName!)
      .sort();
    return { kind: 'found', regions };
  } catch (err) {
    if (deps.signal?.aborted) throw err;
    return failed('ec2:DescribeRegions', err);
  } finally {
    ec2.destroy();
  }
}
