import { defineCheck } from '../../src/engine/index.js';
import { kindFacts } from '../../src/model/index.js';
import { HEALTH_CHECKED_KINDS } from '../kinds.js';
import { corroborate, healthCheckMissing, judgeableHealthCheck, lbLabel, missingFields, poolContexts } from '../targets/pool-context.js';


export const slowRecovery = defineCheck({
  id: 'health/slow-recovery',
  title: 'A recovered or new target is put back in service within minutes',
  family: 'health',
  severity: 'low',
  causes: [503],
  kinds: [...HEALTH_CHECKED_KINDS],
  fixes: ['set-health-check'],
  rationale:
    'A new or recovered target gets traffic only after healthy-threshold consecutive passing checks, one per interval. When ' +
    'interval × healthy threshold is long, capacity lost in an incident or a deploy comes back slowly, the remaining targets ' +
    'carry the load longer, and with none left the load balancer answers 503. The 300 s default is a heuristic ' +
    '; the Classic Load Balancer default 30 s × 10 sits exactly on it.',
  remediation: {
    summary:
      'Lower the healthy threshold (or the interval) so that a target returns to service within the configured time.',
  },
  docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html', 'https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview', 'https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview', 'https://cloud.google.com/load-balancing/docs/health-check-concepts'],
  thresholds: {
    maxRecoverySeconds: {
      default: 300,
      description: 'Longest acceptable interval × healthy threshold, in seconds (heuristic).',
      unit: 'seconds',
      min: 0,
    },
  },
  messages: {
    slowRecovery:
      '{{pool}} needs {{healthyThreshold}} passing checks {{interval}} s apart (about {{recoverySeconds}} s) before a new or recovered target gets traffic from {{lb}}, above {{max}} s: lost capacity comes back slowly.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = judgeableHealthCheck(inv, c, ctx, opts);
      if (!hc) continue;
      const missing = missingFields(hc, ['intervalSeconds', 'healthyThreshold']);
      if (hc.intervalSeconds === undefined || hc.healthyThreshold === undefined) {
        ctx.unknown(c.resource, healthCheckMissing(inv, c, missing.join(' and ')), opts);
        continue;
      }
      const interval = hc.intervalSeconds.value;
      const threshold = hc.healthyThreshold.value;
      const recovery = interval * threshold;
      const max = ctx.thresholds.maxRecoverySeconds;
      if (recovery <= max) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const bounds = c.lb ? kindFacts(c.lb.kind).healthCheckBounds : undefined;
      // A threshold the provider fixes cannot be lowered: only the interval moves then.
      const thresholdFixed = hc.healthyThreshold.source === 'fixed';
      const minThreshold = bounds?.healthyThreshold?.[0] ?? 1;
      const suggestedThreshold = thresholdFixed ? threshold : Math.max(minThreshold, Math.min(threshold, Math.floor(max / interval)));
      const suggestedInterval = Math.max(bounds?.intervalSeconds[0] ?? 1, Math.min(interval, Math.floor(max / suggestedThreshold)));
      const changes = { intervalSeconds: suggestedInterval, ...(thresholdFixed ? {} : { healthyThreshold: suggestedThreshold }) };
      ctx.fail(
        c.resource,
        'slowRecovery',
        { pool: c.pool.ref.name, lb: lbLabel(c), interval, healthyThreshold: threshold, recoverySeconds: recovery, max, suggestedThreshold, suggestedInterval },
        {
          ...opts,
          fix: { kind: 'set-health-check', poolId: c.pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}), changes },
          evidence: {
            path: 'backendPool.healthCheck.intervalSeconds × backendPool.healthCheck.healthyThreshold',
            observed: recovery,
            expected: `<= ${max} s`,
            source: hc.healthyThreshold.source,
            details: { intervalSeconds: interval, healthyThreshold: threshold },
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.healthy-hosts.min']]),
          },
        },
      );
    }
  },
});
