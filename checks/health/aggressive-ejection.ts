import { defineCheck } from '../../src/engine/index.js';
import { kindFacts } from '../../src/model/index.js';
import { HEALTH_CHECKED_KINDS } from '../kinds.js';
import { corroborate, healthCheckMissing, judgeableHealthCheck, lbLabel, missingFields, poolContexts } from '../targets/pool-context.js';

export const aggressiveEjection = defineCheck({
  id: 'health/aggressive-ejection',
  title: 'Health checks take long enough to eject a target that a brief stall does not',
  family: 'health',
  severity: 'medium',
  causes: [502, 503],
  kinds: [...HEALTH_CHECKED_KINDS],
  fixes: ['set-health-check'],
  rationale:
    'A target is marked unhealthy after unhealthy-threshold consecutive failures, one per interval. When interval × ' +
    'unhealthy threshold is short, a GC pause, a deploy or a load spike is enough to eject healthy targets; they flap, the ' +
    'rest overload (502) and with too few left the load balancer answers 503. No provider gives a limit; the 10 s default ' +
    'is a heuristic anchored on the most aggressive provider default, Google\'s 5 s × 2. Where the API minimums already ' +
    'give 10 s (AWS: interval 5 s, threshold 2), it fires only when the threshold is raised in the config.',
  remediation: {
    summary:
      'Raise the unhealthy threshold (or the interval) so that ejection takes at least the configured time, and make the ' +
      'health endpoint cheap so that it answers during load spikes.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview',
  ],
  thresholds: {
    minEjectSeconds: {
      default: 10,
      description:
        'Shortest acceptable interval × unhealthy threshold, in seconds (heuristic anchored on the Google Cloud default 5 s × 2).',
      unit: 'seconds',
      min: 0,
    },
  },
  messages: {
    ejectsFast:
      '{{pool}} marks a target unhealthy after {{unhealthyThreshold}} failed checks {{interval}} s apart (about {{ejectSeconds}} s), below {{min}} s: a GC pause, deploy or load spike can eject healthy targets behind {{lb}} and make them flap.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = judgeableHealthCheck(inv, c, ctx, opts);
      if (!hc) continue;
      const missing = missingFields(hc, ['intervalSeconds', 'unhealthyThreshold']);
      if (hc.intervalSeconds === undefined || hc.unhealthyThreshold === undefined) {
        ctx.unknown(c.resource, healthCheckMissing(inv, c, missing.join(' and ')), opts);
        continue;
      }
      const interval = hc.intervalSeconds.value;
      const threshold = hc.unhealthyThreshold.value;
      const eject = interval * threshold;
      const min = ctx.thresholds.minEjectSeconds;
      if (eject >= min) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const bounds = c.lb ? kindFacts(c.lb.kind).healthCheckBounds : undefined;
      const maxThreshold = bounds?.unhealthyThreshold[1] ?? 10;
      const maxInterval = bounds?.intervalSeconds[1] ?? 300;
      const suggestedThreshold = Math.min(maxThreshold, Math.max(threshold, Math.ceil(min / interval)));
      const suggestedInterval = Math.min(maxInterval, Math.max(interval, Math.ceil(min / suggestedThreshold)));
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
          fix: { kind: 'set-health-check', poolId: c.pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}), changes: { intervalSeconds: suggestedInterval, unhealthyThreshold: suggestedThreshold } },
          evidence: {
            path: 'backendPool.healthCheck.intervalSeconds × backendPool.healthCheck.unhealthyThreshold',
            observed: eject,
            expected: `>= ${min} s`,
            source: hc.intervalSeconds.source,
            details: { intervalSeconds: interval, unhealthyThreshold: threshold, timeoutSeconds: hc.timeoutSeconds?.value },
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.unhealthy-hosts.max'], [c.pool.ref.id, 'pool.healthy-hosts.min']]),
          },
        },
      );
    }
  },
});
