import { defineCheck } from '../../src/engine/index.js';
import { whenAllUnhealthy } from '../../src/model/lb-kinds.js';
import { corroborate, judgeableTargets, lbLabel, poolContexts } from './pool-context.js';
import { countStates, effectiveState, summarizeReasons, targetHealthDetails } from './reason-codes.js';

/**
 * Google Cloud passthrough Network Load Balancers with every backend unhealthy (CHECKS.md gcp.nlb.passthrough-all-unhealthy,
 * fact G13). Unlike the proxies, a passthrough NLB has no error page: it either spreads new connections over all
 * primary VMs anyway or drops them, as the backend service's failover policy says.
 */
export const passthroughAllUnhealthy = defineCheck({
  id: 'targets/passthrough-all-unhealthy',
  title: 'A passthrough Network Load Balancer has at least one healthy backend',
  family: 'targets',
  severity: 'critical',
  causes: [502, 504],
  providers: ['gcp'],
  rationale:
    'When every backend of a passthrough Network Load Balancer fails its health checks, the load balancer keeps forwarding: ' +
    'without failoverPolicy.dropTrafficIfUnhealthy (the default) it spreads new connections over all primary VMs, healthy or ' +
    'not, so clients hit broken backends (resets, timeouts; proxies in front report 502/504); with it, new connections are ' +
    'dropped. Either way the service is down for its clients (CHECKS.md gcp.nlb.passthrough-all-unhealthy, fact G13).',
  remediation: {
    summary:
      'Find why the backends fail their health checks: usually a firewall rule that does not admit the probe ranges ' +
      '(35.191.0.0/16, 209.85.152.0/22, 209.85.204.0/22 for external passthrough NLBs) on the health-check port, a wrong port, ' +
      'or a stopped service. Then check that the backends turn HEALTHY.',
    gcp: {
      cli: 'gcloud compute backend-services get-health {{pool}} --region={{region}} --project={{project}}',
      terraform: 'google_compute_region_backend_service.health_checks / failover_policy; google_compute_firewall (source_ranges, target_tags)',
    },
  },
  docs: [
    'https://cloud.google.com/load-balancing/docs/internal/failover-overview',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges',
    'https://cloud.google.com/compute/docs/reference/rest/v1/regionBackendServices/getHealth',
  ],
  thresholds: {},
  messages: {
    spread:
      'All {{unhealthy}} backends of {{pool}} are unhealthy ({{reasons}}), and {{lb}} spreads new connections over all of them anyway ' +
      '({{behaviour}}): clients reach broken backends and see resets or timeouts.',
    dropped:
      'All {{unhealthy}} backends of {{pool}} are unhealthy ({{reasons}}), and {{lb}} drops new connections ({{behaviour}}): ' +
      'the service is unreachable.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index, ['gcp'])) {
      if (c.lb?.kind !== 'gcp-nlb-passthrough') continue;
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const targets = judgeableTargets(inv, c, ctx, opts, { unrouted: 'no forwarding rule sends traffic to this backend service.' });
      if (!targets) continue;
      const counts = countStates(targets);
      if (counts.healthy > 0 || counts.unhealthy === 0) {
        ctx.pass(c.resource, { ...opts, message: `${c.pool.ref.name}: ${counts.healthy} of ${counts.total} backends healthy.` });
        continue;
      }
      const behaviour = whenAllUnhealthy(c.lb.kind, c.pool);
      const unhealthy = targets.filter((t) => effectiveState(t.health) === 'unhealthy');
      const messageId = behaviour.value === 'drop' ? 'dropped' : 'spread';
      const region = c.pool.ref.region ?? '';
      ctx.fail(
        c.resource,
        messageId,
        {
          pool: c.pool.ref.name,
          lb: lbLabel(c),
          unhealthy: counts.unhealthy,
          reasons: summarizeReasons(unhealthy),
          behaviour: `${behaviour.source}: ${behaviour.detail ?? behaviour.value}`,
          region,
          project: c.pool.ref.account ?? '',
        },
        {
          ...opts,
          evidence: {
            path: 'backendPool.targets[].health.state',
            observed: { healthy: 0, unhealthy: counts.unhealthy, total: counts.total },
            expected: 'at least 1 healthy backend',
            source: 'api (backendServices.getHealth at collection time)',
            details: { whenAllUnhealthy: behaviour.value, whenAllUnhealthySource: behaviour.source, unhealthyTargets: targetHealthDetails(unhealthy) },
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.unhealthy-hosts.max']]),
          },
        },
      );
    }
  },
});
