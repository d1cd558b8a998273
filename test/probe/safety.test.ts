import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { Observation } from '../../src/model/index.js';
import { applyObservations, runProbes, type ProbeProgress } from '../../src/probe/index.js';
import { healthCheck } from '../support/builders.js';
import { close, closedPort, listen, loopback, probeInventory, probePool, timed, track } from './support.js';

const codes = (obs: Observation[]): Array<string | undefined> => obs.map((o) => o.error?.code);

describe('deadlines', () => {
  let silent: NetServer;
  let silentPort: number;
  let silentSockets: Set<Socket>;
  let slowKeepAlive: Server;
  let slowPort: number;

  beforeAll(async () => {
    // Accepts and never answers: neither a TLS ServerHello nor an HTTP response ever comes.
    silent = createNetServer((s) => s.resume());
    silentSockets = track(silent).sockets;
    silentPort = await listen(silent);
    slowKeepAlive = createHttpServer({ keepAliveTimeout: 120_000 }, (_req, res) => res.end('ok'));
    slowKeepAlive.keepAliveTimeout = 120_000;
    slowPort = await listen(slowKeepAlive);
  });

  afterAll(async () => {
    await close(silent, silentSockets);
    await close(slowKeepAlive);
  });

  it('a target that accepts and never answers: error within the per-probe timeout', async () => {
    const inv = probeInventory([
      probePool('tg-http', 'HTTP', [loopback(silentPort)]),
      probePool('tg-tls', 'TLS', [loopback(silentPort, '127.0.0.1', 'tls-target')], { healthCheck: healthCheck({ protocol: 'TCP' }) }),
    ]);
    const { value: obs, ms } = await timed(() => runProbes(inv, { idle: true, perProbeTimeoutMs: 1000 }));
    expect(obs.map((o) => o.kind)).toEqual(['keepalive', 'tls']);
    expect(codes(obs)).toEqual(['ETIMEDOUT', 'ETIMEDOUT']);
    expect(obs[0]?.error?.message).toMatch(/1000 ms/);
    expect(ms).toBeLessThan(3000);
  });

  it('the overall deadline cuts an idle hold short and marks unstarted probes', async () => {
    // LB idle 100 s → a 105 s hold; the 1 s deadline must end it. Concurrency 1 keeps the other targets queued.
    const targets = ['a', 'b', 'c'].map((id) => loopback(slowPort, '127.0.0.1', id));
    const inv = probeInventory([probePool('tg-slow', 'HTTP', targets)], 100);
    const { value: obs, ms } = await timed(() => runProbes(inv, { idle: true, concurrency: 1, overallDeadlineMs: 1000 }));
    expect(ms).toBeLessThan(4000);
    const [first, ...rest] = obs;
    expect(first).toMatchObject({ kind: 'keepalive', statusCode: 200, headerTimeoutSeconds: 120 });
    expect(first?.error).toBeUndefined();
    if (first?.kind !== 'keepalive') throw new Error('expected keep-alive');
    expect(first.heldOpenSeconds).toBeGreaterThan(0.5);
    expect(first.heldOpenSeconds).toBeLessThan(3);
    expect(codes(rest)).toEqual(['deadline', 'deadline']);
    expect(rest[0]?.error?.message).toMatch(/before this target was probed/);

    // A 1 s hold proves nothing against a 100 s idle timeout: the header is what the model gets.
    const t = applyObservations(inv, obs).backendPools[0]?.targets?.[0];
    expect(t?.backend?.keepAliveSeconds).toMatchObject({ value: 120, source: 'measured', detail: expect.stringMatching(/^Keep-Alive: timeout=120 header from 127\.0\.0\.1:/) });
  });

  it('a cancelled run connects to nothing', async () => {
    const server = createNetServer((s) => s.resume());
    const tracked = track(server);
    const port = await listen(server);
    try {
      const cancel = new AbortController();
      cancel.abort();
      const obs = await runProbes(probeInventory([probePool('tg', 'HTTP', [loopback(port)])]), { idle: false, signal: cancel.signal });
      expect(codes(obs)).toEqual(['aborted']);
      await new Promise((r) => setTimeout(r, 50));
      expect(tracked.connections()).toBe(0);
    } finally {
      await close(server, tracked.sockets);
    }
  });
});

