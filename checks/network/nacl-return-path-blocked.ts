import { defineCheck } from '../../src/engine/index.js';
import type { FlowStep } from '../../src/network/index.js';
import { formatPorts } from '../../src/network/index.js';
import type { TargetPath } from '../../src/network/lb-paths.js';
import type { StepHit } from './paths.js';
import { blocks, decidingLabel, firstHits, fixesOf, hitDetails, lbPools, listTargets, netContext, pathsOf } from './paths.js';

/** A reply step: only stateless policies (network ACLs) judge replies. */
const isReturnStep = (s: FlowStep): boolean => s.path === 'return' && s.policyKind !== 'unknown';

export const naclReturnPathBlocked = defineCheck({
  id: 'network/nacl-return-path-blocked',
  title: 'Network ACLs let target replies back to the load balancer on ephemeral ports 1024–65535',
  family: 'network',
  severity: 'critical',
  causes: [504],
  // AWS-only: network ACLs, the one stateless policy kind.
  kinds: ['aws-alb', 'aws-nlb', 'aws-clb'],
  fixes: ['allow-flow'],
  rationale:
    'Network ACLs are stateless: a reply is a new packet that must be allowed on its own. A target answers the load ' +
    'balancer\'s connection from its service port to the node\'s ephemeral port, so the target subnet\'s ACL must allow ' +
    'outbound 1024–65535 to the load balancer subnets, and the load balancer subnets\' ACL inbound 1024–65535 from the ' +
    'targets. The whole range is needed: the node may use any port in it, so ' +
    'a rule starting at 1025 fails one connection in 64 thousand and one starting at 32768 half of them. Without the reply ' +
    'the connection never completes: AWS documents this as a 504 cause (A7) and health checks time out. Critical when the ' +
    'health-check replies of every target are blocked; high otherwise. It reports the reply path even when the way in is ' +
    'also blocked (network/health-check-port-blocked and network/traffic-port-blocked report that), because opening one ' +
    'direction alone does not fix the path. Stateful policies (security groups, Azure NSGs, Google firewall rules) allow ' +
    'replies by themselves, so this check stays AWS-only.',
  remediation: {
    summary:
      'Add a network ACL entry, numbered before the rule that denies, allowing TCP 1024–65535: outbound from the target ' +
      'subnet to the load balancer subnets, and inbound to the load balancer subnets from the target subnets.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html',
  ],
  thresholds: {},
  messages: {
    blocked:
      'Replies from {{count}} of {{total}} targets of {{pool}} ({{targets}}) to {{lb}} are blocked by {{naclId}} ({{directionWord}} rules of subnet {{subnet}}) on ports {{ports}}: {{rule}}. Connections never complete: health checks time out and requests end in 504.',
  },
  evaluate(inv, ctx) {
    const netCtx = netContext(ctx);
    for (const c of lbPools(inv, ctx.index)) {
      const opts = { discriminator: c.discriminator };
      const hc = pathsOf(inv, ctx.index, c, 'health-check', netCtx);
      const traffic = pathsOf(inv, ctx.index, c, 'traffic', netCtx);
      const evaluated = [hc, traffic].filter((r) => r.kind === 'evaluated');
      if (evaluated.length === 0) {
        const unknown = [hc, traffic].find((r) => r.kind === 'unknown');
        if (unknown) ctx.unknown(c.resource, unknown.reason, opts);
        else ctx.notApplicable(c.resource, hc.kind === 'not-applicable' ? hc.reason : 'no network path to judge', opts);
        continue;
      }
      const hcHits = hc.kind === 'evaluated' ? firstHits(hc.targets, (s) => isReturnStep(s) && blocks(s)) : [];
      const trafficHits = traffic.kind === 'evaluated' ? firstHits(traffic.targets, (s) => isReturnStep(s) && blocks(s)) : [];
      const byTarget = new Map<string, StepHit>();
      for (const h of [...hcHits, ...trafficHits]) if (!byTarget.has(h.path.target.key)) byTarget.set(h.path.target.key, h);
      const hits = [...byTarget.values()];
      const allTargets: TargetPath[] = evaluated.flatMap((r) => (r.kind === 'evaluated' ? r.targets : []));
      const total = new Set(allTargets.map((t) => t.target.key)).size;
      if (hits.length === 0) {
        // Undecided: a reply step that cannot be judged, or a subnet policy that is missing (it may be the NACL).
        const undecided = firstHits(allTargets, (s) => (isReturnStep(s) && s.decision === 'unknown') || (s.scope === 'subnet' && s.policyKind === 'unknown'));
        const unbuilt = allTargets.filter((t) => t.flows.length === 0 && t.unknownReason);
        const skipped = [hc, traffic].find((r) => r.kind === 'unknown');
        if (undecided.length) {
          const missing = [...new Set(undecided.flatMap((h) => h.flow.verdict.missing))];
          const who = listTargets([...new Map(undecided.map((h) => [h.path.target.key, h.path.target])).values()]);
          ctx.unknown(c.resource, `cannot decide the reply path of ${who}: ${undecided[0]?.step.note ?? ''}${missing.length ? ` (not in the inventory: ${missing.join(', ')})` : ''}`, opts);
        } else if (unbuilt.length) {
          ctx.unknown(c.resource, `cannot decide the reply path of ${listTargets(unbuilt.map((t) => t.target))}: ${unbuilt[0]?.unknownReason ?? ''}`, opts);
        } else if (skipped) {
          ctx.unknown(c.resource, skipped.reason, opts);
        } else {
          ctx.pass(c.resource, opts);
        }
        continue;
      }
      const first = hits[0] as StepHit;
      const subnet = first.step.at === 'destination' ? first.flow.flow.destination.subnetId : first.flow.flow.source.subnetId;
      const blockedPorts = (first.step.parts ?? []).filter((p) => p.decision === 'deny').map((p) => formatPorts(p.ports));
      const hcAll = hc.kind === 'evaluated' && hcHits.length === hc.targets.length;
      const fixes = fixesOf(hits, netCtx, 'traffic', isReturnStep);
      const peer = fixes[0]?.kind === 'allow-flow' ? fixes[0].peers[0] : undefined;
      const otherSide = peer?.type === 'cidr' ? peer.cidr : 'the other side';
      ctx.fail(
        c.resource,
        'blocked',
        {
          lb: c.lbLabel,
          pool: c.pool.ref.name,
          count: hits.length,
          total,
          targets: listTargets(hits.map((h) => h.path.target)),
          naclId: first.step.policyId,
          directionWord: first.step.direction === 'egress' ? 'outbound' : 'inbound',
          direction: first.step.direction,
          egress: first.step.direction === 'egress' ? 'true' : 'false',
          subnet: subnet ?? 'unknown',
          ports: blockedPorts.length ? [...new Set(blockedPorts)].join(', ') : formatPorts(first.step.ports),
          rule: decidingLabel(first.step),
        },
        {
          ...opts,
          fix: fixes,
          severity: hcAll ? 'critical' : 'high',
          evidence: {
            path: `networkPolicies[${first.step.policyId}].rules (${first.step.direction})`,
            observed: `${first.step.direction === 'egress' ? 'outbound' : 'inbound'} ${first.flow.flow.protocol}/${formatPorts(first.step.ports)}: ${decidingLabel(first.step)}`,
            expected: `${first.flow.flow.protocol}/${formatPorts(first.step.ports)} allowed ${first.step.direction === 'egress' ? 'to' : 'from'} ${otherSide}`,
            source: 'api',
            details: {
              healthCheckRepliesBlocked: hcHits.length,
              trafficRepliesBlocked: trafficHits.length,
              blocked: hitDetails(hits),
            },
          },
        },
      );
    }
  },
});
