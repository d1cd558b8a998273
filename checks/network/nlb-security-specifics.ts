import type { Severity } from '../../src/engine/index.js';
import { defineCheck } from '../../src/engine/index.js';
import type { FlowStep } from '../../src/network/index.js';
import type { FlowResult, TargetPath } from '../../src/network/lb-paths.js';
import type { StepHit } from './paths.js';
import { blocks, decidingLabel, firstHits, fixesOf, hitDetails, lbPools, listTargets, netContext, pathsOf } from './paths.js';

const isLbEgress = (s: FlowStep): boolean => s.path === 'forward' && s.at === 'source' && s.direction === 'egress' && s.scope === 'interface';
const isTargetIngress = (s: FlowStep): boolean => s.path === 'forward' && s.at === 'destination' && s.direction === 'ingress' && s.scope === 'interface';

type MessageId = 'hcEgressBlocked' | 'trafficEgressBlocked' | 'clientsNotAllowed' | 'nodeIpsNotAllowed';

interface Finding {
  messageId: MessageId;
  severity: Severity;
  hits: StepHit[];
  paths: TargetPath[];
}

function sourcesOf(hits: StepHit[], kind: FlowResult['sourceKind']): string {
  const labels = hits
    .filter((h) => h.flow.sourceKind === kind)
    .map((h) => h.flow.flow.source)
    .map((e) => e.cidr ?? e.address ?? e.addressIn ?? (e.prefixListIds ? `prefix list ${e.prefixListIds.join(', ')}` : (e.label ?? '?')));
  return [...new Set(labels)].join(', ');
}

