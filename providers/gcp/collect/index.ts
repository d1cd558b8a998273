/**
 * The Google Cloud collect layer: credentials resolved once, one set of Compute and Monitoring clients for the run,
 * every project collected under ONE concurrency limit, with a pacer per project and API and throttling retried at
 * the transport. A project that fails (no permission, does not exist) is recorded as errors of that project and the
 * run goes on; only an API that cannot be reached at all stops the run. The result is the raw snapshot after a
 * JSON round trip, so a live audit and a replayed snapshot are identical.
 */
import pLimit from 'p-limit';
import { CollectionError, ConfigError } from '../../../src/errors.js';
import type { ApiRateLimit, CollectOptions } from '../../../src/provider.js';
import { toolVersion } from '../../../src/version.js';
import type { GcpEndpoints } from '../options.js';
import { projectsOf, regionsOf, resolveEndpoints } from '../options.js';
import type { GcpRawSnapshot } from '../raw.js';
import { emptyGcpProject } from '../raw.js';
import { resolveAuth } from './auth.js';
import type { ComputeClients, GoogleClientOptions } from './compute.js';
import { closeComputeClients, collectCompute, createComputeClients } from './compute.js';
import type { CollectContext, RunState } from './context.js';
import { DEADLINE_EXCEEDED, DEFAULT_RATE, Pacer } from './context.js';
import { DEADLINE_API } from '../../../src/engine/coverage-verdict.js';
import type { MonitoringClient } from './monitoring.js';
import { collectMonitoring } from './monitoring.js';
import type { GcpSdk } from './sdk.js';
import { loadGcpSdk } from './sdk.js';
import type { ThrottleOptions, ThrottleStats } from './throttle.js';
import { DEFAULT_THROTTLE, installThrottleRetry } from './throttle.js';

export const DEFAULT_CONCURRENCY = 8;

type AuthClient = InstanceType<GcpSdk['auth']['AuthClient']>;

/** What a caller may inject (wire tests): an auth client instead of ADC, and the throttling budget. */
export interface GcpCollectDeps {
  authClient?: AuthClient;
  /** The project to use when no --project is given and the auth client names none. */
  defaultProject?: string;
  throttle?: ThrottleOptions;
  /** Receives the run's throttling statistics. */
  onThrottleStats?: (stats: ThrottleStats) => void;
}

function concurrencyOf(options: CollectOptions): number {
  const value = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`concurrency must be a whole number of at least 1, got ${value}`);
  return value;
}

function rateOf(options: CollectOptions, api: 'compute' | 'monitoring'): ApiRateLimit {
  return options.rateLimits?.[api] ?? options.rateLimits?.['*'] ?? DEFAULT_RATE;
}

/** SDK client options: the shared auth client, REST transport, and the endpoint when overridden. */
function clientOptions(authClient: AuthClient, endpoint: GcpEndpoints['compute'], universeDomain: string | undefined): GoogleClientOptions {
  return {
    authClient,
    fallback: true,
    ...(endpoint ? { apiEndpoint: endpoint.host, port: endpoint.port, protocol: endpoint.protocol } : {}),
    ...(universeDomain && !endpoint ? { universeDomain } : {}),
  };
}

/** The project-level entry saying that its collection stopped at the audit deadline (the coverage verdict reads it). */
function deadlineRecord(project: string): GcpRawSnapshot['projects'][number]['errors'][number] {
  return {
    api: DEADLINE_API,
    permission: '',
    project,
    location: 'global',
    code: DEADLINE_EXCEEDED,
    message: `collection of project ${project} stopped at the audit deadline; what was not collected by then is listed as ${DEADLINE_EXCEEDED}`,
  };
}

function endpointLabel(endpoints: GcpEndpoints): string {
  const e = endpoints.compute ?? endpoints.monitoring;
  if (e) return ` (${e.label})`;
  return endpoints.universeDomain ? ` (universe ${endpoints.universeDomain})` : '';
}

/**
 * Collects every project (`--project`, or the credentials' project) with the real Google clients.
 * @throws ConfigError for a bad project id, region or endpoint, or no project at all; CredentialsError when no
 *   credentials work; CollectionError when the API cannot be reached.
 * @example const raw = await collectGcp({ providerOptions: { project: ['shop-prod'] }, metricsWindowSeconds: 3600, now: new Date() });
 */
export async function collectGcp(options: CollectOptions, deps: GcpCollectDeps = {}): Promise<GcpRawSnapshot> {
  const env = options.env ?? process.env;
  const endpoints = resolveEndpoints(options.endpointUrl, env);
  const requested = projectsOf(options.providerOptions);
  const regions = regionsOf(options.providerOptions);
  const concurrency = concurrencyOf(options);
  const sdk = await loadGcpSdk();
  const auth = deps.authClient ? { client: deps.authClient } : await resolveAuth(sdk, endpoints.universeDomain);
  const adcProject = env.GOOGLE_CLOUD_PROJECT?.trim() || ('projectId' in auth ? auth.projectId : undefined) || deps.defaultProject;
  const projects = requested.length > 0 ? requested : adcProject ? [adcProject] : [];
  if (projects.length === 0) throw new ConfigError('no Google Cloud project to audit: pass --project <id> or set GOOGLE_CLOUD_PROJECT');

  const stats = installThrottleRetry(auth.client as unknown as { fetch: (...args: never[]) => Promise<unknown> }, deps.throttle ?? DEFAULT_THROTTLE);
  const compute: ComputeClients = createComputeClients(sdk.compute, clientOptions(auth.client, endpoints.compute, endpoints.universeDomain));
  const monitoring: MonitoringClient | undefined =
    options.metricsWindowSeconds > 0
      ? new sdk.MetricServiceClient(clientOptions(auth.client, endpoints.monitoring, endpoints.universeDomain))
      : undefined;
  const limit = pLimit(concurrency);
  const run: RunState = options.deadline ? { deadlineAt: options.deadline.getTime() } : {};
  try {
    const snapshots = await Promise.all(
      projects.map(async (project) => {
        const snap = emptyGcpProject(project);
        const pacers = { compute: new Pacer(rateOf(options, 'compute')), monitoring: new Pacer(rateOf(options, 'monitoring')) };
        const ctx: CollectContext = {
          project,
          limit,
          pacer: (api) => pacers[api],
          errors: snap.errors,
          run,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.progress ? { progress: options.progress } : {}),
        };
        await Promise.all([collectCompute(ctx, compute, regions, snap), monitoring ? collectMonitoring(ctx, monitoring, options.metricsWindowSeconds, options.now, snap) : undefined]);
        if (run.deadlineReached) snap.errors.push(deadlineRecord(project));
        return snap;
      }),
    );
    if (run.connectionFailure) throw new CollectionError(`cannot reach the Google Cloud API${endpointLabel(endpoints)}: ${run.connectionFailure}`);
    deps.onThrottleStats?.(stats);
    const raw: GcpRawSnapshot = {
      format: 'cloud502-raw-snapshot',
      schemaVersion: 1,
      provider: 'gcp',
      tool: { name: 'cloud502', version: toolVersion() },
      collectedAt: options.now.toISOString(),
      options: {
        projects,
        regions,
        metricsWindowSeconds: options.metricsWindowSeconds,
        ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      },
      projects: snapshots,
    };
    return JSON.parse(JSON.stringify(raw)) as GcpRawSnapshot;
  } finally {
    await closeComputeClients(compute);
    await monitoring?.close().catch(() => undefined);
  }
}
