import { defineCheck } from '../../src/engine/index.js';
import { metricEvidence } from '../../src/engine/evidence.js';
import type { BackendPool, Sourced } from '../../src/model/index.js';
import { metricMax } from '../../src/model/index.js';

/** The longest declared request over the pool and its targets (config `backends[].maxRequestSeconds`). */
function declaredMaxRequest(pool: BackendPool): Sourced<number> | undefined {
  const all = [pool.backend?.maxRequestSeconds, ...(pool.targets ?? []).map((t) => t.backend?.maxRequestSeconds)].filter(
    (s): s is Sourced<number> => s !== undefined,
  );
  return all.reduce<Sourced<number> | undefined>((a, b) => (a === undefined || b.value > a.value ? b : a), undefined);
}

export const deregistrationDelayTooShort = defineCheck({
  id: 'timeouts/deregistration-delay-too-short',
  title: 'Deregistration delay outlasts the requests targets are serving',
  family: 'timeouts',
  severity: 'low',
  causes: [502],
  providers: ['aws'],
  rationale:
    'When a target is deregistered (deploy, scale-in, instance refresh) the load balancer waits for the deregistration delay ' +
    '(default 300 s, 0–3600) and then closes the connections still open: a request still being served gets 502 ("deregistration ' +
    'delay period elapsed for a request being handled by a target that was deregistered"). The delay should exceed the p99 ' +
    'response time and the longest request the service is expected to serve (a heuristic).',
  remediation: {
    summary: 'Raise the deregistration delay above the longest request the targets serve (p99 response time, or the declared maximum request).',
  },
  docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html'],
  thresholds: {
    longRequestSeconds: {
      default: 10,
      description: 'Requests longer than this (p99 or declared) make the finding medium: long-running APIs and uploads (heuristic).',
      unit: 'seconds',
      min: 0,
    },
  },
  messages: {
    shorter:
      'The deregistration delay of {{pool}} is {{drain}} s, shorter than {{basis}}: requests still running when a target is ' +
      'deregistered (deploys, scale-in) are cut off with 502.',
  },
  evaluate(inv, ctx) {
    const { longRequestSeconds } = ctx.thresholds;
    for (const lb of inv.loadBalancers) {
      if (lb.ref.provider !== 'aws') continue;
      for (const pool of ctx.index.poolsOf(lb)) {
        const where = { ref: pool.ref, loadBalancer: lb };
        const discriminator = lb.ref.id;
        if (pool.targetType === 'lambda') {
          ctx.notApplicable(where, 'Lambda target groups have no deregistration delay.', { discriminator });
          continue;
        }
        const drain = pool.drainSeconds;
        if (!drain) {
          ctx.unknown(where, 'the deregistration delay was not collected (target group attributes); see the coverage section.', { discriminator });
          continue;
        }
        // ALB publishes TargetResponseTime per target group; Classic ELB publishes Latency per load balancer.
        const p99Series = ctx.index.metric(pool.ref.id, 'target.latency.p99') ?? (lb.kind === 'aws-clb' ? ctx.index.metric(lb.ref.id, 'target.latency.p99') : undefined);
        // A collected series without points means no requests in the window (CloudWatch omits empty periods): p99 0.
        const p99 = metricMax(p99Series);
        const declared = declaredMaxRequest(pool);
        if (p99 === undefined && declared === undefined) {
          ctx.unknown(
            where,
            'neither the p99 response time (collect CloudWatch metrics; NLBs have none) nor a declared longest request is known: ' +
              `add maxRequestSeconds to a backends: entry in .cloud502.yml (match: { pool: "${pool.ref.name}" }).`,
            { discriminator },
          );
          continue;
        }
        const byDeclared = declared !== undefined && (p99 === undefined || declared.value >= p99);
        const required = byDeclared ? declared!.value : (p99 as number);
        const basis = byDeclared
          ? `the longest expected request of ${declared!.value} s (${declared!.source}${declared!.detail ? `: ${declared!.detail}` : ''})`
          : p99Series!.points.length === 0
            ? 'the requests of the window (there were none)'
            : `the p99 response time of ${p99} s`;
        const metrics = p99Series ? [metricEvidence(p99Series, undefined, inv.metricsWindowSeconds)] : [];
        if (drain.value >= required) {
          ctx.pass(where, {
            discriminator,
            message: `${pool.ref.name}: the deregistration delay of ${drain.value} s covers ${basis}.`,
            evidence: { metrics },
          });
          continue;
        }
        ctx.fail(
          where,
          'shorter',
          { pool: pool.ref.name, poolId: pool.ref.id, drain: drain.value, basis, suggestedDrain: Math.min(3600, Math.ceil(required)) },
          {
            discriminator,
            severity: required > longRequestSeconds ? 'medium' : 'low',
            evidence: {
              path: 'targetGroup.drainSeconds',
              observed: drain.value,
              expected: `≥ ${required} s`,
              source: drain.detail ? `${drain.source}: ${drain.detail}` : drain.source,
              metrics,
              details: {
                p99Seconds: p99,
                declaredMaxRequestSeconds: declared?.value,
                declaredMaxRequestSource: declared ? `${declared.source}${declared.detail ? `: ${declared.detail}` : ''}` : undefined,
                statusCodes: [502],
              },
            },
          },
        );
      }
    }
  },
});
