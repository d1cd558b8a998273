import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { KeepAliveObservation } from '../model/index.js';
import type { AllowList } from './allow-list.js';
import { budget, connectTcp, connectTls, holdIdle, ProbeError, readUntil, toObservationError, writeAll } from './connection.js';
import { parseKeepAliveHeader } from './headers.js';
import { ResponseReader, serverWillClose, type ReaderState } from './http-response.js';
import type { ProbeTask } from './plan.js';

export interface KeepAliveProbeContext {
  allowList: AllowList;
  /** The run's signal: overall deadline and cancellation. */
  signal: AbortSignal;
  perProbeTimeoutMs: number;
  maxBytes: number;
  userAgent: string;
}

/** Tenths of a second: the precision a timer-driven close deserves. */
function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

// Header values come from the inventory; they must not be able to inject lines into the request.
const UNSAFE = /[\0-\x20\x7f]/;

/**
 * The request a load balancer's health check would make, minus anything personal: no cookies, no
 * credentials, no Authorization; a User-Agent that names the probe.
 */
export function keepAliveRequest(task: ProbeTask, userAgent: string): string {
  const path = task.path ?? '/';
  const host = task.hostHeader ?? task.address;
  if (UNSAFE.test(path) || UNSAFE.test(host)) throw new ProbeError('bad-request', `refusing to send an unsafe path or Host header (${JSON.stringify(path)}, ${JSON.stringify(host)})`);
  return [`GET ${path} HTTP/1.1`, `Host: ${host}`, `User-Agent: ${userAgent}`, 'Accept: */*', 'Connection: keep-alive', '', ''].join('\r\n');
}

/**
 * One GET on the traffic port with `Connection: keep-alive`: records status, `Server`, `Keep-Alive: timeout=N`
 * and `Connection: close`. With `task.holdSeconds`, reads the whole (bounded) response, then keeps the same
 * connection idle and times when the server closes it. Never throws.
 */
export async function probeKeepAlive(task: ProbeTask, ctx: KeepAliveProbeContext): Promise<KeepAliveObservation> {
  const obs: KeepAliveObservation = {
    kind: 'keepalive',
    poolId: task.poolId,
    targetKey: task.targetKey,
    address: task.address,
    port: task.port,
    at: new Date().toISOString(),
  };
  const hold = task.holdSeconds;
  const b = budget(ctx.signal, ctx.perProbeTimeoutMs, `request to ${task.address}:${task.port}`);
  const sockets: Array<Socket | Duplex> = [];
  try {
    const request = keepAliveRequest(task, ctx.userAgent);
    let stream: Duplex;
    if (task.scheme === 'https') {
      // The TLS layer adds handshake and record overhead on top of the response bytes bounded below.
      const conn = await connectTls({ address: task.address, port: task.port, sni: task.sni, ca: undefined, maxBytes: 2 * ctx.maxBytes }, ctx.allowList, b.signal);
      sockets.push(conn.tls, conn.raw);
      stream = conn.tls;
    } else {
      const raw = await connectTcp(task.address, task.port, ctx.allowList, b.signal);
      sockets.push(raw);
      stream = raw;
    }
    await writeAll(stream, request, b.signal);

    const reader = new ResponseReader(ctx.maxBytes);
    let bytes = 0;
    let state: ReaderState['state'] = 'reading';
    let overflow = false;
    const how = await readUntil(stream, b.signal, (chunk) => {
      bytes += chunk.length;
      state = reader.push(chunk).state;
      // Without a hold the head is all we need; with one, the body must be drained to leave the connection idle.
      if (state !== 'reading' || (hold === undefined && reader.responseHead)) return true;
      if (bytes > ctx.maxBytes) {
        overflow = true;
        return true;
      }
      return false;
    });
    const head = reader.responseHead;
    if (!head) {
      throw new ProbeError(how === 'ended' ? 'ECONNRESET' : 'max-bytes', how === 'ended' ? 'the server closed the connection without a response' : `no response head within ${ctx.maxBytes} bytes`);
    }
    obs.statusCode = head.statusCode;
    if (head.headers['server'] !== undefined) obs.server = head.headers['server'];
    const ka = head.headers['keep-alive'];
    const timeout = ka === undefined ? undefined : parseKeepAliveHeader(ka);
    if (timeout !== undefined) obs.headerTimeoutSeconds = timeout;
    // A body delimited by the close cannot leave the connection reusable.
    const willClose = serverWillClose(head) || (state as ReaderState['state']) === 'until-close';
    obs.connectionClose = willClose;
    if (hold === undefined || willClose) return obs;
    if (overflow) throw new ProbeError('max-bytes', `response larger than ${ctx.maxBytes} bytes; stopped reading, so the connection could not be held idle`);
    if (how === 'ended') throw new ProbeError('ECONNRESET', 'the server closed the connection before the response ended');
    b.dispose();

    const result = await holdIdle(stream, hold * 1000, ctx.signal, ctx.maxBytes);
    if (result.outcome === 'closed') obs.measuredIdleCloseSeconds = seconds(result.afterMs);
    else obs.heldOpenSeconds = seconds(result.heldMs);
    if (result.outcome === 'cut-short' && result.reason.code === 'max-bytes') obs.error = toObservationError(result.reason);
  } catch (e) {
    obs.error = toObservationError(e);
  } finally {
    for (const s of sockets) s.destroy();
    b.dispose();
  }
  return obs;
}
