/**
 * Effective firewalls → `gcp-firewall` policies. A VM's traffic passes, in order: the hierarchical firewall
 * policies (organization, then folders), then the VPC firewall rules and the global and regional network firewall
 * policies in the order the network sets (`networkFirewallPolicyEnforcementOrder`, default VPC rules first), then
 * the implied rules. Firewall policies differ per region, so the policies a VM passes are looked up by network and
 * region.
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
export const LEVEL_OFFSET = 10_000_000_000;

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

function policyId(p: RawEffectiveFirewallPolicy, network: string, region: string): string {
  if (p.type === 'HIERARCHY') return `locations/global/firewallPolicies/${p.name ?? '?'}`;
  const project = network.split('/')[1] ?? '?';
  if (p.type === 'NETWORK_REGIONAL') return `projects/${project}/regions/${region}/firewallPolicies/${p.name ?? '?'}`;
  return `projects/${project}/global/firewallPolicies/${p.name ?? '?'}`;
}

const POLICY_TYPE: Record<string, string> = {
  HIERARCHY: 'gcp-hierarchical-firewall-policy',
  NETWORK: 'gcp-network-firewall-policy',
  NETWORK_REGIONAL: 'gcp-regional-network-firewall-policy',
};

export interface NetworkFirewalls {
  policies: NetworkPolicy[];
  /**
   * Per `<network>@<region>`: the policy ids a VM's traffic passes there, including ids of layers that were not
   * collected (which the evaluator then cannot resolve, so it answers unknown rather than allowed).
   */
  idsByPlacement: Map<string, string[]>;
  /** Per network: the ids when the firewall policies of the VM's region were not collected. */
  fallbackIds(network: string): string[];
  gaps: CoverageGap[];
}

/** Builds the firewall policies of every network and region the collector read. */
export function mapFirewalls(ctx: ProjectContext): NetworkFirewalls {
  const c = ctx.raw.compute;
  const vpcListed = !ctx.failure('compute.firewalls.list');
  const byNetwork = new Map<string, RawFirewall[]>();
  for (const fw of c.firewalls) {
    const n = relativeName(fw.network);
    byNetwork.set(n, [...(byNetwork.get(n) ?? []), fw]);
  }
  const policies = new Map<string, NetworkPolicy>();
  const gaps: CoverageGap[] = [];
  const idsByPlacement = new Map<string, string[]>();

  const vpcPolicy = (network: string, offset: number): string => {
    const id = vpcRulesId(network);
    // Without the listing the id stays unresolved, and flows through this network are judged unknown.
    if (vpcListed && !policies.has(id)) {
      policies.set(id, {
        ref: ctx.ref('network-policy', 'gcp-vpc-firewall-rules', id, `${lastSegment(network)} VPC firewall rules`, 'global'),
        kind: 'gcp-firewall',
        stateful: true,
        networkId: network,
        rules: (byNetwork.get(network) ?? []).flatMap((fw) => vpcRules(fw, offset)),
        attachedTo: [network],
      });
    }
    return id;
  };

  for (const [key, effective] of Object.entries(c.effectiveFirewalls).sort(([a], [b]) => a.localeCompare(b))) {
    const at = key.lastIndexOf('@');
    const network = at > 0 ? key.slice(0, at) : key;
    const region = at > 0 ? key.slice(at + 1) : 'global';
    const all = effective.firewallPolicys ?? [];
    const hierarchy = all.filter((p) => p.type === 'HIERARCHY');
    const ofType = (type: string): RawEffectiveFirewallPolicy[] => all.filter((p) => p.type === type);
    const policiesFirst = ctx.network(network)?.networkFirewallPolicyEnforcementOrder === 'BEFORE_CLASSIC_FIREWALL';
    // Fixed slots after the hierarchy, so a policy shared by several regions gets the same offsets everywhere.
    const h = hierarchy.length;
    const slot = policiesFirst ? { NETWORK: h, NETWORK_REGIONAL: h + 1, VPC: h + 2 } : { VPC: h, NETWORK: h + 1, NETWORK_REGIONAL: h + 2 };
    const levels: Array<{ p: RawEffectiveFirewallPolicy; level: number }> = [
      ...hierarchy.map((p, i) => ({ p, level: i })),
      ...ofType('NETWORK').map((p) => ({ p, level: slot.NETWORK })),
      ...ofType('NETWORK_REGIONAL').map((p) => ({ p, level: slot.NETWORK_REGIONAL })),
    ];
    const ids: string[] = [];
    for (const { p, level } of levels) {
      const id = policyId(p, network, region);
      ids.push(id);
      const mapped = mapPolicyRules(id, p.rules ?? [], level * LEVEL_OFFSET);
      if (mapped.undecidable) {
        // Referenced but never defined: the evaluator then answers unknown for these flows.
        ids.push(`${id}#goto_next`);
        if (!gaps.some((g) => g.resourceId === id)) {
          gaps.push({
            provider: 'gcp',
            account: ctx.project,
            region,
            api: 'compute.regionNetworkFirewallPolicies.getEffectiveFirewalls',
            code: 'GotoNextNotEvaluated',
            message: `firewall policy ${id} uses goto_next before other rules, which cloud502 cannot evaluate`,
            resourceId: id,
            impact: `reachability through ${lastSegment(network)} unknown`,
            inputs: ['network-policies'],
          });
        }
      }
      if (!policies.has(id)) {
        policies.set(id, {
          ref: ctx.ref('network-policy', POLICY_TYPE[p.type ?? ''] ?? 'gcp-firewall-policy', id, p.displayName ?? p.name ?? id, region),
          kind: 'gcp-firewall',
          stateful: true,
          networkId: network,
          rules: mapped.rules,
          attachedTo: [network],
        });
      }
    }
    ids.splice(policiesFirst ? ids.length : h, 0, vpcPolicy(network, slot.VPC * LEVEL_OFFSET));
    idsByPlacement.set(`${network}@${region}`, ids);
  }
  // Networks whose VPC rules were listed but whose policies were not read anywhere still get their rules mapped.
  for (const network of byNetwork.keys()) vpcPolicy(network, 0);
  return {
    policies: [...policies.values()],
    idsByPlacement,
    fallbackIds: (network) => [vpcRulesId(network), `${network}#firewall-policies-not-collected`],
    gaps,
  };
}
