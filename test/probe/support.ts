/**
 * Servers and certificates for the probe tests. Everything listens on 127.0.0.x and is generated at test time.
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { generate } from 'selfsigned';
import type { BackendPool, Inventory, LoadBalancer, Target } from '../../src/model/index.js';
import { inventory, loadBalancer, pool, target, wire } from '../support/builders.js';

export interface Pem {
  key: string;
  cert: string;
}

const DAY_MS = 86_400_000;

export async function makeCa(name = 'cloud502 test CA'): Promise<Pem> {
  const ca = await generate([{ name: 'commonName', value: name }], {
    algorithm: 'sha256',
    keyType: 'ec',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { key: ca.private, cert: ca.cert };
}

export interface LeafOptions {
  cn: string;
  /** Signed by this CA; self-signed without it. */
  ca?: Pem;
  notBefore?: Date;
  notAfter?: Date;
  keyType?: 'rsa' | 'ec';
}

export async function makeLeaf(o: LeafOptions): Promise<Pem> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: o.cn }], {
    algorithm: 'sha256',
    keyType: o.keyType ?? 'ec',
    ...(o.keyType === 'rsa' ? { keySize: 2048 } : {}),
    notBeforeDate: o.notBefore ?? new Date(now - DAY_MS),
    notAfterDate: o.notAfter ?? new Date(now + 90 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: o.cn }] },
    ],
    ...(o.ca ? { ca: { key: o.ca.key, cert: o.ca.cert } } : {}),
  });
  return { key: pems.private, cert: pems.cert };
}

export const daysFromNow = (days: number): Date => new Date(Date.now() + days * DAY_MS);

/** Listens on an ephemeral port of `host` and resolves the port. */
export function listen(server: NetServer | HttpServer | TlsServer, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Counts accepted connections and keeps them so that `close` can end them. */
export function track(server: NetServer | HttpServer | TlsServer): { connections: () => number; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  let count = 0;
  server.on('connection', (s: Socket) => {
    count += 1;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  return { connections: () => count, sockets };
}

export async function close(server: NetServer | HttpServer | TlsServer, sockets?: Set<Socket>): Promise<void> {
  for (const s of sockets ?? []) s.destroy();
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(netServer: NetServer): Promise<number> {
  const port = await listen(netServer);
  await new Promise<void>((resolve) => netServer.close(() => resolve()));
  return port;
}

/** One loopback target; `key` distinguishes several targets on the same server. */
export function loopback(port: number, address = '127.0.0.1', id = `t-${address}-${port}`): Target {
  return target({ id, key: `${id}:${port}`, address, port, type: 'ip' });
}

/** A pool with exactly these targets (the builder's default targets are 10.x addresses, never to be probed). */
export function probePool(name: string, protocol: BackendPool['protocol'], targets: Target[], overrides: Partial<BackendPool> = {}): BackendPool {
  return pool(name, { protocol, port: targets[0]?.port ?? 443, targets, ...overrides });
}

/**
 * An ALB (backend idle timeout `idleSeconds`; null = not known) routing to the pools. Refuses any target that is not on 127.0.0.0/8:
 * the tests must never reach another host.
 */
export function probeInventory(pools: BackendPool[], idleSeconds: number | null = 60, lb: Partial<LoadBalancer> = {}): Inventory {
  for (const p of pools) {
    for (const t of p.targets ?? []) {
      // Host names are allowed: the probe never resolves them (a test asserts that).
      if (t.address !== undefined && !t.address.startsWith('127.') && t.address !== '::1' && !/^[a-z][a-z.-]*$/i.test(t.address)) {
        throw new Error(`test inventory names a non-loopback target ${t.address}`);
      }
    }
  }
  const base = loadBalancer('alb-probe', {
    ...(idleSeconds === null ? { backendIdleTimeoutSeconds: undefined } : { backendIdleTimeoutSeconds: { value: idleSeconds, source: 'api' as const } }),
    ...lb,
  });
  const wired = wire(base, pools);
  return inventory({ loadBalancers: [wired.lb], backendPools: wired.pools });
}

/** Elapsed milliseconds of an async call. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}
