/**
 * Wire tests: the real Compute and Monitoring clients (REST transport) against a fake Google server on 127.0.0.1,
 * with an injected auth client. Covers paging, aggregated lists with warnings, the per-item calls (listInstances,
 * listNetworkEndpoints, getHealth, getEffectiveFirewalls), Monitoring time series, throttling with Retry-After,
 * a 403 becoming a coverage entry naming the permission, an unknown project, an unreachable endpoint, and the
 * permission table against the methods a full collection calls.
 */
import '../support/env.js';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGcpDemo, DEMO_PROJECT } from '../../../../demo/build-gcp-demo.js';
import type { GcpCollectDeps } from '../../../../providers/gcp/collect/index.js';
import { collectGcp } from '../../../../providers/gcp/collect/index.js';
import { GCP_METHOD_PERMISSIONS, type GcpMethod } from '../../../../providers/gcp/iam.js';
import { normalizeGcp } from '../../../../providers/gcp/normalize/index.js';
import type { GcpRawSnapshot } from '../../../../providers/gcp/raw.js';
import { CollectionError } from '../../../../src/errors.js';
import type { Inventory } from '../../../../src/model/index.js';
import type { CollectOptions } from '../../../../src/provider.js';
import type { FakeGoogle, FakeGoogleOptions } from '../support/fake-google.js';
import { startFakeGoogle } from '../support/fake-google.js';

const demo = buildGcpDemo();
const demoProject = demo.projects[0]!;
const NOW = new Date(demo.collectedAt);

function authClient(): GcpCollectDeps['authClient'] {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'fake-token', expiry_date: Date.now() + 3_600_000 });
  return auth as unknown as GcpCollectDeps['authClient'];
}

function options(fake: FakeGoogle, extra: Partial<CollectOptions> = {}): CollectOptions {
  return {
    providerOptions: { project: [DEMO_PROJECT] },
    endpointUrl: fake.url,
    metricsWindowSeconds: demo.options.metricsWindowSeconds,
    now: NOW,
    env: {},
    concurrency: 4,
    rateLimits: { '*': { ratePerSecond: 1000, burst: 1000 } },
    ...extra,
  };
}

async function withFake<T>(fakeOptions: Partial<FakeGoogleOptions>, run: (fake: FakeGoogle) => Promise<T>): Promise<T> {
  const fake = await startFakeGoogle({ projects: [demoProject], ...fakeOptions });
  try {
    return await run(fake);
  } finally {
    await fake.close();
  }
}

/** Inventories compared without the order the API happened to list things in. */
function canonical(inv: Inventory): unknown {
  const byId = <T>(items: T[], id: (t: T) => string): T[] => [...items].sort((a, b) => id(a).localeCompare(id(b)));
  return {
    ...inv,
    loadBalancers: byId(inv.loadBalancers, (x) => x.ref.id),
    backendPools: byId(inv.backendPools, (x) => x.ref.id),
    networkPolicies: byId(inv.networkPolicies, (x) => x.ref.id),
    subnets: byId(inv.subnets, (x) => x.id),
    metrics: byId(inv.metrics, (x) => `${x.resourceId} ${x.name}`),
  };
}