export const nlbSecuritySpecifics = defineCheck({
  id: 'network/nlb-security-specifics',
  title: 'NLB security groups and target rules match how NLB health checks and client IP preservation work',
  family: 'network',
  severity: 'critical',
  causes: [502, 504],
  // AWS-only: Network Load Balancer security groups and client IP preservation.
  kinds: ['aws-nlb'],
  fixes: ['allow-flow'],
  rationale:
    'Network Load Balancers differ from ALBs in three ways that break targets. ' +
    '(1) Health checks are subject to the outbound rules of the NLB\'s security groups, not to their inbound rules: an ' +
    'outbound rule set that misses the health-check port marks every target unhealthy. (2) With client IP preservation ' +
    '(on by default for instance targets and UDP, off for TCP/TLS IP targets) targets see the clients\' addresses: they must ' +
    'allow the client ranges, or reference the NLB\'s security group, which AWS documents as admitting the NLB\'s traffic ' +
    'even with preservation on (so the catalog\'s "client CIDRs, not just the NLB security group" holds only for an NLB ' +
    'without security groups). (3) An NLB without security groups health-checks from its private node addresses, which ' +
    'targets must allow; and a security group can only be attached when an NLB is created. The NLB itself answers with ' +
    'resets and timeouts; a proxy or CDN in front of it reports 502/504. Azure Load Balancer (probes from ' +
    'AzureLoadBalancer, 168.63.129.16) and Google passthrough NLBs (probe ranges) have the same shape and will reuse this ' +
    'logic once their adapters exist.',
  remediation: {
    summary:
      'Outbound: allow the traffic and health-check ports from the NLB security group to the targets. Clients: reference the ' +
      'NLB security group in the target security group, or allow the client ranges. NLB without security groups: allow its ' +
      'node addresses (or the VPC CIDR) on the health-check port in the target security group; security groups can only be ' +
      'associated with an NLB when it is created, so adding one means creating a new NLB.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-troubleshooting.html',
  ],
  thresholds: {},
  messages: {
    hcEgressBlocked:
      'The security groups of {{lb}} ({{groups}}) allow no outbound TCP {{port}} to {{count}} of {{total}} targets of {{pool}} ({{targets}}): {{rule}}. NLB health checks obey the outbound rules of its security groups, not the inbound ones, so these targets are marked unhealthy.',
    trafficEgressBlocked:
      'The security groups of {{lb}} ({{groups}}) allow no outbound {{protocol}}/{{port}} to {{count}} of {{total}} targets of {{pool}} ({{targets}}): {{rule}}. Connections forwarded to them time out.',
    clientsNotAllowed:
      '{{pool}} preserves client IPs, so its targets see the clients ({{clients}}) rather than {{lb}}; {{count}} of {{total}} targets ({{targets}}) do not admit them on {{protocol}}/{{port}}: {{rule}}. {{advice}}',
    nodeIpsNotAllowed:
      '{{lb}} has no security group, so its health checks come from its node addresses ({{nodes}}); {{count}} of {{total}} targets of {{pool}} ({{targets}}) do not admit them on TCP {{port}}: {{rule}}. Allow those addresses (or the VPC CIDR); a security group cannot be added to an existing NLB.',
  },
  evaluate(inv, ctx) {
    const netCtx = netContext(ctx);
    for (const c of lbPools(inv, ctx.index)) {
      const hasGroups = c.lb.networkPolicyIds.length > 0;
      const hc = pathsOf(inv, ctx.index, c, 'health-check', netCtx);
      const traffic = pathsOf(inv, ctx.index, c, 'traffic', netCtx);
      const hcPaths = hc.kind === 'evaluated' ? hc.targets : [];
      const trafficPaths = traffic.kind === 'evaluated' ? traffic.targets : [];
      const findings: Finding[] = [];
      const add = (messageId: MessageId, severity: Severity, paths: TargetPath[], pick: (s: FlowStep, f: FlowResult) => boolean) => {
        const hits = firstHits(paths, (s, f) => pick(s, f) && blocks(s));
        if (hits.length) findings.push({ messageId, severity, hits, paths });
      };
      if (hasGroups) {
        add('hcEgressBlocked', 'critical', hcPaths, isLbEgress);
        add('trafficEgressBlocked', 'high', trafficPaths, isLbEgress);
      } else {
        add('nodeIpsNotAllowed', 'critical', hcPaths, (s, f) => f.sourceKind === 'node' && isTargetIngress(s));
      }
      add('clientsNotAllowed', 'high', trafficPaths, (s, f) => f.sourceKind === 'client' && isTargetIngress(s));

      if (findings.length === 0) {
        const relevant = (s: FlowStep) => (isLbEgress(s) || isTargetIngress(s)) && s.decision === 'unknown';
        const undecided = firstHits([...hcPaths, ...trafficPaths], relevant);
        const unbuilt = [...hcPaths, ...trafficPaths].find((p) => p.flows.length === 0 && p.unknownReason);
        const skipped = [hc, traffic].find((r) => r.kind === 'unknown');
        const opts = { discriminator: c.discriminator };
        if (undecided.length) ctx.unknown(c.resource, `cannot decide: ${undecided[0]?.step.note ?? ''}`, opts);
        else if (unbuilt) ctx.unknown(c.resource, unbuilt.unknownReason ?? 'the paths could not be built', opts);
        else if (skipped) ctx.unknown(c.resource, skipped.reason, opts);
        else if (hc.kind !== 'evaluated' && traffic.kind !== 'evaluated') ctx.notApplicable(c.resource, hc.kind === 'not-applicable' ? hc.reason : 'no network path to judge', opts);
        else ctx.pass(c.resource, opts);
        continue;
      }
      for (const f of findings) {
        const first = f.hits[0] as StepHit;
        const flow = first.flow.flow;
        const groups = c.lb.networkPolicyIds;
        const advice = hasGroups
          ? `Reference the NLB security group ${groups[0] ?? ''} in the targets' security group (AWS documents that it admits the NLB's traffic even with client IP preservation on), or allow the client ranges.`
          : 'This NLB has no security group, so the targets must allow the client ranges themselves.';
        ctx.fail(
          c.resource,
          f.messageId,
          {
            lb: c.lbLabel,
            pool: c.pool.ref.name,
            groups: groups.join(', '),
            protocol: flow.protocol,
            port: [...new Set(f.hits.map((h) => h.flow.flow.port))].join(', '),
            count: f.hits.length,
            total: f.paths.length,
            targets: listTargets(f.hits.map((h) => h.path.target)),
            rule: decidingLabel(first.step),
            clients: sourcesOf(f.hits, 'client'),
            nodes: sourcesOf(f.hits, 'node'),
            advice,
          },
          {
            fix: fixesOf(f.hits, netCtx, f.messageId === 'hcEgressBlocked' ? 'health-check' : 'traffic'),
            discriminator: `${c.discriminator}:${f.messageId}`,
            severity: f.severity,
            evidence: {
              path:
                f.messageId === 'hcEgressBlocked' || f.messageId === 'trafficEgressBlocked'
                  ? `loadBalancer.networkPolicyIds → networkPolicies[${first.step.policyIds.join(', ')}].rules (egress)`
                  : `target.networkPolicyIds → networkPolicies[${first.step.policyIds.join(', ')}].rules (ingress)`,
              observed: decidingLabel(first.step),
              expected:
                f.messageId === 'clientsNotAllowed'
                  ? `the client ranges, or the NLB security group, admitted on ${flow.protocol}/${flow.port}`
                  : f.messageId === 'nodeIpsNotAllowed'
                    ? `the NLB node addresses admitted on TCP ${flow.port}`
                    : `outbound ${flow.protocol}/${flow.port} to the targets`,
              source: 'api',
              details: {
                securityGroups: groups,
                ...(traffic.kind === 'evaluated' && traffic.notes.length ? { notes: traffic.notes } : {}),
                blocked: hitDetails(f.hits),
              },
            },
          },
        );
      }
    }
  },
});
