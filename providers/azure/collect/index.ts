/**
 * The Azure collect layer: every SDK call of an audit, for every subscription (the ones asked for, else
 * AZURE_SUBSCRIPTION_ID, else every subscription the identity can list), under ONE global concurrency limit and ONE
 * throttling budget. A subscription that fails (no access, does not exist) is recorded and the run goes on; only when
 * every subscription fails that way does the run throw. The result is the raw snapshot after a JSON round trip, so a
 * live audit and a replayed snapshot are identical.
 */
import type { TokenCredential } from '@azure/core-auth';
import pLimit from 'p-limit';
import { CollectionError, ConfigError } from '../../../src/errors.js';
import type { CollectOptions } from '../../../src/provider.js';
import { toolVersion } from '../../../src/version.js';
import { AZURE_API } from '../apis.js';
import { credentialsError } from '../errors.js';
import type { AzureSettings } from '../options.js';
import { resolveAzureSettings } from '../options.js';
import type { AzureCollectionError, AzureRawSnapshot, Jsonified } from '../raw.js';
import { emptyAzureSubscription } from '../raw.js';
import type { AzureClientFactory } from './clients.js';
import { createClientFactory, createDefaultCredential, loadAzureSdk, sharedTokenCredential } from './clients.js';
import type { CallContext, Sleep } from './context.js';
import { listAll, realSleep, ScopeFailure, ThrottleBudget } from './context.js';
import { Progress } from '../../../src/collect-progress.js';
import { collectBackendHealth, collectRuleHealth } from './health.js';
import { collectMetrics } from './metrics.js';
import { listAudited, listScaleSets, listSupporting } from './resources.js';

export const DEFAULT_CONCURRENCY = 8;

/** What a caller may inject; every default is the real thing. */
export interface AzureCollectDeps {
  /** The credential; by default `DefaultAzureCredential` for the settings' authority. */
  credential?: TokenCredential;
  /** The SDK clients; by default real clients for the settings' endpoint and scope. */
  clientFactory?: AzureClientFactory;
  sleep?: Sleep;
  /** Total time spent waiting out throttling across the run (default 120 s). */
  throttleBudgetMs?: number;
  /** Longest single Retry-After honoured (default 60 s). */
  maxThrottleWaitMs?: number;
  /** Deadline of one long-running health call (default 120 s). */
  lroTimeoutMs?: number;
  lroPollIntervalMs?: number;
}

function concurrencyOf(options: CollectOptions): number {
  const value = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`concurrency must be a whole number of at least 1, got ${value}`);
  return value;
}

/** Dates become ISO strings, undefined fields disappear: exactly what a saved snapshot reads back as. */
function jsonify<T>(value: T): Jsonified<T> {
  return JSON.parse(JSON.stringify(value)) as Jsonified<T>;
}

/** Asks for a token once, before any call, so missing or expired credentials are one line, not one error per call. */
async function probeToken(credential: TokenCredential, scope: string, signal: AbortSignal | undefined): Promise<void> {
  try {
    const token = await credential.getToken(scope, signal ? { abortSignal: signal } : {});
    if (!token) throw Object.assign(new Error('the credential returned no token'), { name: 'CredentialUnavailableError' });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw credentialsError(err);
  }
}

/**
 * Collects every subscription with real SDK clients built from the settings (endpoint, cloud, credential chain).
 * @throws ConfigError for a bad subscription id, resource group, location, cloud or endpoint; CredentialsError when no
 *   credential works; CollectionError when Resource Manager cannot be reached or no subscription can be audited.
 * @example const raw = await collectAzure({ providerOptions: { subscription: ['…'] }, metricsWindowSeconds: 3600, now: new Date() });
 */
export async function collectAzure(options: CollectOptions, deps: AzureCollectDeps = {}): Promise<AzureRawSnapshot> {
  const settings = resolveAzureSettings(options, options.env ?? process.env);
  const limit = pLimit(concurrencyOf(options));
  const sleep = deps.sleep ?? realSleep;
  const budget = new ThrottleBudget(deps.throttleBudgetMs ?? 120_000, deps.maxThrottleWaitMs ?? 60_000, sleep);
  let factory = deps.clientFactory;
  if (!factory) {
    const credential = sharedTokenCredential(deps.credential ?? (await createDefaultCredential(settings)));
    await probeToken(credential, settings.scope, options.signal);
    factory = createClientFactory(await loadAzureSdk(), credential, settings);
  }
  const contextFor = (subscriptionId: string, signal: AbortSignal | undefined = options.signal): CallContext => ({
    subscriptionId,
    limit,
    budget,
    sleep,
    errors: [],
    ...(signal ? { signal } : {}),
    progress: new Progress(options.progress, subscriptionId),
    endpoint: settings.endpoint,
    endpointOverridden: settings.endpointOverridden,
  });

  const topErrors: AzureCollectionError[] = [];
  const targets: Array<{ id: string; name?: string }> = settings.subscriptions
    ? settings.subscriptions.map((id) => ({ id }))
    : await listSubscriptions(contextFor('*'), factory, topErrors);
  const outcomes = await Promise.all(
    targets.map((t) => {
      // Aborted when the subscription fails as a whole, so its other calls stop instead of failing one by one.
      const stop = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
      return collectSubscription(contextFor(t.id, signal), factory, settings, options, deps, t.name, stop);
    }),
  );
  const fatal = outcomes.map((o) => ('fatal' in o ? o.fatal : undefined));
  if (fatal.length > 0 && fatal.every((f) => f !== undefined)) throw fatal[0]!.error;

  const live = {
    format: 'cloud502-raw-snapshot' as const,
    schemaVersion: 1 as const,
    provider: 'azure' as const,
    tool: { name: 'cloud502' as const, version: toolVersion() },
    collectedAt: options.now.toISOString(),
    options: {
      cloud: settings.cloud.name,
      subscriptions: targets.map((t) => t.id),
      ...(settings.resourceGroup ? { resourceGroup: settings.resourceGroup } : {}),
      ...(settings.location ? { location: settings.location } : {}),
      ...(settings.endpointOverridden ? { endpointUrl: settings.endpoint } : {}),
      metricsWindowSeconds: options.metricsWindowSeconds,
    },
    subscriptions: outcomes.map((o) => o.snapshot),
    errors: topErrors,
  };
  // Assigning without a cast lets the compiler check the live SDK shapes against the raw contract.
  const raw: AzureRawSnapshot = jsonify(live);
  return raw;
}

