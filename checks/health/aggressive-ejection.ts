import { defineCheck } from '../../src/engine/index.js';
import { corroborate, healthCheckMissing, judgeableHealthCheck, lbLabel, missingFields, poolContexts } from '../targets/pool-context.js';

/** AWS API bounds of the ELBv2 health-check settings (CHECKS.md A9, N2). */
const AWS_MAX_THRESHOLD = 10;
const AWS_MAX_INTERVAL = 300;

export const aggressiveEjection = defineCheck({
  id: 'health/aggressive-ejection',
  title: 'Health checks take long enough to eject a target that a brief stall does not',
  family: 'health',
  severity: 'medium',
  causes: [502, 503],
  providers: ['aws'],
  rationale:
    'A target is marked unhealthy after unhealthy-threshold consecutive failures, one per interval. When interval × ' +
    'unhealthy threshold is short, a GC pause, a deploy or a load spike is enough to eject healthy targets; they flap, the ' +
    'rest overload (502) and with too few left the load balancer answers 503. No provider gives a limit; the 10 s default ' +
    'is a heuristic anchored on the most aggressive provider default, Google\'s 5 s × 2 (CHECKS.md §1.5, ' +
    'aws.tg.health-check-aggressive). On AWS the API minimums (interval 5 s, threshold 2) already give 10 s, so with the ' +
    'default this fires only when the threshold is raised in the config.',
  remediation: {
    summary:
      'Raise the unhealthy threshold (or the interval) so that ejection takes at least the configured time, and make the ' +
      'health endpoint cheap so that it answers during load spikes. Classic Load Balancer: aws elb configure-health-check.',
    aws: {
      cli: 'aws elbv2 modify-target-group --target-group-arn {{resourceId}} --health-check-interval-seconds {{suggestedInterval}} --unhealthy-threshold-count {{suggestedThreshold}}',
      terraform: 'aws_lb_target_group.health_check { interval, unhealthy_threshold }',
    },
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks',
  ],
  thresholds: {
    minEjectSeconds: {
      default: 10,
      description:
        'Shortest acceptable interval × unhealthy threshold, in seconds (heuristic anchored on the GCP default 5 s × 2, CHECKS.md §1.5).',
      unit: 'seconds',
      min: 0,
    },
  },
  messages: {
    ejectsFast:
      '{{pool}} marks a target unhealthy after {{unhealthyThreshold}} failed checks {{interval}} s apart (about {{ejectSeconds}} s), below {{min}} s: a GC pause, deploy or load spike can eject healthy targets behind {{lb}} and make them flap.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index, ['aws'])) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = judgeableHealthCheck(inv, c, ctx, opts);
      if (!hc) continue;
      const missing = missingFields(hc, ['intervalSeconds', 'unhealthyThreshold']);
      if (hc.intervalSeconds === undefined || hc.unhealthyThreshold === undefined) {
        ctx.unknown(c.resource, healthCheckMissing(inv, c, missing.join(' and ')), opts);
        continue;
      }
      const interval = hc.intervalSeconds;
      const threshold = hc.unhealthyThreshold;
      const eject = interval * threshold;
      const min = ctx.thresholds.minEjectSeconds;
      if (eject >= min) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const suggestedThreshold = Math.min(AWS_MAX_THRESHOLD, Math.max(threshold, Math.ceil(min / interval)));
      const suggestedInterval = Math.min(AWS_MAX_INTERVAL, Math.max(interval, Math.ceil(min / suggestedThreshold)));
      ctx.fail(
        c.resource,
        'ejectsFast',
        {
          pool: c.pool.ref.name,
          lb: lbLabel(c),
          interval,
          unhealthyThreshold: threshold,
          ejectSeconds: eject,
          min,
          suggestedInterval,
          suggestedThreshold,
        },
        {
          ...opts,
          evidence: {
            path: 'backendPool.healthCheck.intervalSeconds × backendPool.healthCheck.unhealthyThreshold',
            observed: eject,
            expected: `>= ${min} s`,
            source: 'api',
            details: { intervalSeconds: interval, unhealthyThreshold: threshold, timeoutSeconds: hc.timeoutSeconds },
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.unhealthy-hosts.max'], [c.pool.ref.id, 'pool.healthy-hosts.min']]),
          },
        },
      );
    }
  },
});
