/**
 * `audit --probe` end to end in-process: a real Node HTTP server on 127.0.0.1 (keep-alive 5 s, Node's default)
 * behind a 60 s ALB. Without a probe the keep-alive is unknown; with one it is measured and the real
 * timeouts check fails on it.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../checks/index.js';
import type { Report } from '../../src/report/types.js';
import { albInventory, pool, target } from '../support/builders.js';
import { fakeAdapter, fakeRaw } from './support/fakes.js';
import { runCli } from './support/run-cli.js';

const CHECK = 'timeouts/backend-keepalive-exceeds-idle-timeout';
let server: Server;
let requests = 0;
let snapshot: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.end('ok');
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const inv = albInventory({ pools: [pool('tg-api', { port, targets: [target({ id: 'i-0probe', address: '127.0.0.1', port })] })] });
  const dir = await mkdtemp(join(tmpdir(), 'cloud502-probe-'));
  snapshot = join(dir, 'snap.json');
  await writeFile(snapshot, JSON.stringify(fakeRaw(inv)));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const audit = (extra: string[]) =>
  runCli(['audit', '--snapshot', snapshot, '--checks', CHECK, '--format', 'json', '--quiet', ...extra], {
    deps: { loadAdapter: async () => fakeAdapter(), registry: createRegistry() },
  });

describe('audit --probe', () => {
  it('leaves the keep-alive unknown without a probe, and connects to nothing', async () => {
    const before = requests;
    const r = await audit([]);
    expect(r.code, r.stderr).toBe(0);
    const result = (JSON.parse(r.stdout) as Report).results.find((x) => x.checkId === CHECK);
    expect(result?.status).toBe('unknown');
    expect(requests).toBe(before);
  });

  it('measures Keep-Alive: timeout=5 and fails the keep-alive check with a measured source', async () => {
    const r = await audit(['--probe']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const result = report.results.find((x) => x.checkId === CHECK);
    expect(result).toMatchObject({ status: 'fail', severity: 'high' });
    expect(result?.evidence?.source).toMatch(/measured/);
    expect(result?.message).toContain('5 s');
    expect(requests).toBeGreaterThan(0);
  });

  it('does not probe an address outside --probe-cidr', async () => {
    const before = requests;
    const r = await audit(['--probe', '--probe-cidr', '127.0.0.2/32']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Report).results.find((x) => x.checkId === CHECK)?.status).toBe('unknown');
    expect(requests).toBe(before);
  });

  it('refuses --probe on the demo, whose addresses are invented', async () => {
    const r = await runCli(['audit', '--demo', '--probe']);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
  });
});
