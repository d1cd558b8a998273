import { defineCheck } from '../../src/engine/index.js';
import type { FixIntent } from '../../src/engine/fix.js';
import type { Target } from '../../src/model/index.js';
import { symptomOf } from '../../src/model/index.js';
import { ALL_KINDS } from '../kinds.js';
import { lbLabel, poolContexts, judgeableTargets, symptomMetrics } from './pool-context.js';
import { explainHealth } from './reason-codes.js';

/** Targets that are registered but can take no traffic: stopped/terminated instances, zones not enabled on the LB. */
function idle(targets: readonly Target[]): Array<{ target: Target; code: string; cause: string }> {
  const out: Array<{ target: Target; code: string; cause: string }> = [];
  for (const t of targets) {
    if (t.health.state === 'healthy') continue;
    const e = explainHealth(t.health);
    if (e.category === 'stopped' || e.category === 'not-in-use') out.push({ target: t, code: e.code, cause: e.likelyCause });
  }
  return out;
}

export const unusedTargets = defineCheck({
  id: 'targets/unused-targets',
  title: 'Registered targets are running and in zones the load balancer serves',
  family: 'targets',
  severity: 'medium',
  causes: [502, 503],
  kinds: [...ALL_KINDS],
  fixes: ['start-targets', 'enable-zones'],
  rationale:
    'A registered target that is stopped, deallocated or terminated, or that sits in a zone the load balancer does not ' +
    'serve, gets no traffic, so the pool has less capacity than it seems; when that is every target, capacity is zero and ' +
    'requests fail as if the pool were empty (503 on AWS ALB, 502 on Application Gateway). Medium, critical when it applies ' +
    'to all targets.',
  remediation: {
    summary:
      'Start the stopped instances or deregister them (and let the scaling group replace them); for targets outside the ' +
      'load balancer\'s zones, enable their zone on the load balancer or move the targets into an enabled zone.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_InstanceState.html',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting',
    'https://learn.microsoft.com/azure/load-balancer/backend-pool-management',
    'https://cloud.google.com/load-balancing/docs/backend-service',
  ],
  thresholds: {},
  messages: {
    someUnused: '{{count}} of {{total}} targets of {{pool}} get no traffic from {{lb}}: {{detail}}.',
    allUnused: 'None of the {{total}} targets of {{pool}} can get traffic from {{lb}} ({{detail}}): capacity is zero, so requests get {{symptom}}.',
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
      const symptom = c.lb ? symptomOf(c.lb.kind, 'empty-pool') : { codes: [503], text: 'errors' };
      const stopped = found.filter((f) => f.target.health.cause === 'stopped').map((f) => f.target.id);
      const served = new Set(c.lb?.zones.map((z) => z.name));
      const zones = [...new Set(found.map((f) => f.target.zone).filter((z): z is string => z !== undefined && !served.has(z)))];
      const fix: FixIntent | undefined =
        stopped.length > 0
          ? { kind: 'start-targets', poolId: c.pool.ref.id, targetIds: [...new Set(stopped)] }
          : c.lb && zones.length > 0
            ? { kind: 'enable-zones', lbId: c.lb.ref.id, zones }
            : undefined;
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
          symptom: symptom.text,
        },
        {
          ...opts,
          severity: all ? 'critical' : 'medium',
          ...(fix ? { fix } : {}),
          evidence: {
            path: 'backendPool.targets[].health.reason',
            observed: found.map((f) => ({ target: f.target.key, zone: f.target.zone, cause: f.target.health.cause, reason: f.target.health.reason, description: f.target.health.description })),
            expected: 'running targets in zones enabled on the load balancer',
            source: 'api (target health at collection time)',
            details: { loadBalancerZones: c.lb?.zones.map((z) => z.name) },
            metrics: symptomMetrics(ctx.index, c.lb, symptom.codes),
          },
        },
      );
    }
  },
});
