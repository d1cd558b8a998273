import { isIP } from 'node:net';
import type { BackendPool, Inventory, Protocol } from '../model/index.js';

/** One connection-level measurement of one target. */
export interface ProbeTask {
  kind: 'tls' | 'keepalive';
  poolId: string;
  targetKey: string;
  address: string;
  port: number;
  /** SNI the load balancer sends (pool.tls.sni); undefined = none, as ALB/NLB by default. */
  sni?: string;
  /** TLS: the name the certificate is checked against (SNI, else the health-check Host). */
  expectedHost?: string;
  /** Keep-alive: `https` on HTTPS pools. */
  scheme?: 'http' | 'https';
  /** Keep-alive: request path (the health-check path, else `/`). */
  path?: string;
  /** Keep-alive: the Host header, as the LB's health check sends it (AWS: `<target IP>:<port>`). */
  hostHeader?: string;
  /** Keep-alive with --probe-idle: how long to hold the idle connection. */
  holdSeconds?: number;
}

const TLS_PROTOCOLS: ReadonlySet<Protocol> = new Set(['HTTPS', 'TLS', 'SSL']);

/**
 * The longest backend idle timeout among the load balancers routing to the pool: the hold must outlast
 * every one of them. Undefined when none is known.
 */
export function backendIdleTimeoutOf(inv: Inventory, pool: BackendPool): number | undefined {
  let max: number | undefined;
  for (const lb of inv.loadBalancers) {
    if (!pool.loadBalancerIds.includes(lb.ref.id)) continue;
    const v = lb.backendIdleTimeoutSeconds?.value;
    if (v !== undefined && (max === undefined || v > max)) max = v;
  }
  return max;
}

function hostPort(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

export interface PlanOptions {
  idle: boolean;
  idleMarginSeconds: number;
  maxIdleHoldSeconds: number;
}

/**
 * What to probe, in inventory order: for each target with an address, a TLS handshake on TLS pools (and on an
 * HTTPS health-check port that differs), and a keep-alive request on HTTP/1.x pools. gRPC and HTTP/2 pools get
 * no keep-alive request: their load balancer does not speak HTTP/1.1 to them.
 */
export function planProbes(inv: Inventory, opts: PlanOptions): ProbeTask[] {
  const tasks: ProbeTask[] = [];
  const seen = new Set<string>();
  const add = (t: ProbeTask): void => {
    const key = `${t.kind}\u0000${t.poolId}\u0000${t.targetKey}\u0000${t.port}`;
    if (seen.has(key)) return;
    seen.add(key);
    tasks.push(t);
  };
  for (const pool of inv.backendPools) {
    const protocol = pool.protocol;
    const hc = pool.healthCheck;
    const sni = pool.tls?.sni;
    const lbIdle = backendIdleTimeoutOf(inv, pool);
    const holdSeconds = lbIdle === undefined ? opts.maxIdleHoldSeconds : Math.min(lbIdle + opts.idleMarginSeconds, opts.maxIdleHoldSeconds);
    const http1 = pool.protocolVersion === undefined || pool.protocolVersion === 'HTTP1';
    for (const t of pool.targets ?? []) {
      if (!t.address) continue;
      const base = { poolId: pool.ref.id, targetKey: t.key, address: t.address };
      const expectedHost = sni ?? hc?.host;
      const tlsTask = (port: number): ProbeTask => ({ ...base, kind: 'tls', port, ...(sni ? { sni } : {}), ...(expectedHost ? { expectedHost } : {}) });
      if (protocol && TLS_PROTOCOLS.has(protocol)) add(tlsTask(t.port));
      // NLB HTTPS health checks fail against TLS-1.3-only targets (CHECKS.md N3): probe that port too.
      if (hc?.enabled && hc.protocol === 'HTTPS') add(tlsTask(hc.usesTrafficPort || hc.port === undefined ? t.port : hc.port));
      if ((protocol === 'HTTP' || protocol === 'HTTPS') && http1) {
        add({
          ...base,
          kind: 'keepalive',
          port: t.port,
          scheme: protocol === 'HTTPS' ? 'https' : 'http',
          path: hc?.path && hc.path.startsWith('/') ? hc.path : '/',
          hostHeader: hc?.host ?? hostPort(t.address, t.port),
          ...(sni ? { sni } : {}),
          ...(opts.idle ? { holdSeconds } : {}),
        });
      }
    }
  }
  return tasks;
}