describe('failures become observations', () => {
  it('refused connection', async () => {
    const port = await closedPort(createNetServer());
    const obs = await runProbes(probeInventory([probePool('tg', 'HTTPS', [loopback(port)])]), { idle: false });
    expect(obs.map((o) => [o.kind, o.error?.code])).toEqual([
      ['tls', 'ECONNREFUSED'],
      ['keepalive', 'ECONNREFUSED'],
    ]);
    expect(obs[0]?.kind === 'tls' && obs[0].handshakeError).toBeFalsy();
  });

  it('a target named by host name is never resolved', async () => {
    const t = { ...loopback(8443), address: 'api.internal' };
    const obs = await runProbes(probeInventory([probePool('tg', 'HTTP', [t])]), { idle: false });
    expect(codes(obs)).toEqual(['unsupported-address']);
  });

  it('a malformed --probe-cidr is a ConfigError before any connection', async () => {
    const server = createNetServer((s) => s.resume());
    const tracked = track(server);
    const port = await listen(server);
    try {
      await expect(runProbes(probeInventory([probePool('tg', 'HTTP', [loopback(port)])]), { idle: false, allowCidrs: ['127.0.0.0/33'] })).rejects.toBeInstanceOf(ConfigError);
      expect(tracked.connections()).toBe(0);
    } finally {
      await close(server, tracked.sockets);
    }
  });
});

describe('allow-list', () => {
  it('never connects to an address outside --probe-cidr', async () => {
    const outside = createNetServer((s) => s.resume());
    const outsideTracked = track(outside);
    const inside = createHttpServer((_req, res) => res.end('ok'));
    const insideTracked = track(inside);
    // Linux routes all of 127.0.0.0/8 to loopback, so a second address needs no setup.
    const outsidePort = await listen(outside, '127.0.0.2');
    const insidePort = await listen(inside, '127.0.0.1');
    try {
      const inv = probeInventory([
        probePool('tg-out', 'HTTPS', [loopback(outsidePort, '127.0.0.2')]),
        probePool('tg-in', 'HTTP', [loopback(insidePort, '127.0.0.1')]),
      ]);
      const obs = await runProbes(inv, { idle: false, allowCidrs: ['127.0.0.1/32'] });
      expect(obs.map((o) => [o.kind, o.address, o.error?.code])).toEqual([
        ['tls', '127.0.0.2', 'not-allowed'],
        ['keepalive', '127.0.0.2', 'not-allowed'],
        ['keepalive', '127.0.0.1', undefined],
      ]);
      expect(obs[0]?.error?.message).toMatch(/--probe-cidr/);
      await new Promise((r) => setTimeout(r, 50));
      expect(outsideTracked.connections()).toBe(0);
      // The control: the allowed target was reached, so the counting works.
      expect(insideTracked.connections()).toBe(1);
    } finally {
      await close(outside, outsideTracked.sockets);
      await close(inside, insideTracked.sockets);
    }
  });
});

describe('concurrency', () => {
  it('never has more probes in flight than allowed, and reports progress', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const server = createHttpServer((_req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        // Decrement before the response leaves: the client cannot start its next probe earlier.
        inFlight -= 1;
        res.end('ok');
      }, 300);
    });
    const port = await listen(server);
    try {
      const targets = [1, 2, 3, 4, 5, 6].map((i) => loopback(port, '127.0.0.1', `t${i}`));
      const progress: ProbeProgress[] = [];
      const { value: obs, ms } = await timed(() =>
        runProbes(probeInventory([probePool('tg', 'HTTP', targets)]), { idle: false, concurrency: 2, progress: (p) => progress.push(p) }),
      );
      expect(codes(obs)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
      expect(maxInFlight).toBe(2);
      // Three rounds of 300 ms at the least; unbounded would take one.
      expect(ms).toBeGreaterThanOrEqual(850);
      expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(progress.every((p) => p.total === 6)).toBe(true);
    } finally {
      await close(server);
    }
  });
});
