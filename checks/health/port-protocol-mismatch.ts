import { defineCheck } from '../../src/engine/index.js';
import type { HealthCheckChanges } from '../../src/engine/fix.js';
import type { Protocol, TlsObservation } from '../../src/model/index.js';
import { describeMissing, kindFacts } from '../../src/model/index.js';
import { HEALTH_CHECKED_KINDS } from '../kinds.js';
import { corroborate, healthCheckMissing, judgeableHealthCheck, lbLabel, poolContexts } from '../targets/pool-context.js';
import { countStates } from '../targets/reason-codes.js';

function isHttp(p: Protocol | undefined): p is 'HTTP' | 'HTTPS' {
  return p === 'HTTP' || p === 'HTTPS';
}

export const portProtocolMismatch = defineCheck({
  id: 'health/port-protocol-mismatch',
  title: 'Health checks probe the port and protocol that serve the traffic',
  family: 'health',
  severity: 'medium',
  causes: [502, 503, 504],
  kinds: [...HEALTH_CHECKED_KINDS],
  fixes: ['set-health-check'],
  rationale:
    'A health check on another port than the traffic port can pass while the traffic port is broken (requests fail with ' +
    '502/504 while the targets look healthy) or fail while it works (targets ejected, 503): medium, high when the pool has ' +
    'unhealthy targets now. An HTTP health check against an HTTPS port, or the reverse, fails on a working target. A TCP ' +
    'health check on an HTTP(S) pool only proves the port accepts connections and hides application failures (low). Some ' +
    'kinds\' HTTPS health checks (AWS Network Load Balancer) fail against TLS 1.3-only targets; that is reported as a note ' +
    'when a probe saw such a target.',
  remediation: {
    summary:
      'Health-check the traffic port with the protocol the targets serve, on an endpoint that exercises the application.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts',
  ],
  thresholds: {},
  messages: {
    portDiffers:
      '{{pool}} health-checks port {{hcPort}} but serves traffic on {{trafficPorts}}: the check can pass while the traffic port is broken (502/504) or fail while it works (503){{unhealthyNote}}.',
    schemeDiffers:
      '{{pool}} serves {{poolProtocol}} on port {{port}} but health-checks it with {{hcProtocol}}: the check fails against a working target{{unhealthyNote}}.',
    tcpCheckOnHttp:
      '{{pool}} serves {{poolProtocol}} but its health check is TCP: a target whose application fails still accepts connections and keeps getting traffic from {{lb}}.',
    tls13Only:
      '{{pool}} uses HTTPS health checks on {{lb}}, and the probe found {{targets}} accepting only TLS 1.3; NLB HTTPS health checks fail against TLS 1.3-only targets.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = judgeableHealthCheck(inv, c, ctx, opts);
      if (!hc) continue;
      const pool = c.pool;
      const targets = pool.targets;
      const unhealthy = targets ? countStates(targets).unhealthy : 0;
      const unhealthyNote = unhealthy > 0 ? `; ${unhealthy} target${unhealthy === 1 ? ' is' : 's are'} unhealthy now` : '';
      const raised = unhealthy > 0 ? 'high' : 'medium';
      const discriminator = (id: string): string => (c.discriminator ? `${c.discriminator}#${id}` : id);
      const base = { pool: pool.ref.name, lb: lbLabel(c), suggestedPort: 'traffic-port', suggestedProtocol: hc.protocol ?? pool.protocol ?? 'HTTP' };
      let failed = false;
      const gaps: string[] = [];
      // Every finding on the pool shares one fix that corrects all of them, so no two fix lines contradict each other.
      const changes: HealthCheckChanges = {};
      const fix = { kind: 'set-health-check' as const, poolId: pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}), changes };

      // Port: ELBv2 "traffic-port" follows each target's own port, so only a fixed port can differ.
      const trafficPorts = targets && targets.length > 0 ? [...new Set(targets.map((t) => t.port))] : pool.port !== undefined ? [pool.port] : [];
      const samePort = hc.usesTrafficPort === true || (hc.port !== undefined && trafficPorts.length > 0 && trafficPorts.every((p) => p === hc.port));
      if (hc.usesTrafficPort !== true) {
        if (hc.port === undefined) gaps.push(healthCheckMissing(inv, c, 'port'));
        else if (trafficPorts.length === 0) gaps.push(`${describeMissing(inv, 'targets', pool, "the pool's traffic port and its targets")}`);
        else if (!samePort) {
          failed = true;
          changes.useTrafficPort = true;
          ctx.fail(c.resource, 'portDiffers', { ...base, hcPort: hc.port, trafficPorts: trafficPorts.join(', '), unhealthyNote }, {
            severity: raised,
            discriminator: discriminator('portDiffers'),
            fix,
            evidence: {
              path: 'backendPool.healthCheck.port',
              observed: hc.port,
              expected: trafficPorts.length === 1 ? trafficPorts[0] : trafficPorts,
              source: 'api',
              details: { usesTrafficPort: hc.usesTrafficPort, unhealthyTargets: unhealthy },
              metrics: corroborate(ctx.index, [[pool.ref.id, 'pool.unhealthy-hosts.max'], [pool.ref.id, 'target.connection-errors']]),
            },
          });
        }
      }

      // Protocol on the same port: HTTP against HTTPS (or the reverse) cannot succeed on a working target.
      if (hc.protocol === undefined) gaps.push(healthCheckMissing(inv, c, 'protocol'));
      else if (samePort && isHttp(pool.protocol) && isHttp(hc.protocol) && pool.protocol !== hc.protocol) {
        failed = true;
        changes.protocol = pool.protocol;
        ctx.fail(
          c.resource,
          'schemeDiffers',
          { ...base, poolProtocol: pool.protocol, hcProtocol: hc.protocol, port: trafficPorts.join(', ') || 'traffic-port', unhealthyNote, suggestedProtocol: pool.protocol },
          {
            severity: raised,
            discriminator: discriminator('schemeDiffers'),
            fix,
            evidence: { path: 'backendPool.healthCheck.protocol', observed: hc.protocol, expected: pool.protocol, source: 'api', details: { unhealthyTargets: unhealthy } },
          },
        );
      } else if (hc.protocol === 'TCP' && isHttp(pool.protocol)) {
        failed = true;
        changes.protocol = pool.protocol;
        ctx.fail(c.resource, 'tcpCheckOnHttp', { ...base, poolProtocol: pool.protocol, suggestedProtocol: pool.protocol }, {
          severity: 'low',
          discriminator: discriminator('tcpCheckOnHttp'),
            fix,
          evidence: { path: 'backendPool.healthCheck.protocol', observed: 'TCP', expected: pool.protocol, source: 'api' },
        });
      }

      // HTTPS health checks that need TLS 1.2 and TLS 1.3-only targets: a note, only on a probe's word.
      if (c.lb && kindFacts(c.lb.kind).httpsHealthCheckNeedsTls12 && hc.protocol === 'HTTPS') {
        const seen = inv.observations.filter(
          (o): o is TlsObservation => o.kind === 'tls' && o.poolId === pool.ref.id && o.error === undefined && o.tls13Only === true,
        );
        if (seen.length > 0) {
          failed = true;
          changes.protocol ??= 'TCP';
          ctx.fail(c.resource, 'tls13Only', { ...base, targets: seen.map((o) => o.targetKey).join(', '), suggestedProtocol: 'TCP' }, {
            severity: 'info',
            discriminator: discriminator('tls13Only'),
            fix,
            evidence: {
              path: 'backendPool.healthCheck.protocol',
              observed: 'HTTPS',
              expected: 'TCP or HTTP health checks, or targets that also accept TLS 1.2',
              source: 'measured (probe)',
              details: { observations: seen.map((o) => ({ target: o.targetKey, address: o.address, port: o.port, protocol: o.protocol, at: o.at })) },
            },
          });
        }
      }

      if (failed) continue;
      if (gaps.length > 0) {
        ctx.unknown(c.resource, gaps.join('; '), opts);
        continue;
      }
      ctx.pass(c.resource, opts);
    }
  },
});
