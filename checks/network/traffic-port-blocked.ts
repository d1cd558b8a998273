import { aimAllowFlows } from '../../src/engine/fix.js';
import { defineCheck } from '../../src/engine/index.js';
import { symptomOf } from '../../src/model/index.js';
import { ALL_KINDS } from '../kinds.js';
import { blockedFinding, judgeBlockedPaths, poolMetrics } from './paths.js';

export const trafficPortBlocked = defineCheck({
  id: 'network/traffic-port-blocked',
  title: 'The load balancer can open connections to every target on the traffic port',
  family: 'network',
  severity: 'high',
  causes: [502, 503, 504],
  kinds: [...ALL_KINDS],
  fixes: ['allow-flow'],
  rationale:
    'Forwarded requests need the same path as health checks, on the port the target is registered with: outbound on the ' +
    'load balancer\'s security groups, inbound on the target\'s from the load balancer (or, for an NLB that preserves client ' +
    'IPs, from the clients), and through the network ACLs both ways. When ' +
    'the health-check port is open but the traffic port is not, targets look healthy while every request routed to them ' +
    'fails: on an ALB 504 after the 10 s connect timeout or 502 when refused; on Google failed_to_connect_to_backend. Envoy-based ' +
    'Google load balancers connect from the proxy-only subnet, Application Gateway from its subnet. High: a traffic-port-only ' +
    'block; network/health-check-port-blocked covers the health-check port.',
  remediation: {
    summary:
      'Allow the traffic port from the load balancer (or from the clients, where targets see client addresses) in the rule ' +
      'that blocked it (the fix lines name it), and in every other policy the trace shows blocking.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html',
    'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
    'https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#network-security-groups',
    'https://cloud.google.com/load-balancing/docs/firewall-rules',
  ],
  thresholds: {},
  messages: {
    blocked:
      '{{lb}} cannot open connections to {{count}} of {{total}} targets of {{pool}} ({{targets}}) on {{protocol}}/{{port}}: {{reason}}. Requests routed there fail: {{symptom}}.',
  },
  evaluate(inv, ctx) {
    judgeBlockedPaths(inv, ctx, 'traffic', (c, r, hits, netCtx) => {
      const { data, evidence, fixes } = blockedFinding(c, r.targets, hits, 'traffic', netCtx, {
        notes: r.notes,
        metrics: poolMetrics(ctx.index, c.pool, ['target.connection-errors']),
      });
      const symptom = symptomOf(c.lb.kind, 'connect-failed');
      ctx.fail(c.resource, 'blocked', { ...data, symptom: symptom.text }, {
        discriminator: c.discriminator,
        evidence: { ...evidence, details: { ...evidence.details, statusCodes: symptom.codes } },
        fix: aimAllowFlows(fixes, c.pool.ref.id, hits.map((h) => h.path.target.id)),
      });
    });
  },
});
