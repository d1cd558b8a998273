import { describe, expect, it } from 'vitest';
import { targetCertificateHygiene as check } from '../../../checks/tls/target-certificate-hygiene.js';
import type { BackendPool, LoadBalancer, TlsObservation } from '../../../src/model/index.js';
import { albInventory, healthCheck, lbInventory, pool, target, tlsObservation } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

type Leaf = NonNullable<TlsObservation['chain']>[number];
/** An HTTPS pool; as the AWS normalizer says, ALB/NLB do not verify target certificates (other kinds override `tls`). */
const https = (overrides: Partial<BackendPool> = {}) => pool('tg-api', { protocol: 'HTTPS', tls: { verifiesCertificate: false }, ...overrides });
const POOL_ID = https().ref.id;
const obs = (o: Partial<TlsObservation> = {}, leaf: Partial<Leaf> = {}, poolId = POOL_ID) => tlsObservation(poolId, o, leaf);
const alb = (observations: TlsObservation[], p = https()) => albInventory({ pools: [p], extra: { observations } });
const other = (kind: LoadBalancer['kind'], verifies: boolean | undefined, observations: (poolId: string) => TlsObservation[]) => {
  const inv = lbInventory(kind, { name: 'lb-x', pools: [https(verifies === undefined ? { tls: undefined } : { tls: { verifiesCertificate: verifies, sni: 'api.internal.example' } })] });
  return { ...inv, observations: observations(inv.backendPools[0]!.ref.id) };
};
const nlbHttpsHc = (observations: TlsObservation[]) =>
  lbInventory('aws-nlb', { name: 'nlb-tls', pools: [pool('tg-tls', { protocol: 'TLS', healthCheck: healthCheck({ protocol: 'HTTPS' }) })], extra: { observations } });
const TLS_POOL_ID = pool('tg-tls').ref.id;

