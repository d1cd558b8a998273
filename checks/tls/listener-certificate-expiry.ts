import { defineCheck } from '../../src/engine/index.js';
import { describeMissing, gapFor, notCollected } from '../../src/model/index.js';
import { ALL_KINDS } from '../kinds.js';

const DAY_MS = 86_400_000;

export const listenerCertificateExpiry = defineCheck({
  id: 'tls/listener-certificate-expiry',
  title: 'Listener certificates are valid well before they expire',
  family: 'tls',
  severity: 'high',
  causes: [502],
  kinds: [...ALL_KINDS],
  fixes: ['replace-listener-certificate'],
  rationale:
    'When a listener certificate expires, clients refuse the handshake; a CDN or proxy in front of the load balancer ' +
    '(e.g. CloudFront with an HTTPS origin) answers 502 for every request. Imported certificates and certificates whose ' +
    'managed renewal is stuck (DNS validation record removed) expire silently. cloud502 warns 30 days ahead and escalates ' +
    'in the last 7 days (both configurable).',
  remediation: {
    summary:
      'Renew or reissue the certificate (managed certificates: fix the validation so renewal can complete) and attach the new ' +
      'certificate to the listener before the old one expires.',
  },
  docs: [
    'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://learn.microsoft.com/azure/application-gateway/ssl-overview',
    'https://cloud.google.com/load-balancing/docs/ssl-certificates',
  ],
  // Judges load balancers, listeners or subnets, never the pools they route to.
  judgesPools: false,
  thresholds: {
    warnDays: {
      default: 30,
      description: 'Fail (high) when fewer than this many days are left before notAfter (heuristic).',
      unit: 'days',
      min: 1,
      max: 365,
    },
    criticalDays: {
      default: 7,
      description: 'Critical when fewer than this many days are left (heuristic).',
      unit: 'days',
      min: 0,
      max: 365,
    },
  },
  messages: {
    expired: 'The certificate {{certificateName}} of listener {{listener}} on {{lb}} expired on {{notAfter}}: clients fail the TLS handshake and a CDN or proxy in front answers 502.',
    expiresSoon:
      'The certificate {{certificateName}} of listener {{listener}} on {{lb}} expires on {{notAfter}}, in {{daysLeft}} days (warning at {{warnDays}}).',
  },
  evaluate(inv, ctx) {
    const { warnDays, criticalDays } = ctx.thresholds;
    const now = ctx.now.getTime();
    for (const lb of inv.loadBalancers) {
      // Without its listeners a load balancer shows no certificate: that is "cannot tell", never "nothing expires".
      if (lb.listeners.length === 0 && (notCollected(lb, 'listeners') || gapFor(inv, 'listeners', lb.ref))) {
        ctx.unknown(lb, describeMissing(inv, 'listeners', lb, `the listeners of ${lb.ref.name} and their certificates`));
        continue;
      }
      for (const listener of lb.listeners) {
        const listenerName = `${listener.protocol}:${listener.port}`;
        for (const cert of listener.certificates) {
          const where = { ref: listener.ref, loadBalancer: lb };
          const discriminator = cert.id;
          const certificateName = cert.subject ?? cert.id.split('/').pop() ?? cert.id;
          if (!cert.notAfter || Number.isNaN(Date.parse(cert.notAfter))) {
            ctx.unknown(
              where,
              cert.expiryUnavailable
                ? `the expiry of certificate ${cert.id} is unknown: ${cert.expiryUnavailable}.`
                : describeMissing(inv, 'certificates', lb, `the expiry of certificate ${cert.id}`, 'the certificate store that holds it is not read'),
              { discriminator },
            );
            continue;
          }
          const msLeft = Date.parse(cert.notAfter) - now;
          const daysLeft = Math.floor((msLeft / DAY_MS) * 10) / 10;
          const evidence = {
            path: `listener[${listenerName}].certificates[${cert.id}].notAfter`,
            observed: cert.notAfter,
            expected: `more than ${warnDays} days after ${ctx.now.toISOString()}`,
            source: 'api',
            details: { daysLeft, status: cert.status, isDefault: cert.isDefault, sans: cert.sans, statusCodes: [502] },
          };
          const data = {
            lb: lb.ref.name,
            listener: listenerName,
            certificateName,
            notAfter: cert.notAfter,
            daysLeft,
            warnDays,
          };
          const fix = { kind: 'replace-listener-certificate' as const, lbId: lb.ref.id, listenerId: listener.ref.id, certificateId: cert.id };
          if (msLeft <= 0) {
            ctx.fail(where, 'expired', data, { discriminator, severity: 'critical', evidence, fix });
          } else if (msLeft < criticalDays * DAY_MS) {
            ctx.fail(where, 'expiresSoon', data, { discriminator, severity: 'critical', evidence, fix });
          } else if (msLeft < warnDays * DAY_MS) {
            ctx.fail(where, 'expiresSoon', data, { discriminator, severity: 'high', evidence, fix });
          } else {
            ctx.pass(where, { discriminator, message: `${listenerName} on ${lb.ref.name}: certificate ${certificateName} is valid until ${cert.notAfter} (${daysLeft} days).` });
          }
        }
      }
    }
  },
});
