import { defineCheck } from '../../src/engine/index.js';
import type { FlowStep } from '../../src/network/index.js';
import type { TargetPath } from '../../src/network/lb-paths.js';
import type { StepHit } from './paths.js';
import { blocks, decidingLabel, firstHits, fixesOf, hitDetails, lbPools, listTargets, netContext, pathsOf } from './paths.js';

/** The load balancer's own security groups, outbound, on the way to a target. */
const isLbEgress = (s: FlowStep): boolean => s.path === 'forward' && s.at === 'source' && s.direction === 'egress' && s.scope === 'interface';

export const lbEgressMissing = defineCheck({
  id: 'network/lb-egress-missing',
  title: "The load balancer's security groups allow outbound connections to its targets on the traffic and health-check ports",
  family: 'network',
  severity: 'critical',
  causes: [502, 504],
  // AWS-only: the outbound rules of ALB and Classic security groups (NLB ones: network/nlb-security-specifics).
  kinds: ['aws-alb', 'aws-clb'],
  fixes: ['allow-flow'],
  rationale:
    'Security groups filter what leaves an interface too. An ALB\'s (or Classic Load Balancer\'s) security groups must allow ' +
    'outbound traffic to the targets on the traffic port and on the health-check port. ' +
    'A new security group allows all outbound traffic, so this fails only when someone removed ' +
    'or narrowed that default rule, often while tightening inbound rules. Then no health check and no request leaves the ' +
    'load balancer: every target turns unhealthy, the load balancer fails open and clients get 502/504. NLB security groups ' +
    'are judged by network/nlb-security-specifics, which explains their outbound-only health checks.',
  remediation: {
    summary:
      "Add an outbound rule to the load balancer's security group allowing the traffic port and the health-check port to the " +
      "targets' security group (or restore the default allow-all outbound rule).",
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
  ],
  thresholds: {},
  messages: {
    missing:
      'The security groups of {{lb}} ({{groups}}) allow no outbound {{protocol}}/{{port}} to {{count}} of {{total}} targets of {{pool}} ({{targets}}): {{rule}}. The load balancer cannot connect: health checks fail and requests end in 502/504.',
  },
  evaluate(inv, ctx) {
    const netCtx = netContext(ctx);
    for (const c of lbPools(inv, ctx.index)) {
      const opts = { discriminator: c.discriminator };
      const results = [pathsOf(inv, ctx.index, c, 'traffic', netCtx), pathsOf(inv, ctx.index, c, 'health-check', netCtx)];
      const evaluated = results.flatMap((r) => (r.kind === 'evaluated' ? [r] : []));
      if (evaluated.length === 0) {
        const unknown = results.find((r) => r.kind === 'unknown');
        if (unknown) ctx.unknown(c.resource, unknown.reason, opts);
        else ctx.notApplicable(c.resource, results[0]?.kind === 'not-applicable' ? results[0].reason : 'no network path to judge', opts);
        continue;
      }
      const paths: TargetPath[] = evaluated.flatMap((r) => r.targets);
      // One hit per target and port: with the health check on the traffic port both purposes find the same rule.
      const hits: StepHit[] = [
        ...new Map(evaluated.flatMap((r) => firstHits(r.targets, (s) => isLbEgress(s) && blocks(s))).map((h) => [`${h.path.target.key}:${h.flow.flow.port}`, h])).values(),
      ];
      const total = new Set(paths.map((p) => p.target.key)).size;
      if (hits.length === 0) {
        const undecided = firstHits(paths, (s) => isLbEgress(s) && s.decision === 'unknown');
        const unbuilt = paths.find((p) => p.flows.length === 0 && p.unknownReason);
        const skipped = results.find((r) => r.kind === 'unknown');
        if (undecided.length) ctx.unknown(c.resource, `cannot decide the outbound rules of ${c.lb.ref.name}: ${undecided[0]?.step.note ?? ''}`, opts);
        else if (unbuilt) ctx.unknown(c.resource, unbuilt.unknownReason ?? 'the paths could not be built', opts);
        else if (skipped) ctx.unknown(c.resource, skipped.reason, opts);
        else ctx.pass(c.resource, opts);
        continue;
      }
      const first = hits[0] as StepHit;
      const ports = [...new Set(hits.map((h) => h.flow.flow.port))];
      const blockedTargets = [...new Map(hits.map((h) => [h.path.target.key, h.path.target])).values()];
      ctx.fail(
        c.resource,
        'missing',
        {
          lb: c.lbLabel,
          pool: c.pool.ref.name,
          groups: c.lb.networkPolicyIds.join(', '),
          protocol: first.flow.flow.protocol,
          port: ports.join(', '),
          count: blockedTargets.length,
          total,
          targets: listTargets(blockedTargets),
          rule: decidingLabel(first.step),
        },
        {
          ...opts,
          fix: fixesOf(hits, netCtx, 'traffic', isLbEgress),
          evidence: {
            path: `loadBalancer.networkPolicyIds → networkPolicies[${first.step.policyIds.join(', ')}].rules (egress)`,
            observed: `no outbound rule allows ${first.flow.flow.protocol}/${ports.join(', ')} to ${blockedTargets.length} of ${total} targets`,
            expected: `outbound ${first.flow.flow.protocol} on the traffic port and the health-check port to the targets' security group`,
            source: 'api',
            details: { blocked: hitDetails(hits) },
          },
        },
      );
    }
  },
});
