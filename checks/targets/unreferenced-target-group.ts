import { defineCheck, scopeResultResource } from '../../src/engine/index.js';
import type { CoverageGap } from '../../src/model/index.js';
import { SEPARATE_POOL_KINDS } from '../kinds.js';
import { poolContexts } from './pool-context.js';

/** Inputs whose absence leaves the picture of which listener routes where incomplete. */
const ROUTING_INPUTS = new Set(['listeners', 'routes', 'pools']);
const isRoutingGap = (g: CoverageGap): boolean => g.inputs?.some((i) => ROUTING_INPUTS.has(i)) ?? false;

export const unreferencedTargetGroup = defineCheck({
  id: 'targets/unreferenced-target-group',
  title: 'Every target group is used by a load balancer',
  family: 'targets',
  severity: 'low',
  causes: [503],
  kinds: [...SEPARATE_POOL_KINDS],
  fixes: ['remove-pool'],
  rationale:
    'A pool that no listener or rule routes to serves no traffic, and its targets report "not in use", so its ' +
    'health tells nothing. By itself it causes no 5xx, which is why this is low and not higher; it is hygiene and often the ' +
    'trace of a half-finished deploy (a blue/green switch or a new rule that was never wired). The 503 risk comes when ' +
    'traffic is pointed at it before it has registered, healthy targets. ' +
    'Not info, because it does lead to a 503 in a plausible next step.',
  remediation: {
    summary:
      'Delete the target group if it is obsolete; if it belongs to an unfinished deploy, register and health-check its targets ' +
      'before a listener or rule forwards to it.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://learn.microsoft.com/azure/load-balancer/backend-pool-management',
    'https://cloud.google.com/load-balancing/docs/backend-service',
  ],
  thresholds: {},
  messages: {
    unreferenced:
      '{{pool}} is not used by any load balancer: its {{targets}} get no traffic, and pointing a listener at it before it has healthy targets returns 503.',
  },
  evaluate(inv, ctx) {
    // Pools hidden by a failed listing of the pools themselves (not of their routing) cannot be judged one by one:
    // their scope says so, naming the call.
    for (const scope of inv.scopes) {
      const listing = inv.coverage.find(
        (g) =>
          g.provider === scope.provider &&
          !g.resourceId &&
          (!g.region || g.region === scope.region) &&
          (g.inputs?.includes('pools') ?? false) &&
          !g.inputs?.some((i) => i === 'listeners' || i === 'routes'),
      );
      if (!listing) continue;
      const resource = scopeResultResource(scope);
      const advice = `grant ${listing.permission ?? listing.api} and collect again`;
      ctx.unknown(resource, `backend pools: not collected (${listing.api}: ${listing.code}); ${advice}`, { discriminator: 'pools-not-read' });
    }
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      if (c.routed) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const gap = inv.coverage.find(
        (g) => g.provider === c.pool.ref.provider && isRoutingGap(g) && (!g.region || g.region === c.pool.ref.region),
      );
      if (gap) {
        ctx.unknown(
          c.resource,
          `no listener in the inventory routes to this pool, but ${gap.api} failed (${gap.code}), so a load balancer or rule may be missing; ` +
            `grant ${gap.permission ?? gap.api} and collect again`,
          opts,
        );
        continue;
      }
      const n = c.pool.targets?.length;
      ctx.fail(
        c.resource,
        'unreferenced',
        {
          pool: c.pool.ref.name,
          targets: n === undefined ? 'targets' : `${n} registered target${n === 1 ? '' : 's'}`,
        },
        {
          ...opts,
          fix: { kind: 'remove-pool', poolId: c.pool.ref.id },
          evidence: {
            path: 'backendPool.loadBalancerIds',
            observed: [],
            expected: 'at least one load balancer whose listener or rule forwards to the pool',
            source: 'api',
            details: { registeredTargets: n },
          },
        },
      );
    }
  },
});
