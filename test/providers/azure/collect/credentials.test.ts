/**
 * The adapter end to end in-process, through a real credential route (HARNESS.md §5): DefaultAzureCredential
 * narrowed by AZURE_TOKEN_CREDENTIALS to the Azure CLI, a fake `az` first on PATH, https with a test certificate.
 * collect → normalize through `azureAdapter`, as the CLI will call it. Nothing here can reach the managed-identity
 * endpoint: every other credential variable is unset and the chain holds the CLI credential only.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { azureAdapter } from '../../../../providers/azure/index.js';
import { CredentialsError } from '../../../../src/errors.js';
import type { CollectOptions } from '../../../../src/provider.js';
import { CREDENTIAL_ENV_TO_UNSET, fakeAz, localCertificate, trustInProcess, type FakeAz, type TestCertificate } from '../support/credentials.js';
import { startFakeArm, type FakeArm } from '../support/fake-arm.js';
import { IDS, NOW, productionWorld, SUB } from '../support/world.js';

let cert: TestCertificate;
let az: FakeAz;
let fake: FakeArm;

beforeAll(async () => {
  cert = await localCertificate();
  trustInProcess(cert.cert);
  az = fakeAz();
  // Retry-After: 0 keeps the SDK from waiting its default 2 s between polls.
  fake = await startFakeArm(productionWorld(), { tls: cert, lroRetryAfterSeconds: 0 });
});

afterAll(async () => {
  await fake.close();
  az.cleanup();
});

beforeEach(() => {
  for (const name of CREDENTIAL_ENV_TO_UNSET) vi.stubEnv(name, undefined);
  vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'AzureCliCredential');
  vi.stubEnv('PATH', `${az.bin}:${process.env.PATH ?? ''}`);
  az.setMode('token');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function options(extra: Partial<CollectOptions> = {}): CollectOptions {
  return { providerOptions: { subscription: [SUB] }, endpointUrl: fake.url, metricsWindowSeconds: 3600, now: new Date(NOW), env: {}, ...extra };
}

describe('Azure adapter through the Azure CLI credential', () => {
  it('collects and normalizes, asking az for a token whose audience follows the endpoint', async () => {
    const before = fake.requests.length;
    const raw = azureAdapter.validateRaw(JSON.parse(JSON.stringify(await azureAdapter.collect(options()))));
    const inventory = azureAdapter.normalize(raw, {});
    expect(inventory.loadBalancers.map((lb) => `${lb.kind} ${lb.ref.name}`)).toEqual(['azure-appgw agw-web', 'azure-lb lb-api']);
    expect(inventory.backendPools.find((p) => p.ref.name === 'pool-web~settings-web')?.targets?.map((t) => `${t.address} ${t.health.state}`)).toEqual(['10.10.1.4 healthy', '10.10.1.5 healthy']);
    const calls = az.calls();
    expect(calls.at(-1)).toEqual(['account', 'get-access-token', '--output', 'json', '--resource', fake.url]);
    const mine = fake.requests.slice(before);
    expect(mine.length).toBeGreaterThan(10);
    expect(mine.every((r) => r.authorization === 'Bearer fake-cli-token')).toBe(true);
    expect(inventory.backendPools.find((p) => p.ref.id === `${IDS.lb}/backendAddressPools/pool-api~rule-api`)?.targets?.map((t) => t.instanceState)).toEqual(['running', 'running']);
  });

  it('an expired az login is one line that says to run az login, before any Resource Manager call', async () => {
    az.setMode('expired');
    const before = fake.requests.length;
    const err = await azureAdapter.collect(options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialsError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^Azure credentials cannot be used \(.*\); run "az login" \(your Azure CLI login is missing or has expired\)$/);
    expect(fake.requests.length).toBe(before);
  });

  it('an invalid AZURE_TOKEN_CREDENTIALS is one line', async () => {
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'NoSuchCredential');
    const err = await azureAdapter.collect(options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialsError);
    expect((err as Error).message).toMatch(/^cannot set up Azure credentials: Invalid value for AZURE_TOKEN_CREDENTIALS = NoSuchCredential/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('AZURE_RESOURCE_MANAGER_ENDPOINT overrides Resource Manager and the token scope with it', async () => {
    const raw = await azureAdapter.collect(options({ endpointUrl: undefined, env: { AZURE_RESOURCE_MANAGER_ENDPOINT: fake.url } } as Partial<CollectOptions>));
    expect(raw.options.endpointUrl).toBe(fake.url);
    expect(az.calls().at(-1)).toContain(fake.url);
  });
});
