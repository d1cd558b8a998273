/**
 * The Azure SDK clients, created per subscription and loaded on first use only: a normalize-only run (`--snapshot`,
 * `--demo`) or another provider's audit never loads them. Every client gets the same endpoint and the scope that
 * follows it (the SDKs would otherwise ask for the public cloud's audience), and no retries of its own.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { NetworkManagementClient } from '@azure/arm-network';
import type { ComputeManagementClient } from '@azure/arm-compute';
import type { MonitorClient } from '@azure/arm-monitor';
import type { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { MetricsClient } from '@azure/monitor-query-metrics';
import { CredentialsError } from '../../../src/errors.js';
import type { AzureSettings } from '../options.js';

export interface AzureSdk {
  NetworkManagementClient: typeof NetworkManagementClient;
  ComputeManagementClient: typeof ComputeManagementClient;
  MonitorClient: typeof MonitorClient;
  SubscriptionClient: typeof SubscriptionClient;
}

export async function loadAzureSdk(): Promise<AzureSdk> {
  const [network, compute, monitor, subscriptions] = await Promise.all([
    import('@azure/arm-network'),
    import('@azure/arm-compute'),
    import('@azure/arm-monitor'),
    import('@azure/arm-resources-subscriptions'),
  ]);
  return {
    NetworkManagementClient: network.NetworkManagementClient,
    ComputeManagementClient: compute.ComputeManagementClient,
    MonitorClient: monitor.MonitorClient,
    SubscriptionClient: subscriptions.SubscriptionClient,
  };
}

/** The part of the metrics batch client the collector calls. */
export type MetricsBatchClient = Pick<MetricsClient, 'queryResources'>;

export interface SubscriptionClients {
  network: NetworkManagementClient;
  compute: ComputeManagementClient;
  monitor: MonitorClient;
  /** The metrics batch client for a location; absent when the batch API is not used (see AzureSettings.metricsBatch). */
  metricsBatch?: (location: string) => Promise<MetricsBatchClient>;
}

export interface AzureClientFactory {
  subscriptions(): SubscriptionClient;
  forSubscription(subscriptionId: string): SubscriptionClients;
}

/**
 * Metrics batch clients, one per data-plane endpoint, with the data plane's own token scope. The package is loaded on
 * the first batch call only.
 */
function metricsBatchClients(credential: TokenCredential, batch: NonNullable<AzureSettings['metricsBatch']>): (location: string) => Promise<MetricsBatchClient> {
  const clients = new Map<string, Promise<MetricsBatchClient>>();
  return (location) => {
    const endpoint = batch.endpointFor(location);
    let client = clients.get(endpoint);
    if (!client) {
      client = import('@azure/monitor-query-metrics').then(
        ({ MetricsClient }) =>
          new MetricsClient(endpoint, credential, {
            credentials: { scopes: [batch.scope] },
            retryOptions: { maxRetries: 0 },
            userAgentOptions: { userAgentPrefix: 'cloud502' },
          }),
      );
      clients.set(endpoint, client);
    }
    return client;
  };
}

export function createClientFactory(sdk: AzureSdk, credential: TokenCredential, settings: Pick<AzureSettings, 'endpoint' | 'scope' | 'metricsBatch'>): AzureClientFactory {
  const options = {
    endpoint: settings.endpoint,
    credentials: { scopes: [settings.scope] },
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: 'cloud502' },
  };
  const metricsBatch = settings.metricsBatch ? metricsBatchClients(credential, settings.metricsBatch) : undefined;
  return {
    subscriptions: () => new sdk.SubscriptionClient(credential, options),
    forSubscription: (subscriptionId) => ({
      network: new sdk.NetworkManagementClient(credential, subscriptionId, options),
      compute: new sdk.ComputeManagementClient(credential, subscriptionId, options),
      monitor: new sdk.MonitorClient(credential, subscriptionId, options),
      ...(metricsBatch ? { metricsBatch } : {}),
    }),
  };
}

/**
 * `DefaultAzureCredential` from @azure/identity: environment, workload identity, managed identity, Azure CLI,
 * PowerShell, azd; `AZURE_TOKEN_CREDENTIALS` (`dev`, `prod` or one credential's name) narrows the chain.
 * @throws CredentialsError for an invalid AZURE_TOKEN_CREDENTIALS value.
 */
export async function createDefaultCredential(settings: Pick<AzureSettings, 'authorityHost'>): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  try {
    return new DefaultAzureCredential({ authorityHost: settings.authorityHost });
  } catch (err) {
    throw new CredentialsError(`cannot set up Azure credentials: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
  }
}

/**
 * One token per scope for the whole run: every client's bearer policy asks for its own, and a CLI credential runs
 * `az` for each. Refreshed five minutes before it expires.
 */
export function sharedTokenCredential(credential: TokenCredential): TokenCredential {
  const tokens = new Map<string, Promise<AccessToken | null>>();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const key = ([] as string[]).concat(scopes).join(' ');
      const cached = tokens.get(key);
      const fresh = async (): Promise<AccessToken | null> => {
        const token = await credential.getToken(scopes, options);
        return token;
      };
      const next = (cached ?? Promise.resolve(null)).then(
        (token) => (token && token.expiresOnTimestamp - Date.now() > 300_000 ? token : fresh()),
        () => fresh(),
      );
      tokens.set(key, next);
      // A failure must not stick: the next caller asks again.
      next.catch(() => tokens.delete(key));
      return next;
    },
  };
}
