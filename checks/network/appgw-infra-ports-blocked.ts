import type { CheckContext } from '../../src/engine/index.js';
import { defineCheck } from '../../src/engine/index.js';
import type { LoadBalancer, NetworkPolicy, Peer, PortRange, Subnet } from '../../src/model/index.js';
import { cidrContains, cidrsOverlap } from '../../src/model/cidr.js';
import { formatPorts, protocolMatches } from '../../src/network/index.js';
import { KIND_SEMANTICS, storedRules, type EvalRule } from '../../src/network/semantics.js';

/** Ports Azure's infrastructure uses to manage the gateway (Application Gateway infrastructure configuration, network security groups). */
const INFRA_PORTS: Readonly<Record<'v1' | 'v2', PortRange>> = { v1: { from: 65503, to: 65534 }, v2: { from: 65200, to: 65535 } };
const ALL_TCP: PortRange = { from: 0, to: 65535 };
const HTTPS: PortRange = { from: 443, to: 443 };

type Source = 'GatewayManager' | 'AzureLoadBalancer' | 'Internet';

/** The first address of the AzureLoadBalancer tag (the host's virtual IP). */
const AZURE_LB_ADDRESS = '168.63.129.16';

/** Does a rule's peer cover the infrastructure source? GatewayManager addresses are public, so `Internet` covers them. */
function peerCovers(peer: Peer, source: Source): boolean | 'unknown' {
  switch (peer.type) {
    case 'any':
      return true;
    case 'service-tag': {
      const tag = peer.tag.toLowerCase();
      if (tag === source.toLowerCase()) return true;
      if (source === 'GatewayManager' && tag === 'internet') return true;
      // Other service tags (regional variants, Storage, ...) name other Azure services.
      return tag.startsWith(`${source.toLowerCase()}.`) ? 'unknown' : false;
    }
    case 'cidr':
      if (peer.cidr === '0.0.0.0/0') return true;
      if (source === 'AzureLoadBalancer') return cidrContains(peer.cidr, AZURE_LB_ADDRESS);
      // GatewayManager's prefixes are not collected: a public range may or may not hold them; a private one does not.
      return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(peer.cidr) ? false : 'unknown';
    default:
      return false;
  }
}

