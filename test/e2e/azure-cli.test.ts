/**
 * End to end: the built CLI audits a fake Azure Resource Manager on https://127.0.0.1 through a real credential
 * route (a fake `az` first on PATH, AZURE_TOKEN_CREDENTIALS=AzureCliCredential, the test CA in NODE_EXTRA_CA_CERTS).
 * A trap proxy in HTTPS_PROXY (with NO_PROXY=127.0.0.1) proves nothing leaves the machine: no managed-identity probe,
 * no Azure host. 
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { cli, type Run } from '../support/built-cli.js';
import { CREDENTIAL_ENV_TO_UNSET, fakeAz, localCertificate, type FakeAz } from '../providers/azure/support/credentials.js';
import { startFakeArm, type FakeArm } from '../providers/azure/support/fake-arm.js';
import { brokenSubscription } from '../providers/azure/support/scenarios.js';
import { SUB } from '../providers/azure/support/world.js';


let dir: string;
let az: FakeAz;
let fake: FakeArm;
/** The Azure Monitor metrics data plane (metrics:getBatch), a second server of the same world. */
let metrics: FakeArm;
let trap: Server;
let trapped = 0;
let env: Record<string, string | undefined>;

describe('cloud502 --provider azure (built CLI, fake Resource Manager)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cloud502-azure-e2e-'));
    const cert = await localCertificate();
    writeFileSync(join(dir, 'ca.pem'), cert.cert);
    az = fakeAz();
    fake = await startFakeArm({ subscriptions: [brokenSubscription()] }, { tls: cert, lroRetryAfterSeconds: 0 });
    metrics = await startFakeArm({ subscriptions: [brokenSubscription()] }, { tls: cert });
    trap = createServer((req, res) => {
      trapped += 1;
      res.writeHead(502);
      res.end();
    });
    trap.on('connect', (_req, socket) => {
      trapped += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    env = {
      ...Object.fromEntries(CREDENTIAL_ENV_TO_UNSET.map((k) => [k, undefined])),
      PATH: `${az.bin}:${process.env.PATH ?? ''}`,
      AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential',
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
      HTTPS_PROXY: `http://127.0.0.1:${(trap.address() as AddressInfo).port}`,
      HTTP_PROXY: `http://127.0.0.1:${(trap.address() as AddressInfo).port}`,
      NO_PROXY: '127.0.0.1',
      GCE_METADATA_HOST: '127.0.0.1:9',
    };
  });

  afterAll(async () => {
    await fake?.close();
    await metrics?.close();
    await new Promise<void>((resolve) => (trap ? trap.close(() => resolve()) : resolve()));
    az?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const live = ['--provider', 'azure', '--subscription', SUB];
  const audit = (extra: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Run> =>
    cli(['audit', ...live, '--endpoint-url', fake.url, '--quiet', ...extra], { env: { ...env, ...extraEnv } });

  it('audits through the Azure CLI credential, finds the planted causes, and nothing leaves 127.0.0.1', async () => {
    const r = await audit(['--format', 'json', '--fail-on', 'critical']);
    expect(r.errLines).toEqual([]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const failed = report.results.filter((x) => x.status === 'fail').map((x) => `${x.checkId} ${x.resource.name}`);
    expect(failed).toEqual(
      expect.arrayContaining([
        'targets/no-registered-targets pool-empty~settings-default',
        'targets/unhealthy-targets pool-api~rule-api',
        'network/appgw-infra-ports-blocked agw-legacy',
        'network/appgw-default-route agw-legacy',
        'health/appgw-probe-host pool-vms~settings-https',
        'timeouts/lb-tcp-reset-disabled lb-api/rule-api',
      ]),
    );
    // agw-web is the clean gateway of the subscription.
    const loud = report.results.filter((x) => x.status === 'fail' && ['critical', 'high', 'medium'].includes(x.severity) && x.resource.loadBalancerName === 'agw-web');
    expect(loud.map((x) => `${x.checkId}: ${x.message}`)).toEqual([]);
    expect(az.calls().at(-1)).toEqual(['account', 'get-access-token', '--output', 'json', '--resource', fake.url]);
    expect(fake.requests.every((q) => q.authorization === 'Bearer fake-cli-token')).toBe(true);
    expect(trapped).toBe(0);
  });

  it('collect then audit --snapshot gives the live audit', async () => {
    const snapshot = join(dir, 'azure-snapshot.json');
    const collected = await cli(['collect', ...live, '--endpoint-url', fake.url, '--quiet', '--out', snapshot], { env });
    expect(collected.code).toBe(0);
    const replay = await cli(['audit', '--snapshot', snapshot, '--format', 'json', '--quiet', '--fail-on', 'none'], { env });
    const liveRun = await audit(['--format', 'json', '--fail-on', 'none']);
    const key = (rep: Report) => rep.results.map((x) => `${x.fingerprint} ${x.status} ${x.severity}`).sort();
    expect(key(JSON.parse(replay.stdout) as Report)).toEqual(key(JSON.parse(liveRun.stdout) as Report));
    expect(JSON.parse(readFileSync(snapshot, 'utf8')).provider).toBe('azure');
  });

  it('reads Azure Monitor through the batch API at --azure-metrics-endpoint, with a token for that endpoint, and finds the same', async () => {
    const perResource = JSON.parse((await audit(['--format', 'json', '--fail-on', 'none'])).stdout) as Report;
    const r = await audit(['--azure-metrics-endpoint', metrics.url, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.errLines).toEqual([]);
    const batches = metrics.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/metrics:getBatch'));
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((q) => q.status === 200 && q.authorization === 'Bearer fake-cli-token')).toBe(true);
    expect(az.calls().some((c) => c.join(' ') === `account get-access-token --output json --resource ${metrics.url}`)).toBe(true);
    const key = (rep: Report) => rep.results.map((x) => `${x.fingerprint} ${x.status} ${x.severity}`).sort();
    expect(key(JSON.parse(r.stdout) as Report)).toEqual(key(perResource));
    expect(trapped).toBe(0);
  });

  it('renders other formats from the same audit', async () => {
    const sarif = await audit(['--format', 'sarif', '--fail-on', 'none']);
    expect(sarif.code).toBe(0);
    expect(JSON.parse(sarif.stdout).runs[0].results.length).toBeGreaterThan(0);
    const md = await audit(['--format', 'markdown', '--fail-on', 'none']);
    expect(md.stdout).toContain('agw-legacy');
  });

  it('prints the custom role with exactly the actions the collector calls', async () => {
    const r = await cli(['iam-policy', '--provider', 'azure'], { env });
    expect(r.code).toBe(0);
    const role = JSON.parse(r.stdout) as { Actions: string[]; DataActions: string[]; AssignableScopes: string[] };
    expect(role.Actions).toContain('Microsoft.Network/applicationGateways/backendhealth/action');
    expect(role.Actions).toContain('Microsoft.Insights/Metrics/Read');
    // metrics:getBatch is authorized as a data action.
    expect(role.DataActions).toEqual(['Microsoft.Insights/Metrics/Read']);
  });

  it.each<[string, string[], { expired?: boolean }, RegExp]>([
    ['a bad subscription id', ['--subscription', 'prod'], {}, /^cloud502: .*"prod" is not an Azure subscription id/],
    ['an expired az login', [], { expired: true }, /^cloud502: Azure credentials cannot be used .*; run "az login"/],
    ['an unreachable endpoint', ['--endpoint-url', 'https://127.0.0.1:9'], {}, /^cloud502: cannot reach Azure Resource Manager at https:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/],
    ['a metrics endpoint without TLS', ['--azure-metrics-endpoint', 'http://127.0.0.1:9'], {}, /^cloud502: .*"http:\/\/127\.0\.0\.1:9" must use https/],
  ])('%s is one line and exit 2', async (_name, args, opts, message) => {
    if (opts.expired) az.setMode('expired');
    try {
      const base = args.includes('--endpoint-url') ? ['audit', '--provider', 'azure', '--subscription', SUB, '--quiet'] : ['audit', ...live, '--endpoint-url', fake.url, '--quiet'];
      const r = await cli([...base, ...args], { env });
      expect(r.code).toBe(2);
      expect(r.errLines).toHaveLength(1);
      expect(r.errLines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      az.setMode('token');
    }
  });
});
