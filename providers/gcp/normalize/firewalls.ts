/**
 * Effective firewalls → `gcp-firewall` policies. A VM's traffic passes, in order: the hierarchical firewall
 * policies (organization, then folders), then the VPC firewall rules and the global network firewall policy in the
 * order the network sets (`networkFirewallPolicyEnforcementOrder`, default VPC rules first), then the implied rules.
 * The evaluator merges every `gcp-firewall` policy of an interface into one first-match list ordered by priority,
 * so each level's priorities are shifted by a level offset that keeps the levels in that order; each rule's
 * description keeps its own priority.
 * https://cloud.google.com/firewall/docs/firewall-policies-rule-details#rule_evaluation
 */
import type { CoverageGap, NetworkPolicy, Peer, PolicyRule, PortRange } from '../../../src/model/index.js';
import { lastSegment, relativeName } from '../links.js';
import type { RawEffectiveFirewallPolicy, RawFirewall, RawFirewallPolicyRule } from '../raw.js';
import type { ProjectContext } from './context.js';

/** Larger than any firewall priority (int32 for policies, 0–65535 for VPC rules). */
const LEVEL_OFFSET = 10_000_000_000;

/** The VPC firewall rules of a network, as one policy id. */
export function vpcRulesId(network: string): string {
  return `${network}/firewalls`;
}

function portRanges(ports: string[] | undefined): Array<PortRange | undefined> {
  if (!ports || ports.length === 0) return [undefined];
  return ports.map((p) => {
    const [from, to] = p.split('-').map((n) => Number.parseInt(n, 10));
    return from !== undefined && Number.isFinite(from) ? { from, to: to !== undefined && Number.isFinite(to) ? to : from } : undefined;
  });
}

function protocolOf(p: string | undefined): string {
  const v = (p ?? 'all').toLowerCase();
  return v === 'all' ? 'all' : v;
}

/** Selectors the evaluator cannot resolve (secure tags, address groups, FQDNs, geolocations) stay unresolvable. */
const opaque = (what: string, name: string): Peer => ({ type: 'prefix-list', id: `${what} ${name}` });

function vpcRules(fw: RawFirewall, offset: number): PolicyRule[] {
  if (fw.disabled) return [];
  const direction = fw.direction === 'EGRESS' ? 'egress' : 'ingress';
  const peers: Peer[] =
    direction === 'ingress'
      ? [
          ...(fw.sourceRanges ?? []).map((cidr): Peer => ({ type: 'cidr', cidr })),
          ...(fw.sourceTags ?? []).map((tag): Peer => ({ type: 'network-tag', tag })),
          ...(fw.sourceServiceAccounts ?? []).map((account): Peer => ({ type: 'service-account', account })),
        ]
      : (fw.destinationRanges ?? ['0.0.0.0/0']).map((cidr): Peer => ({ type: 'cidr', cidr }));
  const appliesTo: Peer[] = [
    ...(fw.targetTags ?? []).map((tag): Peer => ({ type: 'network-tag', tag })),
    ...(fw.targetServiceAccounts ?? []).map((account): Peer => ({ type: 'service-account', account })),
  ];
  const priority = fw.priority ?? 1000;
  const entries = fw.allowed?.length ? fw.allowed.map((e) => ({ e, action: 'allow' as const })) : (fw.denied ?? []).map((e) => ({ e, action: 'deny' as const }));
  const out: PolicyRule[] = [];
  for (const { e, action } of entries) {
    for (const ports of portRanges(e.ports)) {
      for (const peer of peers.length ? peers : [{ type: 'any' } as Peer]) {
        out.push({
          id: fw.name ?? '?',
          direction,
          action,
          protocol: protocolOf(e.IPProtocol),
          ...(ports ? { ports } : {}),
          peer,
          priority: offset + priority,
          description: `VPC firewall rule ${fw.name ?? '?'} (priority ${priority})`,
          ...(appliesTo.length ? { appliesTo } : {}),
        });
      }
    }
  }
  return out;
}

