import { defineCheck } from '../../src/engine/index.js';
import type { BackendPool } from '../../src/model/index.js';
import { corroborate, lbLabel, poolContexts, judgeableTargets } from './pool-context.js';
import { countStates, effectiveState, summarizeReasons, targetHealthDetails } from './reason-codes.js';

const MIN_COUNT = 'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count';
const MIN_PERCENT = 'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage';

/** The unhealthy-state routing attributes of the target group, when collected. */
function routingNote(pool: BackendPool): string {
  const parts: string[] = [];
  const count = pool.attributes[MIN_COUNT];
  const pct = pool.attributes[MIN_PERCENT];
  if (count !== undefined) parts.push(`${MIN_COUNT} = ${count}`);
  if (pct !== undefined && pct !== 'off') parts.push(`${MIN_PERCENT} = ${pct}`);
  return parts.length ? ` (${parts.join(', ')}: below that many healthy targets the load balancer routes to every target, healthy or not)` : '';
}

export const allTargetsUnhealthy = defineCheck({
  id: 'targets/all-targets-unhealthy',
  title: 'A routed pool has at least one healthy target',
  family: 'targets',
  severity: 'critical',
  causes: [502, 503, 504],
  providers: ['aws'],
  rationale:
    'When every registered target is unhealthy, ALB and NLB fail open: they route to all targets regardless of health, so ' +
    'requests reach broken targets and fail with 502 (reset, connection error) or 504 (timeout); an NLB resets the flows. ' +
    'The target group attributes target_group_health.unhealthy_state_routing.minimum_healthy_targets.count (default 1) and ' +
    '.percentage also trigger routing to unhealthy targets. A Classic Load Balancer with no healthy instance answers 503. ' +
    'Critical.',
  remediation: {
    summary:
      'Fix the cause the reason codes name: usually a security group or network ACL blocking the health-check port, or a wrong ' +
      'health-check path or port (see the network and health checks). Then watch the targets turn healthy.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
  ],
  thresholds: {},
  messages: {
    failOpen:
      'All {{unhealthy}} targets of {{pool}} are unhealthy: {{reasons}}. {{lb}} fails open and routes to all of them anyway, so requests reach broken targets (502/504){{routing}}.',
    noHealthy:
      'All {{unhealthy}} instances of {{pool}} are out of service: {{reasons}}. {{lb}} has no healthy instance to route to and answers 503.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const targets = judgeableTargets(inv, c, ctx, opts, { unrouted: 'no listener routes to this pool (see targets/unreferenced-target-group).' });
      if (!targets) continue;
      const counts = countStates(targets);
      if (counts.healthy > 0 || counts.unhealthy === 0) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const unhealthy = targets.filter((t) => effectiveState(t.health) === 'unhealthy');
      const classic = c.lb?.kind === 'aws-clb';
      ctx.fail(
        c.resource,
        classic ? 'noHealthy' : 'failOpen',
        {
          pool: c.pool.ref.name,
          lb: c.lb ? lbLabel(c) : c.pool.loadBalancerIds.join(', '),
          unhealthy: counts.unhealthy,
          reasons: summarizeReasons(unhealthy),
          routing: routingNote(c.pool),
        },
        {
          ...opts,
          evidence: {
            path: 'backendPool.targets[].health.state',
            observed: { healthy: 0, unhealthy: counts.unhealthy, total: counts.total },
            expected: 'at least 1 healthy target',
            source: 'api (target health at collection time)',
            details: {
              unhealthyTargets: targetHealthDetails(unhealthy),
              ...(c.pool.attributes[MIN_COUNT] !== undefined ? { [MIN_COUNT]: c.pool.attributes[MIN_COUNT] } : {}),
              ...(c.pool.attributes[MIN_PERCENT] !== undefined ? { [MIN_PERCENT]: c.pool.attributes[MIN_PERCENT] } : {}),
            },
            metrics: corroborate(ctx.index, [
              [c.pool.ref.id, 'pool.healthy-hosts.min'],
              [c.pool.ref.id, 'pool.unhealthy-hosts.max'],
              [c.pool.ref.id, 'pool.unhealthy-routing'],
              [c.lb?.ref.id, 'lb.http.502'],
              [c.lb?.ref.id, 'lb.http.503'],
              [c.lb?.ref.id, 'lb.http.504'],
              [c.pool.ref.id, 'target.connection-errors'],
            ]),
          },
        },
      );
    }
  },
});
