import { defineCheck } from '../../src/engine/index.js';
import { ALL_KINDS } from '../kinds.js';
import { corroborate, lbLabel, percent, poolContexts, judgeableTargets } from './pool-context.js';
import { countStates, effectiveState } from './reason-codes.js';

export const drainingAtScale = defineCheck({
  id: 'targets/draining-at-scale',
  title: 'Deploys and scale-ins drain only a minority of a pool\'s targets at once',
  family: 'targets',
  severity: 'medium',
  causes: [503, 502],
  kinds: [...ALL_KINDS],
  // The fix is in the deployment tool (batch size), not in a load-balancer setting: the summary says it.
  fixes: [],
  rationale:
    'Draining targets (being deregistered) get no new requests. When more than half of a pool drains at once, ' +
    'typically a deploy that replaces too many targets in one batch, the remaining targets carry all traffic; if they are ' +
    'too few or not yet healthy the load balancer answers 503 (no healthy target) or 502 from overloaded targets. The share ' +
    'is measured at collection time, so it catches a deploy in progress. The 50 % default is a heuristic.',
  remediation: {
    summary:
      'Replace targets in smaller batches and wait for the new ones to be healthy before draining more: ECS ' +
      'deployment minimumHealthyPercent 100 / maximumPercent 200, Auto Scaling instance refresh MinHealthyPercentage 90, or ' +
      'a rolling update with max unavailable below half.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://learn.microsoft.com/azure/application-gateway/configuration-http-settings',
    'https://cloud.google.com/load-balancing/docs/enabling-connection-draining',
  ],
  thresholds: {
    maxDrainingPercent: {
      default: 50,
      description: 'Largest share of a pool\'s registered targets that may be draining at once (heuristic).',
      unit: 'percent',
      min: 0,
      max: 100,
    },
  },
  messages: {
    draining:
      '{{draining}} of {{total}} targets of {{pool}} ({{percent}} %) were draining at collection time, above {{max}} %; only {{healthy}} healthy targets were left to serve {{lb}}.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const targets = judgeableTargets(inv, c, ctx, opts, { unrouted: 'no listener routes to this pool.', lambda: 'Lambda targets are not drained in batches.' });
      if (!targets) continue;
      const counts = countStates(targets);
      const max = ctx.thresholds.maxDrainingPercent;
      if ((counts.draining / counts.total) * 100 <= max) {
        ctx.pass(c.resource, opts);
        continue;
      }
      ctx.fail(
        c.resource,
        'draining',
        {
          pool: c.pool.ref.name,
          lb: lbLabel(c),
          draining: counts.draining,
          total: counts.total,
          healthy: counts.healthy,
          percent: percent(counts.draining, counts.total),
          max,
        },
        {
          ...opts,
          evidence: {
            path: 'backendPool.targets[].health.state',
            observed: { draining: counts.draining, healthy: counts.healthy, total: counts.total },
            expected: `at most ${max} % of the targets draining`,
            source: 'api (target health at collection time)',
            details: {
              drainingTargets: targets.filter((t) => effectiveState(t.health) === 'draining').map((t) => t.key),
              drainSeconds: c.pool.drainSeconds?.value,
            },
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.healthy-hosts.min'], [c.lb?.ref.id, 'lb.http.503'], [c.lb?.ref.id, 'lb.http.502']]),
          },
        },
      );
    }
  },
});
