/**
 * Wire tests of the Azure Monitor metrics batch API: the real `MetricsClient` of @azure/monitor-query-metrics (and
 * the real ARM clients) against fake servers on https://127.0.0.1, one standing for Resource Manager and one for the
 * regional metrics data plane, so the token scope each call asks for can be told apart.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { collectAzure, type AzureCollectDeps } from '../../../../providers/azure/collect/index.js';
import { AZURE_ROLE_DATA_ACTIONS } from '../../../../providers/azure/iam.js';
import { normalizeAzure } from '../../../../providers/azure/normalize/index.js';
import { validateAzureRaw } from '../../../../providers/azure/snapshot.js';
import type { CollectOptions } from '../../../../src/provider.js';
import type { ArmResource, ArmWorld, MetricSpec } from '../support/arm.js';
import { localCertificate, trustInProcess, type TestCertificate } from '../support/credentials.js';
import { startFakeArm, type FakeArm, type FakeArmOptions } from '../support/fake-arm.js';
import { appGateway, IDS, loadBalancer, NOW, productionWorld, SUB } from '../support/world.js';

let cert: TestCertificate;
const servers: FakeArm[] = [];
const sleeps: number[] = [];
const scopes: string[] = [];

const credential: TokenCredential = {
  getToken: async (scope: string | string[], _options?: GetTokenOptions) => {
    scopes.push(...([] as string[]).concat(scope));
    return { token: 'static-test-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

const deps = (): AzureCollectDeps => ({
  credential,
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  lroPollIntervalMs: 1,
});

beforeAll(async () => {
  cert = await localCertificate();
  trustInProcess(cert.cert);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  sleeps.length = 0;
  scopes.length = 0;
});

async function serve(world: ArmWorld, options: FakeArmOptions = {}): Promise<FakeArm> {
  const f = await startFakeArm(world, { tls: cert, ...options });
  servers.push(f);
  return f;
}

/** Resource Manager and the metrics data plane as two servers of one world. */
async function armAndMetrics(world: ArmWorld, metricsOptions: FakeArmOptions = {}) {
  return { arm: await serve(world), metrics: await serve(world, metricsOptions) };
}

function options(arm: FakeArm, metrics: FakeArm | undefined): CollectOptions {
  return {
    providerOptions: { subscription: [SUB], ...(metrics ? { azureMetricsEndpoint: metrics.url } : {}) },
    endpointUrl: arm.url,
    metricsWindowSeconds: 3600,
    now: new Date(NOW),
    env: {},
  };
}

const batchCalls = (f: FakeArm) => f.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/metrics:getBatch'));
const singleCalls = (f: FakeArm) => f.requests.filter((r) => r.path.endsWith('/providers/Microsoft.Insights/metrics'));

/** `count` load balancers without rules (no health calls) in `location`, each with a VipAvailability series. */
function manyLoadBalancers(world: ArmWorld, count: number, location: string, prefix: string): void {
  const sub = world.subscriptions[0]!;
  for (let i = 0; i < count; i++) {
    const template = loadBalancer();
    const id = template.id.replace(/lb-api$/, `${prefix}-${i}`);
    const lb: ArmResource = { ...template, id, name: `${prefix}-${i}`, location, properties: { ...template.properties, loadBalancingRules: [], probes: [] } };
    sub.loadBalancers.push(lb);
    const vip: MetricSpec = { metric: 'VipAvailability', data: [{ timeStamp: '2026-11-20T11:55:00Z', average: 100 - (i % 7) }] };
    sub.metrics[id] = [vip];
  }
}

/** `count` copies of the production gateway in `location` (the figures of bench/README.md's Azure section). */
function manyGateways(world: ArmWorld, count: number, location: string): void {
  const sub = world.subscriptions[0]!;
  sub.applicationGateways = [];
  sub.loadBalancers = [];
  for (let i = 0; i < count; i++) {
    const template = appGateway();
    sub.applicationGateways.push({ ...template, id: template.id.replace(/agw-web$/, `agw-${i}`), name: `agw-${i}`, location });
  }
}

