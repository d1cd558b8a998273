/**
 * The SDK clients of the organization functions, built on first use and reused by every invocation of a sandbox.
 * Tests pass their own (instrumented) factory; an endpoint override points every client at an emulator.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { partitionOf } from '../../../providers/aws/arns.js';
import { lazyClients } from '../clients.js';

export interface OrgClients {
  s3(): S3Client;
  sns(): SNSClient;
  organizations(): OrganizationsClient;
  /** STS with the function's own credentials, in the home region. */
  sts(): STSClient;
  /** A new EC2 client of an assumed role; the caller destroys it. */
  ec2(region: string, credentials: AwsCredentialIdentity): EC2Client;
}

export interface OrgClientSettings {
  endpointUrl?: string;
  topicArn?: string;
  /** Region of STS (and Organizations' signing region when it is not global-resolved). */
  homeRegion?: string;
}

/** Attempts per call, the first included; adaptive retry absorbs the throttling other callers cause. */
const MAX_ATTEMPTS = 6;

/** Organizations is a global service with one endpoint region per partition. */
export function organizationsRegion(homeRegion: string): string {
  const partition = partitionOf(homeRegion);
  if (partition === 'aws') return 'us-east-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  if (partition === 'aws-cn') return 'cn-northwest-1';
  return homeRegion;
}

export function lazyOrgClients(settings: OrgClientSettings): OrgClients {
  const base = lazyClients({
    ...(settings.endpointUrl !== undefined ? { endpointUrl: settings.endpointUrl } : {}),
    ...(settings.topicArn !== undefined ? { topicArn: settings.topicArn } : {}),
  });
  const common = {
    ...(settings.endpointUrl !== undefined ? { endpoint: settings.endpointUrl } : {}),
    retryMode: 'adaptive',
    maxAttempts: MAX_ATTEMPTS,
  };
  let organizations: OrganizationsClient | undefined;
  let sts: STSClient | undefined;
  return {
    s3: () => base.s3(),
    sns: () => base.sns(),
    organizations() {
      organizations ??= new OrganizationsClient({ ...common, region: organizationsRegion(settings.homeRegion ?? 'us-east-1') });
      return organizations;
    },
    sts() {
      sts ??= new STSClient({ ...common, ...(settings.homeRegion !== undefined ? { region: settings.homeRegion } : {}) });
      return sts;
    },
    ec2: (region, credentials) => new EC2Client({ ...common, region, credentials }),
  };
}
