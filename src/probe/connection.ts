/**
 * The only place the probe opens sockets. Every connect goes through the allow-list first, never
 * resolves a name, and is bound to an abort signal that destroys the socket.
 */
import { connect as netConnect, type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, type SecureVersion, type TLSSocket } from 'node:tls';
import type { AllowList } from './allow-list.js';

/** A probe failure with a stable code (`ECONNREFUSED`, `ETIMEDOUT`, `deadline`, `not-allowed`, `max-bytes`...). */
export class ProbeError extends Error {
  override name = 'ProbeError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The TCP connection opened but the TLS handshake failed; `firstBytes` is what the server sent first. */
export class HandshakeError extends ProbeError {
  override name = 'HandshakeError';
  constructor(
    code: string,
    message: string,
    readonly firstBytes: Buffer,
  ) {
    super(code, message);
  }
}

/** Maps anything thrown during a probe to an observation error. */
export function toObservationError(e: unknown): { code: string; message: string } {
  if (e instanceof ProbeError) return { code: e.code, message: e.message };
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code ?? ('code' in e && typeof e.code === 'string' ? e.code : undefined);
    return { code: code ?? 'error', message: e.message };
  }
  return { code: 'error', message: String(e) };
}

function abortReason(signal: AbortSignal): ProbeError {
  return signal.reason instanceof ProbeError ? signal.reason : new ProbeError('aborted', 'the probe run was cancelled');
}

/** A signal that aborts with `parent` or after `ms` with an `ETIMEDOUT` {@link ProbeError}. Call `dispose` when done. */
export function budget(parent: AbortSignal, ms: number, what: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onParent = (): void => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(
    () => controller.abort(new ProbeError('ETIMEDOUT', `${what} did not complete within ${ms} ms (--probe-timeout)`)),
    ms,
  );
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}

// Addresses are IP literals, so Node never calls this; it makes a name lookup impossible rather than unlikely.
const refuseLookup: LookupFunction = (hostname, _options, callback) => {
  callback(new ProbeError('unsupported-address', `the probe does not resolve names (${hostname})`), '', 4);
};

const ignoreError = (): void => {};

/** Connects over TCP after checking the allow-list. The caller owns the socket and must destroy it. */
export function connectTcp(address: string, port: number, allowList: AllowList, signal: AbortSignal): Promise<Socket> {
  if (!allowList.allows(address)) {
    return Promise.reject(
      new ProbeError('not-allowed', `${address} is outside the probe allow-list (${allowList.description}); widen it with --probe-cidr`),
    );
  }
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port, lookup: refuseLookup, noDelay: true });
    // A socket must always have an error listener: a late error with none would crash the process.
    socket.on('error', ignoreError);
    const cleanup = (): void => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onConnect = (): void => {
      cleanup();
      resolve(socket);
    };
    const onError = (e: Error): void => {
      cleanup();
      socket.destroy();
      reject(e);
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(abortReason(signal));
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sits between a TCP socket and the TLS layer: counts and bounds the bytes the server sends, and keeps
 * its first bytes, so that a plain-HTTP answer to our ClientHello can be recognised.
 */
export class WireTap extends Duplex {
  bytesIn = 0;
  private head: Buffer = Buffer.alloc(0);

  constructor(
    private readonly inner: Socket,
    private readonly maxBytes: number,
  ) {
    super();
    inner.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      if (this.head.length < 64) this.head = Buffer.concat([this.head, chunk]).subarray(0, 64);
      if (this.bytesIn > this.maxBytes) {
        this.destroy(new ProbeError('max-bytes', `the server sent more than ${this.maxBytes} bytes; stopped reading`));
        return;
      }
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (e) => this.destroy(e));
    inner.on('close', () => this.destroy());
  }

  /** Up to the first 64 bytes the server sent. */
  get firstBytes(): Buffer {
    return this.head;
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.inner.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }
}

export interface HandshakeOptions {
  address: string;
  port: number;
  /** Server name to send; undefined sends no SNI, like an ALB/NLB without a configured one. */
  sni: string | undefined;
  /** Roots to verify against; undefined = Node's default store. */
  ca: string[] | undefined;
  maxVersion?: SecureVersion;
  maxBytes: number;
}

export interface SecureConnection {
  raw: Socket;
  tap: WireTap;
  tls: TLSSocket;
}

/**
 * Connects and completes a TLS handshake without rejecting any certificate (load balancers that do not
 * verify do not either; the caller inspects `authorized` and the chain).
 * TCP failures reject with the socket error; TLS failures with a {@link HandshakeError}.
 */
