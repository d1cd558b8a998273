import { aimAllowFlows } from '../../src/engine/fix.js';
import { defineCheck } from '../../src/engine/index.js';
import { symptomOf } from '../../src/model/index.js';
import { ALL_KINDS } from '../kinds.js';
import { blockedFinding, judgeBlockedPaths, poolMetrics } from './paths.js';

export const healthCheckPortBlocked = defineCheck({
  id: 'network/health-check-port-blocked',
  title: 'Health checks from the load balancer reach every target on the health-check port',
  family: 'network',
  severity: 'critical',
  causes: [502, 503, 504],
  kinds: [...ALL_KINDS],
  fixes: ['allow-flow'],
  rationale:
    'A target passes health checks only if the probe can open a connection from where the probes come from: on AWS the ' +
    'load balancer\'s nodes (its security groups outbound, the target\'s security groups inbound, the network ACLs of both ' +
    'subnets the port one way and 1024–65535 back); on Azure the AzureLoadBalancer service tag or the Application Gateway ' +
    'subnet through the NSGs; on Google the probe ranges (35.191.0.0/16, 130.211.0.0/22, …) through the VPC firewall. A ' +
    'blocked probe times out and the target is marked unhealthy. When every target is blocked users see what the load ' +
    'balancer does without a healthy target (fail open with 502/504, or 502/503 from the load balancer); when some are, the ' +
    'rest carry their load. The check evaluates every source → target flow and names the rule that decided.',
  remediation: {
    summary:
      'Allow the health-check port from the health-check sources in the rule that blocked it (the fix lines name it), and in ' +
      'every other policy the trace shows blocking.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview#nsg-considerations',
    'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges',
    'https://cloud.google.com/load-balancing/docs/firewall-rules',
  ],
  thresholds: {},
  messages: {
    allBlocked:
      'Health checks from {{lb}} cannot reach any of the {{total}} targets of {{pool}} on {{protocol}}/{{port}}: {{reason}}. Every target fails its checks: users get {{symptom}}.',
    someBlocked:
      'Health checks from {{lb}} cannot reach {{count}} of {{total}} targets of {{pool}} ({{targets}}) on {{protocol}}/{{port}}: {{reason}}. Those targets are marked unhealthy and the others carry their load.',
  },
  evaluate(inv, ctx) {
    judgeBlockedPaths(inv, ctx, 'health-check', (c, r, hits, netCtx) => {
      const all = hits.length === r.targets.length;
      const { data, evidence, fixes } = blockedFinding(c, r.targets, hits, 'health-check', netCtx, {
        notes: r.notes,
        metrics: poolMetrics(ctx.index, c.pool, ['pool.unhealthy-hosts.max', 'pool.healthy-hosts.min', 'pool.probe-availability.min']),
      });
      const symptom = symptomOf(c.lb.kind, 'no-healthy-target');
      ctx.fail(c.resource, all ? 'allBlocked' : 'someBlocked', { ...data, symptom: symptom.text }, {
        discriminator: c.discriminator,
        severity: all ? 'critical' : 'high',
        evidence: { ...evidence, details: { ...evidence.details, statusCodes: symptom.codes } },
        fix: aimAllowFlows(fixes, c.pool.ref.id, hits.map((h) => h.path.target.id)),
      });
    });
  },
});
