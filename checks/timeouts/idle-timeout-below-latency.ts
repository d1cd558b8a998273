import { defineCheck } from '../../src/engine/index.js';
import { describeWindow, metricEvidence } from '../../src/engine/evidence.js';
import type { MetricEvidence } from '../../src/engine/index.js';
import type { BackendPool, LoadBalancer, ResourceRef, Sourced } from '../../src/model/index.js';
import { describeMissing, kindFacts, metricMax, metricSum, requestTimeoutOf, symptomOf } from '../../src/model/index.js';
import { LAYER7_KINDS } from '../kinds.js';
import { poolMetric } from '../targets/pool-context.js';
import { idleForLatency, LATENCY_DEFAULTS } from './latency-idle.js';
import { routingInputMissing } from '../../src/model/index.js';
import { metricsMissing } from '../evidence/metrics-gap.js';

export const idleTimeoutBelowLatency = defineCheck({
  id: 'timeouts/idle-timeout-below-latency',
  title: 'The load balancer\'s request timeout leaves room for the slowest responses',
  family: 'timeouts',
  severity: 'medium',
  causes: [502, 503, 504],
  kinds: [...LAYER7_KINDS],
  fixes: ['set-request-timeout'],
  rationale:
    'A load balancer ends a request when the backend takes longer than its timeout: the idle timeout on AWS ALB and Classic ' +
    'ELB (default 60 s, 504), the backend settings\' request timeout on Application Gateway (default 20 s, 504 on v2 and ' +
    '502 on v1), the backend service timeout on Google Application Load Balancers (default 30 s, 502/503 backend_timeout). ' +
    'If the p99 response time is a large share of that timeout, or the slowest responses already reach it, slow requests ' +
    'are cut off. cloud502 expects the timeout to be at least 2 × p99 (a heuristic, configurable) and the maximum latency ' +
    'to stay clear of it; timeouts returned by the load balancer in the window make it high.',
  remediation: {
    summary:
      'Make the slow requests faster (long transfers should send at least one byte per idle period), or raise the request ' +
      'timeout above latencyFactor × the observed latency. Where the idle timeout is the request timeout, raise the backend ' +
      'keep-alive above the new value as well.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html',
    'https://repost.aws/knowledge-center/504-error-classic',
    'https://learn.microsoft.com/azure/application-gateway/configuration-http-settings',
    'https://cloud.google.com/load-balancing/docs/backend-service#timeout-setting',
  ],
  thresholds: {
    latencyFactor: {
      default: LATENCY_DEFAULTS.latencyFactor,
      description: 'The idle timeout should be at least this multiple of the p99 response time (heuristic).',
      unit: 'ratio',
      min: 1,
      max: 100,
    },
    maxMarginSeconds: {
      default: LATENCY_DEFAULTS.maxMarginSeconds,
      description: 'A maximum response time within this many seconds of the idle timeout counts as reaching it (heuristic).',
      unit: 'seconds',
      min: 0,
      max: 60,
    },
    timeoutCount: {
      default: 0,
      description: 'Raise to high when the load balancer itself returned more timeout errors than this in the window.',
      unit: 'count',
      min: 0,
    },
  },
  messages: {
    maxReachesIdle:
      'The slowest response of {{subject}} took {{max}} s, within {{margin}} s of the {{idle}} s {{timeoutName}} of {{lb}}: requests that ' +
      'outlast it are cut off with {{symptom}}{{observed}}.',
    maxAtIdle:
      'The slowest response of {{subject}} took {{max}} s, as long as the {{idle}} s {{timeoutName}} of {{lb}} allows or longer: ' +
      'requests that outlast it are cut off with {{symptom}}{{observed}}.',
    belowLatency:
      'The p99 response time of {{subject}} reached {{p99}} s; the {{idle}} s {{timeoutName}} of {{lb}} is below {{factor}} × p99 ' +
      '({{needed}} s), so slow requests risk {{symptom}}{{observed}}.',
  },
  evaluate(inv, ctx) {
    const { latencyFactor: factor, maxMarginSeconds: margin, timeoutCount } = ctx.thresholds;
    const window = describeWindow(inv.metricsWindowSeconds);

    const judge = (lb: LoadBalancer, pool: BackendPool, idle: Sourced<number>, lbTimeouts: number | undefined, where: ResourceRef | { ref: ResourceRef; loadBalancer: LoadBalancer }, subject: string, discriminator?: string): void => {
      const idleSeconds = idle.value;
      const facts = kindFacts(lb.kind);
      const symptom = symptomOf(lb.kind, 'backend-timeout');
      const timeoutName = facts.requestTimeoutFrom === 'idle-timeout' ? 'idle timeout' : 'request timeout';
      const p99Series = poolMetric(ctx.index, pool, lb, 'target.latency.p99');
      const maxSeries = poolMetric(ctx.index, pool, lb, 'target.latency.max');
      const opts = discriminator ? { discriminator } : {};
      if (!p99Series && !maxSeries) {
        ctx.unknown(
          where,
          metricsMissing(inv, lb, `the response-time metric of ${subject} (${facts.latencyMetricLabel ?? 'backend latency'})`),
          opts,
        );
        return;
      }
      const p99 = p99Series && p99Series.points.length > 0 ? metricMax(p99Series) : undefined;
      const max = maxSeries && maxSeries.points.length > 0 ? metricMax(maxSeries) : undefined;
      const needed = p99 === undefined ? undefined : Math.round(factor * p99 * 1000) / 1000;
      const below = needed !== undefined && idleSeconds < needed;
      const reaches = max !== undefined && max >= idleSeconds - margin;
      const metrics: MetricEvidence[] = [p99Series, maxSeries].filter((s) => s !== undefined).map((s) => metricEvidence(s, undefined, inv.metricsWindowSeconds));

      if (p99 === undefined && max === undefined) {
        // No data points is "no requests" only when the request count agrees: a series that stayed empty while the
        // load balancer served traffic says the metric is missing, not that nothing was slow.
        const requests = metricSum(ctx.index.metric(lb.ref.id, 'lb.requests'));
        if (requests !== undefined && requests > 0) {
          ctx.unknown(
            where,
            `${subject}: the response-time metric (${facts.latencyMetricLabel ?? 'backend latency'}) has no data points while ${lb.ref.name} served ${requests} requests in the last ${window}: the response times cannot be judged.`,
            opts,
          );
          return;
        }
      }
      if (!below && !reaches) {
        const seen = [p99 !== undefined ? `p99 ${p99} s` : undefined, max !== undefined ? `max ${max} s` : undefined].filter(Boolean).join(', ');
        ctx.pass(where, {
          ...opts,
          message: `${subject}: response times (${seen || (ctx.index.metric(lb.ref.id, 'lb.requests') ? 'no requests in the window' : 'no data points in the window')}) leave room below the ${idleSeconds} s idle timeout of ${lb.ref.name}.`,
          evidence: { metrics },
        });
        return;
      }
      // The same number the keep-alive check keeps its fix above, so the two fixes never contradict each other.
      const suggestedIdle = idleForLatency(lb, idleSeconds, { p99, max }, { latencyFactor: factor, maxMarginSeconds: margin })!;
      const observed504 = lbTimeouts !== undefined && lbTimeouts > timeoutCount;
      ctx.fail(
        where,
        reaches ? (max >= idleSeconds ? 'maxAtIdle' : 'maxReachesIdle') : 'belowLatency',
        {
          subject,
          lb: lb.ref.name,
          lbId: lb.ref.id,
          idle: idleSeconds,
          timeoutName,
          symptom: symptom.text,
          p99,
          max,
          margin,
          factor,
          needed,
          suggestedIdle,
          observed: observed504 ? `; the load balancer itself returned ${lbTimeouts} such errors in the last ${window}` : '',
        },
        {
          ...opts,
          severity: observed504 ? 'high' : 'medium',
          fix: { kind: 'set-request-timeout', lbId: lb.ref.id, poolId: pool.ref.id, seconds: suggestedIdle },
          evidence: {
            path: facts.requestTimeoutFrom === 'idle-timeout' ? 'loadBalancer.backendIdleTimeoutSeconds' : 'backendPool.requestTimeoutSeconds',
            observed: idleSeconds,
            expected: [needed !== undefined ? `≥ ${needed} s (${factor} × p99)` : undefined, max !== undefined ? `> ${Math.round((max + margin) * 1000) / 1000} s (max + margin)` : undefined]
              .filter(Boolean)
              .join(' and '),
            source: idle.detail ? `${idle.source}: ${idle.detail}` : idle.source,
            metrics,
            details: {
              p99Seconds: p99,
              maxSeconds: max,
              lbGeneratedTimeouts: lbTimeouts,
              suggestedTimeoutSeconds: suggestedIdle,
              statusCodes: symptom.codes,
              // The observed errors already set the severity: recorded so that enrichWithEvidence does not raise it again.
              ...(observed504 ? { raisedBy: `${lbTimeouts} load-balancer timeout errors in the last ${window} (threshold timeoutCount ${timeoutCount}): medium → high`, raisedFrom: 'medium' } : {}),
            },
          },
        },
      );
    };

    for (const lb of inv.loadBalancers) {
      if (kindFacts(lb.kind).requestTimeoutFrom === 'idle-timeout' && !lb.backendIdleTimeoutSeconds) {
        ctx.unknown(lb, describeMissing(inv, 'attributes', lb, `the idle timeout of ${lb.ref.name}`));
        continue;
      }
      const pools = ctx.index.poolsOf(lb);
      // The load balancer's own timeout errors: only the status codes a backend timeout shows on this kind.
      const codes = symptomOf(lb.kind, 'backend-timeout').codes;
      const counts = codes.map((c) => metricSum(ctx.index.metric(lb.ref.id, `lb.http.${c}` as 'lb.http.504')));
      const lbTimeouts = counts.some((c) => c !== undefined) ? counts.reduce<number>((a, c) => a + (c ?? 0), 0) : undefined;
      if (pools.length === 0) {
        // No pool in the inventory: either the load balancer routes nowhere, or its routing could not be read.
        const missing = routingInputMissing(inv, lb);
        if (missing) ctx.unknown(lb, describeMissing(inv, missing, lb, `the pools ${lb.ref.name} routes to`));
        else ctx.notApplicable(lb, 'routes to no backend pool.');
        continue;
      }
      for (const pool of pools) {
        const where = { ref: pool.ref, loadBalancer: lb };
        const timeout = requestTimeoutOf(lb, pool);
        if (!timeout) {
          ctx.unknown(where, describeMissing(inv, 'attributes', lb, `the request timeout of ${pool.ref.name} behind ${lb.ref.name}`), { discriminator: lb.ref.id });
          continue;
        }
        // A load balancer that is its own pool (Classic ELB) gets the finding itself.
        const single = kindFacts(lb.kind).poolIsLoadBalancer === true;
        judge(lb, pool, timeout, lbTimeouts, single ? lb.ref : where, single ? `${lb.ref.name}'s instances` : pool.ref.name, single ? undefined : lb.ref.id);
      }
    }
  },
});
