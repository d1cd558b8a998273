/**
 * The Azure provider's options: parsers for the CLI flags (each throws one line) and their resolution, with the
 * ecosystem's environment variables, into the settings a collection runs with. Imports no SDK.
 */
import { ConfigError } from '../../src/errors.js';
import type { CollectOptions } from '../../src/provider.js';
import type { AzureCloud } from './clouds.js';
import { AZURE_CLOUDS, parseAzureCloud, scopeForEndpoint } from './clouds.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A subscription id is a GUID; lower-cased so that ids compare equal. */
export function parseSubscriptionId(value: string): string {
  const v = value.trim();
  if (!GUID.test(v)) throw new Error(`"${value}" is not an Azure subscription id (expected a GUID such as 00000000-0000-0000-0000-000000000000)`);
  return v.toLowerCase();
}

/** Resource group names: 1–90 letters, digits, `_ - . ( )`, not ending with a period. */
export function parseResourceGroup(value: string): string {
  const v = value.trim();
  if (!/^[\p{L}\p{N}_\-.()]{1,90}$/u.test(v) || v.endsWith('.')) {
    throw new Error(`"${value}" is not a resource group name (1-90 letters, digits, _ - . ( ), not ending with a period)`);
  }
  return v;
}

/** `West Europe` or `westeurope` → `westeurope`. */
export function parseLocation(value: string): string {
  const v = value.trim().toLowerCase().replace(/\s+/g, '');
  if (!/^[a-z0-9]{2,40}$/.test(v)) throw new Error(`"${value}" is not an Azure location (e.g. westeurope, eastus2)`);
  return v;
}

export { parseAzureCloud };

export interface AzureSettings {
  cloud: AzureCloud;
  /** Resource Manager (and Azure Monitor's ARM metrics) endpoint, without a trailing slash. */
  endpoint: string;
  /** True when `--endpoint-url` or AZURE_RESOURCE_MANAGER_ENDPOINT chose the endpoint. */
  endpointOverridden: boolean;
  /** The token scope: follows the endpoint. */
  scope: string;
  authorityHost: string;
  /**
   * The Azure Monitor metrics batch API (`metrics:getBatch`): the regional data-plane endpoint for a location and its
   * token scope. Undefined when the batch API is not used: Resource Manager was pointed elsewhere
   * (`--endpoint-url`, AZURE_RESOURCE_MANAGER_ENDPOINT) without a metrics endpoint to go with it, so metrics are read
   * per resource through that endpoint instead of from a public-cloud host.
   */
  metricsBatch?: { endpointFor(location: string): string; scope: string; overridden: boolean };
  /** Explicit subscriptions (flag, else AZURE_SUBSCRIPTION_ID); undefined = every subscription the identity can list. */
  subscriptions?: string[];
  resourceGroup?: string;
  location?: string;
}

/** Unset, or set to the empty string: both mean "not set" (an empty endpoint would make the SDK throw "Invalid URL"). */
function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function configured<T>(parse: (v: string) => T, value: string, what: string): T {
  try {
    return parse(value);
  } catch (err) {
    throw new ConfigError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Resolves the options and environment into settings.
 * @throws ConfigError with one line for a bad subscription id, resource group, location, cloud or endpoint.
 */
export function resolveAzureSettings(options: CollectOptions, env: Readonly<Record<string, string | undefined>>): AzureSettings {
  const p = options.providerOptions;
  const cloudName = typeof p.azureCloud === 'string' ? configured(parseAzureCloud, p.azureCloud, '--azure-cloud') : 'AzureCloud';
  const cloud = AZURE_CLOUDS[cloudName];
  const override = options.endpointUrl?.trim() || envValue(env, 'AZURE_RESOURCE_MANAGER_ENDPOINT');
  const endpointText = override ?? cloud.resourceManager;
  let url: URL;
  try {
    url = new URL(endpointText);
  } catch {
    throw new ConfigError(`Azure Resource Manager endpoint "${endpointText}" is not a URL`);
  }
  if (url.protocol !== 'https:') {
    throw new ConfigError(`Azure Resource Manager endpoint "${endpointText}" must use https: the Azure SDK sends tokens only over TLS`);
  }
  const endpoint = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const metricsOverride = (typeof p.azureMetricsEndpoint === 'string' ? p.azureMetricsEndpoint.trim() : undefined) || envValue(env, 'AZURE_MONITOR_METRICS_ENDPOINT');
  const flagged = asList(p.subscription).map((s) => configured(parseSubscriptionId, s, '--subscription'));
  const fromEnv = envValue(env, 'AZURE_SUBSCRIPTION_ID');
  const subscriptions = flagged.length > 0 ? [...new Set(flagged)] : fromEnv ? [configured(parseSubscriptionId, fromEnv, 'AZURE_SUBSCRIPTION_ID')] : undefined;
  const resourceGroup = typeof p.resourceGroup === 'string' ? configured(parseResourceGroup, p.resourceGroup, '--resource-group') : undefined;
  const location = typeof p.location === 'string' ? configured(parseLocation, p.location, '--location') : undefined;
  const metricsBatch = metricsBatchSettings(cloud, metricsOverride, override !== undefined);
  return {
    cloud,
    endpoint,
    endpointOverridden: override !== undefined,
    ...(metricsBatch ? { metricsBatch } : {}),
    scope: scopeForEndpoint(endpoint),
    authorityHost: envValue(env, 'AZURE_AUTHORITY_HOST') ?? cloud.authorityHost,
    ...(subscriptions ? { subscriptions } : {}),
    ...(resourceGroup ? { resourceGroup } : {}),
    ...(location ? { location } : {}),
  };
}

/**
 * Where the metrics batch calls go. An explicit endpoint (`--azure-metrics-endpoint`, AZURE_MONITOR_METRICS_ENDPOINT)
 * serves every location, and the token scope follows it as the Resource Manager scope follows `--endpoint-url`;
 * otherwise the cloud's regional host.
 * @throws ConfigError for an endpoint that is not an https URL.
 */
function metricsBatchSettings(cloud: AzureCloud, override: string | undefined, armOverridden: boolean): AzureSettings['metricsBatch'] {
  if (override === undefined) {
    if (armOverridden) return undefined;
    return { endpointFor: (location) => `https://${location}.${cloud.metricsHost}`, scope: `https://${cloud.metricsHost}/.default`, overridden: false };
  }
  let url: URL;
  try {
    url = new URL(override);
  } catch {
    throw new ConfigError(`Azure Monitor metrics endpoint "${override}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new ConfigError(`Azure Monitor metrics endpoint "${override}" must use https: the Azure SDK sends tokens only over TLS`);
  const endpoint = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return { endpointFor: () => endpoint, scope: scopeForEndpoint(endpoint), overridden: true };
}

/** `--azure-metrics-endpoint`: one line for anything but an https URL. */
export function parseMetricsEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`"${value}" is not a URL (expected e.g. https://westeurope.metrics.monitor.azure.com)`);
  }
  if (url.protocol !== 'https:') throw new Error(`"${value}" must use https: the Azure SDK sends tokens only over TLS`);
  return value.trim();
}