checkTester(check, {
  valid: [
    { name: 'valid, trusted, matching certificate', inventory: alb([obs()]) },
    { name: 'boundary: expires 1 ms after collection', inventory: alb([obs({}, { notAfter: '2026-11-20T12:00:00.001Z' })]) },
    { name: 'boundary: valid from the collection instant', inventory: alb([obs({}, { notBefore: '2026-11-20T12:00:00.000Z' })]) },
    { name: 'TLS 1.3-only target behind an ALB', inventory: alb([obs({ tls13Only: true, protocol: 'TLSv1.3' })]) },
    { name: 'TLS 1.3-only NLB target with a TCP health check', inventory: lbInventory('aws-nlb', { pools: [pool('tg-tls', { protocol: 'TLS', healthCheck: healthCheck({ protocol: 'TCP' }) })], extra: { observations: [obs({ tls13Only: true }, {}, TLS_POOL_ID)] } }) },
  ],
  invalid: [
    {
      name: 'AWS: expired target certificate is hygiene (info)',
      inventory: alb([obs({}, { notAfter: '2026-10-01T00:00:00.000Z' })]),
      expect: [{ messageId: 'expired', resource: 'tg-api', severity: 'info', contains: ['expired on 2026-10-01', 'does not verify backend certificates'] }],
    },
    { name: 'boundary: notAfter equal to the collection time', inventory: alb([obs({}, { notAfter: '2026-11-20T12:00:00.000Z' })]), expect: [{ messageId: 'expired', resource: 'tg-api', severity: 'info' }] },
    { name: 'AWS: not yet valid', inventory: alb([obs({}, { notBefore: '2026-12-01T00:00:00.000Z' })]), expect: [{ messageId: 'notYetValid', resource: 'tg-api', severity: 'info' }] },
    {
      name: 'AWS: self-signed is reported once (not also untrusted)',
      inventory: alb([obs({ trusted: false, trustError: 'self signed certificate' }, { selfSigned: true, issuer: 'CN=api.internal.example' })]),
      expect: [{ messageId: 'selfSigned', resource: 'tg-api', severity: 'info' }],
    },
    {
      name: 'AWS: plain HTTP on the HTTPS port is a 502 regardless of provider',
      inventory: alb([obs({ plainHttp: true, chain: [] }), obs({ targetKey: 'i-0bbb:8080', address: '10.0.2.10' })]),
      expect: [{ messageId: 'plainHttp', resource: 'tg-api', severity: 'high', contains: ['1 target(s)', 'i-0aaa:8080', '502'] }],
    },
    { name: 'NLB HTTPS health check against a TLS 1.3-only target', inventory: nlbHttpsHc([obs({ tls13Only: true }, {}, TLS_POOL_ID)]), expect: [{ messageId: 'tls13OnlyHealthCheck', resource: 'tg-tls', severity: 'high' }] },
    {
      name: 'Application Gateway verifies: hostname mismatch is critical',
      inventory: other('azure-appgw', true, (id) => [obs({ hostnameMatches: false }, {}, id)]),
      expect: [{ messageId: 'hostnameMismatch', resource: 'tg-api', severity: 'critical', contains: ['lb-x verifies backend certificates'] }],
    },
    {
      name: 'Google with backend authenticated TLS: untrusted and expired are critical',
      inventory: other('gcp-alb-global', true, (id) => [obs({ trusted: false, trustError: 'unable to get local issuer certificate' }, { notAfter: '2026-01-31T00:00:00.000Z' }, id)]),
      expect: [
        { messageId: 'expired', resource: 'tg-api', severity: 'critical' },
        { messageId: 'untrusted', resource: 'tg-api', severity: 'critical', contains: ['unable to get local issuer certificate'] },
      ],
    },
    { name: 'Google without backend authenticated TLS: hygiene', inventory: other('gcp-alb-global', false, (id) => [obs({ hostnameMatches: false }, {}, id)]), expect: [{ messageId: 'hostnameMismatch', resource: 'tg-api', severity: 'info', contains: ['does not verify'] }] },
    { name: 'verification setting not collected: high', inventory: other('azure-appgw', undefined, (id) => [obs({ hostnameMatches: false }, {}, id)]), expect: [{ messageId: 'hostnameMismatch', resource: 'tg-api', severity: 'high', contains: ['was not collected'] }] },
  ],
  unknown: [
    { name: 'no probe observation', inventory: alb([]), expect: [{ resource: 'tg-api', contains: ['run with --probe'] }] },
    { name: 'probe could not reach the targets', inventory: alb([obs({ error: { code: 'ETIMEDOUT', message: 'timeout' } })]), expect: [{ resource: 'tg-api', contains: ['i-0aaa:8080: ETIMEDOUT'] }] },
  ],
});

describe(`${check.id} evidence`, () => {
  it('records the measured value, the affected targets and no 502 for info findings', () => {
    const p = https({ targets: [target({ id: 'i-0aaa' }), target({ id: 'i-0bbb' }), target({ id: 'i-0ccc' })] });
    const inv = alb([obs({}, { notAfter: '2026-10-01T00:00:00.000Z' }), obs({ targetKey: 'i-0bbb:8080' }, { notAfter: '2026-10-01T00:00:00.000Z' })], p);
    const [r] = evaluateAsAudit(check, inv, {});
    expect(r).toMatchObject({
      messageId: 'expired',
      evidence: { observed: { notAfter: '2026-10-01T00:00:00.000Z' }, source: 'measured: TLS probe of 10.0.1.10:8080 at 2026-11-20T12:00:00.000Z', details: { targets: ['i-0aaa:8080', 'i-0bbb:8080'], verifiesCertificate: false, statusCodes: [] } },
    });
    expect(r?.message).toContain('2 target(s)');
  });

  it('does not judge plain HTTP pools', () => {
    expect(evaluateAsAudit(check, albInventory({ extra: { observations: [obs({ plainHttp: true })] } }), {})).toEqual([]);
  });
});
