import { createServer as createHttpServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendPool, KeepAliveObservation, Observation } from '../../src/model/index.js';
import { applyObservations, runProbes } from '../../src/probe/index.js';
import { healthCheck } from '../support/builders.js';
import { close, listen, loopback, makeLeaf, probeInventory, probePool, timed } from './support.js';

const UA = 'cloud502-probe/0.0.0-test (+https://github.com/cloud502/cloud502)';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

interface HttpTarget {
  server: Server;
  port: number;
  requests: Seen[];
}

/**
 * `bufferMs`: Node 22.23 closes idle sockets after keepAliveTimeout + keepAliveTimeoutBuffer (default 1000 ms)
 * while its header still says `timeout=<keepAliveTimeout>`; undefined keeps Node's default.
 */
async function httpTarget(keepAliveTimeoutMs: number, handler: RequestListener, https?: { key: string; cert: string }, bufferMs?: number): Promise<HttpTarget> {
  const requests: Seen[] = [];
  const listener: RequestListener = (req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    handler(req, res);
  };
  const server = https ? createHttpsServer({ ...https, keepAliveTimeout: keepAliveTimeoutMs }, listener) : createHttpServer({ keepAliveTimeout: keepAliveTimeoutMs }, listener);
  server.keepAliveTimeout = keepAliveTimeoutMs;
  if (bufferMs !== undefined) Object.assign(server, { keepAliveTimeoutBuffer: bufferMs });
  return { server, port: await listen(server), requests };
}

const ok =
  (headers: Record<string, string> = {}): RequestListener =>
  (_req, res) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.end('ok\n');
  };

function keepalive(observations: Observation[], port: number): KeepAliveObservation {
  const o = observations.find((x) => x.kind === 'keepalive' && x.port === port);
  if (o?.kind !== 'keepalive') throw new Error(`no keep-alive observation for port ${port}: ${JSON.stringify(observations)}`);
  return o;
}

function httpPool(name: string, port: number, overrides: Partial<BackendPool> = {}): BackendPool {
  return probePool(name, 'HTTP', [loopback(port)], { healthCheck: healthCheck({ path: '/healthz', port }), ...overrides });
}