function policyRulePeers(rule: RawFirewallPolicyRule, direction: 'ingress' | 'egress'): Peer[] {
  const m = rule.match ?? {};
  if (direction === 'egress') return (m.destIpRanges?.length ? m.destIpRanges : ['0.0.0.0/0']).map((cidr) => ({ type: 'cidr', cidr }));
  const peers: Peer[] = [
    ...(m.srcIpRanges ?? []).map((cidr): Peer => ({ type: 'cidr', cidr })),
    ...(m.srcSecureTags ?? []).map((t) => opaque('secure tag', t.name ?? '?')),
    ...(m.srcAddressGroups ?? []).map((g) => opaque('address group', g)),
    ...(m.srcFqdns ?? []).map((f) => opaque('FQDN', f)),
    ...(m.srcRegionCodes ?? []).map((r) => opaque('region code', r)),
    ...(m.srcThreatIntelligences ?? []).map((t) => opaque('threat intelligence list', t)),
  ];
  return peers.length ? peers : [{ type: 'any' }];
}

export interface PolicyMapping {
  policy: NetworkPolicy;
  /** Rules whose `goto_next` precedes other rules cannot be flattened into one first-match list. */
  undecidable: boolean;
}

function mapPolicyRules(policyId: string, rules: RawFirewallPolicyRule[], offset: number): { rules: PolicyRule[]; undecidable: boolean } {
  const out: PolicyRule[] = [];
  let undecidable = false;
  for (const direction of ['ingress', 'egress'] as const) {
    const mine = rules
      .filter((r) => !r.disabled && (r.direction === 'EGRESS' ? 'egress' : 'ingress') === direction)
      .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
    mine.forEach((rule, i) => {
      const action = rule.action ?? '';
      if (action === 'goto_next') {
        // A trailing goto_next (every policy ends with them) only hands over to the next level: nothing to model.
        if (mine.slice(i + 1).some((r) => r.action !== 'goto_next')) undecidable = true;
        return;
      }
      // apply_security_profile_group lets traffic through to L7 inspection: for reachability it is an allow.
      const verdict = action === 'deny' ? 'deny' : 'allow';
      const appliesTo: Peer[] = [
        ...(rule.targetServiceAccounts ?? []).map((account): Peer => ({ type: 'service-account', account })),
        ...(rule.targetSecureTags ?? []).map((t) => opaque('secure tag', t.name ?? '?')),
      ];
      const l4 = rule.match?.layer4Configs?.length ? rule.match.layer4Configs : [{ ipProtocol: 'all' }];
      for (const cfg of l4) {
        for (const ports of portRanges(cfg.ports)) {
          for (const peer of policyRulePeers(rule, direction)) {
            out.push({
              id: rule.ruleName ?? `${lastSegment(policyId)}:${rule.priority ?? '?'}`,
              direction,
              action: verdict,
              protocol: protocolOf(cfg.ipProtocol),
              ...(ports ? { ports } : {}),
              peer,
              priority: offset + (rule.priority ?? 0),
              description: `firewall policy ${policyId} rule priority ${rule.priority ?? '?'} ${action}`,
              ...(appliesTo.length ? { appliesTo } : {}),
            });
          }
        }
      }
    });
  }
  return { rules: out, undecidable };
}

function policyId(p: RawEffectiveFirewallPolicy, network: string): string {
  if (p.type === 'HIERARCHY') return `locations/global/firewallPolicies/${p.name ?? '?'}`;
  const project = network.split('/')[1] ?? '?';
  return `projects/${project}/global/firewallPolicies/${p.name ?? '?'}`;
}

export interface NetworkFirewalls {
  policies: NetworkPolicy[];
  /** Per network: the policy ids a VM's traffic passes, including ids of layers that were not collected. */
  idsByNetwork: Map<string, string[]>;
  gaps: CoverageGap[];
}

