import { defineCheck } from '../../src/engine/index.js';
import { blockedFinding, judgeBlockedPaths, poolMetrics } from './paths.js';

export const trafficPortBlocked = defineCheck({
  id: 'network/traffic-port-blocked',
  title: 'The load balancer can open connections to every target on the traffic port',
  family: 'network',
  severity: 'high',
  causes: [502, 504],
  providers: ['aws'],
  rationale:
    'Forwarded requests need the same path as health checks, on the port the target is registered with: outbound on the ' +
    'load balancer\'s security groups, inbound on the target\'s from the load balancer (or, for an NLB that preserves client ' +
    'IPs, from the clients), and through the network ACLs both ways. When ' +
    'the health-check port is open but the traffic port is not, targets look healthy while every request routed to them ' +
    'fails: 504 after the 10 s connect timeout, or 502 when the connection is refused (A5, A7). High, as the catalog rates a ' +
    'traffic-port-only block; network/health-check-port-blocked covers the health-check port. Azure NSGs and Google ' +
    'firewall rules (proxy-only subnet → backends, G7) will use the same engine once their adapters produce policies.',
  remediation: {
    summary:
      'Allow the traffic port from the load balancer wherever the trace shows it blocked: the target security group ' +
      '(inbound from the load balancer\'s security group, or from the client ranges when an NLB preserves client IPs), the ' +
      'load balancer\'s security groups (outbound), and the network ACLs of both subnets (the port one way, 1024–65535 back). ' +
      'evidence.details.fixes lists the exact command for each rule that blocked.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html',
  ],
  thresholds: {},
  messages: {
    blocked:
      '{{lb}} cannot open connections to {{count}} of {{total}} targets of {{pool}} ({{targets}}) on {{protocol}}/{{port}}: {{reason}}. Requests routed there fail with 504 after the 10 s connect timeout, or 502 when refused.',
  },
  evaluate(inv, ctx) {
    judgeBlockedPaths(inv, ctx, 'traffic', (c, r, hits, netCtx) => {
      const { data, evidence } = blockedFinding(c, r.targets, hits, ctx.index, netCtx, {
        notes: r.notes,
        metrics: poolMetrics(ctx.index, c.pool, ['target.connection-errors']),
      });
      ctx.fail(c.resource, 'blocked', data, { discriminator: c.discriminator, evidence });
    });
  },
});
