import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TlsOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsObservation } from '../../src/model/index.js';
import { runProbes } from '../../src/probe/index.js';
import { healthCheck } from '../support/builders.js';
import { close, daysFromNow, listen, loopback, makeCa, makeLeaf, probeInventory, probePool, type Pem } from './support.js';

interface TlsTarget {
  server: TlsServer;
  port: number;
  /** SNI each accepted handshake carried (`false` or null = none). */
  sni: Array<string | false | null>;
}

async function tlsServer(pem: Pem, extra: TlsOptions = {}): Promise<TlsTarget> {
  const sni: Array<string | false | null> = [];
  const server = createTlsServer({ key: pem.key, cert: pem.cert, ...extra }, (s) => {
    sni.push(s.servername);
    s.on('error', () => {});
    s.end();
  });
  server.on('tlsClientError', () => {});
  return { server, port: await listen(server), sni };
}

async function probeOne(port: number, opts: { sni?: string; hcHost?: string; extraCaPem?: string[] } = {}): Promise<TlsObservation> {
  const p = probePool('tg-tls', 'HTTPS', [loopback(port)], {
    protocolVersion: 'GRPC', // keeps this pool to the TLS probe only
    healthCheck: healthCheck({ protocol: 'HTTPS', port, ...(opts.hcHost ? { host: opts.hcHost } : {}) }),
    ...(opts.sni ? { tls: { verifiesCertificate: false, sni: opts.sni } } : {}),
  });
  const obs = await runProbes(probeInventory([p]), { idle: false, perProbeTimeoutMs: 3000, ...(opts.extraCaPem ? { extraCaPem: opts.extraCaPem } : {}) });
  expect(obs).toHaveLength(1);
  const o = obs[0];
  if (o?.kind !== 'tls') throw new Error(`expected a TLS observation, got ${JSON.stringify(o)}`);
  return o;
}

