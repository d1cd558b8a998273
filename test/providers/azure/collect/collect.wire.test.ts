/**
 * Wire tests: the real Azure SDK clients (arm-network, arm-compute, arm-monitor, arm-resources-subscriptions) with
 * their real bearer-token policy, against a fake Resource Manager on https://127.0.0.1 started here. The credential
 * is a static token (the credential chain itself is covered by credentials.test.ts).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TokenCredential } from '@azure/core-auth';
import { collectAzure, type AzureCollectDeps } from '../../../../providers/azure/collect/index.js';
import { AZURE_API } from '../../../../providers/azure/apis.js';
import { AZURE_ROLE_ACTIONS } from '../../../../providers/azure/iam.js';
import { normalizeAzure } from '../../../../providers/azure/normalize/index.js';
import { validateAzureRaw } from '../../../../providers/azure/snapshot.js';
import { CollectionError, ConfigError } from '../../../../src/errors.js';
import type { CollectOptions } from '../../../../src/provider.js';
import { flattenArm, type ArmWorld } from '../support/arm.js';
import { localCertificate, trustInProcess, type TestCertificate } from '../support/credentials.js';
import { startFakeArm, type FakeArm, type FakeArmOptions, type RecordedRequest } from '../support/fake-arm.js';
import { IDS, NOW, productionWorld, SUB, SUB2 } from '../support/world.js';

const credential: TokenCredential = { getToken: async () => ({ token: 'static-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

let cert: TestCertificate;
let fake: FakeArm | undefined;
const sleeps: number[] = [];
const deps = (extra: AzureCollectDeps = {}): AzureCollectDeps => ({
  credential,
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  lroPollIntervalMs: 1,
  ...extra,
});

beforeAll(async () => {
  cert = await localCertificate();
  trustInProcess(cert.cert);
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  sleeps.length = 0;
});

async function serve(world: ArmWorld = productionWorld(), options: FakeArmOptions = {}): Promise<FakeArm> {
  fake = await startFakeArm(world, { tls: cert, ...options });
  return fake;
}

function options(f: FakeArm, extra: Partial<CollectOptions> = {}, providerOptions: CollectOptions['providerOptions'] = { subscription: [SUB] }): CollectOptions {
  return { providerOptions, endpointUrl: f.url, metricsWindowSeconds: 3600, now: new Date(NOW), env: {}, ...extra };
}

/** The RBAC action Azure checks for a request, by its path (the same table a role definition is written from). */
function actionOf(r: RecordedRequest): string {
  const p = r.path.toLowerCase();
  if (p === '/subscriptions') return AZURE_API.listSubscriptions.action;
  if (p.endsWith('/providers/microsoft.insights/metrics')) return AZURE_API.listMetrics.action;
  if (p.includes('/operationresults/')) return AZURE_API.operationResults.action;
  if (r.method === 'POST' && p.endsWith('/backendhealth')) return AZURE_API.backendHealth.action;
  if (r.method === 'POST' && p.endsWith('/health')) return AZURE_API.ruleHealth.action;
  if (/virtualmachinescalesets\/[^/]+\/networkinterfaces$/.test(p)) return AZURE_API.listScaleSetNetworkInterfaces.action;
  if (/virtualmachinescalesets\/[^/]+\/virtualmachines$/.test(p)) return AZURE_API.listScaleSetVms.action;
  const m = /\/providers\/(microsoft\.(?:network|compute))\/(\w+)$/.exec(p);
  if (m) {
    const all = Object.values(AZURE_API).find((a) => a.action.toLowerCase() === `${m[1]}/${m[2]}/read`);
    if (all) return all.action;
  }
  throw new Error(`no action known for ${r.method} ${r.path}`);
}

