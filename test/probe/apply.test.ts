import { describe, expect, it } from 'vitest';
import { effectiveKeepAlive } from '../../src/model/index.js';
import type { Inventory, KeepAliveObservation, Observation, TlsObservation } from '../../src/model/index.js';
import { applyObservations, measuredProfile } from '../../src/probe/index.js';
import { COLLECTED_AT, sourced } from '../support/builders.js';
import { loopback, probeInventory, probePool } from './support.js';

function inv(idleSeconds: number | null = 60): Inventory {
  const a = loopback(8080, '127.0.0.1', 'a');
  const b = { ...loopback(8080, '127.0.0.1', 'b'), backend: { server: sourced('node' as const), keepAliveSeconds: sourced(65), maxRequestSeconds: sourced(30) } };
  return probeInventory([probePool('tg-api', 'HTTP', [a, b])], idleSeconds);
}

function ka(targetKey: string, fields: Partial<KeepAliveObservation>, i: Inventory): KeepAliveObservation {
  return { kind: 'keepalive', poolId: i.backendPools[0]!.ref.id, targetKey, address: '127.0.0.1', port: 8080, at: COLLECTED_AT, ...fields };
}

describe('measuredProfile', () => {
  it.each<[string, Partial<KeepAliveObservation>, number | undefined, { value: number; detail: RegExp } | undefined]>([
    ['header only', { headerTimeoutSeconds: 5 }, 60, { value: 5, detail: /^Keep-Alive: timeout=5 header from 127\.0\.0\.1:8080$/ }],
    ['idle close beats header', { headerTimeoutSeconds: 1, measuredIdleCloseSeconds: 2 }, 60, { value: 2, detail: /^server closed an idle connection after 2\.0 s/ }],
    ['hold past the LB idle timeout', { headerTimeoutSeconds: 5, heldOpenSeconds: 65 }, 60, { value: 65, detail: /at least 65\.0 s/ }],
    ['hold equal to the LB idle timeout proves nothing', { headerTimeoutSeconds: 5, heldOpenSeconds: 60 }, 60, { value: 5, detail: /header/ }],
    ['hold with the LB idle timeout unknown proves nothing', { heldOpenSeconds: 65 }, undefined, undefined],
    ['nothing measured', { statusCode: 200 }, 60, undefined],
  ])('%s', (_name, fields, lbIdle, expected) => {
    const p = measuredProfile(ka('a:8080', fields, inv()), lbIdle);
    if (!expected) {
      expect(p?.keepAliveSeconds).toBeUndefined();
      return;
    }
    expect(p?.keepAliveSeconds).toMatchObject({ value: expected.value, source: 'measured', detail: expect.stringMatching(expected.detail) });
  });

  it('maps a known Server header and leaves an unknown one alone', () => {
    const i = inv();
    expect(measuredProfile(ka('a:8080', { server: 'nginx/1.25.3' }, i), 60)?.server).toEqual({ value: 'nginx', source: 'measured', detail: 'Server: nginx/1.25.3 header from 127.0.0.1:8080' });
    expect(measuredProfile(ka('a:8080', { server: 'Kestrel' }, i), 60)).toBeUndefined();
  });
});

describe('applyObservations', () => {
  it('puts measured values on the targets, measured winning over declared, without touching the input', () => {
    const i = inv();
    const before = JSON.stringify(i);
    const obs: Observation[] = [ka('a:8080', { headerTimeoutSeconds: 5, server: 'gunicorn' }, i), ka('b:8080', { measuredIdleCloseSeconds: 4.9 }, i)];
    const out = applyObservations(i, obs);

    expect(JSON.stringify(i)).toBe(before);
    expect(out.observations).toEqual(obs);
    const [a, b] = out.backendPools[0]!.targets!;
    expect(a!.backend).toMatchObject({ server: { value: 'gunicorn', source: 'measured' }, keepAliveSeconds: { value: 5, source: 'measured' } });
    // b declared node + 65 s: the measurement wins for keep-alive; the declared server and other fields stay.
    expect(b!.backend).toMatchObject({ server: { value: 'node', source: 'declared' }, keepAliveSeconds: { value: 4.9, source: 'measured' }, maxRequestSeconds: { value: 30 } });
    expect(effectiveKeepAlive(b!.backend)).toMatchObject({ value: 4.9, source: 'measured' });
  });

  it('errored observations change no target but are recorded', () => {
    const i = inv();
    const err = ka('a:8080', { error: { code: 'ECONNREFUSED', message: 'refused' } }, i);
    const out = applyObservations(i, [err]);
    expect(out.observations).toEqual([err]);
    expect(out.backendPools).toEqual(i.backendPools);
  });

  it('a header read before a failed idle hold still counts', () => {
    const i = inv();
    const out = applyObservations(i, [ka('a:8080', { headerTimeoutSeconds: 75, error: { code: 'max-bytes', message: 'too big' } }, i)]);
    expect(out.backendPools[0]!.targets![0]!.backend?.keepAliveSeconds).toMatchObject({ value: 75, source: 'measured' });
  });

  it('replaces earlier observations of the same probe, keeps others, and ignores unknown pools', () => {
    const i = inv();
    const tls: TlsObservation = { kind: 'tls', poolId: i.backendPools[0]!.ref.id, targetKey: 'a:8080', address: '127.0.0.1', port: 8080, at: COLLECTED_AT, trusted: true };
    const first = applyObservations(i, [tls, ka('a:8080', { headerTimeoutSeconds: 5 }, i)]);
    const second = applyObservations(first, [ka('a:8080', { headerTimeoutSeconds: 7 }, i), { ...ka('x', { headerTimeoutSeconds: 1 }, i), poolId: 'no-such-pool' }]);
    expect(second.observations.map((o) => [o.kind, o.kind === 'keepalive' ? o.headerTimeoutSeconds : undefined])).toEqual([
      ['tls', undefined],
      ['keepalive', 7],
      ['keepalive', 1],
    ]);
    expect(second.backendPools[0]!.targets![0]!.backend?.keepAliveSeconds?.value).toBe(7);
  });
});
