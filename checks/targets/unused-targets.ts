import { defineCheck } from '../../src/engine/index.js';
import type { Target } from '../../src/model/index.js';
import { corroborate, lbLabel, poolContexts, judgeableTargets } from './pool-context.js';
import { explainHealth } from './reason-codes.js';

/** Targets that are registered but can take no traffic: stopped/terminated instances, zones not enabled on the LB. */
function idle(targets: readonly Target[]): Array<{ target: Target; code: string; cause: string }> {
  const out: Array<{ target: Target; code: string; cause: string }> = [];
  for (const t of targets) {
    if (t.health.state === 'healthy') continue;
    const e = explainHealth(t.health);
    if (e.category === 'invalid-state' || e.category === 'not-in-use') out.push({ target: t, code: e.code, cause: e.likelyCause });
  }
  return out;
}

export const unusedTargets = defineCheck({
  id: 'targets/unused-targets',
  title: 'Registered targets are running and in zones the load balancer serves',
  family: 'targets',
  severity: 'medium',
  causes: [503],
  providers: ['aws'],
  rationale:
    'A target in state unused with Target.InvalidState (stopped or terminated instance) or Target.NotInUse (its Availability ' +
    'Zone is not enabled on the load balancer) gets no traffic, so the pool has less capacity than it seems; when that is ' +
    'every target, capacity is zero and requests get 503. Medium, critical when it applies to all targets ' +
    '.',
  remediation: {
    summary:
      'Start the stopped instances or deregister them (and let the Auto Scaling group replace them); for Target.NotInUse enable ' +
      'the target\'s Availability Zone on the load balancer (aws elbv2 set-subnets) or move the targets into an enabled zone.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_InstanceState.html',
  ],
  thresholds: {},
  messages: {
    someUnused: '{{count}} of {{total}} targets of {{pool}} get no traffic from {{lb}}: {{detail}}.',
    allUnused: 'None of the {{total}} targets of {{pool}} can get traffic from {{lb}} ({{detail}}): capacity is zero, so requests get 503.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const targets = judgeableTargets(inv, c, ctx, opts, { unrouted: 'no listener routes to this pool (see targets/unreferenced-target-group).', lambda: 'Lambda targets have no instance state or zone.' });
      if (!targets) continue;
      const found = idle(targets);
      if (found.length === 0) {
        ctx.pass(c.resource, opts);
        continue;
      }
      const all = found.length === targets.length;
      const detail = found
        .map((f) => `${f.target.key}${f.target.zone ? ` in ${f.target.zone}` : ''} ${f.code}: ${f.cause}`)
        .join('; ');
      ctx.fail(
        c.resource,
        all ? 'allUnused' : 'someUnused',
        {
          pool: c.pool.ref.name,
          lb: lbLabel(c),
          count: found.length,
          total: targets.length,
          detail,
          targetsArg: found.map((f) => `Id=${f.target.id},Port=${f.target.port}`).join(' '),
        },
        {
          ...opts,
          severity: all ? 'critical' : 'medium',
          evidence: {
            path: 'backendPool.targets[].health.reason',
            observed: found.map((f) => ({ target: f.target.key, zone: f.target.zone, reason: f.target.health.reason, description: f.target.health.description })),
            expected: 'running targets in zones enabled on the load balancer',
            source: 'api (target health at collection time)',
            details: { loadBalancerZones: c.lb?.zones.map((z) => z.name) },
            metrics: corroborate(ctx.index, [[c.lb?.ref.id, 'lb.http.503']]),
          },
        },
      );
    }
  },
});