/** Does an inbound rule protect the gateway subnet (its destination prefixes)? Outbound rules: their source prefixes. */
function appliesToSubnet(rule: EvalRule, subnet: Subnet): boolean | 'unknown' {
  const selectors = rule.rule.appliesTo ?? [];
  if (selectors.length === 0) return true;
  let unknown = false;
  for (const s of selectors) {
    if (s.type === 'any') return true;
    if (s.type === 'service-tag' && s.tag.toLowerCase() === 'virtualnetwork') return true;
    if (s.type === 'cidr' && subnet.cidr) {
      if (cidrContains(s.cidr, subnet.cidr)) return true;
      if (cidrsOverlap(s.cidr, subnet.cidr)) unknown = true;
    } else if (s.type !== 'service-tag') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

/** The destination of an outbound flow to the Internet: a rule for `Internet`, `*` or 0.0.0.0/0 covers it. */
function coversInternet(peer: Peer): boolean | 'unknown' {
  if (peer.type === 'any') return true;
  if (peer.type === 'service-tag') return peer.tag.toLowerCase() === 'internet';
  if (peer.type === 'cidr') return peer.cidr === '0.0.0.0/0' ? true : 'unknown';
  return false;
}

interface Judged {
  /** Port ranges denied, with the rule that denied each (and its priority, undefined for Azure's defaults). */
  denied: Array<{ ports: PortRange; rule: string; priority?: number }>;
  /** Port ranges whose verdict depends on a rule whose match is not known. */
  undecided: Array<{ ports: PortRange; rule: string }>;
}

function subtract(ranges: PortRange[], cut: PortRange): PortRange[] {
  return ranges.flatMap((r) => {
    if (cut.to < r.from || cut.from > r.to) return [r];
    const out: PortRange[] = [];
    if (r.from < cut.from) out.push({ from: r.from, to: cut.from - 1 });
    if (cut.to < r.to) out.push({ from: cut.to + 1, to: r.to });
    return out;
  });
}

function intersect(a: PortRange, b: PortRange): PortRange | undefined {
  const from = Math.max(a.from, b.from);
  const to = Math.min(a.to, b.to);
  return from <= to ? { from, to } : undefined;
}

/**
 * First-match over the NSG's rules (stored and Azure's defaults, priority order) for TCP `ports` between the gateway
 * subnet and `matches`. A rule whose match cannot be decided marks the ports it touches as undecided when a later rule
 * decides them differently.
 */
function judge(policy: NetworkPolicy, direction: 'ingress' | 'egress', ports: PortRange, subnet: Subnet, matches: (peer: Peer) => boolean | 'unknown'): Judged {
  // Labels name the NSG by its name, not its ARM id.
  const list = KIND_SEMANTICS['azure-nsg']
    .ruleList(storedRules(policy, direction), direction, [policy.ref.id])
    .map((r) => ({ ...r, label: r.label.split(policy.ref.id).join(policy.ref.name) }));
  let open: PortRange[] = [ports];
  const maybe: Array<{ ports: PortRange; rule: EvalRule }> = [];
  const out: Judged = { denied: [], undecided: [] };
  for (const r of list) {
    if (open.length === 0) break;
    if (!protocolMatches(r.rule.protocol, 'tcp')) continue;
    const local = appliesToSubnet(r, subnet);
    const peer = matches(r.rule.peer);
    if (local === false || peer === false) continue;
    const rulePorts = r.rule.ports ?? ALL_TCP;
    const hit = open.map((o) => intersect(o, rulePorts)).filter((p): p is PortRange => p !== undefined);
    if (hit.length === 0) continue;
    if (local === 'unknown' || peer === 'unknown') {
      for (const p of hit) maybe.push({ ports: p, rule: r });
      continue;
    }
    for (const p of hit) {
      const doubt = maybe.find((m) => intersect(m.ports, p) && m.rule.rule.action !== r.rule.action);
      if (doubt) out.undecided.push({ ports: p, rule: doubt.rule.label });
      else if (r.rule.action === 'deny') out.denied.push({ ports: p, rule: r.label, ...(r.implicit || r.rule.priority === undefined ? {} : { priority: r.rule.priority }) });
      open = subtract(open, p);
    }
  }
  return out;
}

function generationOf(lb: LoadBalancer): 'v1' | 'v2' | undefined {
  const g = lb.attributes.generation;
  if (g === 'v1' || g === 'v2') return g;
  const sku = (lb.sku ?? '').toLowerCase();
  if (sku === 'standard_v2' || sku === 'waf_v2' || sku === 'basic') return 'v2';
  if (sku === 'standard' || sku === 'waf') return 'v1';
  return undefined;
}

function portsText(ranges: Array<{ ports: PortRange }>): string {
  return ranges.map((r) => formatPorts(r.ports)).join(', ');
}

export const appgwInfraPortsBlocked = defineCheck({
  id: 'network/appgw-infra-ports-blocked',
  title: 'Application Gateway subnets admit the Azure infrastructure traffic the gateway needs',
  family: 'network',
  severity: 'critical',
  causes: [502],
  kinds: ['azure-appgw'],
  fixes: ['allow-flow'],
  rationale:
    'An NSG on the Application Gateway subnet must allow inbound TCP 65200-65535 (v2) or 65503-65534 (v1) from the ' +
    'GatewayManager service tag, inbound traffic from AzureLoadBalancer, and must not block outbound Internet access. ' +
    'Azure manages the gateway instances through these paths; when they are blocked the gateway cannot report or keep ' +
    'backend health (backend health shows Unknown), configuration updates fail, and clients get 502. The check walks the ' +
    'subnet NSG rules, Azure default rules included, in priority order and names the rule that decides.',
  remediation: {
    summary:
      'Add, above the rule that blocks it, an NSG rule on the gateway subnet allowing TCP {{ports}} {{direction}} {{sourceTag}}: ' +
      'GatewayManager on the infrastructure ports, AzureLoadBalancer inbound, the Internet outbound.',
  },
  docs: [
    'https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#network-security-groups',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting#backend-health-status-unknown',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview#nsg-considerations',
  ],
  // Judges load balancers, listeners or subnets, never the pools they route to.
  judgesPools: false,
  thresholds: {},
  messages: {
    gatewayManagerBlocked:
      '{{nsg}} on the subnet of {{lb}} ({{generation}}) blocks TCP {{ports}} from GatewayManager ({{rule}}): Azure cannot manage the gateway, backend health turns Unknown and clients get 502.',
    loadBalancerBlocked:
      '{{nsg}} on the subnet of {{lb}} blocks traffic from AzureLoadBalancer on TCP {{ports}} ({{rule}}): the gateway instances fail their infrastructure health checks and clients get 502.',
    internetOutboundBlocked:
      '{{nsg}} on the subnet of {{lb}} blocks outbound HTTPS to the Internet ({{rule}}): the gateway cannot reach Azure management, Key Vault or certificate revocation endpoints; backend health turns Unknown and clients get 502.',
  },
  evaluate(inv, ctx) {
    for (const lb of inv.loadBalancers) {
      if (lb.kind !== 'azure-appgw') continue;
      judgeGateway(lb, ctx);
    }

    function judgeGateway(lb: LoadBalancer, c: CheckContext): void {
      const generation = generationOf(lb);
      if (!generation) {
        c.unknown(lb, `the SKU of ${lb.ref.name} (${lb.sku ?? 'not collected'}) does not say whether it is v1 or v2, so the infrastructure ports are not known.`);
        return;
      }
      if (lb.subnetIds.length === 0) {
        c.unknown(lb, 'the subnet of the gateway was not recorded (Microsoft.Network/applicationGateways/read).');
        return;
      }
      const unhealthyUnknown = c.index.poolsOf(lb).flatMap((p) => p.targets ?? []).filter((t) => t.health.cause === 'health-unknown').map((t) => t.key);
      let failed = false;
      let undecided: string | undefined;
      for (const subnetId of lb.subnetIds) {
        const subnet = c.index.subnet(subnetId);
        if (!subnet) {
          undecided = `subnet ${subnetId.split('/').pop() ?? subnetId} of the gateway was not collected (Microsoft.Network/virtualNetworks/read)`;
          continue;
        }
        for (const nsgId of subnet.networkPolicyIds) {
          const policy = c.index.policy(nsgId);
          if (!policy) {
            undecided = `NSG ${nsgId.split('/').pop() ?? nsgId} on the gateway subnet was not collected (Microsoft.Network/networkSecurityGroups/read)`;
            continue;
          }
          const infra = INFRA_PORTS[generation];
          const findings = [
            { messageId: 'gatewayManagerBlocked', judged: judge(policy, 'ingress', infra, subnet, (p) => peerCovers(p, 'GatewayManager')), source: 'GatewayManager', ports: infra, direction: 'Inbound' },
            { messageId: 'loadBalancerBlocked', judged: judge(policy, 'ingress', ALL_TCP, subnet, (p) => peerCovers(p, 'AzureLoadBalancer')), source: 'AzureLoadBalancer', ports: ALL_TCP, direction: 'Inbound' },
            { messageId: 'internetOutboundBlocked', judged: judge(policy, 'egress', HTTPS, subnet, coversInternet), source: 'Internet', ports: HTTPS, direction: 'Outbound' },
          ] as const;
          for (const f of findings) {
            if (f.judged.undecided.length > 0 && f.judged.denied.length === 0) {
              undecided = `whether ${policy.ref.name} allows ${f.source} on TCP ${portsText(f.judged.undecided)} depends on ${f.judged.undecided[0]?.rule} (the addresses behind ${f.source} are not collected)`;
              continue;
            }
            if (f.judged.denied.length === 0) continue;
            failed = true;
            const deniedPorts = portsText(f.judged.denied);
            const rule = f.judged.denied[0]!.rule;
            c.fail(
              lb,
              f.messageId,
              { nsg: policy.ref.name, lb: lb.ref.name, generation, ports: deniedPorts, rule, sourceTag: f.source, direction: f.direction === 'Inbound' ? 'from' : 'to' },
              {
                discriminator: `${policy.ref.id}|${f.messageId}`,
                fix: {
                  kind: 'allow-flow',
                  policyId: policy.ref.id,
                  direction: f.direction === 'Inbound' ? 'ingress' : 'egress',
                  protocol: 'tcp',
                  ports: f.ports,
                  peers: [{ type: 'service-tag', tag: f.source }],
                  purpose: 'infrastructure',
                  ...(f.judged.denied[0]!.priority !== undefined ? { beforePriority: f.judged.denied[0]!.priority } : {}),
                },
                evidence: {
                  path: `networkPolicies[${policy.ref.id}].rules (${f.direction === 'Inbound' ? 'ingress' : 'egress'})`,
                  observed: `TCP ${deniedPorts} ${f.direction === 'Inbound' ? 'from' : 'to'} ${f.source} denied by ${rule}`,
                  expected: `TCP ${formatPorts(f.ports)} ${f.direction === 'Inbound' ? 'from' : 'to'} ${f.source} allowed`,
                  source: 'api',
                  details: {
                    subnet: subnet.id,
                    generation,
                    denied: f.judged.denied.map((d) => ({ ports: formatPorts(d.ports), rule: d.rule })),
                    ...(unhealthyUnknown.length > 0 ? { backendsWithUnknownHealth: unhealthyUnknown } : {}),
                  },
                },
              },
            );
          }
        }
      }
      if (failed) return;
      if (undecided) c.unknown(lb, `${undecided}.`);
      else c.pass(lb);
    }
  },
});