describe('collectGcp against the fake Google APIs', () => {
  let fake: FakeGoogle;
  let raw: GcpRawSnapshot;

  beforeAll(async () => {
    fake = await startFakeGoogle({ projects: [demoProject], pageSize: 3 });
    raw = await collectGcp(options(fake), { authClient: authClient() });
  }, 60_000);
  afterAll(() => fake.close());

  it('collects what the API serves: the live inventory equals the snapshot-built one', () => {
    expect(raw.projects[0]?.errors).toEqual([]);
    const live = normalizeGcp(raw, {});
    const fromSnapshot = normalizeGcp({ ...demo, demo: undefined as never }, {});
    delete (fromSnapshot as { demo?: boolean }).demo;
    expect(canonical(live)).toEqual(canonical(fromSnapshot));
  });

  it('follows nextPageToken on aggregated and plain lists and on listInstances', () => {
    expect(fake.count('compute.backendServices.aggregatedList')).toBeGreaterThan(1);
    expect(fake.count('compute.instances.aggregatedList')).toBeGreaterThan(1);
    expect(fake.count('compute.firewalls.list')).toBeGreaterThan(1);
    expect(fake.calls.some((c) => c.path.includes('pageToken=p3'))).toBe(true);
    expect(fake.calls.filter((c) => c.method !== 'unknown').every((c) => c.path.includes('maxResults=500') || !c.path.startsWith('/compute') || c.method.endsWith('getHealth') || c.method.endsWith('getEffectiveFirewalls'))).toBe(true);
  });

  it('calls getHealth once per backend service × group, with the group in the body', () => {
    const pairs = demoProject.compute.backendServices.reduce((n, s) => n + (s.backends?.length ?? 0), 0);
    expect(fake.count('compute.backendServices.getHealth') + fake.count('compute.regionBackendServices.getHealth')).toBe(pairs);
    const call = fake.calls.find((c) => c.method === 'compute.regionBackendServices.getHealth');
    expect(JSON.parse(call?.body ?? '{}')).toMatchObject({ group: expect.stringContaining('/instanceGroups/') });
  });

  it('sends the bearer token on every call and never anything else than the fake', () => {
    expect(fake.calls.length).toBeGreaterThan(20);
    expect(fake.calls.every((c) => c.authorization === 'Bearer fake-token')).toBe(true);
    expect(fake.count('unknown' as GcpMethod)).toBe(0);
  });

  it('calls exactly the methods of the permission table (iam.ts)', () => {
    const called = new Set(fake.calls.map((c) => c.method));
    expect([...called].sort()).toEqual(Object.keys(GCP_METHOD_PERMISSIONS).sort());
  });

  it('reads Cloud Monitoring over REST with numeric enums', () => {
    const call = fake.calls.find((c) => c.method === 'monitoring.timeSeries.list');
    expect(call?.path).toContain('/v3/projects/shop-prod-4711/timeSeries');
    expect(decodeURIComponent(call?.path ?? '')).toContain('enum-encoding=int');
    expect(raw.projects[0]?.monitoring.series.length).toBe(demoProject.monitoring.series.length);
  });
});

