import { defineCheck } from '../../src/engine/index.js';
import { corroborate, healthCheckMissing, judgeableHealthCheck, lbLabel, missingFields, poolContexts } from '../targets/pool-context.js';

/** AWS API lower bounds of the ELBv2 health-check settings (CHECKS.md A9, N2). */
const AWS_MIN_THRESHOLD = 2;
const AWS_MIN_INTERVAL = 5;

export const slowRecovery = defineCheck({
  id: 'health/slow-recovery',
  title: 'A recovered or new target is put back in service within minutes',
  family: 'health',
  severity: 'low',
  causes: [503],
  providers: ['aws'],
  rationale:
    'A new or recovered target gets traffic only after healthy-threshold consecutive passing checks, one per interval. When ' +
    'interval × healthy threshold is long, capacity lost in an incident or a deploy comes back slowly, the remaining targets ' +
    'carry the load longer, and with none left the load balancer answers 503. The 300 s default is a heuristic ' +
    '(CHECKS.md §1.5); the Classic Load Balancer default 30 s × 10 sits exactly on it.',
  remediation: {
    summary:
      'Lower the healthy threshold (or the interval) so that a target returns to service within the configured time. ' +
      'Classic Load Balancer: aws elb configure-health-check.',
    aws: {
      cli: 'aws elbv2 modify-target-group --target-group-arn {{resourceId}} --healthy-threshold-count {{suggestedThreshold}} --health-check-interval-seconds {{suggestedInterval}}',
      terraform: 'aws_lb_target_group.health_check { healthy_threshold, interval }',
    },
  },
  docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html'],
  thresholds: {
    maxRecoverySeconds: {
      default: 300,
      description: 'Longest acceptable interval × healthy threshold, in seconds (heuristic, CHECKS.md §1.5).',
      unit: 'seconds',
      min: 0,
    },
  },
  messages: {
    slowRecovery:
      '{{pool}} needs {{healthyThreshold}} passing checks {{interval}} s apart (about {{recoverySeconds}} s) before a new or recovered target gets traffic from {{lb}}, above {{max}} s: lost capacity comes back slowly.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index, ['aws'])) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = judgeableHealthCheck(inv, c, ctx, opts);
      if (!hc) continue;
      const missing = missingFields(hc, ['intervalSeconds', 'healthyThreshold']);
      if (hc.intervalSeconds === undefined || hc.healthyThreshold === undefined) {
        ctx.unknown(c.resource, healthCheckMissing(inv, c, missing.join(' and ')), opts);
        continue;
      }
      const interval = hc.intervalSeconds;
      const threshold = hc.healthyThreshold;
      const recovery = interval * threshold;
      const max = ctx.thresholds.maxRecoverySeconds;
      if (recovery <= max) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const suggestedThreshold = Math.max(AWS_MIN_THRESHOLD, Math.min(threshold, Math.floor(max / interval)));
      const suggestedInterval = Math.max(AWS_MIN_INTERVAL, Math.min(interval, Math.floor(max / suggestedThreshold)));
      ctx.fail(
        c.resource,
        'slowRecovery',
        { pool: c.pool.ref.name, lb: lbLabel(c), interval, healthyThreshold: threshold, recoverySeconds: recovery, max, suggestedThreshold, suggestedInterval },
        {
          ...opts,
          evidence: {
            path: 'backendPool.healthCheck.intervalSeconds × backendPool.healthCheck.healthyThreshold',
            observed: recovery,
            expected: `<= ${max} s`,
            source: 'api',
            details: { intervalSeconds: interval, healthyThreshold: threshold },
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.healthy-hosts.min']]),
          },
        },
      );
    }
  },
});