describe('keep-alive probe', () => {
  const t: Record<string, HttpTarget> = {};

  beforeAll(async () => {
    const pem = await makeLeaf({ cn: 'api.internal' });
    t.short = await httpTarget(1000, ok({ Server: 'gunicorn/21.2.0' }), undefined, 0);
    t.long = await httpTarget(120_000, ok({ Server: 'nginx/1.25.3' }), undefined, 0);
    t.chunked = await httpTarget(1000, (_req, res) => {
      res.write('a'.repeat(3000));
      res.write('b'.repeat(5000));
      res.end();
    }, undefined, 0);
    t.close = await httpTarget(5000, ok({ Connection: 'close' }));
    // Node's default buffer: says timeout=1, closes after about 2 s.
    t.https = await httpTarget(1000, ok({ Server: 'Apache/2.4.58 (Unix)' }), pem);
  });

  afterAll(async () => {
    await Promise.all(Object.values(t).map((x) => close(x.server)));
  });

  it('reads Keep-Alive and Server with one clean GET of the health-check path', async () => {
    const inv = probeInventory([httpPool('tg-short', t.short!.port), httpPool('tg-long', t.long!.port)]);
    const before = t.short!.requests.length;
    const obs = await runProbes(inv, { idle: false, userAgent: UA });

    expect(keepalive(obs, t.short!.port)).toMatchObject({ statusCode: 200, headerTimeoutSeconds: 1, server: 'gunicorn/21.2.0', connectionClose: false });
    expect(keepalive(obs, t.long!.port)).toMatchObject({ statusCode: 200, headerTimeoutSeconds: 120, server: 'nginx/1.25.3' });
    expect(obs.every((o) => o.error === undefined)).toBe(true);

    const [req] = t.short!.requests.slice(before);
    expect(t.short!.requests.length - before).toBe(1);
    expect(req).toMatchObject({ method: 'GET', url: '/healthz' });
    expect(req!.headers).toMatchObject({ host: `127.0.0.1:${t.short!.port}`, 'user-agent': UA, connection: 'keep-alive' });
    expect(req!.headers.cookie).toBeUndefined();
    expect(req!.headers.authorization).toBeUndefined();
  });

  it('uses the health-check Host header and "/" when the pool has no path', async () => {
    const before = t.long!.requests.length;
    const p = httpPool('tg-host', t.long!.port, { healthCheck: healthCheck({ path: undefined, host: 'api.internal' }) });
    await runProbes(probeInventory([p]), { idle: false });
    expect(t.long!.requests.slice(before)).toMatchObject([{ url: '/', headers: { host: 'api.internal' } }]);
  });

  it('with idle: times the server closing an idle connection, and records a hold that outlasts the LB', async () => {
    // LB idle timeout 1 s + margin 2 s → hold 3 s. The 1 s and 2 s servers close first; the 120 s one is still open.
    const inv = probeInventory(
      [
        httpPool('tg-short', t.short!.port),
        httpPool('tg-long', t.long!.port),
        httpPool('tg-chunked', t.chunked!.port),
        probePool('tg-https', 'HTTPS', [loopback(t.https!.port)], { healthCheck: healthCheck({ path: '/healthz' }) }),
      ],
      1,
    );
    const { value: obs, ms } = await timed(() => runProbes(inv, { idle: true, idleMarginSeconds: 2 }));

    const short = keepalive(obs, t.short!.port);
    expect(short.error).toBeUndefined();
    expect(short.measuredIdleCloseSeconds).toBeGreaterThanOrEqual(0.7);
    expect(short.measuredIdleCloseSeconds).toBeLessThanOrEqual(1.9);
    expect(short.heldOpenSeconds).toBeUndefined();

    const long = keepalive(obs, t.long!.port);
    expect(long.measuredIdleCloseSeconds).toBeUndefined();
    expect(long.heldOpenSeconds).toBeGreaterThanOrEqual(2.9);
    expect(long.heldOpenSeconds).toBeLessThan(5);

    const chunked = keepalive(obs, t.chunked!.port);
    expect(chunked.error).toBeUndefined();
    expect(chunked.measuredIdleCloseSeconds).toBeGreaterThanOrEqual(0.7);
    expect(chunked.measuredIdleCloseSeconds).toBeLessThanOrEqual(1.9);

    const https = keepalive(obs, t.https!.port);
    expect(https).toMatchObject({ statusCode: 200, headerTimeoutSeconds: 1, server: 'Apache/2.4.58 (Unix)' });
    // The header understates what the server does; the measurement is what the model gets.
    expect(https.measuredIdleCloseSeconds).toBeGreaterThanOrEqual(1.5);
    expect(https.measuredIdleCloseSeconds).toBeLessThanOrEqual(2.8);

    // Holds run in parallel: the run takes about one hold, not four.
    expect(ms).toBeLessThan(8000);

    const applied = applyObservations(inv, obs);
    const backendOf = (poolName: string) => applied.backendPools.find((p) => p.ref.name === poolName)?.targets?.[0]?.backend;
    expect(backendOf('tg-short')).toMatchObject({
      server: { value: 'gunicorn', source: 'measured' },
      keepAliveSeconds: { value: short.measuredIdleCloseSeconds, source: 'measured', detail: expect.stringMatching(/^server closed an idle connection after \d\.\d s/) },
    });
    expect(backendOf('tg-long')).toMatchObject({
      server: { value: 'nginx', source: 'measured' },
      keepAliveSeconds: { value: long.heldOpenSeconds, source: 'measured', detail: expect.stringMatching(/at least/) },
    });
    expect(backendOf('tg-https')).toMatchObject({
      server: { value: 'apache', source: 'measured' },
      keepAliveSeconds: { value: https.measuredIdleCloseSeconds, source: 'measured' },
    });
  });

  it('does not hold a connection the server said it would close', async () => {
    const obs = await runProbes(probeInventory([httpPool('tg-close', t.close!.port)], 1), { idle: true, idleMarginSeconds: 1 });
    const o = keepalive(obs, t.close!.port);
    expect(o).toMatchObject({ statusCode: 200, connectionClose: true });
    expect(o.measuredIdleCloseSeconds).toBeUndefined();
    expect(o.heldOpenSeconds).toBeUndefined();
    expect(o.error).toBeUndefined();
  });
});

describe('bounded reads', () => {
  let server: Server;
  let port: number;
  let written = 0;
  let closed = 0;

  beforeAll(async () => {
    // An endless body: the probe must stop reading, or this test times out.
    server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(1024 * 1024 * 1024) });
      const block = Buffer.alloc(16 * 1024, 0x61);
      const pump = (): void => {
        while (!res.destroyed && res.write(block)) written += block.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => (closed += 1));
      pump();
    });
    port = await listen(server);
  });

  afterAll(async () => {
    await close(server);
  });

  it('without idle, reads the head and stops', async () => {
    const obs = await runProbes(probeInventory([httpPool('tg-huge', port)]), { idle: false, maxBytes: 64 * 1024 });
    expect(keepalive(obs, port)).toMatchObject({ statusCode: 200 });
    expect(keepalive(obs, port).error).toBeUndefined();
  });

  it('with idle, gives up on a body larger than maxBytes and says why', async () => {
    const closedBefore = closed;
    const obs = await runProbes(probeInventory([httpPool('tg-huge', port)], 1), { idle: true, idleMarginSeconds: 1, maxBytes: 64 * 1024 });
    const o = keepalive(obs, port);
    expect(o.statusCode).toBe(200);
    expect(o.error?.code).toBe('max-bytes');
    expect(o.measuredIdleCloseSeconds).toBeUndefined();
    expect(o.heldOpenSeconds).toBeUndefined();
    // The probe hung up: the server saw the connection close long before its 1 GiB body was sent.
    await expect.poll(() => closed).toBeGreaterThan(closedBefore);
    expect(written).toBeLessThan(256 * 1024 * 1024);
  });
});
