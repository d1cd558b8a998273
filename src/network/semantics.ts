/**
 * How each kind of network policy is evaluated. One first-match evaluator serves every kind; what differs is
 * captured here: which rules are merged, their order, and the defaults the provider applies without storing them.
 */
import type { NetworkPolicy, NetworkPolicyKind, PolicyRule } from '../model/index.js';
import { describeRule } from './describe.js';

/** A rule ready for evaluation, with the policy it came from. */
export interface EvalRule {
  policyId: string;
  rule: PolicyRule;
  /** A provider default, not a stored rule. */
  implicit: boolean;
  label: string;
}

export type Direction = 'ingress' | 'egress';

export interface KindSemantics {
  /** Rules can name another policy as the peer (AWS security groups referencing a security group). */
  referencesPolicies: boolean;
  /** Several policies of this kind on one interface form one rule set (union of SGs; Google's network-wide ordering). */
  merged: boolean;
  /** False when the policy does not see traffic between two interfaces of the same subnet (AWS network ACLs). */
  appliesWithinSubnet: boolean;
  /**
   * Orders one direction's stored rules and appends the provider's defaults, so that first match wins.
   * `policyIds` names the layer's policies for the labels of the defaults.
   */
  ruleList(rules: EvalRule[], direction: Direction, policyIds: string[]): EvalRule[];
}

const ANY_RULE = (direction: Direction, action: 'allow' | 'deny', priority?: number): PolicyRule => ({
  direction,
  action,
  protocol: 'all',
  peer: { type: 'any' },
  ...(priority !== undefined ? { priority } : {}),
});

function implicitRule(policyId: string, rule: PolicyRule, label: string): EvalRule {
  return { policyId, rule, implicit: true, label };
}

/** Lower priority first; rules without a priority after those with one; ties keep the stored order. */
function byPriority(defaultPriority: number | undefined, denyFirstOnTies: boolean) {
  return (a: EvalRule, b: EvalRule): number => {
    const pa = a.rule.priority ?? defaultPriority ?? Number.POSITIVE_INFINITY;
    const pb = b.rule.priority ?? defaultPriority ?? Number.POSITIVE_INFINITY;
    if (pa !== pb) return pa - pb;
    if (denyFirstOnTies && a.rule.action !== b.rule.action) return a.rule.action === 'deny' ? -1 : 1;
    return 0;
  };
}

/**
 * AWS security groups: stateful, allow rules only, the union of every group on the interface; anything no rule
 * allows is denied. https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html
 */
const awsSecurityGroup: KindSemantics = {
  referencesPolicies: true,
  merged: true,
  appliesWithinSubnet: true,
  ruleList(rules, direction, policyIds) {
    // Security groups cannot hold deny rules; one in the data would be a normalizer bug, so it cannot deny here.
    const allows = rules.filter((r) => r.rule.action === 'allow');
    const ids = policyIds.join(', ');
    return [...allows, implicitRule(policyIds[0] ?? '?', ANY_RULE(direction, 'deny'), `${ids}: no ${direction} rule allows it (implicit deny)`)];
  },
};

/**
 * AWS network ACLs: stateless, rules in rule-number order, first match wins, then the `*` rule denies.
 * https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 */
const awsNacl: KindSemantics = {
  referencesPolicies: false,
  merged: false,
  // A network ACL filters traffic entering and leaving its subnet, not traffic between two interfaces inside it.
  appliesWithinSubnet: false,
  ruleList(rules, direction, policyIds) {
    const sorted = [...rules].sort(byPriority(undefined, false));
    return [...sorted, implicitRule(policyIds[0] ?? '?', ANY_RULE(direction, 'deny', 32767), `${policyIds[0] ?? '?'} rule * deny (default)`)];
  },
};

/**
 * Azure default security rules, applied after custom rules (priorities 100–4096) when the adapter did not store them.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
 */
function azureDefaults(direction: Direction, policyId: string): EvalRule[] {
  const rules: Array<[string, PolicyRule]> =
    direction === 'ingress'
      ? [
          ['AllowVnetInBound', { direction, action: 'allow', protocol: 'all', priority: 65000, peer: { type: 'service-tag', tag: 'VirtualNetwork' } }],
          ['AllowAzureLoadBalancerInBound', { direction, action: 'allow', protocol: 'all', priority: 65001, peer: { type: 'service-tag', tag: 'AzureLoadBalancer' } }],
          ['DenyAllInBound', ANY_RULE(direction, 'deny', 65500)],
        ]
      : [
          ['AllowVnetOutBound', { direction, action: 'allow', protocol: 'all', priority: 65000, peer: { type: 'service-tag', tag: 'VirtualNetwork' } }],
          ['AllowInternetOutBound', { direction, action: 'allow', protocol: 'all', priority: 65001, peer: { type: 'service-tag', tag: 'Internet' } }],
          ['DenyAllOutBound', ANY_RULE(direction, 'deny', 65500)],
        ];
  return rules.map(([id, rule]) => implicitRule(policyId, { ...rule, id }, `${policyId} default ${id} (priority ${rule.priority ?? '?'}) ${rule.action}`));
}

/** Azure NSGs: stateful, priority order (lower first), first match wins; NIC and subnet NSGs must both allow. */
const azureNsg: KindSemantics = {
  referencesPolicies: false,
  merged: false,
  appliesWithinSubnet: true,
  ruleList(rules, direction, policyIds) {
    const policyId = policyIds[0] ?? '?';
    // Priorities are unique per direction in Azure; deny-first on a tie only guards against malformed data.
    const sorted = [...rules].sort(byPriority(undefined, true));
    const hasDefaults = rules.some((r) => (r.rule.priority ?? 0) >= 65000);
    return hasDefaults ? [...sorted, implicitRule(policyId, ANY_RULE(direction, 'deny', 65535), `${policyId}: no rule matches (deny)`)] : [...sorted, ...azureDefaults(direction, policyId)];
  },
};

/**
 * Google VPC firewall rules: stateful, priority 0–65535 (default 1000, lower first), a deny beats an allow of the
 * same priority, and the implied rules (deny all ingress, allow all egress) come last.
 * https://cloud.google.com/firewall/docs/firewalls#priority_order_for_firewall_rules
 */
const gcpFirewall: KindSemantics = {
  referencesPolicies: false,
  merged: true,
  appliesWithinSubnet: true,
  ruleList(rules, direction, policyIds) {
    const sorted = [...rules].sort(byPriority(1000, true));
    const network = policyIds.length === 1 ? (policyIds[0] ?? '?') : 'firewall';
    const implied =
      direction === 'ingress'
        ? implicitRule(policyIds[0] ?? '?', ANY_RULE(direction, 'deny', 65535), `${network}: implied deny ingress (priority 65535)`)
        : implicitRule(policyIds[0] ?? '?', ANY_RULE(direction, 'allow', 65535), `${network}: implied allow egress (priority 65535)`);
    return [...sorted, implied];
  },
};

export const KIND_SEMANTICS: Readonly<Record<NetworkPolicyKind, KindSemantics>> = {
  'aws-security-group': awsSecurityGroup,
  'aws-nacl': awsNacl,
  'azure-nsg': azureNsg,
  'gcp-firewall': gcpFirewall,
};

/** Wraps a policy's stored rules of one direction for evaluation. */
export function storedRules(policy: NetworkPolicy, direction: Direction): EvalRule[] {
  const id = policy.ref.id;
  return policy.rules.filter((r) => r.direction === direction).map((rule) => ({ policyId: id, rule, implicit: false, label: describeRule(id, rule, policy.kind) }));
}
