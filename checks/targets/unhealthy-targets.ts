import { defineCheck } from '../../src/engine/index.js';
import { ALL_KINDS } from '../kinds.js';
import { corroborate, lbLabel, percent, poolContexts, judgeableTargets } from './pool-context.js';
import { countStates, effectiveState, summarizeReasons, targetHealthDetails } from './reason-codes.js';

export const unhealthyTargets = defineCheck({
  id: 'targets/unhealthy-targets',
  title: 'Every target of a routed pool passes its health checks',
  family: 'targets',
  severity: 'high',
  causes: [502, 504],
  kinds: [...ALL_KINDS],
  fixes: ['inspect-target-health'],
  rationale:
    'Unhealthy targets are taken out of rotation, so the remaining healthy targets carry all the traffic; under load they ' +
    'overload and the load balancer returns 502/504. The provider\'s reason tells the cause: a health-check timeout (blocked ' +
    'port or slow app), a connection error or malformed response, an unexpected status code (path or success codes), a TLS ' +
    'or DNS failure, or a provider-side error. High; medium when fewer than 25 % of the targets are unhealthy, a heuristic.',
  remediation: {
    summary:
      'Follow the reason of each unhealthy target: open the health-check port from the load balancer (network rules), fix ' +
      'the health-check path or success codes, or fix the application. See the network and health checks.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_InstanceState.html',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts',
  ],
  thresholds: {
    mediumBelowPercent: {
      default: 25,
      description: 'Below this share of unhealthy targets the finding is medium instead of high (heuristic).',
      unit: 'percent',
      min: 0,
      max: 100,
    },
  },
  messages: {
    someUnhealthy:
      '{{unhealthy}} of {{total}} targets of {{pool}} ({{percent}} %) are unhealthy: {{reasons}}. {{remaining}} all traffic from {{lb}} and may overload (502/504).',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const targets = judgeableTargets(inv, c, ctx, opts, { unrouted: 'no listener routes to this pool (see targets/unreferenced-target-group).' });
      if (!targets) continue;
      const counts = countStates(targets);
      if (counts.unhealthy === 0) {
        ctx.pass(c.resource, opts);
        continue;
      }
      if (counts.healthy === 0) {
        ctx.notApplicable(c.resource, 'no target is healthy (see targets/all-targets-unhealthy).', opts);
        continue;
      }
      const unhealthy = targets.filter((t) => effectiveState(t.health) === 'unhealthy');
      const share = (counts.unhealthy / counts.total) * 100;
      ctx.fail(
        c.resource,
        'someUnhealthy',
        {
          pool: c.pool.ref.name,
          lb: lbLabel(c),
          unhealthy: counts.unhealthy,
          healthy: counts.healthy,
          remaining: counts.healthy === 1 ? 'The only healthy target carries' : `The ${counts.healthy} healthy targets carry`,
          total: counts.total,
          percent: percent(counts.unhealthy, counts.total),
          reasons: summarizeReasons(unhealthy),
        },
        {
          ...opts,
          severity: share < ctx.thresholds.mediumBelowPercent ? 'medium' : 'high',
          fix: { kind: 'inspect-target-health', poolId: c.pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}) },
          evidence: {
            path: 'backendPool.targets[].health.state',
            observed: { unhealthy: counts.unhealthy, healthy: counts.healthy, total: counts.total },
            expected: 'every in-service target healthy',
            source: 'api (target health at collection time)',
            details: { unhealthyTargets: targetHealthDetails(unhealthy), mediumBelowPercent: ctx.thresholds.mediumBelowPercent },
            metrics: corroborate(ctx.index, [
              [c.pool.ref.id, 'pool.unhealthy-hosts.max'],
              [c.pool.ref.id, 'pool.healthy-hosts.min'],
              [c.lb?.ref.id, 'lb.http.502'],
              [c.lb?.ref.id, 'lb.http.504'],
            ]),
          },
        },
      );
    }
  },
});
