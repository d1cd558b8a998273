import { defineCheck } from '../../src/engine/index.js';
import { describeWindow, metricEvidence } from '../../src/engine/evidence.js';
import type { BackendPool } from '../../src/model/index.js';
import { metricSum, symptomOf } from '../../src/model/index.js';
import { metricsMissing } from '../evidence/metrics-gap.js';

/** Pools whose load balancer opens TLS connections to the targets, for traffic or for health checks. */
function speaksTls(pool: BackendPool): boolean {
  return pool.protocol === 'HTTPS' || pool.protocol === 'TLS' || pool.healthCheck?.protocol === 'HTTPS';
}

export const targetTlsNegotiationErrors = defineCheck({
  id: 'tls/target-tls-negotiation-errors',
  title: 'The load balancer completes TLS handshakes with its targets',
  family: 'tls',
  severity: 'high',
  causes: [502],
  // AWS-only: TargetTLSNegotiationErrorCount of ALB and NLB.
  kinds: ['aws-alb', 'aws-nlb'],
  fixes: ['fix-backend-certificate'],
  rationale:
    'For HTTPS (ALB) and TLS (NLB) target groups the load balancer opens TLS connections to the targets. A handshake error ' +
    'or a handshake that takes longer than 10 s fails the request with 502 ("SSL handshake error or SSL handshake timeout ' +
    '(10 seconds) when connecting to a target"). TargetTLSNegotiationErrorCount counts those failures; AWS publishes it per ' +
    'load balancer, not per target group. The ALB connects to targets with ELBSecurityPolicy-2016-08 (TLS 1.0–1.2).',
  remediation: {
    summary:
      'Make the targets accept TLS 1.2 with a cipher of ELBSecurityPolicy-2016-08 (e.g. ECDHE-RSA-AES128-GCM-SHA256) and ' +
      'answer TLS on the target port, or switch the target group protocol to HTTP (a new target group).',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html',
  ],
  thresholds: {
    errorCount: {
      default: 0,
      description: 'Fail when TargetTLSNegotiationErrorCount over the window exceeds this (AWS/ApplicationELB, AWS/NetworkELB).',
      unit: 'count',
      min: 0,
    },
  },
  messages: {
    handshakeErrors:
      '{{lb}} failed {{count}} TLS handshakes with its targets in the last {{window}} (TargetTLSNegotiationErrorCount): {{effect}}.{{shared}}',
  },
  evaluate(inv, ctx) {
    const { errorCount } = ctx.thresholds;
    const window = describeWindow(inv.metricsWindowSeconds);
    for (const lb of inv.loadBalancers) {
      const tlsPools = ctx.index.poolsOf(lb).filter(speaksTls);
      for (const pool of tlsPools) {
        const where = { ref: pool.ref, loadBalancer: lb };
        const discriminator = lb.ref.id;
        const poolSeries = ctx.index.metric(pool.ref.id, 'target.tls-errors');
        const series = poolSeries ?? ctx.index.metric(lb.ref.id, 'target.tls-errors');
        const count = metricSum(series);
        if (series === undefined || count === undefined) {
          ctx.unknown(where, metricsMissing(inv, lb, `TargetTLSNegotiationErrorCount of ${lb.ref.name}`), { discriminator });
          continue;
        }
        const metrics = [metricEvidence(series, undefined, inv.metricsWindowSeconds)];
        if (count <= errorCount) {
          ctx.pass(where, { discriminator, message: `${pool.ref.name}: no TLS handshake errors toward targets in the last ${window}.`, evidence: { metrics } });
          continue;
        }
        const first = pool.targets?.[0];
        const perLb = poolSeries === undefined && tlsPools.length > 1;
        ctx.fail(
          where,
          'handshakeErrors',
          {
            lb: lb.ref.name,
            pool: pool.ref.name,
            count,
            window,
            effect: `requests and connections that needed a new connection to targets of ${pool.ref.name} failed: ${symptomOf(lb.kind, 'tls-failed').text}`,
            shared: perLb ? ` The metric is per load balancer: ${pool.ref.name} is one of ${tlsPools.length} TLS pools (${tlsPools.map((p) => p.ref.name).join(', ')}).` : '',
          },
          {
            discriminator,
            fix: {
              kind: 'fix-backend-certificate',
              lbId: lb.ref.id,
              poolId: pool.ref.id,
              problem: `make ${first?.address ?? 'the targets'} accept TLS 1.2 with an ELBSecurityPolicy-2016-08 cipher (e.g. ECDHE-RSA-AES128-GCM-SHA256) on port ${first?.port ?? pool.port ?? 'the target port'}.`,
            },
            evidence: {
              path: 'metrics.target.tls-errors',
              observed: count,
              expected: `≤ ${errorCount}`,
              source: `api: ${series.providerName}`,
              metrics,
              details: {
                poolProtocol: pool.protocol,
                healthCheckProtocol: pool.healthCheck?.protocol,
                metricScope: poolSeries ? 'target group' : 'load balancer',
                statusCodes: [502],
              },
            },
          },
        );
      }
    }
  },
});
