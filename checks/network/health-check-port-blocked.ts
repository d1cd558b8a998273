import { defineCheck } from '../../src/engine/index.js';
import { blockedFinding, judgeBlockedPaths, poolMetrics } from './paths.js';

export const healthCheckPortBlocked = defineCheck({
  id: 'network/health-check-port-blocked',
  title: 'Health checks from the load balancer reach every target on the health-check port',
  family: 'network',
  severity: 'critical',
  causes: [502, 504],
  providers: ['aws'],
  rationale:
    'A target passes health checks only if the probe can open a connection: the load balancer\'s security groups must allow ' +
    'it outbound, the target\'s security groups inbound from the load balancer, and the network ACLs of both subnets the port ' +
    'one way and the ephemeral range 1024–65535 back. ' +
    'A blocked probe times out (Target.Timeout) and the target is marked unhealthy. When every target is blocked the ALB and ' +
    'NLB fail open and route to all of them (A11, N4): clients get 502 and 504; when some are, the rest carry their load. ' +
    'The check evaluates every load balancer node → target flow with the reachability engine and names the rule that ' +
    'decided. Azure (NSGs, AzureLoadBalancer / GatewayManager service tags) and Google (firewall rules for the probe ' +
    'ranges 35.191.0.0/16 and 130.211.0.0/22) will feed the same engine once their adapters produce policies.',
  remediation: {
    summary:
      'Allow the health-check port from the load balancer wherever the trace shows it blocked: the target security group ' +
      '(inbound from the load balancer\'s security group), the load balancer\'s security groups (outbound to the targets), and ' +
      'the network ACLs of the target and load balancer subnets (the port one way, 1024–65535 back). ' +
      'evidence.details.fixes lists the exact command for each rule that blocked.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html',
  ],
  thresholds: {},
  messages: {
    allBlocked:
      'Health checks from {{lb}} cannot reach any of the {{total}} targets of {{pool}} on {{protocol}}/{{port}}: {{reason}}. Every target fails its checks, the load balancer fails open and clients get 502/504.',
    someBlocked:
      'Health checks from {{lb}} cannot reach {{count}} of {{total}} targets of {{pool}} ({{targets}}) on {{protocol}}/{{port}}: {{reason}}. Those targets are marked unhealthy and the others carry their load.',
  },
  evaluate(inv, ctx) {
    judgeBlockedPaths(inv, ctx, 'health-check', (c, r, hits, netCtx) => {
      const all = hits.length === r.targets.length;
      const { data, evidence } = blockedFinding(c, r.targets, hits, ctx.index, netCtx, {
        notes: r.notes,
        metrics: poolMetrics(ctx.index, c.pool, ['pool.unhealthy-hosts.max', 'pool.healthy-hosts.min']),
      });
      ctx.fail(c.resource, all ? 'allBlocked' : 'someBlocked', data, { discriminator: c.discriminator, severity: all ? 'critical' : 'high', evidence });
    });
  },
});
