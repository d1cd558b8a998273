import { defineCheck } from '../../src/engine/index.js';
import { corroborate, lbLabel, poolContexts, targetHealthMissing } from './pool-context.js';

export const noRegisteredTargets = defineCheck({
  id: 'targets/no-registered-targets',
  title: 'Every pool a listener routes to has registered targets',
  family: 'targets',
  severity: 'critical',
  causes: [503],
  providers: ['aws'],
  rationale:
    'A load balancer that routes a request to a target group without registered targets has nowhere to send it and answers ' +
    '503 ("The target groups for the load balancer have no registered targets"; Classic: "There are no registered instances"). ' +
    'Every request matching that listener or rule fails, so this is critical.',
  remediation: {
    summary:
      'Register targets in {{resourceName}}, or attach the Auto Scaling group / ECS service that should fill it ' +
      '(Classic Load Balancer: aws elb register-instances-with-load-balancer). If the pool is obsolete, point the listener elsewhere.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
  ],
  thresholds: {},
  messages: {
    noTargets: '{{pool}} has no registered targets, yet {{lb}} routes to it: those requests get 503.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      if (!c.routed) {
        ctx.notApplicable(c.resource, 'no listener routes to this pool (see targets/unreferenced-target-group).', opts);
        continue;
      }
      if (c.pool.targets === undefined) {
        ctx.unknown(c.resource, targetHealthMissing(inv, c), opts);
        continue;
      }
      if (c.pool.targets.length > 0) {
        ctx.pass(c.resource, opts);
        continue;
      }
      ctx.fail(
        c.resource,
        'noTargets',
        { pool: c.pool.ref.name, lb: c.lb ? lbLabel(c) : c.pool.loadBalancerIds.join(', '), port: c.pool.port ?? '<port>' },
        {
          ...opts,
          evidence: {
            path: 'backendPool.targets',
            observed: 0,
            expected: 'at least 1 registered target',
            source: 'api (target health)',
            details: { loadBalancerIds: c.pool.loadBalancerIds, listeners: c.listeners },
            metrics: corroborate(ctx.index, [[c.lb?.ref.id, 'lb.http.503'], [c.lb?.ref.id, 'lb.http.5xx']]),
          },
        },
      );
    }
  },
});
