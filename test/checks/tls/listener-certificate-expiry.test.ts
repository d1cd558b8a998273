import { describe, expect, it } from 'vitest';
import { listenerCertificateExpiry as check } from '../../../checks/tls/listener-certificate-expiry.js';
import type { Certificate } from '../../../src/model/index.js';
import { albInventory, COLLECTED_AT, inventory, lbInventory, listener, loadBalancer } from '../../support/builders.js';
import { routingDenied } from '../../support/routing-gaps.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const DAY = 86_400_000;
const at = (msFromNow: number) => new Date(Date.parse(COLLECTED_AT) + msFromNow).toISOString();
const CERT_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/web';
const cert = (notAfter: string | undefined, overrides: Partial<Certificate> = {}): Certificate => ({ id: CERT_ARN, isDefault: true, ...(notAfter ? { notAfter } : {}), ...overrides });
// albInventory wires one HTTPS:443 listener named after the load balancer.
const alb = (...certificates: Certificate[]) => {
  const inv = albInventory();
  const lb = inv.loadBalancers[0]!;
  return { ...inv, loadBalancers: [{ ...lb, listeners: lb.listeners.map((l) => ({ ...l, certificates })) }] };
};
const LISTENER = 'alb-web/443';

checkTester(check, {
  valid: [
    { name: 'a year left', inventory: alb(cert(at(365 * DAY))) },
    { name: 'boundary: exactly 30 days left', inventory: alb(cert(at(30 * DAY))) },
    { name: 'warnDays 10 from the config accepts 20 days', inventory: alb(cert(at(20 * DAY))), config: { checks: { [check.id]: { thresholds: { warnDays: 10 } } } } },
  ],
  invalid: [
    { name: 'boundary: 30 days minus one second', inventory: alb(cert(at(30 * DAY - 1000))), expect: [{ messageId: 'expiresSoon', resource: LISTENER, severity: 'high', contains: ['in 29.9 days'] }] },
    { name: 'boundary: exactly 7 days left is high', inventory: alb(cert(at(7 * DAY))), expect: [{ messageId: 'expiresSoon', resource: LISTENER, severity: 'high' }] },
    { name: 'boundary: under 7 days is critical', inventory: alb(cert(at(7 * DAY - 1000))), expect: [{ messageId: 'expiresSoon', resource: LISTENER, severity: 'critical' }] },
    { name: 'boundary: expiring at the collection instant is expired', inventory: alb(cert(at(0))), expect: [{ messageId: 'expired', resource: LISTENER, severity: 'critical', contains: ['502'] }] },
    {
      name: 'one of two SNI certificates expired',
      inventory: alb(cert(at(200 * DAY)), cert(at(-2 * DAY), { id: 'arn:aws:acm:eu-west-1:123456789012:certificate/old', isDefault: false, subject: 'old.example.com' })),
      expect: [{ messageId: 'expired', resource: LISTENER, contains: ['old.example.com'] }],
    },
    {
      name: 'Application Gateway listener certificate',
      inventory: (() => {
        const inv = lbInventory('azure-appgw', { name: 'agw-web' });
        const lb = inv.loadBalancers[0]!;
        return { ...inv, loadBalancers: [{ ...lb, listeners: lb.listeners.map((l) => ({ ...l, certificates: [cert(at(3 * DAY), { id: 'agw-web/sslCertificates/web' })] })) }] };
      })(),
      expect: [{ messageId: 'expiresSoon', resource: 'agw-web/l', severity: 'critical' }],
    },
  ],
  unknown: [{ name: 'expiry not read (IAM server certificate)', inventory: alb(cert(undefined, { id: 'arn:aws:iam::123456789012:server-certificate/web', expiryUnavailable: 'IAM server certificates are not read (only ACM certificates)' })), expect: [{ resource: LISTENER, contains: ['ACM'] }] },
    {
      name: 'DescribeListeners denied: no listener seen is not "no certificate"',
      inventory: inventory({ loadBalancers: [loadBalancer('alb-web', { listeners: [] })], coverage: [routingDenied('elasticloadbalancing:DescribeListeners', 'listeners')] }),
      expect: [{ resource: 'alb-web', contains: ['the listeners of alb-web and their certificates: not collected (elasticloadbalancing:DescribeListeners: AccessDenied'] }],
    },
  ],
});

describe(`${check.id} remediation and fingerprints`, () => {
  it('fills the listener and certificate into the CLI, one fingerprint per certificate', () => {
    const inv = alb(cert(at(2 * DAY)), cert(at(3 * DAY), { id: `${CERT_ARN}-2` }));
    const results = evaluateAsAudit(check, inv, {});
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(2);
    const l = inv.loadBalancers[0]!.listeners[0]!;
    expect(results[0]?.remediation.cli).toContain(`aws elbv2 modify-listener --listener-arn ${l.ref.id} --certificates CertificateArn="\${NEW_CERTIFICATE_ARN:?ARN of the renewed certificate}"`);
    expect(results[0]?.resource).toMatchObject({ kind: 'listener', loadBalancerName: 'alb-web' });
  });

  it('has nothing to judge on listeners without certificates', () => {
    expect(evaluateAsAudit(check, albInventory({ lb: loadBalancer('alb-web', { listeners: [listener('alb-web', { protocol: 'HTTP', port: 80 })] }) }), {})).toEqual([]);
  });
});