describe('Azure collect against a fake Resource Manager (real SDK clients)', () => {
  it('pages every listing through absolute nextLinks and returns what the SDK returns, properties flattened', async () => {
    const world = productionWorld();
    const f = await serve(world, { pageSize: 1 });
    const raw = await collectAzure(options(f), deps());
    expect(() => validateAzureRaw(raw)).not.toThrow();
    const [sub] = raw.subscriptions;
    const w = world.subscriptions[0]!;
    // The SDK shape is the REST shape with `properties` flattened (what the golden tests build without the SDK).
    expect(sub?.network.applicationGateways).toEqual(JSON.parse(JSON.stringify(flattenArm(w.applicationGateways))));
    expect(sub?.network.loadBalancers).toEqual(JSON.parse(JSON.stringify(flattenArm(w.loadBalancers))));
    expect(sub?.network.networkSecurityGroups).toEqual(flattenArm(w.networkSecurityGroups));
    expect(sub?.network.virtualNetworks).toEqual(flattenArm(w.virtualNetworks));
    expect(sub?.network.routeTables).toEqual(flattenArm(w.routeTables));
    expect(sub?.network.networkInterfaces).toEqual(flattenArm([...w.networkInterfaces, ...Object.values(w.scaleSetNetworkInterfaces).flat()]));
    expect(sub?.compute.scaleSetVms[IDS.vmss]).toEqual(flattenArm(w.scaleSetVms[IDS.vmss]));
    expect(sub?.compute.virtualMachineStatuses.map((v) => v.instanceView?.statuses?.[1]?.code)).toEqual(['PowerState/running', 'PowerState/running']);
    expect(sub?.health.applicationGateways[IDS.agw]).toEqual(flattenArm(w.backendHealth[IDS.agw]));
    expect(Object.keys(sub?.health.loadBalancerRules ?? {})).toEqual([`${IDS.lb}/loadBalancingRules/rule-api`]);
    expect(sub?.errors).toEqual([]);
    // Every listing with more than one item was followed to its last page.
    const pages = f.requests.filter((r) => r.path.endsWith('/networkSecurityGroups')).map((r) => r.query.get('$skiptoken') ?? '0');
    expect(pages).toEqual(['0', '1', '2']);
    expect(f.requests.every((r) => r.authorization === 'Bearer static-test-token')).toBe(true);
  });

  it('asks Azure Monitor in as few calls as one $filter per call allows, and every filter is valid for every metric of its call', async () => {
    const f = await serve();
    const raw = await collectAzure(options(f), deps());
    const metricCalls = f.requests.filter((r) => r.path.endsWith('/providers/Microsoft.Insights/metrics'));
    // 5 calls for the gateway (host counts, backend 5xx, backend latency, gateway 5xx, failed requests + total time), 2 for the load balancer.
    expect(metricCalls).toHaveLength(7);
    expect(metricCalls.every((r) => r.status === 200)).toBe(true);
    expect(metricCalls.every((r) => (r.query.get('metricnames') ?? '').split(',').length <= 20)).toBe(true);
    const inv = normalizeAzure(raw, {});
    const pair = `${IDS.agw}/backendAddressPools/pool-web~settings-web`;
    expect(inv.metrics.find((m) => m.resourceId === pair && m.name === 'target.latency.max')?.points.map((p) => p.v)).toEqual([0.18, 0.24, 0.21]);
    expect(inv.metrics.find((m) => m.resourceId === IDS.agw && m.name === 'lb.http.5xx')?.points.map((p) => p.v)).toEqual([0, 0, 0]);
    expect(inv.metrics.find((m) => m.resourceId === `${IDS.lb}/backendAddressPools/pool-api~rule-api` && m.name === 'pool.probe-availability.min')?.points).toHaveLength(3);
  });

  it('waits out a 429 for its Retry-After and resumes the listing at the throttled page', async () => {
    const f = await serve(productionWorld(), {
      pageSize: 1,
      faults: [{ method: 'GET', path: /networkSecurityGroups$/, status: 429, code: 'TooManyRequests', headers: { 'retry-after': '7' }, times: 1 }],
    });
    const raw = await collectAzure(options(f), deps());
    expect(raw.subscriptions[0]?.network.networkSecurityGroups).toHaveLength(3);
    expect(raw.subscriptions[0]?.errors).toEqual([]);
    expect(sleeps).toContain(7000);
    const nsgPages = f.requests.filter((r) => r.path.endsWith('/networkSecurityGroups')).map((r) => `${r.query.get('$skiptoken') ?? '0'}:${r.status}`);
    expect(nsgPages).toEqual(['0:429', '0:200', '1:200', '2:200']);
  });

  it('records a throttled call as a coverage gap once the retry budget is spent, and goes on', async () => {
    const f = await serve(productionWorld(), { faults: [{ method: 'GET', path: /routeTables$/, status: 429, code: 'TooManyRequests', headers: { 'retry-after': '30' } }] });
    const raw = await collectAzure(options(f), deps({ throttleBudgetMs: 45_000 }));
    const errors = raw.subscriptions[0]?.errors ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ api: 'RouteTables_ListAll', code: 'TooManyRequests', httpStatus: 429 });
    expect(errors[0]?.message).toMatch(/retry budget was spent/);
    expect(sleeps).toEqual([30_000]);
    const inv = normalizeAzure(raw, {});
    const subnet = inv.subnets.find((s) => s.id === IDS.snetAppgw);
    expect(subnet?.routeTableId).toBe(IDS.rtAppgw);
    expect(subnet?.routes).toBeUndefined();
    expect(inv.coverage.map((g) => g.api)).toContain('RouteTables_ListAll');
  });

  it('turns a 403 on backend health into a coverage entry naming the action and the role, and audits the rest', async () => {
    const f = await serve(productionWorld(), {
      faults: [
        {
          method: 'POST',
          path: /backendhealth$/,
          status: 403,
          code: 'AuthorizationFailed',
          message: `The client 'reader@contoso.com' with object id 'x' does not have authorization to perform action 'Microsoft.Network/applicationGateways/backendhealth/action' over scope '${IDS.agw}' or the scope is invalid.`,
        },
      ],
    });
    const raw = await collectAzure(options(f), deps());
    const inv = normalizeAzure(raw, {});
    const gap = inv.coverage.find((g) => g.api === 'ApplicationGateways_BackendHealth');
    expect(gap).toMatchObject({ permission: 'Microsoft.Network/applicationGateways/backendhealth/action', code: 'AuthorizationFailed', resourceId: IDS.agw, impact: 'backend health of agw-web unknown' });
    expect(gap?.message).toContain('Network Contributor');
    const web = inv.backendPools.find((p) => p.ref.name === 'pool-web~settings-web');
    expect(web?.targets?.map((t) => t.health.state)).toEqual(['unknown', 'unknown']);
    expect(web?.notCollected).toContainEqual({ input: 'target-health', api: 'ApplicationGateways_BackendHealth', permission: 'Microsoft.Network/applicationGateways/backendhealth/action', code: 'AuthorizationFailed' });
    // The load balancer's rule health is still collected.
    expect(inv.backendPools.find((p) => p.ref.name === 'pool-api~rule-api')?.targets?.map((t) => t.health.state)).toEqual(['healthy', 'healthy']);
  });

  it('polls the long-running health calls honouring Retry-After, and bounds them by the deadline', async () => {
    const f = await serve(productionWorld(), { pollsBeforeDone: 1, lroRetryAfterSeconds: 1 });
    const started = Date.now();
    const raw = await collectAzure(options(f, { metricsWindowSeconds: 0 }), deps());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(Object.keys(raw.subscriptions[0]?.health.applicationGateways ?? {})).toEqual([IDS.agw]);
    await f.close();

    const slow = await serve(productionWorld(), { pollsBeforeDone: 10, lroRetryAfterSeconds: 1 });
    const raw2 = await collectAzure(options(slow, { metricsWindowSeconds: 0 }), deps({ lroTimeoutMs: 400 }));
    const errors = raw2.subscriptions[0]?.errors ?? [];
    expect(errors.map((e) => `${e.api}:${e.code}`).sort()).toEqual(['ApplicationGateways_BackendHealth:DeadlineExceeded', 'LoadBalancerLoadBalancingRules_Health:DeadlineExceeded']);
    expect(errors[0]?.message).toMatch(/^(backend health of agw-web|health of rule rule-api) did not complete within 0.4 s$/);
  });

  it('calls exactly the actions of the custom role', async () => {
    const f = await serve(productionWorld(), { pageSize: 2 });
    await collectAzure(options(f, {}, {}), deps());
    const called = new Set(f.requests.map(actionOf));
    expect([...called].filter((a) => a !== AZURE_API.listSubscriptions.action).sort()).toEqual([...AZURE_ROLE_ACTIONS]);
    expect(called.has(AZURE_API.listSubscriptions.action)).toBe(true);
  });

  it('lists every enabled subscription when none is given, and a subscription that fails is a coverage entry', async () => {
    const world = productionWorld();
    const f = await serve(world);
    const raw = await collectAzure(options(f, {}, { subscription: [SUB, SUB2] }), deps());
    expect(raw.subscriptions.map((s) => s.subscriptionId)).toEqual([SUB, SUB2]);
    expect(raw.subscriptions[1]?.errors[0]).toMatchObject({ code: 'SubscriptionNotFound', httpStatus: 404 });
    expect(normalizeAzure(raw, {}).coverage.find((g) => g.account === SUB2)?.impact).toMatch(/not audited/);
    await f.close();

    const only = await serve(world);
    await expect(collectAzure(options(only, {}, { subscription: [SUB2] }), deps())).rejects.toThrow(CollectionError);
    await expect(collectAzure(options(only, {}, { subscription: [SUB2] }), deps())).rejects.toThrow(/^subscription 33333333-3333-3333-3333-333333333333 cannot be audited \(SubscriptionNotFound/);
  });

  it('narrows to a resource group and a location', async () => {
    const f = await serve();
    const raw = await collectAzure(options(f, {}, { subscription: [SUB], resourceGroup: 'rg-api', location: 'westeurope' }), deps());
    expect(raw.subscriptions[0]?.network.applicationGateways).toEqual([]);
    expect(raw.subscriptions[0]?.network.loadBalancers.map((l) => l.name)).toEqual(['lb-api']);
    expect(f.requests.some((r) => r.path === `/subscriptions/${SUB}/resourceGroups/rg-api/providers/Microsoft.Network/loadBalancers`)).toBe(true);
    const elsewhere = await collectAzure(options(f, {}, { subscription: [SUB], location: 'eastus' }), deps());
    expect(elsewhere.subscriptions[0]?.network.loadBalancers).toEqual([]);
    // Nothing to audit: no supporting listing, no health call.
    expect(f.requests.filter((r) => r.path.endsWith('/networkSecurityGroups'))).toHaveLength(1);
  });

  it('fails with one line when Resource Manager cannot be reached, and on an http endpoint', async () => {
    const closed = await serve();
    const url = closed.url;
    await closed.close();
    fake = undefined;
    const opts: CollectOptions = { providerOptions: { subscription: [SUB] }, endpointUrl: url, metricsWindowSeconds: 0, now: new Date(NOW), env: {} };
    await expect(collectAzure(opts, deps())).rejects.toThrow(new RegExp(`^cannot reach Azure Resource Manager at ${url.replace(/[.]/g, '\\.')} \\(ECONNREFUSED\\); check --endpoint-url`));
    await expect(collectAzure({ ...opts, endpointUrl: 'http://127.0.0.1:1' }, deps())).rejects.toThrow(ConfigError);
  });
});