/** Builds the firewall policies of every network that has VPC rules or collected effective firewalls. */
export function mapFirewalls(ctx: ProjectContext): NetworkFirewalls {
  const c = ctx.raw.compute;
  const vpcListed = !ctx.failure('compute.firewalls.list');
  const byNetwork = new Map<string, RawFirewall[]>();
  for (const fw of c.firewalls) {
    const n = relativeName(fw.network);
    byNetwork.set(n, [...(byNetwork.get(n) ?? []), fw]);
  }
  const networks = new Set<string>([...byNetwork.keys(), ...Object.keys(c.effectiveFirewalls), ...c.networks.map((n) => relativeName(n.selfLink))]);
  const policies = new Map<string, NetworkPolicy>();
  const idsByNetwork = new Map<string, string[]>();
  const gaps: CoverageGap[] = [];
  for (const network of [...networks].filter(Boolean).sort()) {
    const effective = c.effectiveFirewalls[network];
    const hierarchy = (effective?.firewallPolicys ?? []).filter((p) => p.type === 'HIERARCHY');
    const networkPolicies = (effective?.firewallPolicys ?? []).filter((p) => p.type === 'NETWORK');
    const policiesFirst = ctx.network(network)?.networkFirewallPolicyEnforcementOrder === 'BEFORE_CLASSIC_FIREWALL';
    const levels: Array<{ kind: 'vpc' } | { kind: 'policy'; p: RawEffectiveFirewallPolicy }> = [
      ...hierarchy.map((p) => ({ kind: 'policy' as const, p })),
      ...(policiesFirst
        ? [...networkPolicies.map((p) => ({ kind: 'policy' as const, p })), { kind: 'vpc' as const }]
        : [{ kind: 'vpc' as const }, ...networkPolicies.map((p) => ({ kind: 'policy' as const, p }))]),
    ];
    const ids: string[] = [];
    levels.forEach((level, i) => {
      const offset = i * LEVEL_OFFSET;
      if (level.kind === 'vpc') {
        const id = vpcRulesId(network);
        ids.push(id);
        // Without the listing the id stays unresolved, and flows through this network are judged unknown.
        if (!vpcListed) return;
        policies.set(id, {
          ref: ctx.ref('network-policy', 'gcp-vpc-firewall-rules', id, `${lastSegment(network)} VPC firewall rules`, 'global'),
          kind: 'gcp-firewall',
          stateful: true,
          networkId: network,
          rules: (byNetwork.get(network) ?? []).flatMap((fw) => vpcRules(fw, offset)),
          attachedTo: [network],
        });
        return;
      }
      const id = policyId(level.p, network);
      const mapped = mapPolicyRules(id, level.p.rules ?? [], offset);
      ids.push(id);
      if (mapped.undecidable) {
        // Referenced but never defined: the evaluator then answers unknown for this network's flows.
        ids.push(`${id}#goto_next`);
        gaps.push({
          provider: 'gcp',
          account: ctx.project,
          region: 'global',
          api: 'compute.networks.getEffectiveFirewalls',
          code: 'GotoNextNotEvaluated',
          message: `firewall policy ${id} uses goto_next before other rules, which cloud502 cannot evaluate`,
          resourceId: network,
          impact: `reachability through ${lastSegment(network)} unknown`,
          inputs: ['network-policies'],
        });
      }
      policies.set(id, {
        ref: ctx.ref('network-policy', level.p.type === 'HIERARCHY' ? 'gcp-hierarchical-firewall-policy' : 'gcp-network-firewall-policy', id, level.p.displayName ?? level.p.shortName ?? level.p.name ?? id, 'global'),
        kind: 'gcp-firewall',
        stateful: true,
        networkId: network,
        rules: mapped.rules,
        attachedTo: [network],
      });
    });
    if (!effective) ids.push(`${network}#firewall-policies-not-collected`);
    idsByNetwork.set(network, ids);
  }
  return { policies: [...policies.values()], idsByNetwork, gaps };
}
