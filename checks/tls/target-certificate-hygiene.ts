import { defineCheck } from '../../src/engine/index.js';
import type { Severity } from '../../src/engine/index.js';
import type { BackendPool, LoadBalancer, TlsObservation } from '../../src/model/index.js';
import { kindFacts } from '../../src/model/index.js';
import { ALL_KINDS } from '../kinds.js';

type Problem = 'plainHttp' | 'tls13OnlyHealthCheck' | 'expired' | 'notYetValid' | 'selfSigned' | 'hostnameMismatch' | 'untrusted';

/** Order in which problems are reported. */
const PROBLEMS: readonly Problem[] = ['plainHttp', 'tls13OnlyHealthCheck', 'expired', 'notYetValid', 'selfSigned', 'hostnameMismatch', 'untrusted'];

/**
 * Pools whose load balancer talks TLS to the targets: a TLS protocol, or TLS settings the normalizer recorded (Google's
 * HTTP2 backend protocol is HTTP/2 over TLS).
 */
function speaksTls(pool: BackendPool): boolean {
  return pool.protocol === 'HTTPS' || pool.protocol === 'TLS' || pool.protocol === 'SSL' || pool.tls !== undefined;
}

/** Does the load balancer verify backend certificates? The normalizer says (`pool.tls`); undefined = not collected. */
function verifies(pool: BackendPool): boolean | undefined {
  return pool.tls?.verifiesCertificate;
}

function problemsOf(o: TlsObservation, pool: BackendPool, lb: LoadBalancer, now: Date): Problem[] {
  const out: Problem[] = [];
  if (o.plainHttp) out.push('plainHttp');
  if (o.tls13Only && kindFacts(lb.kind).httpsHealthCheckNeedsTls12 && pool.healthCheck?.enabled !== false && pool.healthCheck?.protocol === 'HTTPS') out.push('tls13OnlyHealthCheck');
  const leaf = o.chain?.[0];
  if (leaf) {
    if (Date.parse(leaf.notAfter) <= now.getTime()) out.push('expired');
    if (Date.parse(leaf.notBefore) > now.getTime()) out.push('notYetValid');
    if (leaf.selfSigned) out.push('selfSigned');
  }
  if (o.hostnameMatches === false) out.push('hostnameMismatch');
  if (o.trusted === false && !leaf?.selfSigned) out.push('untrusted');
  return out;
}

/** The certificate fix, per problem. */
const FIX_OF: Record<Problem, string> = {
  plainHttp: 'the target answers plain HTTP on a TLS port: enable TLS on it, or use an HTTP pool.',
  tls13OnlyHealthCheck: 'allow TLS 1.2 on the target, or health-check it over TCP.',
  expired: 'reissue the expired certificate and install it with its full chain.',
  notYetValid: 'install a certificate that is already valid (check the target clock).',
  selfSigned: 'replace the self-signed certificate with one from a CA the load balancer trusts.',
  hostnameMismatch: 'reissue the certificate with the name the load balancer sends (SNI / host) in its SANs.',
  untrusted: 'install the complete chain, or upload the issuing root as a trusted root on the load balancer.',
};