describe('Azure Monitor metrics through the batch API (real MetricsClient)', () => {
  it('call counts for 120 gateways in one location: 600 per-resource calls before, 15 batch calls after', async () => {
    const world = productionWorld();
    manyGateways(world, 120, 'westeurope');
    const before = await serve(world);
    await collectAzure(options(before, undefined), deps());
    const { arm, metrics } = await armAndMetrics(world);
    await collectAzure(options(arm, metrics), deps());
    expect({ before: singleCalls(before).length, after: batchCalls(metrics).length + singleCalls(arm).length }).toEqual({ before: 600, after: 15 });
  });

  it('answers every query in one batch call per plan, with the data plane token scope, as the per-resource calls would', async () => {
    const world = productionWorld();
    const { arm, metrics } = await armAndMetrics(world);
    const raw = await collectAzure(options(arm, metrics), deps());
    expect(() => validateAzureRaw(raw)).not.toThrow();
    // 5 plans for the gateway, 2 for the load balancer; nothing left for Resource Manager's per-resource metrics.
    expect(batchCalls(metrics)).toHaveLength(7);
    expect(batchCalls(metrics).every((r) => r.status === 200 && r.authorization === 'Bearer static-test-token')).toBe(true);
    expect(singleCalls(arm)).toHaveLength(0);
    expect(raw.subscriptions[0]?.monitor.queries.every((q) => q.batchId !== undefined)).toBe(true);
    expect(raw.subscriptions[0]?.errors).toEqual([]);
    // The token scope follows each endpoint.
    expect(new Set(scopes)).toEqual(new Set([`${arm.url}/.default`, `${metrics.url}/.default`]));

    // Same series as the per-resource path (Resource Manager only, no metrics endpoint).
    const perResource = await serve(world);
    const viaArm = await collectAzure(options(perResource, undefined), deps());
    expect(singleCalls(perResource)).toHaveLength(7);
    const series = (r: typeof raw) => normalizeAzure(r, {}).metrics.map((m) => ({ ...m, providerName: m.providerName.toLowerCase() }));
    expect(series(raw)).toEqual(series(viaArm));
    expect(series(raw).length).toBeGreaterThan(5);
  });

  it('batches at most 50 resources of one location a call', async () => {
    const world = productionWorld();
    world.subscriptions[0]!.loadBalancers = [];
    manyLoadBalancers(world, 120, 'westeurope', 'lb-we');
    manyLoadBalancers(world, 3, 'northeurope', 'lb-ne');
    const { arm, metrics } = await armAndMetrics(world);
    const raw = await collectAzure(options(arm, metrics), deps());
    const calls = batchCalls(metrics);
    const sizes = calls.map((r) => (r.body?.resourceids as string[]).length);
    // Per plan (DipAvailability, VipAvailability): 50 + 50 + 20 in westeurope, 3 in northeurope; plus the gateway's 5.
    expect(sizes.filter((n) => n > 1).sort((a, b) => a - b)).toEqual([3, 3, 20, 20, 50, 50, 50, 50]);
    expect(calls).toHaveLength(8 + 5);
    expect(calls.every((r) => r.status === 200)).toBe(true);
    expect(singleCalls(arm)).toHaveLength(0);
    const sub = raw.subscriptions[0]!;
    expect(Object.keys(sub.monitor.responses)).toHaveLength(sub.monitor.queries.length);
    const inv = normalizeAzure(raw, {});
    const vip = (name: string) => inv.metrics.find((m) => m.resourceId.endsWith(`/${name}`) && m.name === 'lb.data-path-availability.min')?.points.map((p) => p.v);
    expect(vip('lb-we-0')).toEqual([100]);
    expect(vip('lb-we-119')).toEqual([100 - (119 % 7)]);
    expect(vip('lb-ne-2')).toEqual([98]);
  });

  it('waits out a 429 on a batch call for its Retry-After and resends it', async () => {
    const { arm, metrics } = await armAndMetrics(productionWorld(), {
      faults: [{ method: 'POST', path: /metrics:getBatch$/, status: 429, code: 'TooManyRequests', headers: { 'retry-after': '3' }, times: 1 }],
    });
    const raw = await collectAzure(options(arm, metrics), deps());
    expect(sleeps).toContain(3000);
    expect(batchCalls(metrics).map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 429]);
    expect(singleCalls(arm)).toHaveLength(0);
    expect(raw.subscriptions[0]?.errors).toEqual([]);
  });

  it('falls back to per-resource calls when the batch API is refused, with a coverage entry naming the data action', async () => {
    const { arm, metrics } = await armAndMetrics(productionWorld(), {
      faults: [
        {
          method: 'POST',
          path: /metrics:getBatch$/,
          status: 403,
          code: 'AuthorizationFailed',
          message: `The client 'reader@contoso.com' does not have authorization to perform action 'Microsoft.Insights/Metrics/Read' over scope '/subscriptions/${SUB}'.`,
        },
      ],
    });
    const raw = await collectAzure(options(arm, metrics), deps());
    // The refusal costs one call: the other batches are not sent.
    expect(batchCalls(metrics).map((r) => r.status)).toEqual([403]);
    expect(singleCalls(arm)).toHaveLength(7);
    expect(raw.subscriptions[0]?.monitor.queries.some((q) => q.batchId !== undefined)).toBe(false);
    const inv = normalizeAzure(raw, {});
    const gaps = inv.coverage.filter((g) => g.api === 'MetricsBatch_Batch');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ permission: 'Microsoft.Insights/Metrics/Read', code: 'AuthorizationFailed' });
    expect(gaps[0]?.message).toContain('grant the data action Microsoft.Insights/Metrics/Read');
    expect(gaps[0]?.impact).toMatch(/one resource per call/);
    // The metrics are all there: nothing a check needs is missing.
    expect(inv.metrics.find((m) => m.resourceId === IDS.agw && m.name === 'lb.http.5xx')?.points).toHaveLength(3);
    expect(inv.coverage.some((g) => g.api === 'Metrics_List')).toBe(false);
  });

  it('boundary: a batch that fails otherwise (500 after retries) falls back for its own queries only', async () => {
    const { arm, metrics } = await armAndMetrics(productionWorld(), { faults: [{ method: 'POST', path: /metrics:getBatch$/, status: 500, code: 'InternalServerError', times: 3 }] });
    const raw = await collectAzure(options(arm, metrics), deps());
    // The first batch is tried three times (two transient retries), then its query goes per resource; the other six batch.
    expect(batchCalls(metrics).map((r) => r.status)).toEqual([500, 500, 500, 200, 200, 200, 200, 200, 200]);
    expect(singleCalls(arm)).toHaveLength(1);
    expect(Object.keys(raw.subscriptions[0]!.monitor.responses)).toHaveLength(7);
    expect(raw.subscriptions[0]?.errors.map((e) => `${e.api}:${e.httpStatus ?? ''}`)).toEqual(['MetricsBatch_Batch:500']);
  });

  it('unknown/failure: an unreachable metrics endpoint is not an audit failure: every query goes per resource', async () => {
    const world = productionWorld();
    const arm = await serve(world);
    const gone = await serve(world);
    const url = gone.url;
    await gone.close();
    servers.splice(servers.indexOf(gone), 1);
    const raw = await collectAzure({ ...options(arm, undefined), providerOptions: { subscription: [SUB], azureMetricsEndpoint: url } }, deps());
    expect(singleCalls(arm)).toHaveLength(7);
    expect(raw.subscriptions[0]?.errors.map((e) => `${e.api}:${e.code}`)).toEqual(['MetricsBatch_Batch:ECONNREFUSED']);
  });

  it('calls exactly the data actions of the custom role', async () => {
    const { arm, metrics } = await armAndMetrics(productionWorld());
    await collectAzure(options(arm, metrics), deps());
    expect(batchCalls(metrics).length).toBeGreaterThan(0);
    // metrics:getBatch is authorized by the data action Microsoft.Insights/Metrics/Read.
    expect(AZURE_ROLE_DATA_ACTIONS).toEqual(['Microsoft.Insights/Metrics/Read']);
    expect(metrics.requests.every((r) => r.method === 'POST' && r.path.endsWith('/metrics:getBatch'))).toBe(true);
  });
});