/** Every enabled subscription the identity can see; none is a usage problem, not an empty audit. */
async function listSubscriptions(ctx: CallContext, factory: AzureClientFactory, topErrors: AzureCollectionError[]): Promise<Array<{ id: string; name?: string }>> {
  const client = factory.subscriptions();
  let listed;
  try {
    listed = await listAll(ctx, AZURE_API.listSubscriptions, (o) => client.subscriptions.list(o), { fatal: true });
  } catch (err) {
    throw err instanceof ScopeFailure ? err.error : err;
  }
  topErrors.push(...ctx.errors);
  if (listed === undefined) {
    const first = ctx.errors[0];
    throw new CollectionError(`cannot list the Azure subscriptions of these credentials (${first?.code ?? 'error'}: ${first?.message ?? ''}); pass --subscription ID`);
  }
  const usable = listed.filter((s) => s.subscriptionId && !/^(disabled|deleted)$/i.test(s.state ?? ''));
  if (usable.length === 0) throw new CollectionError('no enabled Azure subscription is visible to these credentials; pass --subscription ID or check "az account list"');
  return usable.map((s) => ({ id: (s.subscriptionId as string).toLowerCase(), ...(s.displayName ? { name: s.displayName } : {}) }));
}

async function collectSubscription(
  ctx: CallContext,
  factory: AzureClientFactory,
  settings: AzureSettings,
  options: CollectOptions,
  deps: AzureCollectDeps,
  displayName: string | undefined,
  stop: AbortController,
) {
  const id = ctx.subscriptionId;
  const base = { ...emptyAzureSubscription(id, ctx.errors), ...(displayName ? { displayName } : {}) };
  const clients = factory.forSubscription(id);
  try {
    const audited = await listAudited(ctx, clients, settings);
    const applicationGateways = audited.applicationGateways ?? [];
    const loadBalancers = audited.loadBalancers ?? [];
    // Nothing to audit: the supporting resources would answer no question.
    if (applicationGateways.length === 0 && loadBalancers.length === 0) return { snapshot: base };
    const timing = { timeoutMs: deps.lroTimeoutMs ?? 120_000, ...(deps.lroPollIntervalMs !== undefined ? { pollIntervalMs: deps.lroPollIntervalMs } : {}) };
    const [supporting, scaleSets, backendHealth, ruleHealth, monitor] = await Promise.all([
      listSupporting(ctx, clients),
      listScaleSets(ctx, clients, audited),
      collectBackendHealth(ctx, clients, audited, timing),
      collectRuleHealth(ctx, clients, audited, timing),
      collectMetrics(ctx, clients, audited, options.now, options.metricsWindowSeconds),
    ]);
    const snapshot = {
      ...base,
      network: {
        applicationGateways,
        loadBalancers,
        networkSecurityGroups: supporting.networkSecurityGroups ?? [],
        networkInterfaces: [...(supporting.networkInterfaces ?? []), ...scaleSets.nics],
        virtualNetworks: supporting.virtualNetworks ?? [],
        routeTables: supporting.routeTables ?? [],
        publicIpAddresses: supporting.publicIpAddresses ?? [],
      },
      compute: {
        virtualMachines: supporting.virtualMachines ?? [],
        virtualMachineStatuses: supporting.virtualMachineStatuses ?? [],
        scaleSets: supporting.scaleSets ?? [],
        scaleSetVms: scaleSets.instances,
      },
      health: { applicationGateways: backendHealth, loadBalancerRules: ruleHealth },
      monitor,
      errors: ctx.errors,
    };
    return { snapshot };
  } catch (err) {
    if (!(err instanceof ScopeFailure) || options.signal?.aborted) throw err;
    stop.abort(err);
    return { snapshot: { ...emptyAzureSubscription(id, [...ctx.errors, err.record]), ...(displayName ? { displayName } : {}) }, fatal: err };
  }
}
