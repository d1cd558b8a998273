import { defineCheck } from '../../src/engine/index.js';
import type { LoadBalancerKind } from '../../src/model/index.js';
import { healthCheckMissing, lbLabel, poolContexts } from '../targets/pool-context.js';

/** Google Cloud kinds: their health checks are resources of their own, with a `logConfig`. */
const GCP_KINDS: readonly LoadBalancerKind[] = ['gcp-alb-global', 'gcp-alb-classic', 'gcp-alb-regional', 'gcp-alb-internal', 'gcp-proxy-nlb', 'gcp-nlb-passthrough'];

/** The normalizer's record of the health check's `logConfig.enable` (providers/gcp/normalize/pools.ts). */
const LOGGING_ATTRIBUTE = 'healthCheck.logConfig.enable';

/**
 * Health-check logging off on a health check a load balancer uses (gcpdiag lb/BP/2023_002). No 5xx of its own: it hides why backends turn unhealthy.
 */
export const healthCheckLoggingDisabled = defineCheck({
  id: 'health/health-check-logging-disabled',
  title: 'Health checks of load-balanced backends log their state changes',
  family: 'health',
  severity: 'info',
  causes: [],
  kinds: [...GCP_KINDS],
  fixes: [],
  rationale:
    'Google Cloud health checks write a log entry for every backend that changes state (healthCheckProbeResult with ' +
    'detailedHealthState TIMEOUT, UNHEALTHY or UNKNOWN and the probe result) only when logging is enabled on the health ' +
    'check. getHealth says only HEALTHY or UNHEALTHY, so without these logs the cause of 502/503 failed_to_pick_backend ' +
    'errors (a blocked firewall, a wrong port, a slow endpoint) has to be guessed. Info: it causes no 5xx itself.',
  remediation: {
    summary:
      'Enable logging on the health check (its logConfig: the --enable-logging flag when updating the health check, ' +
      'log_config { enable = true } in Terraform). Health-check logs count toward Cloud Logging ingestion.',
  },
  docs: ['https://cloud.google.com/load-balancing/docs/health-check-logging', 'https://gcpdiag.dev/rules/lb/BP/2023_002/'],
  thresholds: {},
  messages: {
    off: 'The health check {{healthCheck}} of {{pool}} behind {{lb}} does not log state changes: when its backends turn unhealthy, the probe results that say why are not recorded.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      if (!c.lb || !GCP_KINDS.includes(c.lb.kind)) continue;
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = c.pool.healthCheck;
      if (hc === undefined) {
        ctx.unknown(c.resource, healthCheckMissing(inv, c), opts);
        continue;
      }
      if (!hc.enabled) {
        ctx.notApplicable(c.resource, 'the backend service has no health check (see health/check-disabled).', opts);
        continue;
      }
      const logging = c.pool.attributes[LOGGING_ATTRIBUTE];
      if (logging === 'true') {
        ctx.pass(c.resource, opts);
        continue;
      }
      ctx.fail(
        c.resource,
        'off',
        { healthCheck: hc.ref?.name ?? 'of the backend service', pool: c.pool.ref.name, lb: lbLabel(c) },
        { ...opts, evidence: { path: `backendPool.attributes["${LOGGING_ATTRIBUTE}"]`, observed: logging ?? '(logConfig not set)', expected: 'true', source: 'api' } },
      );
    }
  },
});
