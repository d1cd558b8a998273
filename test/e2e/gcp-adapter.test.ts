/**
 * End to end through the adapter, in-process: real Application Default Credentials (an `external_account` file,
 * as workload identity federation writes it, whose token endpoint is the fake), gcloud's endpoint-override
 * variables or --endpoint-url, the real Google clients, then snapshot validation and normalization. A live
 * collection and the saved snapshot of it normalize identically, and equal the demo the fake serves.
 */
import '../providers/gcp/support/env.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGcpDemo, DEMO_PROJECT } from '../../demo/build-gcp-demo.js';
import { gcpAdapter } from '../../providers/gcp/index.js';
import { CredentialsError } from '../../src/errors.js';
import type { Inventory } from '../../src/model/index.js';
import type { FakeGoogle } from '../providers/gcp/support/fake-google.js';
import { startFakeGoogle } from '../providers/gcp/support/fake-google.js';

const demo = buildGcpDemo();
const dir = mkdtempSync(join(tmpdir(), 'cloud502-gcp-e2e-'));

/** A workload-identity-federation credentials file whose STS endpoint is the fake. */
function externalAccountFile(tokenUrl: string): string {
  const subject = join(dir, 'subject-token.jwt');
  writeFileSync(subject, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.');
  const file = join(dir, 'external-account.json');
  writeFileSync(
    file,
    JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci/providers/ci',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: tokenUrl,
      credential_source: { file: subject },
    }),
  );
  return file;
}

function canonical(inv: Inventory): unknown {
  const byId = <T>(items: T[], id: (t: T) => string): T[] => [...items].sort((a, b) => id(a).localeCompare(id(b)));
  const { demo: _demo, ...rest } = inv;
  return {
    ...rest,
    loadBalancers: byId(inv.loadBalancers, (x) => x.ref.id),
    backendPools: byId(inv.backendPools, (x) => x.ref.id),
    networkPolicies: byId(inv.networkPolicies, (x) => x.ref.id),
    subnets: byId(inv.subnets, (x) => x.id),
    metrics: byId(inv.metrics, (x) => `${x.resourceId} ${x.name}`),
  };
}

describe('Google Cloud adapter: ADC → collect → snapshot → normalize', () => {
  let fake: FakeGoogle;
  beforeAll(async () => {
    fake = await startFakeGoogle({ projects: [demo.projects[0]!], pageSize: 4 });
    process.env.GOOGLE_APPLICATION_CREDENTIALS = externalAccountFile(`${fake.url}/token`);
    process.env.GOOGLE_CLOUD_PROJECT = DEMO_PROJECT;
  });
  afterAll(() => fake.close());

  it('with gcloud endpoint overrides: the live audit equals the replay of its snapshot and the demo', async () => {
    const env = { ...process.env, CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${fake.url}/compute/v1/`, CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING: `${fake.url}/` };
    const raw = await gcpAdapter.collect({ providerOptions: {}, metricsWindowSeconds: demo.options.metricsWindowSeconds, now: new Date(demo.collectedAt), env });
    expect(raw.options.projects).toEqual([DEMO_PROJECT]);
    expect(raw.projects[0]?.errors).toEqual([]);
    const live = gcpAdapter.normalize(raw, {});
    const replayed = gcpAdapter.normalize(gcpAdapter.validateRaw(JSON.parse(JSON.stringify(raw))), {});
    expect(replayed).toEqual(live);
    expect(canonical(live)).toEqual(canonical(gcpAdapter.normalize(demo, {})));
  });

  it('resolves the credentials once: one token exchange, its token on every API call', () => {
    expect(fake.count('sts.token')).toBe(1);
    const api = fake.calls.filter((c) => c.method !== 'sts.token');
    expect(api.length).toBeGreaterThan(30);
    expect(api.every((c) => c.authorization === 'Bearer fake-federated-token')).toBe(true);
  });

  it('--endpoint-url serves both APIs; --project overrides the ADC project', async () => {
    const before = fake.calls.length;
    const raw = await gcpAdapter.collect({ providerOptions: { project: ['other-proj-9'] }, endpointUrl: fake.url, metricsWindowSeconds: 3600, now: new Date(demo.collectedAt), env: process.env });
    expect(raw.options.projects).toEqual(['other-proj-9']);
    const calls = fake.calls.slice(before);
    expect(calls.some((c) => c.path.startsWith('/compute/v1/projects/other-proj-9/'))).toBe(true);
    expect(calls.some((c) => c.path.startsWith('/v3/projects/other-proj-9/timeSeries'))).toBe(true);
    // The fake knows no such project: every call is a NOT_FOUND coverage entry, and the run still completes.
    expect(gcpAdapter.normalize(raw, {}).coverage.every((g) => g.code === 'NOT_FOUND')).toBe(true);
  });
});

describe('no credentials', () => {
  it('is one line that says to run gcloud auth application-default login', async () => {
    const saved = { creds: process.env.GOOGLE_APPLICATION_CREDENTIALS, home: process.env.HOME };
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.HOME = mkdtempSync(join(tmpdir(), 'cloud502-gcp-home-'));
    try {
      const err = await gcpAdapter
        .collect({ providerOptions: { project: [DEMO_PROJECT] }, endpointUrl: 'http://127.0.0.1:9', metricsWindowSeconds: 0, now: new Date(), env: process.env })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CredentialsError);
      expect((err as Error).message).toContain('gcloud auth application-default login');
      expect((err as Error).message).not.toContain('\n');
    } finally {
      process.env.GOOGLE_APPLICATION_CREDENTIALS = saved.creds;
      process.env.HOME = saved.home;
    }
  });
});
