import { defineCheck } from '../../src/engine/index.js';
import { OPTIONAL_HEALTH_CHECK_KINDS } from '../kinds.js';
import { corroborate, healthCheckMissing, isLambdaPool, lbLabel, poolContexts } from '../targets/pool-context.js';

export const checkDisabled = defineCheck({
  id: 'health/check-disabled',
  title: 'Health checks are enabled on every pool that is not a Lambda function',
  family: 'health',
  severity: 'medium',
  causes: [502, 504],
  kinds: [...OPTIONAL_HEALTH_CHECK_KINDS],
  fixes: ['enable-health-check'],
  rationale:
    'Without health checks the load balancer cannot take a crashed, hung or unreachable target out of rotation: it keeps ' +
    'sending it requests, which fail with 502 (connection refused or reset) or 504 (no answer), until someone deregisters ' +
    'it. Medium: a latent risk that turns every ' +
    'target failure into user-facing errors. Some providers allow disabling health checks only for function targets, which ' +
    'are not applicable here; the check guards every kind where a pool can have them off.',
  remediation: {
    summary: 'Enable health checks on the pool, on a cheap endpoint that reflects whether the target can serve.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts',
  ],
  thresholds: {},
  messages: {
    disabled:
      'Health checks are disabled on {{pool}}: {{lb}} keeps sending requests to targets that crashed or hang (502/504) until they are deregistered.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      if (isLambdaPool(c.pool)) {
        ctx.notApplicable(c.resource, 'Lambda target groups run without health checks by default; the function is invoked regardless.', opts);
        continue;
      }
      const hc = c.pool.healthCheck;
      if (hc === undefined) {
        ctx.unknown(c.resource, healthCheckMissing(inv, c), opts);
        continue;
      }
      if (hc.enabled) {
        ctx.pass(c.resource, opts);
        continue;
      }
      ctx.fail(
        c.resource,
        'disabled',
        { pool: c.pool.ref.name, lb: c.lb ? lbLabel(c) : 'the load balancer' },
        {
          ...opts,
          fix: { kind: 'enable-health-check', poolId: c.pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}) },
          evidence: {
            path: 'backendPool.healthCheck.enabled',
            observed: false,
            expected: true,
            source: 'api',
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'target.connection-errors'], [c.lb?.ref.id, 'lb.http.502'], [c.lb?.ref.id, 'lb.http.504']]),
          },
        },
      );
    }
  },
});