export async function connectTls(opts: HandshakeOptions, allowList: AllowList, signal: AbortSignal): Promise<SecureConnection> {
  const raw = await connectTcp(opts.address, opts.port, allowList, signal);
  const tap = new WireTap(raw, opts.maxBytes);
  tap.on('error', ignoreError);
  let tls: TLSSocket;
  try {
    tls = tlsConnect({
      socket: tap,
      // With `host` an IP literal and no `servername`, Node sends no SNI; without `host` it would send "localhost".
      host: opts.address,
      ...(opts.sni ? { servername: opts.sni } : {}),
      rejectUnauthorized: false,
      // Keep `authorized` about the chain only; the caller checks names against what the LB would expect.
      checkServerIdentity: () => undefined,
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}),
    });
  } catch (e) {
    raw.destroy();
    throw e;
  }
  tls.on('error', ignoreError);
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      tls.off('secureConnect', onSecure);
      tls.off('error', onError);
      tls.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (e: Error): void => {
      cleanup();
      tls.destroy();
      raw.destroy();
      reject(e);
    };
    const onSecure = (): void => {
      cleanup();
      resolve({ raw, tap, tls });
    };
    const onError = (e: Error): void => {
      const err = toObservationError(e);
      fail(e instanceof ProbeError ? e : new HandshakeError(err.code, err.message, tap.firstBytes));
    };
    const onClose = (): void =>
      fail(new HandshakeError('ECONNRESET', 'the server closed the connection during the TLS handshake', tap.firstBytes));
    const onAbort = (): void => fail(abortReason(signal));
    tls.once('secureConnect', onSecure);
    tls.once('error', onError);
    tls.once('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Feeds what the stream delivers to `consume` until it returns true ('consumed') or the stream ends first
 * ('ended'). Rejects on a stream error or when the signal aborts.
 */
export function readUntil(stream: Duplex, signal: AbortSignal, consume: (chunk: Buffer) => boolean): Promise<'consumed' | 'ended'> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onData = (chunk: Buffer): void => {
      let done: boolean;
      try {
        done = consume(chunk);
      } catch (e) {
        cleanup();
        reject(e);
        return;
      }
      if (done) {
        cleanup();
        // Keep later bytes and the close in the stream for the idle hold that may follow.
        stream.pause();
        resolve('consumed');
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve('ended');
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onAbort = (): void => {
      cleanup();
      reject(abortReason(signal));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    stream.resume();
  });
}

export type HoldResult =
  | { outcome: 'closed'; afterMs: number }
  | { outcome: 'held'; heldMs: number }
  /** The run's deadline (or cancellation) ended the hold early; `heldMs` is a lower bound. */
  | { outcome: 'cut-short'; heldMs: number; reason: ProbeError };

/**
 * Holds an idle connection and times when the server closes it (FIN, RST or TLS close), up to `holdMs`.
 * Bytes the server sends meanwhile are counted against `maxBytes` and discarded.
 */
export function holdIdle(stream: Duplex, holdMs: number, signal: AbortSignal, maxBytes: number): Promise<HoldResult> {
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (r: HoldResult): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onClosed);
      stream.off('close', onClosed);
      stream.off('error', onClosed);
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > maxBytes) finish({ outcome: 'cut-short', heldMs: elapsed(), reason: new ProbeError('max-bytes', `the server sent more than ${maxBytes} bytes on an idle connection`) });
    };
    const onClosed = (): void => finish({ outcome: 'closed', afterMs: elapsed() });
    const onAbort = (): void => finish({ outcome: 'cut-short', heldMs: elapsed(), reason: abortReason(signal) });
    const timer = setTimeout(() => finish({ outcome: 'held', heldMs: elapsed() }), holdMs);
    if (stream.destroyed || stream.readableEnded) {
      onClosed();
      return;
    }
    stream.on('data', onData);
    stream.once('end', onClosed);
    stream.once('close', onClosed);
    stream.once('error', onClosed);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    stream.resume();
  });
}

/** Writes and waits for the write to be flushed to the socket, bound to the signal. */
export function writeAll(stream: Duplex, data: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    stream.write(data, (err) => {
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * Ends a TLS connection politely (close_notify, then FIN) so that the target does not log an aborted
 * handshake, then destroys both sockets. Waits at most `graceMs`.
 */
export function closeTls(conn: SecureConnection, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      conn.raw.off('finish', done);
      conn.raw.off('close', done);
      conn.tls.destroy();
      conn.raw.destroy();
      resolve();
    };
    const timer = setTimeout(done, graceMs);
    conn.raw.once('finish', done);
    conn.raw.once('close', done);
    conn.tls.end();
  });
}
