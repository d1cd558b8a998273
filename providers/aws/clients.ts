/**
 * AWS SDK clients for the collect layer. Every SDK module is loaded here with `await import(...)`, so that
 * importing cloud502 (e.g. for `--help`) never loads an AWS SDK; the rest of providers/aws only imports types.
 */
import type * as Elbv2Sdk from '@aws-sdk/client-elastic-load-balancing-v2';
import type * as ElbSdk from '@aws-sdk/client-elastic-load-balancing';
import type * as Ec2Sdk from '@aws-sdk/client-ec2';
import type * as CloudWatchSdk from '@aws-sdk/client-cloudwatch';
import type * as AcmSdk from '@aws-sdk/client-acm';
import type * as StsSdk from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { DEFAULT_RETRY_POLICY } from './retry.js';

/** The SDK modules, loaded once. Commands are taken from here so they match the clients' module instances. */
export interface AwsSdk {
  elbv2: typeof Elbv2Sdk;
  elb: typeof ElbSdk;
  ec2: typeof Ec2Sdk;
  cloudwatch: typeof CloudWatchSdk;
  acm: typeof AcmSdk;
  sts: typeof StsSdk;
}

let sdkPromise: Promise<AwsSdk> | undefined;

export function loadAwsSdk(): Promise<AwsSdk> {
  sdkPromise ??= (async () => {
    const [elbv2, elb, ec2, cloudwatch, acm, sts] = await Promise.all([
      import('@aws-sdk/client-elastic-load-balancing-v2'),
      import('@aws-sdk/client-elastic-load-balancing'),
      import('@aws-sdk/client-ec2'),
      import('@aws-sdk/client-cloudwatch'),
      import('@aws-sdk/client-acm'),
      import('@aws-sdk/client-sts'),
    ]);
    return { elbv2, elb, ec2, cloudwatch, acm, sts };
  })().catch((err: unknown) => {
    sdkPromise = undefined;
    throw err;
  });
  return sdkPromise;
}

/** The clients of one region. */
export interface AwsRegionClients {
  elbv2: Elbv2Sdk.ElasticLoadBalancingV2Client;
  elb: ElbSdk.ElasticLoadBalancingClient;
  ec2: Ec2Sdk.EC2Client;
  cloudwatch: CloudWatchSdk.CloudWatchClient;
  acm: AcmSdk.ACMClient;
  sts: StsSdk.STSClient;
}

/** The credentials of one audited account other than the caller's (an assumed role). */
export interface AwsAccountCredentials {
  /** Identifies the account's clients in the pool, e.g. the role ARN. */
  key: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/**
 * Gives the clients of a region, with the caller's credentials or, when `account` is given, with that account's;
 * what `collectAwsWithClients` takes, so tests can inject their own.
 */
export type AwsClientProvider = (region: string, account?: AwsAccountCredentials) => AwsRegionClients;

export interface AwsClientPool {
  forRegion: AwsClientProvider;
  /** Closes every client and socket the pool created. */
  destroy(): void;
}

export interface AwsClientSettings {
  /** Named profile; SSO and assume-role profiles resolve through `fromNodeProviderChain`. */
  profile?: string;
  /** Explicit endpoint for every service. Without it the SDK still honours AWS_ENDPOINT_URL(_<SERVICE>). */
  endpointUrl?: string;
  /** Upper bound of concurrent calls; sizes the socket pool. */
  concurrency?: number;
  connectTimeoutMs?: number;
  /** Socket inactivity bound of one attempt; cloud502's own per-attempt timeout (providers/aws/retry.ts) applies too. */
  requestTimeoutMs?: number;
}

/**
 * Builds clients lazily per account and region. The caller's clients share one credential provider (an SSO or
 * assume-role profile resolves once); every client of every account shares one HTTP handler (one socket pool)
 * with bounded connect/request timeouts.
 */
export async function createAwsClientPool(settings: AwsClientSettings = {}): Promise<AwsClientPool> {
  const sdk = await loadAwsSdk();
  const [{ fromNodeProviderChain }, { NodeHttpHandler }] = await Promise.all([
    import('@aws-sdk/credential-providers'),
    import('@smithy/node-http-handler'),
  ]);
  // A silent logger: with --profile, the SDK would otherwise print a multi-line console warning when
  // AWS_ACCESS_KEY_ID is also set, although using the profile the user named is the intended behaviour.
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const credentials = fromNodeProviderChain({ ...(settings.profile ? { profile: settings.profile } : {}), logger: quiet });
  const maxSockets = Math.max(50, settings.concurrency ?? 0);
  const requestHandler = new NodeHttpHandler({
    connectionTimeout: settings.connectTimeoutMs ?? 5_000,
    requestTimeout: settings.requestTimeoutMs ?? DEFAULT_RETRY_POLICY.attemptTimeoutMs,
    // Without this a request timeout is only a console warning.
    throwOnRequestTimeout: true,
    httpAgent: { keepAlive: true, maxSockets },
    httpsAgent: { keepAlive: true, maxSockets },
  });
  const common = {
    credentials,
    requestHandler,
    // One attempt per send: cloud502 retries itself (collect/context.ts `call`), by time budget and per-API rate, and
    // the SDK's adaptive mode would add a per-client rate limiter that slows every API of a service for one's throttling.
    retryMode: 'standard',
    maxAttempts: 1,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
  };
  const byRegion = new Map<string, AwsRegionClients>();
  const forRegion: AwsClientProvider = (region, account) => {
    const key = `${account?.key ?? ''}|${region}`;
    let clients = byRegion.get(key);
    if (!clients) {
      const config = { ...common, ...(account ? { credentials: account.credentials } : {}), region };
      clients = {
        elbv2: new sdk.elbv2.ElasticLoadBalancingV2Client(config),
        elb: new sdk.elb.ElasticLoadBalancingClient(config),
        ec2: new sdk.ec2.EC2Client(config),
        cloudwatch: new sdk.cloudwatch.CloudWatchClient(config),
        acm: new sdk.acm.ACMClient(config),
        sts: new sdk.sts.STSClient(config),
      };
      byRegion.set(key, clients);
    }
    return clients;
  };
  return {
    forRegion,
    destroy() {
      for (const clients of byRegion.values()) for (const client of Object.values(clients)) client.destroy();
      byRegion.clear();
      requestHandler.destroy();
    },
  };
}