describe('failures become coverage, never an abort', () => {
  it('a 403 on getHealth is a coverage entry naming compute.backendServices.get; the pools have no targets', async () => {
    const raw = await withFake({ deny: ['compute.backendServices.getHealth'] }, (fake) => collectGcp(options(fake, { metricsWindowSeconds: 0 }), { authClient: authClient() }));
    const inv = normalizeGcp(raw, {});
    const gaps = inv.coverage.filter((g) => g.api === 'compute.backendServices.getHealth');
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((g) => g.permission === 'compute.backendServices.get' && g.code === 'PERMISSION_DENIED')).toBe(true);
    const web = inv.backendPools.find((p) => p.ref.name === 'web-frontend-bs');
    expect(web?.targets).toBeUndefined();
    expect(web?.notCollected).toContainEqual(expect.objectContaining({ input: 'target-health', permission: 'compute.backendServices.get' }));
    // Regional backend services use their own method and were read.
    expect(inv.backendPools.find((p) => p.ref.name === 'billing-bs')?.targets?.length).toBe(2);
  });

  it('a failed load-balancer listing says the project was not audited', async () => {
    const raw = await withFake({ deny: ['compute.forwardingRules.aggregatedList'] }, (fake) => collectGcp(options(fake, { metricsWindowSeconds: 0 }), { authClient: authClient() }));
    const gap = normalizeGcp(raw, {}).coverage.find((g) => g.api === 'compute.forwardingRules.aggregatedList');
    expect(gap).toMatchObject({ permission: 'compute.forwardingRules.list', impact: expect.stringContaining('not audited') });
  });

  it('an aggregated-list warning other than "no results" is recorded for its scope', async () => {
    const raw = await withFake({ unreachableScopes: { 'compute.instances.aggregatedList': 'zones/europe-west1-x' } }, (fake) =>
      collectGcp(options(fake, { metricsWindowSeconds: 0 }), { authClient: authClient() }),
    );
    expect(raw.projects[0]?.errors).toEqual([expect.objectContaining({ api: 'compute.instances.aggregatedList', code: 'UNREACHABLE', location: 'europe-west1-x' })]);
  });

  it('an unknown project is coverage, not a crash', async () => {
    const raw = await withFake({}, (fake) =>
      collectGcp(options(fake, { providerOptions: { project: ['no-such-project-1'] }, metricsWindowSeconds: 0 }), { authClient: authClient() }),
    );
    expect(raw.projects[0]?.errors.length).toBeGreaterThan(5);
    expect(raw.projects[0]?.errors.every((e) => e.code === 'NOT_FOUND')).toBe(true);
  });

  it('an unreachable endpoint is one CollectionError line', async () => {
    const fake = await startFakeGoogle({ projects: [] });
    const url = fake.url;
    await fake.close();
    const err = await collectGcp(options({ url } as FakeGoogle, { metricsWindowSeconds: 0 }), { authClient: authClient() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectionError);
    expect((err as Error).message).toMatch(/^cannot reach the Google Cloud API \(--endpoint-url http:\/\/127\.0\.0\.1:\d+\): .*ECONNREFUSED/);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('throttling', () => {
  it('retries a 429 after its Retry-After and succeeds', async () => {
    const started = Date.now();
    let stats: { retried: number; waitedMs: number } | undefined;
    const raw = await withFake({ throttle: { 'compute.firewalls.list': { count: 1, retryAfter: '1' } } }, (fake) =>
      collectGcp(options(fake, { metricsWindowSeconds: 0 }), { authClient: authClient(), onThrottleStats: (s) => (stats = s) }),
    );
    expect(raw.projects[0]?.errors).toEqual([]);
    expect(raw.projects[0]?.compute.firewalls.length).toBe(demoProject.compute.firewalls.length);
    expect(stats).toMatchObject({ retried: 1, waitedMs: 1000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('retries Compute quota errors (403 rateLimitExceeded)', async () => {
    const raw = await withFake({ throttle: { 'compute.instances.aggregatedList': { count: 2, retryAfter: '0', as: '403' } } }, (fake) =>
      collectGcp(options(fake, { metricsWindowSeconds: 0 }), { authClient: authClient() }),
    );
    expect(raw.projects[0]?.errors).toEqual([]);
    expect(raw.projects[0]?.compute.instances.length).toBe(demoProject.compute.instances.length);
  });

  it('past its budget, the throttled call is a rateLimitExceeded coverage entry', async () => {
    const raw = await withFake({ throttle: { 'compute.healthChecks.aggregatedList': { count: 50, retryAfter: '0' } } }, (fake) =>
      collectGcp(options(fake, { metricsWindowSeconds: 0 }), { authClient: authClient(), throttle: { budgetMs: 1000, maxAttempts: 3, maxWaitMs: 100 } }),
    );
    expect(raw.projects[0]?.errors).toEqual([
      expect.objectContaining({ api: 'compute.healthChecks.aggregatedList', code: 'rateLimitExceeded', permission: 'compute.healthChecks.list', httpStatus: 429 }),
    ]);
    expect(normalizeGcp(raw, {}).coverage[0]?.permission).toBeUndefined();
  });
});

describe('deadline and cancel', () => {
  it('past the audit deadline nothing more is called, and what is missing says so', async () => {
    await withFake({}, async (fake) => {
      const raw = await collectGcp(options(fake, { metricsWindowSeconds: 0, deadline: new Date(Date.now() - 1000) }), { authClient: authClient() });
      expect(fake.calls).toEqual([]);
      const errors = raw.projects[0]?.errors ?? [];
      expect(errors.length).toBeGreaterThan(10);
      expect(errors.every((e) => e.code === 'DeadlineExceeded')).toBe(true);
      expect(errors).toContainEqual(expect.objectContaining({ api: 'cloud502:deadline', project: DEMO_PROJECT }));
    });
  });

  it('a cancelled collection throws', async () => {
    await withFake({}, async (fake) => {
      const controller = new AbortController();
      controller.abort(new Error('stopped by the user'));
      await expect(collectGcp(options(fake, { metricsWindowSeconds: 0, signal: controller.signal }), { authClient: authClient() })).rejects.toThrow('stopped by the user');
    });
  });
});

describe('scope', () => {
  it('--region keeps global resources and drops other regions', async () => {
    const raw = await withFake({}, (fake) =>
      collectGcp(options(fake, { providerOptions: { project: [DEMO_PROJECT], region: ['us-central1'] }, metricsWindowSeconds: 0 }), { authClient: authClient() }),
    );
    const names = raw.projects[0]?.compute.backendServices.map((s) => s.name) ?? [];
    expect(names).toContain('shop-api-bs');
    expect(names).not.toContain('billing-bs');
    expect(raw.options.regions).toEqual(['us-central1']);
  });

  it('a malformed project id is a one-line ConfigError before any call', async () => {
    await withFake({}, async (fake) => {
      const err = await collectGcp(options(fake, { providerOptions: { project: ['Bad_Project!'] } }), { authClient: authClient() }).catch((e: unknown) => e);
      expect((err as Error).name).toBe('ConfigError');
      expect((err as Error).message).toContain('is not a Google Cloud project id');
      expect(fake.calls).toEqual([]);
    });
  });
});
