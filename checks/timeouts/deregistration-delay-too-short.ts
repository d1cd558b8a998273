import { defineCheck } from '../../src/engine/index.js';
import { metricEvidence } from '../../src/engine/evidence.js';
import type { BackendPool, Sourced } from '../../src/model/index.js';
import { describeMissing, metricMax, metricSum, symptomOf } from '../../src/model/index.js';
import { DRAINING_KINDS } from '../kinds.js';
import { poolMetric } from '../targets/pool-context.js';

/** Every provider caps the draining timeout at one hour (ELBv2, Classic, App Gateway, Google backend services). */
const MAX_DRAIN_SECONDS = 3600;

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
  causes: [502, 503],
  kinds: [...DRAINING_KINDS],
  fixes: ['set-drain'],
  rationale:
    'When a target is deregistered (deploy, scale-in, instance refresh) the load balancer waits for the deregistration delay ' +
    '/ connection-draining timeout (AWS default 300 s; Application Gateway and Google off unless set; at most 3600 s) and ' +
    'then closes the connections still open: a request still being served gets 502 (Google: 502/503). The delay should ' +
    'exceed the p99 response time and the longest request the service is expected to serve (a heuristic).',
  remediation: {
    summary: 'Raise the deregistration delay above the longest request the targets serve (p99 response time, or the declared maximum request).',
  },
  docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html', 'https://learn.microsoft.com/azure/application-gateway/configuration-http-settings', 'https://cloud.google.com/load-balancing/docs/enabling-connection-draining'],
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
      'deregistered (deploys, scale-in) are cut off with {{symptom}}.',
  },
  evaluate(inv, ctx) {
    const { longRequestSeconds } = ctx.thresholds;
    for (const lb of inv.loadBalancers) {
      const symptom = symptomOf(lb.kind, 'backend-closed-idle');
      for (const pool of ctx.index.poolsOf(lb)) {
        const where = { ref: pool.ref, loadBalancer: lb };
        const discriminator = lb.ref.id;
        if (pool.targetType === 'lambda') {
          ctx.notApplicable(where, 'Lambda target groups have no deregistration delay.', { discriminator });
          continue;
        }
        const drain = pool.drainSeconds;
        if (!drain) {
          ctx.unknown(where, describeMissing(inv, 'attributes', pool, `the deregistration delay of ${pool.ref.name}`), { discriminator });
          continue;
        }
        const p99Series = poolMetric(ctx.index, pool, lb, 'target.latency.p99');
        // A collected series without points means no requests in the window (providers omit empty periods): p99 0 — unless
        // the load balancer counted requests, in which case the latency is simply missing.
        const requests = metricSum(ctx.index.metric(lb.ref.id, 'lb.requests'));
        const emptyButBusy = p99Series !== undefined && p99Series.points.length === 0 && requests !== undefined && requests > 0;
        const p99 = emptyButBusy ? undefined : metricMax(p99Series);
        const declared = declaredMaxRequest(pool);
        if (p99 === undefined && declared === undefined) {
          ctx.unknown(
            where,
            'neither the p99 response time (collect metrics; layer-4 load balancers have none) nor a declared longest request is known: ' +
              `add maxRequestSeconds to a backends: entry in .cloud502.yml (match: { pool: "${pool.ref.name}" }).`,
            { discriminator },
          );
          continue;
        }
        const byDeclared = declared !== undefined && (p99 === undefined || declared.value >= p99);
        const required = byDeclared ? declared!.value : (p99 as number);
        const basis = byDeclared
          ? `the longest expected request of ${declared!.value} s (${declared!.source}${declared!.detail ? `: ${declared!.detail}` : ''})`
          : p99Series && p99Series.points.length === 0
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
          { pool: pool.ref.name, drain: drain.value, basis, symptom: symptom.text },
          {
            discriminator,
            fix: { kind: 'set-drain', lbId: lb.ref.id, poolId: pool.ref.id, seconds: Math.min(MAX_DRAIN_SECONDS, Math.ceil(required)) },
            severity: required > longRequestSeconds ? 'medium' : 'low',
            evidence: {
              path: 'backendPool.drainSeconds',
              observed: drain.value,
              expected: `≥ ${required} s`,
              source: drain.detail ? `${drain.source}: ${drain.detail}` : drain.source,
              metrics,
              details: {
                p99Seconds: p99,
                declaredMaxRequestSeconds: declared?.value,
                declaredMaxRequestSource: declared ? `${declared.source}${declared.detail ? `: ${declared.detail}` : ''}` : undefined,
                statusCodes: symptom.codes,
              },
            },
          },
        );
      }
    }
  },
});