describe('TLS probe against certificates generated at test time', () => {
  let ca: Pem;
  const servers: Record<string, TlsTarget> = {};

  beforeAll(async () => {
    ca = await makeCa();
    const [valid, expired, notYet, selfSigned, wrongHost, rsa] = await Promise.all([
      makeLeaf({ cn: 'api.internal', ca }),
      makeLeaf({ cn: 'api.internal', ca, notBefore: daysFromNow(-400), notAfter: daysFromNow(-35) }),
      makeLeaf({ cn: 'api.internal', ca, notBefore: daysFromNow(30), notAfter: daysFromNow(400) }),
      makeLeaf({ cn: 'api.internal' }),
      makeLeaf({ cn: 'other.example', ca }),
      // selfsigned signs with the leaf's key type, so the RSA leaf is self-signed rather than from the EC CA.
      makeLeaf({ cn: 'api.internal', keyType: 'rsa' }),
    ]);
    servers.valid = await tlsServer(valid);
    servers.expired = await tlsServer(expired);
    servers.notYet = await tlsServer(notYet);
    servers.selfSigned = await tlsServer(selfSigned);
    servers.wrongHost = await tlsServer(wrongHost);
    servers.rsa = await tlsServer(rsa);
    servers.tls13 = await tlsServer(valid, { minVersion: 'TLSv1.3' });
  });

  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => close(s.server)));
  });

  it('valid certificate from the declared CA: trusted, name matches, chain described', async () => {
    const o = await probeOne(servers.valid!.port, { sni: 'api.internal', extraCaPem: [ca.cert] });
    expect(o.error).toBeUndefined();
    expect(o.handshakeError).toBeUndefined();
    expect(o).toMatchObject({ sni: 'api.internal', trusted: true, hostnameMatches: true, plainHttp: false, tls13Only: false });
    expect(o.trustError).toBeUndefined();
    expect(o.protocol).toBe('TLSv1.3');
    expect(o.cipher).toMatch(/^TLS_/);
    const [leaf, root] = o.chain ?? [];
    expect(leaf).toMatchObject({ subject: 'CN=api.internal', issuer: 'CN=cloud502 test CA', sans: ['api.internal'], keyType: 'ec', keyBits: 256, selfSigned: false });
    expect(Date.parse(leaf!.notAfter)).toBeGreaterThan(Date.now());
    expect(leaf!.notBefore).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(root).toMatchObject({ subject: 'CN=cloud502 test CA', selfSigned: true });
  });

  it('the same certificate without the CA is untrusted by the default store', async () => {
    const o = await probeOne(servers.valid!.port, { sni: 'api.internal' });
    expect(o.trusted).toBe(false);
    // OpenSSL's code for a leaf whose issuer is in no trusted store.
    expect(o.trustError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(o.hostnameMatches).toBe(true);
  });

  it('expired certificate', async () => {
    const o = await probeOne(servers.expired!.port, { sni: 'api.internal', extraCaPem: [ca.cert] });
    expect(o).toMatchObject({ trusted: false, trustError: 'CERT_HAS_EXPIRED', hostnameMatches: true });
    expect(Date.parse(o.chain![0]!.notAfter)).toBeLessThan(Date.now());
  });

  it('not-yet-valid certificate', async () => {
    const o = await probeOne(servers.notYet!.port, { sni: 'api.internal', extraCaPem: [ca.cert] });
    expect(o).toMatchObject({ trusted: false, trustError: 'CERT_NOT_YET_VALID' });
    expect(Date.parse(o.chain![0]!.notBefore)).toBeGreaterThan(Date.now());
  });

  it('self-signed certificate', async () => {
    const o = await probeOne(servers.selfSigned!.port, { sni: 'api.internal', extraCaPem: [ca.cert] });
    expect(o).toMatchObject({ trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(o.chain).toHaveLength(1);
    expect(o.chain![0]!.selfSigned).toBe(true);
  });

  it('certificate for another name: trusted but the name does not match', async () => {
    const o = await probeOne(servers.wrongHost!.port, { sni: 'api.internal', extraCaPem: [ca.cert] });
    expect(o).toMatchObject({ trusted: true, hostnameMatches: false });
    expect(o.chain![0]!.sans).toEqual(['other.example']);
  });

  it('without SNI it sends none, and matches the name against the health-check host', async () => {
    const before = servers.wrongHost!.sni.length;
    const o = await probeOne(servers.wrongHost!.port, { hcHost: 'other.example', extraCaPem: [ca.cert] });
    expect(o.sni).toBeUndefined();
    expect(o.hostnameMatches).toBe(true);
    // Two handshakes: the probe, then the TLS 1.2 retry that tells TLS-1.3-only targets.
    expect(servers.wrongHost!.sni.slice(before)).toEqual([false, false]);
  });

  it('sends the pool SNI when one is configured', async () => {
    const before = servers.valid!.sni.length;
    await probeOne(servers.valid!.port, { sni: 'api.internal' });
    expect(servers.valid!.sni.slice(before)).toEqual(['api.internal', 'api.internal']);
  });

  it('leaves hostnameMatches unknown when neither SNI nor health-check host is set', async () => {
    const o = await probeOne(servers.valid!.port);
    expect(o.hostnameMatches).toBeUndefined();
    expect(o.trusted).toBe(false);
  });

  it('reports RSA key type and size', async () => {
    const o = await probeOne(servers.rsa!.port, { sni: 'api.internal' });
    expect(o.chain![0]).toMatchObject({ keyType: 'rsa', keyBits: 2048, selfSigned: true });
  });

  it('detects a TLS-1.3-only target', async () => {
    const o = await probeOne(servers.tls13!.port, { sni: 'api.internal', extraCaPem: [ca.cert] });
    expect(o).toMatchObject({ protocol: 'TLSv1.3', tls13Only: true, trusted: true });
  });

  it('a target that also speaks TLS 1.2 is not TLS-1.3-only', async () => {
    const o = await probeOne(servers.valid!.port, { sni: 'api.internal' });
    expect(o.tls13Only).toBe(false);
  });
});

describe('plain HTTP on a TLS port', () => {
  it('detects plainHttp from the answer to the ClientHello, as a measured handshake failure', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    const port = await listen(server);
    try {
      const o = await probeOne(port);
      expect(o.error).toBeUndefined();
      expect(o.plainHttp).toBe(true);
      expect(o.handshakeError?.message).toMatch(/plain HTTP/);
      expect(o.chain).toBeUndefined();
    } finally {
      await close(server);
    }
  });

  it('a non-TLS, non-HTTP answer is a handshake error without plainHttp', async () => {
    // An SSH daemon on the port: it greets, then closes on the ClientHello.
    const server = createNetServer((s) => {
      s.on('error', () => {});
      s.resume(); // read, so that the probe's close is seen and server.close() can finish
      s.end('SSH-2.0-OpenSSH_9.6\r\n');
    });
    const port = await listen(server);
    try {
      const o = await probeOne(port);
      expect(o.error).toBeUndefined();
      expect(o.plainHttp).toBe(false);
      expect(o.handshakeError?.code).toMatch(/^(ERR_SSL_|ECONNRESET|EPROTO)/);
    } finally {
      await close(server);
    }
  });
});
