import { defineCheck } from '../../src/engine/index.js';
import type { BackendPool } from '../../src/model/index.js';
import { symptomOf, whenAllUnhealthy } from '../../src/model/index.js';
import { ALL_KINDS } from '../kinds.js';
import { corroborate, lbLabel, poolContexts, judgeableTargets, symptomMetrics } from './pool-context.js';
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
  kinds: [...ALL_KINDS],
  fixes: ['inspect-target-health'],
  rationale:
    'When every registered target is unhealthy, what users see depends on the load balancer: AWS ALB and NLB and Google ' +
    'passthrough NLBs (without dropTrafficIfUnhealthy) fail open and route to all targets regardless of health, so requests ' +
    'reach broken targets and fail with 502/504 or resets (on AWS the target group attributes ' +
    'target_group_health.unhealthy_state_routing.minimum_healthy_targets.* trigger it earlier); Classic ELB, Application ' +
    'Gateway and Google Application Load Balancers answer 502/503 themselves; Azure Standard Load Balancer sends no new ' +
    'flows. Critical in every case.',
  remediation: {
    summary:
      'Fix the cause the health reasons name: usually a network rule blocking the health-check port, or a wrong health-check ' +
      'path or port (see the network and health checks). Then watch the targets turn healthy.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts',
  ],
  thresholds: {},
  messages: {
    failOpen:
      'All {{unhealthy}} targets of {{pool}} are unhealthy: {{reasons}}. {{lb}} fails open and routes to all of them anyway, so requests reach broken targets (502/504){{routing}}.',
    noHealthy:
      'All {{unhealthy}} targets of {{pool}} are unhealthy: {{reasons}}. {{lb}} has no healthy target to route to: users get {{symptom}}.',
    dropped:
      'All {{unhealthy}} targets of {{pool}} are unhealthy: {{reasons}}. {{lb}} sends no new connections to the pool: {{symptom}}.',
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
      const behaviour = c.lb ? whenAllUnhealthy(c.lb.kind, c.pool) : { value: 'fail-open' as const, source: 'assumed' as const };
      const symptom = c.lb ? symptomOf(c.lb.kind, 'no-healthy-target') : { codes: [502, 503, 504], text: 'errors' };
      const messageId = behaviour.value === 'fail-open' ? 'failOpen' : behaviour.value === 'drop' ? 'dropped' : 'noHealthy';
      ctx.fail(
        c.resource,
        messageId,
        {
          symptom: symptom.text,
          pool: c.pool.ref.name,
          lb: c.lb ? lbLabel(c) : c.pool.loadBalancerIds.join(', '),
          unhealthy: counts.unhealthy,
          reasons: summarizeReasons(unhealthy),
          routing: routingNote(c.pool),
        },
        {
          ...opts,
          fix: { kind: 'inspect-target-health', poolId: c.pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}) },
          evidence: {
            path: 'backendPool.targets[].health.state',
            observed: { healthy: 0, unhealthy: counts.unhealthy, total: counts.total },
            expected: 'at least 1 healthy target',
            source: 'api (target health at collection time)',
            details: {
              unhealthyTargets: targetHealthDetails(unhealthy),
              whenAllUnhealthy: behaviour.value,
              whenAllUnhealthySource: behaviour.source,
              statusCodes: symptom.codes,
              ...(c.pool.attributes[MIN_COUNT] !== undefined ? { [MIN_COUNT]: c.pool.attributes[MIN_COUNT] } : {}),
              ...(c.pool.attributes[MIN_PERCENT] !== undefined ? { [MIN_PERCENT]: c.pool.attributes[MIN_PERCENT] } : {}),
            },
            metrics: [
              ...corroborate(ctx.index, [
                [c.pool.ref.id, 'pool.healthy-hosts.min'],
                [c.pool.ref.id, 'pool.unhealthy-hosts.max'],
                [c.pool.ref.id, 'pool.unhealthy-routing'],
                [c.pool.ref.id, 'pool.probe-availability.min'],
              ]),
              ...symptomMetrics(ctx.index, c.lb, symptom.codes),
              ...corroborate(ctx.index, [[c.pool.ref.id, 'target.connection-errors']]),
            ],
          },
        },
      );
    }
  },
});
