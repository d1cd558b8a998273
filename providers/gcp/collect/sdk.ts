/**
 * The Google SDK, loaded once and only for a Google audit: the Compute and Monitoring clients carry tens of
 * megabytes of protos and take seconds to load on a small machine.
 */
import type * as ComputeV1 from '@google-cloud/compute/build/src/v1/index.js';
import type { MetricServiceClient } from '@google-cloud/monitoring/build/src/v3/metric_service_client.js';
import type * as AuthLibrary from 'google-auth-library';

export interface GcpSdk {
  compute: typeof ComputeV1;
  MetricServiceClient: typeof MetricServiceClient;
  auth: typeof AuthLibrary;
}

let loading: Promise<GcpSdk> | undefined;

/**
 * Imports the SDK on first use. The Compute v1 surface is imported directly: the package root also loads the
 * beta surface, which takes about five times as long.
 */
export function loadGcpSdk(): Promise<GcpSdk> {
  loading ??= (async () => {
    const [compute, monitoring, auth] = await Promise.all([
      import('@google-cloud/compute/build/src/v1/index.js'),
      import('@google-cloud/monitoring/build/src/v3/metric_service_client.js'),
      import('google-auth-library'),
    ]);
    return { compute, MetricServiceClient: monitoring.MetricServiceClient, auth };
  })();
  return loading;
}
