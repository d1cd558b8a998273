import { defineCheck } from '../../src/engine/index.js';
import type { BackendPool, LoadBalancer } from '../../src/model/index.js';
import { describeMissing } from '../../src/model/index.js';
import { corroborate, isLambdaPool, lbLabel, poolContexts, targetHealthMissing } from './pool-context.js';
import { effectiveState } from './reason-codes.js';

const TG_CROSS_ZONE = 'load_balancing.cross_zone.enabled';

/**
 * Effective cross-zone load balancing for a pool behind a load balancer. The target group attribute
 * (true | false | use_load_balancer_configuration) overrides the load balancer's setting:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html
 */
function crossZone(pool: BackendPool, lb: LoadBalancer): { value: boolean; path: string; source: string } | undefined {
  const tg = pool.attributes[TG_CROSS_ZONE];
  if (tg === 'true' || tg === 'false') return { value: tg === 'true', path: `backendPool.attributes["${TG_CROSS_ZONE}"]`, source: `target group attribute ${TG_CROSS_ZONE}` };
  if (lb.crossZoneEnabled === undefined) return undefined;
  return {
    value: lb.crossZoneEnabled.value,
    path: 'loadBalancer.crossZoneEnabled',
    source: `load balancer setting, ${lb.crossZoneEnabled.source}${lb.crossZoneEnabled.detail ? `: ${lb.crossZoneEnabled.detail}` : ''}`,
  };
}

export const singleAzHealthy = defineCheck({
  id: 'targets/single-az-healthy',
  title: 'Healthy targets cover more than one zone of a multi-zone load balancer, or cross-zone load balancing is on',
  family: 'targets',
  severity: 'high',
  causes: [502, 503],
  // AWS-only: zonal load-balancer nodes that serve only their own zone's targets unless cross-zone is on.
  kinds: ['aws-alb', 'aws-nlb', 'aws-clb'],
  fixes: ['enable-cross-zone'],
  rationale:
    'With cross-zone load balancing off, each load balancer node sends traffic only to targets in its own zone. When every ' +
    'healthy target is in one zone, the nodes of the other zones have none: an NLB removes those zones from DNS (clients that ' +
    'still hold the old answers get resets, which proxies report as 502), a Classic Load Balancer answers 503 ("no healthy ' +
    'instances") there, and the single zone left carries all traffic, so losing it or a load spike takes the service down. ' +
    'High. With cross-zone on, every node can reach every healthy target, so the check passes.',
  remediation: {
    summary:
      'Spread healthy targets over the load balancer\'s zones (Auto Scaling group in every zone), or turn cross-zone load ' +
      'balancing on for the pool (inter-zone data transfer may be charged).',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
  ],
  thresholds: {},
  messages: {
    singleZone:
      '{{healthyPhrase}} of {{pool}} {{verb}} in {{zone}}, but {{lb}} spans {{lbZones}} with cross-zone load balancing off ({{crossZoneSource}}): its nodes in {{emptyZones}} have no healthy target of their own and {{zone}} carries all traffic.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      if (!c.routed) {
        ctx.notApplicable(c.resource, 'no listener routes to this pool.', opts);
        continue;
      }
      if (isLambdaPool(c.pool)) {
        ctx.notApplicable(c.resource, 'Lambda targets are not zonal.', opts);
        continue;
      }
      const lb = c.lb;
      if (!lb) {
        ctx.unknown(c.resource, `the load balancers using this pool (${c.pool.loadBalancerIds.join(', ')}) are not in the inventory; collect their region to know their zones`, opts);
        continue;
      }
      const targets = c.pool.targets;
      if (targets === undefined) {
        ctx.unknown(c.resource, targetHealthMissing(inv, c), opts);
        continue;
      }
      const healthy = targets.filter((t) => effectiveState(t.health) === 'healthy');
      if (healthy.length === 0) {
        ctx.notApplicable(c.resource, 'no target is healthy (see targets/all-targets-unhealthy and targets/no-registered-targets).', opts);
        continue;
      }
      const lbZones = lb.zones.map((z) => z.name);
      const unzoned = healthy.filter((t) => t.zone === undefined);
      // IP targets outside the VPC are registered with zone "all" and are reachable from every node.
      if (lbZones.length < 2 || healthy.some((t) => t.zone === 'all')) {
        ctx.pass(c.resource, opts);
        continue;
      }
      if (unzoned.length > 0) {
        ctx.unknown(c.resource, `the zone of healthy targets ${unzoned.map((t) => t.key).join(', ')} was not collected (target health AvailabilityZone / ec2:DescribeInstances)`, opts);
        continue;
      }
      const healthyZones = [...new Set(healthy.map((t) => t.zone as string))];
      if (healthyZones.length >= 2) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const cz = crossZone(c.pool, lb);
      if (cz === undefined) {
        ctx.unknown(
          c.resource,
          `all healthy targets are in one zone and ${describeMissing(inv, 'attributes', lb, `the cross-zone setting of ${lb.ref.name}`)}`,
          opts,
        );
        continue;
      }
      if (cz.value) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const zone = healthyZones[0] ?? '';
      const emptyZones = lbZones.filter((z) => z !== zone);
      ctx.fail(
        c.resource,
        'singleZone',
        {
          pool: c.pool.ref.name,
          lb: lbLabel(c),
          healthy: healthy.length,
          healthyPhrase: healthy.length === 1 ? 'The only healthy target' : `All ${healthy.length} healthy targets`,
          verb: healthy.length === 1 ? 'is' : 'are',
          zone,
          lbZones: lbZones.join(', '),
          emptyZones: emptyZones.join(', '),
          crossZoneSource: cz.source,
        },
        {
          ...opts,
          fix: { kind: 'enable-cross-zone', lbId: lb.ref.id, poolId: c.pool.ref.id },
          evidence: {
            path: cz.path,
            observed: false,
            expected: 'cross-zone load balancing on, or healthy targets in at least 2 of the load balancer\'s zones',
            source: cz.source,
            details: {
              loadBalancerZones: lbZones,
              healthyTargetsByZone: Object.fromEntries(lbZones.map((z) => [z, healthy.filter((t) => t.zone === z).map((t) => t.key)])),
            },
            metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.healthy-hosts.min'], [lb.ref.id, 'lb.http.503'], [lb.ref.id, 'lb.tcp.resets']]),
          },
        },
      );
    }
  },
});
