import { defineCheck } from '../../src/engine/index.js';
import { describeWindow, metricEvidence } from '../../src/engine/evidence.js';
import type { MetricEvidence } from '../../src/engine/index.js';
import type { LoadBalancer, ResourceRef, Sourced } from '../../src/model/index.js';
import { metricMax, metricSum } from '../../src/model/index.js';

const ALB_IDLE_MAX_SECONDS = 4000; // idle_timeout.timeout_seconds range 1–4000

export const idleTimeoutBelowLatency = defineCheck({
  id: 'timeouts/idle-timeout-below-latency',
  title: 'The load balancer idle timeout leaves room for the slowest responses',
  family: 'timeouts',
  severity: 'medium',
  causes: [504],
  providers: ['aws'],
  rationale:
    'An ALB or Classic ELB ends a request with 504 when the target sends nothing for the idle timeout (default 60 s). ' +
    'If the p99 response time is a large share of the idle timeout, or the slowest responses already reach it, slow requests ' +
    'are cut off. cloud502 expects the idle timeout to be at least 2 × p99 (a heuristic, configurable) and the maximum ' +
    'latency to stay clear of it; 504s returned by the load balancer in the window make it high.',
  remediation: {
    summary:
      'Make the slow requests faster (long transfers should send at least one byte per idle period), or raise the idle timeout ' +
      'above latencyFactor × the observed latency. When you raise it, raise the backend keep-alive above the new value as well ' +
      '(timeouts/backend-keepalive-exceeds-idle-timeout).',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html',
    'https://repost.aws/knowledge-center/504-error-classic',
  ],
  thresholds: {
    latencyFactor: {
      default: 2,
      description: 'The idle timeout should be at least this multiple of the p99 response time (heuristic).',
      unit: 'ratio',
      min: 1,
      max: 100,
    },
    maxMarginSeconds: {
      default: 1,
      description: 'A maximum response time within this many seconds of the idle timeout counts as reaching it (heuristic).',
      unit: 'seconds',
      min: 0,
      max: 60,
    },
    timeoutCount: {
      default: 0,
      description: 'Raise to high when the load balancer returned more LB-generated 504s than this in the window (HTTPCode_ELB_504_Count).',
      unit: 'count',
      min: 0,
    },
  },
  messages: {
    maxReachesIdle:
      'The slowest response of {{subject}} took {{max}} s, within {{margin}} s of the {{idle}} s idle timeout of {{lb}}: requests that ' +
      'outlast the idle timeout are cut off with 504{{observed}}.',
    belowLatency:
      'The p99 response time of {{subject}} reached {{p99}} s; the {{idle}} s idle timeout of {{lb}} is below {{factor}} × p99 ' +
      '({{needed}} s), so slow requests risk 504{{observed}}.',
  },
  evaluate(inv, ctx) {
    const { latencyFactor: factor, maxMarginSeconds: margin, timeoutCount } = ctx.thresholds;
    const window = describeWindow(inv.metricsWindowSeconds);

    const judge = (lb: LoadBalancer, idle: Sourced<number>, lb504: number | undefined, where: ResourceRef | { ref: ResourceRef; loadBalancer: LoadBalancer }, seriesId: string, subject: string, discriminator?: string): void => {
      const idleSeconds = idle.value;
      const p99Series = ctx.index.metric(seriesId, 'target.latency.p99');
      const maxSeries = ctx.index.metric(seriesId, 'target.latency.max');
      const opts = discriminator ? { discriminator } : {};
      if (!p99Series && !maxSeries) {
        ctx.unknown(
          where,
          `the response-time metric of ${subject} was not collected (${lb.kind === 'aws-clb' ? 'AWS/ELB Latency' : 'AWS/ApplicationELB TargetResponseTime'} p99 and Maximum): ` +
            'run the audit with a non-zero metrics window and cloudwatch:GetMetricData allowed.',
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

      if (!below && !reaches) {
        const seen = [p99 !== undefined ? `p99 ${p99} s` : undefined, max !== undefined ? `max ${max} s` : undefined].filter(Boolean).join(', ');
        ctx.pass(where, {
          ...opts,
          message: `${subject}: response times (${seen || 'no requests in the window'}) leave room below the ${idleSeconds} s idle timeout of ${lb.ref.name}.`,
          evidence: { metrics },
        });
        return;
      }
      const worst = Math.max(p99 ?? 0, max ?? 0);
      const suggestedIdle = Math.min(ALB_IDLE_MAX_SECONDS, Math.max(Math.ceil(factor * worst), Math.ceil(idleSeconds) + 1));
      const observed504 = lb504 !== undefined && lb504 > timeoutCount;
      ctx.fail(
        where,
        reaches ? 'maxReachesIdle' : 'belowLatency',
        {
          subject,
          lb: lb.ref.name,
          lbId: lb.ref.id,
          idle: idleSeconds,
          p99,
          max,
          margin,
          factor,
          needed,
          suggestedIdle,
          observed: observed504 ? `; ${lb504} LB-generated 504s were returned in the last ${window}` : '',
        },
        {
          ...opts,
          severity: observed504 ? 'high' : 'medium',
          evidence: {
            path: 'loadBalancer.backendIdleTimeoutSeconds',
            observed: idleSeconds,
            expected: [needed !== undefined ? `≥ ${needed} s (${factor} × p99)` : undefined, max !== undefined ? `> ${Math.round((max + margin) * 1000) / 1000} s (max + margin)` : undefined]
              .filter(Boolean)
              .join(' and '),
            source: idle.detail ? `${idle.source}: ${idle.detail}` : idle.source,
            metrics,
            details: {
              p99Seconds: p99,
              maxSeconds: max,
              lbGenerated504: lb504,
              suggestedIdleTimeoutSeconds: suggestedIdle,
              statusCodes: [504],
              // The observed 504s already set the severity: recorded so that enrichWithEvidence does not raise it again.
              ...(observed504 ? { raisedBy: `${lb504} LB-generated 504s in the last ${window} (threshold timeoutCount ${timeoutCount}): medium → high`, raisedFrom: 'medium' } : {}),
            },
          },
        },
      );
    };

    for (const lb of inv.loadBalancers) {
      if (lb.ref.provider !== 'aws') continue;
      if (lb.kind !== 'aws-alb' && lb.kind !== 'aws-clb') {
        ctx.notApplicable(lb, 'only ALB and Classic ELB end requests on an idle timeout; NLB/GWLB flows are covered by timeouts/nlb-tcp-idle-timeout.');
        continue;
      }
      const idle = lb.backendIdleTimeoutSeconds;
      if (!idle) {
        ctx.unknown(lb, 'the idle timeout was not collected (load balancer attributes); see the coverage section.');
        continue;
      }
      const lb504 = metricSum(ctx.index.metric(lb.ref.id, 'lb.http.504'));
      if (lb.kind === 'aws-clb') {
        // Classic ELB publishes Latency per load balancer only.
        judge(lb, idle, lb504, lb.ref, lb.ref.id, `${lb.ref.name}'s instances`);
      } else {
        for (const pool of ctx.index.poolsOf(lb)) judge(lb, idle, lb504, { ref: pool.ref, loadBalancer: lb }, pool.ref.id, pool.ref.name, lb.ref.id);
      }
    }
  },
});
