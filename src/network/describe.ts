/** Short human labels for rules, peers and ports, used in traces, messages and evidence. */
import type { NetworkPolicyKind, Peer, PolicyRule, PortRange } from '../model/index.js';

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/** `8080`, `1024-65535` or `all`. */
export function formatPorts(ports: PortRange | undefined): string {
  if (!ports || (ports.from <= 0 && ports.to >= 65535)) return 'all';
  return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

export function describePeer(peer: Peer): string {
  switch (peer.type) {
    case 'cidr':
      return peer.cidr;
    case 'security-group':
      return peer.groupId;
    case 'prefix-list':
      return `prefix list ${peer.id}`;
    case 'service-tag':
      return peer.tag;
    case 'network-tag':
      return `tag ${peer.tag}`;
    case 'service-account':
      return `service account ${peer.account}`;
    case 'any':
      return 'any';
  }
}

function protocolLabel(protocol: string): string {
  const p = protocol.toLowerCase();
  return p === '-1' || p === '*' || p === 'all' || p === 'any' ? 'all' : p;
}

/**
 * `acl-1 rule 100 allow tcp 1024-65535 from 10.0.0.0/16`, `sg-app ingress allow tcp 8080 from sg-lb`,
 * `nsg-web AllowHttp (priority 200) deny tcp 80 from Internet`.
 */
export function describeRule(policyId: string, rule: PolicyRule, kind?: NetworkPolicyKind): string {
  const proto = protocolLabel(rule.protocol);
  const ports = proto === 'all' ? '' : ` ${formatPorts(rule.ports)}`;
  const where = rule.direction === 'ingress' ? 'from' : 'to';
  let order: string;
  if (rule.priority === undefined || kind === 'aws-security-group') order = ` ${rule.direction}`;
  // NACL rules are known by their number; the normalizer's id (`acl/ingress/100`) adds nothing.
  else if (kind === 'aws-nacl' || !rule.id) order = ` rule ${rule.priority === 32767 ? '*' : rule.priority}`;
  else order = ` ${rule.id} (priority ${rule.priority})`;
  const applies = rule.appliesTo?.length ? ` on ${rule.appliesTo.map(describePeer).join(', ')}` : '';
  return `${policyId}${order} ${rule.action} ${proto}${ports} ${where} ${describePeer(rule.peer)}${applies}`;
}