export const targetCertificateHygiene = defineCheck({
  id: 'tls/target-certificate-hygiene',
  title: 'Targets present a valid, trusted TLS certificate for their name',
  family: 'tls',
  severity: 'high',
  causes: [502],
  kinds: [...ALL_KINDS],
  fixes: ['fix-backend-certificate', 'set-health-check'],
  rationale:
    'Whether a bad target certificate causes 5xx depends on the provider. AWS ALB and NLB do not validate target ' +
    'certificates (self-signed or expired ones are accepted), so there it is security hygiene only (info). Application ' +
    'Gateway (trusted root / authentication certificate, CN/SAN match) and Google load balancers with backend authenticated ' +
    'TLS verify them, and a bad certificate takes the backend out: 502 (critical). A target that answers plain HTTP on an ' +
    'HTTPS/TLS target port fails every handshake (502) everywhere, and NLB HTTPS health checks fail against TLS-1.3-only ' +
    'targets. Needs probe observations (--probe).',
  remediation: {
    summary:
      'Serve plain-HTTP targets through an HTTP pool or enable TLS on them; enable TLS 1.2 on targets whose load balancer\'s ' +
      'HTTPS health checks need it; reissue expired, not-yet-valid, self-signed or mismatched certificates from a trusted CA with the name the ' +
      'load balancer uses (SNI / host), with the complete chain.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://cloud.google.com/load-balancing/docs/backend-authenticated-tls-backend-mtls',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-troubleshooting.html',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting#common-name-cn-doesnt-match',
    'https://learn.microsoft.com/azure/application-gateway/ssl-overview',
  ],
  thresholds: {},
  messages: {
    plainHttp:
      '{{count}} target(s) of {{pool}} answer plain HTTP on the {{protocol}} target port ({{targets}}): every TLS handshake from {{lb}} fails with 502.',
    tls13OnlyHealthCheck:
      '{{count}} target(s) of {{pool}} accept only TLS 1.3 ({{targets}}), and NLB HTTPS health checks fail against TLS-1.3-only targets: {{lb}} marks them unhealthy.',
    expired: 'The certificate of {{count}} target(s) of {{pool}} expired on {{date}} ({{targets}}). {{impact}}',
    notYetValid: 'The certificate of {{count}} target(s) of {{pool}} is not valid before {{date}} ({{targets}}). {{impact}}',
    selfSigned: 'The certificate of {{count}} target(s) of {{pool}} is self-signed ({{subject}}; {{targets}}). {{impact}}',
    hostnameMismatch: 'The certificate of {{count}} target(s) of {{pool}} does not match the name {{sni}} ({{targets}}). {{impact}}',
    untrusted: 'The certificate of {{count}} target(s) of {{pool}} does not chain to a trusted root ({{trustError}}; {{targets}}). {{impact}}',
  },
  evaluate(inv, ctx) {
    const byPool = new Map<string, TlsObservation[]>();
    for (const o of inv.observations) {
      if (o.kind !== 'tls') continue;
      byPool.set(o.poolId, [...(byPool.get(o.poolId) ?? []), o]);
    }

    for (const lb of inv.loadBalancers) {
      for (const pool of ctx.index.poolsOf(lb).filter(speaksTls)) {
        const where = { ref: pool.ref, loadBalancer: lb };
        const observations = byPool.get(pool.ref.id) ?? [];
        const usable = observations.filter((o) => !o.error);
        if (usable.length === 0) {
          const errors = observations.filter((o) => o.error).map((o) => `${o.targetKey}: ${o.error!.code}`);
          ctx.unknown(
            where,
            errors.length
              ? `the TLS probe could not reach any target (${errors.join(', ')}); allow the probe to reach the targets (--probe-cidr) and run again.`
              : 'no TLS observation of its targets: run with --probe to read the target certificates.',
            { discriminator: lb.ref.id },
          );
          continue;
        }

        const found = new Map<Problem, TlsObservation[]>();
        for (const o of usable) for (const p of problemsOf(o, pool, lb, ctx.now)) found.set(p, [...(found.get(p) ?? []), o]);

        if (found.size === 0) {
          ctx.pass(where, {
            discriminator: lb.ref.id,
            message: `${pool.ref.name}: ${usable.length} probed target(s) present a valid, trusted certificate for their name${usable.length < (pool.targets?.length ?? 0) ? ` (${pool.targets!.length - usable.length} not probed)` : ''}.`,
          });
          continue;
        }

        const verify = verifies(pool);
        const certSeverity: Severity = verify === true ? 'critical' : verify === false ? 'info' : 'high';
        const impact =
          verify === true
            ? `${lb.ref.name} verifies backend certificates, so the handshake fails and the backend is taken out (502).`
            : verify === false
              ? `${lb.ref.name} (${kindFacts(lb.kind).label}) does not verify backend certificates, so this causes no 5xx here: security hygiene only.`
              : `Whether ${lb.ref.name} verifies backend certificates was not collected; if it does, the handshake fails (502).`;

        for (const problem of PROBLEMS) {
          const hits = found.get(problem);
          if (!hits) continue;
          const first = hits[0]!;
          const leaf = first.chain?.[0];
          const severity: Severity = problem === 'plainHttp' || problem === 'tls13OnlyHealthCheck' ? 'high' : certSeverity;
          ctx.fail(
            where,
            problem,
            {
              count: hits.length,
              pool: pool.ref.name,
              lb: lb.ref.name,
              protocol: pool.protocol,
              targets: hits.map((o) => o.targetKey).join(', '),
              date: problem === 'notYetValid' ? leaf?.notBefore : leaf?.notAfter,
              subject: leaf?.subject,
              sni: first.sni ?? pool.tls?.sni ?? '(no SNI sent)',
              trustError: first.trustError ?? 'no trust error detail',
              impact,
              targetAddress: first.address,
              targetPort: first.port,
            },
            {
              discriminator: `${lb.ref.id}:${problem}`,
              severity,
              fix:
                problem === 'tls13OnlyHealthCheck'
                  ? { kind: 'set-health-check', lbId: lb.ref.id, poolId: pool.ref.id, changes: { protocol: 'TCP' } }
                  : { kind: 'fix-backend-certificate', lbId: lb.ref.id, poolId: pool.ref.id, problem: FIX_OF[problem] },
              evidence: {
                path: `observations[${first.targetKey}]`,
                observed: observedFor(problem, first),
                expected: expectedFor(problem),
                source: `measured: TLS probe of ${first.address}:${first.port} at ${first.at}`,
                details: {
                  targets: hits.map((o) => o.targetKey),
                  verifiesCertificate: verify ?? 'unknown',
                  statusCodes: severity === 'info' ? [] : [502],
                },
              },
            },
          );
        }
      }
    }

    function observedFor(problem: Problem, o: TlsObservation): unknown {
      const leaf = o.chain?.[0];
      switch (problem) {
        case 'plainHttp':
          return 'plain HTTP response to a TLS ClientHello';
        case 'tls13OnlyHealthCheck':
          return `TLS 1.3 only (${o.protocol ?? 'TLSv1.3'})`;
        case 'expired':
          return { notAfter: leaf?.notAfter };
        case 'notYetValid':
          return { notBefore: leaf?.notBefore };
        case 'selfSigned':
          return { subject: leaf?.subject, issuer: leaf?.issuer };
        case 'hostnameMismatch':
          return { sni: o.sni, sans: leaf?.sans };
        case 'untrusted':
          return { trustError: o.trustError, issuer: leaf?.issuer };
      }
    }

    function expectedFor(problem: Problem): string {
      switch (problem) {
        case 'plainHttp':
          return 'a TLS handshake on the HTTPS/TLS target port';
        case 'tls13OnlyHealthCheck':
          return 'TLS 1.2 accepted (NLB HTTPS health checks)';
        case 'expired':
          return `notAfter after ${ctx.now.toISOString()}`;
        case 'notYetValid':
          return `notBefore before ${ctx.now.toISOString()}`;
        case 'selfSigned':
          return 'a certificate issued by a trusted CA';
        case 'hostnameMismatch':
          return 'a SAN matching the name the load balancer uses';
        case 'untrusted':
          return 'a chain to a trusted root';
      }
    }
  },
});
