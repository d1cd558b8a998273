/**
 * Parsing of the Google Cloud options and endpoint settings. Pure, no SDK: the descriptor and the collector share it.
 */
import { ConfigError } from '../../src/errors.js';
import type { ProviderOptionValues } from '../../src/provider.js';

/**
 * Project ids: 6–30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen;
 * legacy domain-scoped ids carry a `domain:` prefix. https://cloud.google.com/resource-manager/docs/creating-managing-projects
 */
const PROJECT_ID = /^(?:[a-z][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;

/** Shows a user's value in a message without letting control characters through. */
function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

export function parseProjectId(value: string): string {
  const v = value.trim();
  if (!PROJECT_ID.test(v)) throw new Error(`${shown(value)} is not a Google Cloud project id (6-30 lowercase letters, digits or hyphens, starting with a letter)`);
  return v;
}

export function parseRegionName(value: string): string {
  const v = value.trim();
  if (!REGION.test(v)) throw new Error(`${shown(value)} is not a Google Cloud region name (e.g. us-central1, europe-west4)`);
  return v;
}

function listOf(value: ProviderOptionValues[string]): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** `--project` values, validated; empty = the ADC project. */
export function projectsOf(options: ProviderOptionValues): string[] {
  return [...new Set(listOf(options.project).map((p) => wrap(() => parseProjectId(p))))];
}

/** `--region` values, validated; empty = every region. */
export function regionsOf(options: ProviderOptionValues): string[] {
  return [...new Set(listOf(options.region).map((r) => wrap(() => parseRegionName(r))))];
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** Where one Google API is served: the SDK's `apiEndpoint` + `port` + `protocol` (the client needs all three). */
export interface ApiEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
  /** For messages: the URL as the user gave it, or its source. */
  label: string;
}

export interface GcpEndpoints {
  compute?: ApiEndpoint;
  monitoring?: ApiEndpoint;
  /** `GOOGLE_CLOUD_UNIVERSE_DOMAIN`: the clients then derive their hosts from it. */
  universeDomain?: string;
}

/**
 * Parses a base URL. Only scheme, host and port are used: the Google clients build the path themselves
 * (`/compute/v1/...`, `/v3/...`), so the path of a gcloud override (`https://compute-x.p.googleapis.com/compute/v1/`)
 * is ignored.
 */
export function parseEndpointUrl(value: string, source: string): ApiEndpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${source} ${shown(value)} is not a URL (expected e.g. https://compute.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${source} ${shown(value)} must be an http:// or https:// URL`);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { host, port, protocol, label: `${source} ${url.origin}` };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Empty variables count as unset (an exported but empty override must not become "Invalid URL"). */
function envValue(env: Env, key: string): string | undefined {
  const v = env[key]?.trim();
  return v ? v : undefined;
}

/**
 * Endpoints in order of precedence: `--endpoint-url` (one base URL for Compute and Monitoring), gcloud's
 * `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE` / `_MONITORING` (Private Service Connect), then the client libraries'
 * `GOOGLE_CLOUD_UNIVERSE_DOMAIN`.
 */
export function resolveEndpoints(endpointUrl: string | undefined, env: Env): GcpEndpoints {
  if (endpointUrl) {
    const both = parseEndpointUrl(endpointUrl, '--endpoint-url');
    return { compute: both, monitoring: both };
  }
  const compute = envValue(env, 'CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE');
  const monitoring = envValue(env, 'CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING');
  const universeDomain = envValue(env, 'GOOGLE_CLOUD_UNIVERSE_DOMAIN');
  return {
    ...(compute ? { compute: parseEndpointUrl(compute, 'CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE') } : {}),
    ...(monitoring ? { monitoring: parseEndpointUrl(monitoring, 'CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING') } : {}),
    ...(universeDomain ? { universeDomain } : {}),
  };
}
