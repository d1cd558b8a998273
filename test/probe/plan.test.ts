import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { buildAllowList, parseCidr, planProbes, resolveProbeOptions, PROBE_DEFAULTS } from '../../src/probe/index.js';
import { healthCheck, target } from '../support/builders.js';
import { loopback, probeInventory, probePool } from './support.js';

const plan = { idle: true, idleMarginSeconds: 5, maxIdleHoldSeconds: 130 };

describe('planProbes', () => {
  it('HTTPS pool: a TLS handshake and a keep-alive request per target, with the LB SNI and health-check request', () => {
    const p = probePool('tg', 'HTTPS', [loopback(8443, '127.0.0.1', 'a'), loopback(8443, '127.0.0.5', 'b')], {
      tls: { verifiesCertificate: false, sni: 'api.internal' },
      healthCheck: healthCheck({ path: '/healthz', host: 'health.internal' }),
    });
    const tasks = planProbes(probeInventory([p], 60), plan);
    expect(tasks.map((t) => [t.kind, t.address, t.port])).toEqual([
      ['tls', '127.0.0.1', 8443],
      ['keepalive', '127.0.0.1', 8443],
      ['tls', '127.0.0.5', 8443],
      ['keepalive', '127.0.0.5', 8443],
    ]);
    expect(tasks[0]).toMatchObject({ sni: 'api.internal', expectedHost: 'api.internal' });
    expect(tasks[1]).toMatchObject({ scheme: 'https', path: '/healthz', hostHeader: 'health.internal', holdSeconds: 65 });
  });

  it.each([
    ['LB idle + margin', 60, 130, 65],
    ['capped', 350, 130, 130],
    ['LB idle unknown: the cap', null, 130, 130],
  ])('hold: %s', (_name, idle, cap, expected) => {
    const tasks = planProbes(probeInventory([probePool('tg', 'HTTP', [loopback(8080)])], idle), { ...plan, maxIdleHoldSeconds: cap });
    expect(tasks[0]?.holdSeconds).toBe(expected);
  });

  it('no hold without idle; Host defaults to the target address and port, as the ALB health check sends it', () => {
    const tasks = planProbes(probeInventory([probePool('tg', 'HTTP', [loopback(8080)], { healthCheck: healthCheck({ path: undefined }) })]), { ...plan, idle: false });
    expect(tasks).toEqual([expect.objectContaining({ kind: 'keepalive', scheme: 'http', path: '/', hostHeader: '127.0.0.1:8080' })]);
    expect(tasks[0]?.holdSeconds).toBeUndefined();
  });

  it('TCP pool with an HTTPS health check on another port: a TLS probe of that port only (NLB and TLS-1.3-only targets)', () => {
    const p = probePool('tg', 'TCP', [loopback(5432)], { healthCheck: healthCheck({ protocol: 'HTTPS', port: 8443, usesTrafficPort: false }) });
    expect(planProbes(probeInventory([p]), plan).map((t) => [t.kind, t.port])).toEqual([['tls', 8443]]);
  });

  it('skips targets without an address, and keep-alive on gRPC / HTTP2 pools', () => {
    const lambda = target({ id: 'arn:aws:lambda:fn', key: 'fn', type: 'lambda', address: undefined });
    const tasks = planProbes(
      probeInventory([probePool('tg-fn', 'HTTP', [lambda]), probePool('tg-grpc', 'HTTPS', [loopback(50051)], { protocolVersion: 'GRPC' })]),
      plan,
    );
    expect(tasks.map((t) => [t.kind, t.port])).toEqual([['tls', 50051]]);
  });
});

describe('allow-list', () => {
  const i = probeInventory([probePool('tg', 'HTTP', [loopback(8080, '127.0.0.1'), loopback(8080, '127.0.0.9'), { ...loopback(80), address: '::1' }])]);

  it('by default allows exactly the target addresses the inventory names', () => {
    const allow = buildAllowList(i);
    expect(['127.0.0.1', '127.0.0.9', '::1'].map((a) => allow.allows(a))).toEqual([true, true, true]);
    expect(['127.0.0.2', '10.0.1.10', '169.254.169.254', 'localhost', ''].map((a) => allow.allows(a))).toEqual([false, false, false, false, false]);
  });

  it('--probe-cidr narrows it and never widens it beyond the inventory', () => {
    const allow = buildAllowList(i, ['127.0.0.0/30', '10.0.0.0/8']);
    expect(['127.0.0.1', '127.0.0.9', '::1', '10.0.1.10'].map((a) => allow.allows(a))).toEqual([true, false, false, false]);
    expect(allow.description).toBe('--probe-cidr 127.0.0.0/30,10.0.0.0/8');
  });

  it.each(['10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x'])('rejects %j', (cidr) => {
    expect(() => parseCidr(cidr)).toThrow(ConfigError);
  });

  it.each([
    ['10.0.0.0/16', { address: '10.0.0.0', prefix: 16, type: 'ipv4' }],
    ['10.1.2.3', { address: '10.1.2.3', prefix: 32, type: 'ipv4' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, type: 'ipv6' }],
  ])('parses %j', (cidr, expected) => {
    expect(parseCidr(cidr)).toEqual(expected);
  });
});

describe('resolveProbeOptions', () => {
  it('fills the documented defaults', () => {
    expect(resolveProbeOptions({ idle: false })).toMatchObject({ ...PROBE_DEFAULTS, userAgent: expect.stringMatching(/^cloud502-probe .*github\.com\/cloud502\/cloud502/) });
  });

  it('with idle, the default deadline leaves room for one full hold', () => {
    expect(resolveProbeOptions({ idle: true }).overallDeadlineMs).toBe(130_000 + 2 * 5000);
    expect(resolveProbeOptions({ idle: true, overallDeadlineMs: 1000 }).overallDeadlineMs).toBe(1000);
  });

  it.each([{ concurrency: 0 }, { concurrency: 1.5 }, { perProbeTimeoutMs: -1 }, { maxBytes: Number.NaN }, { idleMarginSeconds: -1 }, { userAgent: 'x\r\nCookie: a' }])(
    'rejects %j',
    (bad) => {
      expect(() => resolveProbeOptions({ idle: false, ...bad })).toThrow(ConfigError);
    },
  );
});
