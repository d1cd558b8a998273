import { defineCheck } from '../../src/engine/index.js';
import type { MetricSeries } from '../../src/model/index.js';
import { kindFacts } from '../../src/model/index.js';
import { HEALTH_CHECKED_KINDS } from '../kinds.js';
import { corroborate, healthCheckMissing, judgeableHealthCheck, lbLabel, metricEvidence, missingFields, poolContexts, poolMetric } from '../targets/pool-context.js';

export const timeoutVsInterval = defineCheck({
  id: 'health/timeout-vs-interval',
  title: 'Health-check timeouts are shorter than the interval and long enough for the target to answer',
  family: 'health',
  severity: 'medium',
  causes: [502, 503],
  kinds: [...HEALTH_CHECKED_KINDS],
  fixes: ['set-health-check'],
  rationale:
    'A health check that times out before a healthy target can answer marks it unhealthy: targets flap, the rest overload ' +
    '(502) and too few left means 503. A timeout under 2 s, or under 2 × the p99 latency of the targets, gives false ' +
    'failures (medium). A timeout longer than the interval makes checks overlap: Google rejects it and elsewhere it is ' +
    'suspicious (low), except for the provider\'s own documented default (Google 5 s / 5 s, the Application Gateway ' +
    'default probe 30 s / 30 s), which the provider documents as working. The 2 s and 2× numbers are heuristics; the latency is the pool\'s p99 ' +
    'response time as the load balancer measures it, used as a stand-in for the health endpoint\'s own latency. Where the ' +
    'provider fixes the timeout (Azure Load Balancer probes) there is nothing to tune and the check does not apply.',
  remediation: {
    summary:
      'Set the health-check timeout above twice the targets\' p99 latency and at least 2 s, keep it below the interval, and ' +
      'keep the health endpoint cheap.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview',
  ],
  thresholds: {
    minTimeoutSeconds: {
      default: 2,
      description: 'Shortest acceptable health-check timeout, in seconds (heuristic).',
      unit: 'seconds',
      min: 0,
    },
    maxTimeoutToIntervalRatio: {
      default: 0.8,
      description:
        'The timeout should stay below this share of the interval, so a slow answer cannot run into the next check ' +
        '(heuristic; "timeout close to or above the interval"; AWS requires timeout < interval for most target groups).',
      unit: 'ratio',
      min: 0,
    },
    latencyFactor: {
      default: 2,
      description: 'The timeout must be at least this multiple of the pool\'s p99 latency (heuristic).',
      unit: 'ratio',
      min: 0,
    },
  },
  messages: {
    timeoutExceedsInterval:
      '{{pool}} waits {{timeout}} s for a health check that it repeats every {{interval}} s: checks overlap (Google rejects this setting).',
    timeoutCloseToInterval:
      '{{pool}} waits {{timeout}} s for a health check that it repeats every {{interval}} s (over {{ratio}} of the interval): a slow answer runs into the next check and counts twice against targets behind {{lb}}.',
    timeoutTooShort:
      '{{pool}} gives a health check only {{timeout}} s, below {{min}} s: a healthy target behind {{lb}} that answers slowly for a moment is counted as failed.',
    timeoutBelowLatency:
      '{{pool}} gives a health check {{timeout}} s while its targets\' p99 latency reached {{p99}} s; below {{factor}} × p99 ({{needed}} s), slow but healthy targets behind {{lb}} fail their checks.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = judgeableHealthCheck(inv, c, ctx, opts);
      if (!hc) continue;
      const missing = missingFields(hc, ['timeoutSeconds', 'intervalSeconds']);
      if (hc.timeoutSeconds === undefined || hc.intervalSeconds === undefined) {
        ctx.unknown(c.resource, healthCheckMissing(inv, c, missing.join(' and ')), opts);
        continue;
      }
      if (hc.timeoutSeconds.source === 'fixed') {
        ctx.notApplicable(c.resource, `the health-check timeout is fixed by the provider (${hc.timeoutSeconds.value} s${hc.timeoutSeconds.detail ? `: ${hc.timeoutSeconds.detail}` : ''}).`, opts);
        continue;
      }
      const timeout = hc.timeoutSeconds.value;
      const interval = hc.intervalSeconds.value;
      const source = hc.timeoutSeconds.source;
      const maxTimeout = c.lb ? (kindFacts(c.lb.kind).healthCheckBounds.timeoutSeconds?.[1] ?? Number.POSITIVE_INFINITY) : 120;
      const { minTimeoutSeconds: min, latencyFactor: factor, maxTimeoutToIntervalRatio: ratio } = ctx.thresholds;

      const latency: MetricSeries | undefined = poolMetric(ctx.index, c.pool, c.lb, 'target.latency.p99');
      const p99 = latency && latency.points.length > 0 ? Math.max(...latency.points.map((p) => p.v)) : undefined;
      const needed = p99 === undefined ? undefined : Math.round(factor * p99 * 1000) / 1000;

      const suggestedTimeout = Math.min(maxTimeout, Math.max(timeout, min, needed === undefined ? 0 : Math.ceil(needed)));
      const suggestedInterval = Math.max(interval, Math.floor(suggestedTimeout / ctx.thresholds.maxTimeoutToIntervalRatio) + 1);
      const base = { pool: c.pool.ref.name, lb: lbLabel(c), timeout, interval, suggestedTimeout, suggestedInterval };
      const details = { timeoutSeconds: timeout, intervalSeconds: interval, p99LatencySeconds: p99 };
      let failed = false;
      const discriminator = (id: string): string => (c.discriminator ? `${c.discriminator}#${id}` : id);
      // One fix for every finding on the pool, so that no two contradict each other.
      const fix = {
        kind: 'set-health-check' as const,
        poolId: c.pool.ref.id,
        ...(c.lb ? { lbId: c.lb.ref.id } : {}),
        changes: { timeoutSeconds: suggestedTimeout, ...(suggestedInterval !== interval ? { intervalSeconds: suggestedInterval } : {}) },
      };

      if (timeout > interval) {
        failed = true;
        ctx.fail(c.resource, 'timeoutExceedsInterval', base, {
          severity: 'low',
          discriminator: discriminator('timeoutExceedsInterval'),
          fix,
          evidence: { path: 'backendPool.healthCheck.timeoutSeconds', observed: timeout, expected: `<= intervalSeconds (${interval})`, source, details },
        });
      }
      // The provider's own documented default pair is not a misconfiguration of the user's; any other pair is judged.
      const documented = c.lb ? kindFacts(c.lb.kind).healthCheckDefault : undefined;
      const providerDefault = documented !== undefined && timeout === documented.timeoutSeconds && interval === documented.intervalSeconds ? documented : undefined;
      if (timeout <= interval && timeout >= ratio * interval && !providerDefault) {
        failed = true;
        ctx.fail(c.resource, 'timeoutCloseToInterval', { ...base, ratio }, {
          severity: 'low',
          discriminator: discriminator('timeoutCloseToInterval'),
          fix,
          evidence: {
            path: 'backendPool.healthCheck.timeoutSeconds',
            observed: timeout,
            expected: `< ${ratio} × intervalSeconds (${Math.round(ratio * interval * 1000) / 1000} s)`,
            source,
            details,
          },
        });
      }
      if (timeout < min) {
        failed = true;
        ctx.fail(c.resource, 'timeoutTooShort', { ...base, min }, {
          severity: 'medium',
          discriminator: discriminator('timeoutTooShort'),
          fix,
          evidence: {
            path: 'backendPool.healthCheck.timeoutSeconds',
            observed: timeout,
            expected: `>= ${min} s`,
            source,
            details,
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.unhealthy-hosts.max']]),
          },
        });
      }
      if (latency && p99 !== undefined && needed !== undefined && timeout < needed) {
        failed = true;
        ctx.fail(c.resource, 'timeoutBelowLatency', { ...base, p99, factor, needed }, {
          severity: 'medium',
          discriminator: discriminator('timeoutBelowLatency'),
          fix,
          evidence: {
            path: 'backendPool.healthCheck.timeoutSeconds',
            observed: timeout,
            expected: `>= ${factor} × p99 latency = ${needed} s`,
            source: `${source}; latency measured by the provider`,
            details,
            metrics: [metricEvidence(latency), ...corroborate(ctx.index, [[c.pool.ref.id, 'pool.unhealthy-hosts.max']])],
          },
        });
      }
      if (failed) continue;
      const defaultNote = providerDefault ? ` ${timeout} s / ${interval} s is ${providerDefault.detail}, which the provider documents as working.` : '';
      ctx.pass(c.resource, {
        ...opts,
        ...(p99 === undefined
          ? { message: `${c.pool.ref.name}: the timeout is within the interval and at least ${min} s; the latency rule was not evaluated (no target.latency.p99 data; collect metrics to include it).${defaultNote}` }
          : defaultNote
            ? { message: `${c.pool.ref.name}: the timeout is within the interval, at least ${min} s and above ${factor} × p99.${defaultNote}` }
            : {}),
      });
    }
  },
});
