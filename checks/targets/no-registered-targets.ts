import { defineCheck } from '../../src/engine/index.js';
import { symptomOf } from '../../src/model/index.js';
import { ALL_KINDS } from '../kinds.js';
import { lbLabel, poolContexts, symptomMetrics, targetHealthMissing } from './pool-context.js';

export const noRegisteredTargets = defineCheck({
  id: 'targets/no-registered-targets',
  title: 'Every pool a listener routes to has registered targets',
  family: 'targets',
  severity: 'critical',
  causes: [502, 503],
  kinds: [...ALL_KINDS],
  fixes: ['register-targets'],
  rationale:
    'A load balancer that routes a request to a pool without registered targets has nowhere to send it and answers with ' +
    'an error itself: 503 on AWS ALB and Classic ("no registered targets"), 502 on Azure Application Gateway, 503 ' +
    'failed_to_pick_backend on Google Application Load Balancers; layer-4 load balancers drop or refuse the connections. ' +
    'Every request matching that listener or rule fails, so this is critical.',
  remediation: {
    summary:
      'Register targets in {{resourceName}}, or attach the scaling group / service that should fill it. If the pool is ' +
      'obsolete, point the listener elsewhere.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting',
    'https://learn.microsoft.com/azure/load-balancer/backend-pool-management',
    'https://cloud.google.com/load-balancing/docs/backend-service',
  ],
  thresholds: {},
  messages: {
    noTargets: '{{pool}} has no registered targets, yet {{lb}} routes to it: those requests get {{symptom}}.',
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
      const symptom = c.lb ? symptomOf(c.lb.kind, 'empty-pool') : { codes: [503], text: 'an error from the load balancer' };
      ctx.fail(
        c.resource,
        'noTargets',
        { pool: c.pool.ref.name, lb: c.lb ? lbLabel(c) : c.pool.loadBalancerIds.join(', '), symptom: symptom.text },
        {
          ...opts,
          fix: { kind: 'register-targets', poolId: c.pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}) },
          evidence: {
            path: 'backendPool.targets',
            observed: 0,
            expected: 'at least 1 registered target',
            source: 'api (target health)',
            details: { loadBalancerIds: c.pool.loadBalancerIds, listeners: c.listeners, statusCodes: symptom.codes },
            metrics: symptomMetrics(ctx.index, c.lb, symptom.codes),
          },
        },
      );
    }
  },
});
