import { defineCheck } from '../../src/engine/index.js';
import type { LoadBalancerKind } from '../../src/model/index.js';

/** Google Application Load Balancers, whose backend service timeoutSec is a response timeout. */
const GCP_ALB_KINDS: readonly LoadBalancerKind[] = ['gcp-alb-global', 'gcp-alb-classic', 'gcp-alb-regional', 'gcp-alb-internal'];

/**
 * A backend service timeout longer than a day (gcpdiag lb/BP/2025_002).
 */
export const backendTimeoutTooLong = defineCheck({
  id: 'timeouts/backend-timeout-too-long',
  title: 'Backend service timeouts stay within a day',
  family: 'timeouts',
  severity: 'info',
  causes: [502],
  kinds: [...GCP_ALB_KINDS],
  fixes: ['set-request-timeout'],
  rationale:
    'Google does not recommend backend service timeouts above 86,400 s (one day): the Google Front Ends and Envoy proxies ' +
    'that hold these long requests and websockets are restarted for maintenance, so such connections are cut anyway, and ' +
    'clients must reconnect and retry. A very long timeout also keeps hung backends from being noticed as timeouts.',
  remediation: {
    summary:
      'Set timeoutSec to the longest response the backend is expected to take (websockets: the longest session you support, at ' +
      'most a day) and make clients reconnect and retry.',
  },
  docs: [
    'https://cloud.google.com/load-balancing/docs/backend-service#timeout-setting',
    'https://gcpdiag.dev/rules/lb/BP/2025_002/',
  ],
  thresholds: {
    maxSeconds: {
      default: 86_400,
      description: 'Longest backend service timeout without a finding (Google does not recommend more than 86,400 s, via gcpdiag lb/BP/2025_002).',
      unit: 'seconds',
      min: 1,
    },
  },
  messages: {
    tooLong:
      '{{pool}} behind {{lb}} waits up to {{timeout}} s for a response ({{source}}), more than {{max}} s: Google restarts its proxies ' +
      'for maintenance, so such long requests and websockets are cut anyway and clients must retry.',
  },
  evaluate(inv, ctx) {
    const max = ctx.thresholds.maxSeconds ?? 86_400;
    for (const lb of inv.loadBalancers) {
      if (!GCP_ALB_KINDS.includes(lb.kind)) continue;
      for (const pool of ctx.index.poolsOf(lb)) {
        const where = { ref: pool.ref, loadBalancer: lb };
        const opts = { discriminator: lb.ref.id };
        const timeout = pool.requestTimeoutSeconds;
        if (!timeout) {
          ctx.unknown(where, `the timeout of ${pool.ref.name} was not collected (compute.backendServices.list).`, opts);
          continue;
        }
        if (timeout.value <= max) {
          ctx.pass(where, { ...opts, message: `${pool.ref.name}: timeout ${timeout.value} s (at most ${max} s).` });
          continue;
        }
        ctx.fail(
          where,
          'tooLong',
          {
            pool: pool.ref.name,
            lb: lb.ref.name,
            timeout: timeout.value,
            max,
            source: `${timeout.source}${timeout.detail ? `: ${timeout.detail}` : ''}`,
          },
          {
            ...opts,
            fix: { kind: 'set-request-timeout', lbId: lb.ref.id, poolId: pool.ref.id, seconds: max },
            evidence: { path: 'backendPool.requestTimeoutSeconds', observed: timeout.value, expected: `<= ${max} s`, source: timeout.source },
          },
        );
      }
    }
  },
});
