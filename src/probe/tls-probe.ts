import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { TlsObservation } from '../model/index.js';
import type { AllowList } from './allow-list.js';
import { budget, closeTls, connectTls, HandshakeError, toObservationError, type HandshakeOptions } from './connection.js';
import type { ProbeTask } from './plan.js';

type ChainEntry = NonNullable<TlsObservation['chain']>[number];

export interface TlsProbeContext {
  allowList: AllowList;
  /** The run's signal: overall deadline and cancellation. */
  signal: AbortSignal;
  perProbeTimeoutMs: number;
  maxBytes: number;
  /** Roots to verify against; undefined = Node's default store. */
  ca: string[] | undefined;
}

const CLOSE_GRACE_MS = 500;

// Curve name → key size in bits, for the curves certificates use.
const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp256k1: 256, secp384r1: 384, secp521r1: 521 };

/** `C=US\nCN=x` → `C=US, CN=x`. */
function dn(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

/** `DNS:a, IP Address:10.0.0.1` → `['a', '10.0.0.1']` (the shape the TLS checks compare names with). */
function sans(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(', ')
    .map((s) => s.replace(/^(DNS|IP Address|email|URI):/, '').replace(/^"(.*)"$/, '$1'))
    .filter(Boolean);
}

export function describeCertificate(der: Buffer): ChainEntry {
  const x = new X509Certificate(der);
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails;
  const keyBits = details?.modulusLength ?? (details?.namedCurve ? CURVE_BITS[details.namedCurve] : undefined) ?? (key.asymmetricKeyType === 'ed25519' ? 256 : undefined);
  let selfSigned: boolean;
  try {
    // Not checkIssued: OpenSSL's issuer check also wants keyCertSign, which self-signed leaves lack.
    selfSigned = x.subject === x.issuer && x.verify(key);
  } catch {
    // An unsupported signature algorithm cannot prove self-signature.
    selfSigned = false;
  }
  return {
    subject: dn(x.subject),
    issuer: dn(x.issuer),
    sans: sans(x.subjectAltName),
    notBefore: x.validFromDate.toISOString(),
    notAfter: x.validToDate.toISOString(),
    ...(key.asymmetricKeyType ? { keyType: key.asymmetricKeyType } : {}),
    ...(keyBits !== undefined ? { keyBits } : {}),
    selfSigned,
  };
}

/** The chain the server presented, leaf first, as Node completed it (at most 10 links). */
function peerChain(tls: TLSSocket): ChainEntry[] {
  const chain: ChainEntry[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = tls.getPeerCertificate(true);
  while (cert && cert.raw && !seen.has(cert.fingerprint256) && chain.length < 10) {
    seen.add(cert.fingerprint256);
    chain.push(describeCertificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

function looksLikeHttp(bytes: Buffer): boolean {
  return bytes.subarray(0, 5).toString('latin1') === 'HTTP/';
}

async function handshake(
  task: ProbeTask,
  ctx: TlsProbeContext,
  extra: Partial<HandshakeOptions>,
  inspect: (tls: TLSSocket) => void,
): Promise<void> {
  const b = budget(ctx.signal, ctx.perProbeTimeoutMs, `TLS handshake with ${task.address}:${task.port}`);
  let conn: Awaited<ReturnType<typeof connectTls>> | undefined;
  try {
    conn = await connectTls(
      { address: task.address, port: task.port, sni: task.sni, ca: ctx.ca, maxBytes: ctx.maxBytes, ...extra },
      ctx.allowList,
      b.signal,
    );
    inspect(conn.tls);
    await closeTls(conn, CLOSE_GRACE_MS);
  } finally {
    conn?.tls.destroy();
    conn?.raw.destroy();
    b.dispose();
  }
}

/**
 * Handshakes like a load balancer would (its SNI or none), records protocol, cipher, chain, trust and name
 * match, then retries capped at TLS 1.2 to tell TLS-1.3-only targets. Never throws.
 */
export async function probeTls(task: ProbeTask, ctx: TlsProbeContext): Promise<TlsObservation> {
  const obs: TlsObservation = {
    kind: 'tls',
    poolId: task.poolId,
    targetKey: task.targetKey,
    address: task.address,
    port: task.port,
    at: new Date().toISOString(),
    ...(task.sni ? { sni: task.sni } : {}),
  };
  try {
    await handshake(task, ctx, {}, (tls) => {
      obs.plainHttp = false;
      const protocol = tls.getProtocol();
      if (protocol) obs.protocol = protocol;
      obs.cipher = tls.getCipher().standardName;
      obs.chain = peerChain(tls);
      obs.trusted = tls.authorized;
      if (!tls.authorized && tls.authorizationError) obs.trustError = String(tls.authorizationError);
      if (task.expectedHost) {
        const peer = tls.getPeerCertificate();
        // checkServerIdentity wants a bare host; a Host value may carry a port.
        const host = isIP(task.expectedHost) ? task.expectedHost : task.expectedHost.replace(/:\d+$/, '');
        obs.hostnameMatches = checkServerIdentity(host, peer) === undefined;
      }
    });
  } catch (e) {
    if (e instanceof HandshakeError) {
      obs.plainHttp = looksLikeHttp(e.firstBytes);
      obs.handshakeError = { code: e.code, message: obs.plainHttp ? `the target answered the TLS ClientHello with plain HTTP (${e.message})` : e.message };
    } else {
      obs.error = toObservationError(e);
    }
    return obs;
  }
  if (obs.protocol !== 'TLSv1.3') {
    obs.tls13Only = false;
    return obs;
  }
  try {
    await handshake(task, ctx, { maxVersion: 'TLSv1.2' }, () => undefined);
    obs.tls13Only = false;
  } catch (e) {
    // Only a refused handshake says "1.3 only"; a network failure on the retry says nothing.
    if (e instanceof HandshakeError) obs.tls13Only = true;
  }
  return obs;
}
