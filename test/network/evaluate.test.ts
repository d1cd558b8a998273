import { describe, expect, it } from 'vitest';
import type { NetworkPolicy, NetworkPolicyKind, PolicyRule, Subnet } from '../../src/model/index.js';
import type { Endpoint, Flow, FlowStep, NetworkContextOptions } from '../../src/network/index.js';
import { evaluateFlow, networkContext } from '../../src/network/index.js';
import { nacl, rule, securityGroup, subnet } from '../support/builders.js';

function policy(kind: NetworkPolicyKind, id: string, rules: PolicyRule[], stateful = kind !== 'aws-nacl'): NetworkPolicy {
  const provider = kind.startsWith('azure') ? 'azure' : kind.startsWith('gcp') ? 'gcp' : 'aws';
  return { ref: { provider, kind: 'network-policy', type: kind, id, name: id }, kind, stateful, rules, attachedTo: [] };
}

// Subnets without policies of their own, so that only the policies under test decide.
const bareSubnets = [subnet('subnet-lb', '10.0.0.0/24'), subnet('subnet-app', '10.0.1.0/24')];

function verdict(flow: Partial<Flow> & Pick<Flow, 'source' | 'destination'>, policies: NetworkPolicy[], subnets: Subnet[] = bareSubnets, options: NetworkContextOptions = {}) {
  return evaluateFlow({ protocol: 'tcp', port: 8080, ...flow }, networkContext({ networkPolicies: policies, subnets }, options));
}

const short = (s: FlowStep) => `${s.path}:${s.at}:${s.direction}:${s.policyId}:${s.decision}`;

// An ALB node and an instance target in different subnets, as on AWS.
const lbNode: Endpoint = { label: 'alb node', address: '10.0.0.5', policyIds: ['sg-lb'], subnetId: 'subnet-lb' };
const app: Endpoint = { label: 'i-app', address: '10.0.1.10', policyIds: ['sg-app'], subnetId: 'subnet-app' };
const lbEgress = (overrides: Partial<PolicyRule> = {}) => rule({ direction: 'egress', peer: { type: 'security-group', groupId: 'sg-app' }, ...overrides });
const appIngress = (overrides: Partial<PolicyRule> = {}) => rule({ direction: 'ingress', peer: { type: 'security-group', groupId: 'sg-lb' }, ...overrides });
const sgPair = (lbRules: PolicyRule[] = [lbEgress()], appRules: PolicyRule[] = [appIngress()]) => [securityGroup('sg-lb', lbRules), securityGroup('sg-app', appRules)];

describe('AWS security groups', () => {
  it('allows a flow when source egress and destination ingress both allow it, by group reference', () => {
    const v = verdict({ source: lbNode, destination: app }, sgPair());
    expect(v.allowed).toBe(true);
    expect(v.steps.map(short)).toEqual(['forward:source:egress:sg-lb:allow', 'forward:destination:ingress:sg-app:allow']);
    expect(v.steps[1]?.rule?.peer).toEqual({ type: 'security-group', groupId: 'sg-lb' });
  });

  it('denies when the destination group has no matching ingress rule (implicit deny) and names it', () => {
    const v = verdict({ source: lbNode, destination: app }, sgPair([lbEgress()], [appIngress({ ports: { from: 80, to: 80 } })]));
    expect(v.allowed).toBe(false);
    const step = v.steps.find((s) => s.at === 'destination');
    expect(step).toMatchObject({ decision: 'deny', policyId: 'sg-app', decidedBy: { implicit: true } });
    expect(step?.rule).toBeUndefined();
    expect(v.reason).toContain('implicit deny');
  });

  it('denies when the source group has no egress to the destination', () => {
    const v = verdict({ source: lbNode, destination: app }, sgPair([lbEgress({ peer: { type: 'security-group', groupId: 'sg-other' } })]));
    expect(v.allowed).toBe(false);
    expect(v.steps.map(short)).toEqual(['forward:source:egress:sg-lb:deny', 'forward:destination:ingress:sg-app:allow']);
  });

  it.each([
    ['10.0.0.0/16 contains the source', '10.0.0.0/16', true],
    ['exact /32', '10.0.0.5/32', true],
    ['a neighbouring /32', '10.0.0.6/32', false],
    ['another VPC range', '10.1.0.0/16', false],
    ['0.0.0.0/0', '0.0.0.0/0', true],
    ['::/0 never matches an IPv4 source', '::/0', false],
  ])('matches CIDR peers by containment: %s', (_name, cidr, allowed) => {
    const v = verdict({ source: lbNode, destination: app }, sgPair([lbEgress()], [appIngress({ peer: { type: 'cidr', cidr } })]));
    expect(v.allowed).toBe(allowed);
  });

  it.each([
    ['a range ending exactly at the port', { from: 8000, to: 8080 }, true],
    ['a range starting exactly at the port', { from: 8080, to: 9000 }, true],
    ['a range ending one below', { from: 8000, to: 8079 }, false],
    ['a range starting one above', { from: 8081, to: 9000 }, false],
  ])('matches port ranges inclusively: %s', (_name, ports, allowed) => {
    expect(verdict({ source: lbNode, destination: app }, sgPair([lbEgress()], [appIngress({ ports })])).allowed).toBe(allowed);
  });

  it.each([
    ['-1', true],
    ['all', true],
    ['6', true],
    ['TCP', true],
    ['udp', false],
    ['17', false],
    ['icmp', false],
  ])('matches protocol %s for a TCP flow: %s', (protocol, allowed) => {
    const v = verdict({ source: lbNode, destination: app }, sgPair([lbEgress()], [appIngress({ protocol, ports: protocol === '-1' || protocol === 'all' ? undefined : { from: 8080, to: 8080 } })]));
    expect(v.allowed).toBe(allowed);
  });

  it('evaluates UDP flows against UDP rules', () => {
    const policies = sgPair([lbEgress({ protocol: '-1', ports: undefined })], [appIngress({ protocol: 'udp', ports: { from: 53, to: 53 } })]);
    expect(verdict({ source: lbNode, destination: app, protocol: 'udp', port: 53 }, policies).allowed).toBe(true);
    expect(verdict({ source: lbNode, destination: app, protocol: 'tcp', port: 53 }, policies).allowed).toBe(false);
  });

  it('takes the union of every group on the interface and reports the group whose rule allowed', () => {
    const dst: Endpoint = { ...app, policyIds: ['sg-base', 'sg-app'] };
    const v = verdict({ source: lbNode, destination: dst }, [...sgPair(), securityGroup('sg-base', [rule({ ports: { from: 22, to: 22 } })])]);
    expect(v.allowed).toBe(true);
    const step = v.steps.find((s) => s.at === 'destination');
    expect(step).toMatchObject({ policyId: 'sg-app', policyIds: ['sg-base', 'sg-app'], decision: 'allow' });
  });

  it('answers unknown for an uncollected prefix list, and decides once its entries are known', () => {
    const policies = sgPair([lbEgress()], [appIngress({ peer: { type: 'prefix-list', id: 'pl-123' } })]);
    const unknown = verdict({ source: lbNode, destination: app }, policies);
    expect(unknown.allowed).toBe('unknown');
    expect(unknown.reason).toContain('pl-123');
    expect(verdict({ source: lbNode, destination: app }, policies, bareSubnets, { prefixLists: { 'pl-123': ['10.0.0.0/24'] } }).allowed).toBe(true);
    expect(verdict({ source: lbNode, destination: app }, policies, bareSubnets, { prefixLists: { 'pl-123': ['192.168.0.0/16'] } }).allowed).toBe(false);
  });

  it('ignores an undecidable prefix-list rule when another rule allows anyway (union of allows)', () => {
    const policies = sgPair([lbEgress()], [appIngress({ peer: { type: 'prefix-list', id: 'pl-123' } }), appIngress()]);
    expect(verdict({ source: lbNode, destination: app }, policies).allowed).toBe(true);
  });

  it('keeps a known allow when another group of the interface is missing, and is unknown otherwise', () => {
    const dst: Endpoint = { ...app, policyIds: ['sg-app', 'sg-gone'] };
    expect(verdict({ source: lbNode, destination: dst }, sgPair()).allowed).toBe(true);
    const v = verdict({ source: lbNode, destination: dst }, sgPair([lbEgress()], []));
    expect(v.allowed).toBe('unknown');
    expect(v.missing).toEqual(['sg-gone']);
    expect(v.reason).toContain('sg-gone');
  });

  it('answers unknown, naming the id, when a referenced policy is not in the inventory', () => {
    const v = verdict({ source: lbNode, destination: { ...app, policyIds: ['sg-gone'] } }, [securityGroup('sg-lb', [lbEgress({ peer: { type: 'any' } })])]);
    expect(v.allowed).toBe('unknown');
    expect(v.missing).toEqual(['sg-gone']);
    expect(v.steps.find((s) => s.at === 'destination')).toMatchObject({ decision: 'unknown', policyKind: 'unknown', policyId: 'sg-gone' });
  });

  it('answers unknown when an endpoint’s policies are not known at all', () => {
    const v = verdict({ source: lbNode, destination: { ...app, policyIds: undefined } }, sgPair());
    expect(v.allowed).toBe('unknown');
    expect(v.reason).toContain('policies attached to i-app are not known');
  });

  it('is stateful: no return-path steps', () => {
    expect(verdict({ source: lbNode, destination: app }, sgPair()).steps.some((s) => s.path === 'return')).toBe(false);
  });

  it('requires every client of a CIDR source to be allowed (client IP preservation)', () => {
    const clients: Endpoint = { label: 'clients', cidr: '0.0.0.0/0', policyIds: [] };
    const partial = verdict({ source: clients, destination: app }, [securityGroup('sg-app', [appIngress({ peer: { type: 'cidr', cidr: '10.0.0.0/8' } })])]);
    expect(partial.allowed).toBe(false);
    const step = partial.steps[0];
    expect(step?.decision).toBe('partial');
    expect(step?.parts?.map((p) => `${p.addresses}:${p.decision}`)).toEqual(['0.0.0.0-9.255.255.255:deny', '10.0.0.0/8:allow', '11.0.0.0-255.255.255.255:deny']);
    const all = verdict({ source: clients, destination: app }, [securityGroup('sg-app', [appIngress({ peer: { type: 'cidr', cidr: '0.0.0.0/0' } })])]);
    expect(all.allowed).toBe(true);
  });

  it('judges a node known only by its subnet: allowed if the whole subnet is, unknown if it depends on the address', () => {
    const node: Endpoint = { label: 'nlb node', addressIn: '10.0.0.0/24', policyIds: [] };
    const withRule = (cidr: string) => verdict({ source: node, destination: app }, [securityGroup('sg-app', [appIngress({ peer: { type: 'cidr', cidr } })])]);
    expect(withRule('10.0.0.0/16').allowed).toBe(true);
    expect(withRule('10.0.0.0/28').allowed).toBe('unknown');
    expect(withRule('10.0.0.0/28').reason).toContain('depends on which address in 10.0.0.0/24');
    expect(withRule('10.9.0.0/28').allowed).toBe(false);
  });

  it('never matches across address families', () => {
    const v6: Endpoint = { ...lbNode, address: '2001:db8::5' };
    const policies = sgPair([lbEgress()], [appIngress({ peer: { type: 'cidr', cidr: '0.0.0.0/0' } })]);
    expect(verdict({ source: v6, destination: app }, policies).allowed).toBe(false);
  });
});

describe('AWS network ACLs', () => {
  const subnets = [subnet('subnet-lb', '10.0.0.0/24', { networkPolicyIds: ['acl-lb'] }), subnet('subnet-app', '10.0.1.0/24', { networkPolicyIds: ['acl-app'] })];
  const open = (direction: 'ingress' | 'egress', ports = { from: 0, to: 65535 }, priority = 100, cidr = '10.0.0.0/16') =>
    rule({ direction, priority, protocol: 'tcp', ports, peer: { type: 'cidr', cidr } });
  const eph = { from: 1024, to: 65535 };
  const okAcls = (overrides: { lb?: PolicyRule[]; app?: PolicyRule[] } = {}) => [
    nacl('acl-lb', overrides.lb ?? [open('egress', { from: 8080, to: 8080 }), open('ingress', eph)]),
    nacl('acl-app', overrides.app ?? [open('ingress', { from: 8080, to: 8080 }), open('egress', eph)]),
  ];
  const all = (extra: NetworkPolicy[]) => [securityGroup('sg-lb', [lbEgress()]), securityGroup('sg-app', [appIngress()]), ...extra];

  it('evaluates both subnets’ ACLs forward and on the return path to ephemeral ports', () => {
    const v = verdict({ source: lbNode, destination: app }, all(okAcls()), subnets);
    expect(v.allowed).toBe(true);
    expect(v.steps.map(short)).toEqual([
      'forward:source:egress:sg-lb:allow',
      'forward:source:egress:acl-lb:allow',
      'forward:destination:ingress:acl-app:allow',
      'forward:destination:ingress:sg-app:allow',
      'return:destination:egress:acl-app:allow',
      'return:source:ingress:acl-lb:allow',
    ]);
    expect(v.steps[4]?.ports).toEqual(eph);
  });

  it('skips ACLs when both endpoints are in the same subnet', () => {
    const dst = { ...app, subnetId: 'subnet-lb' };
    const v = verdict({ source: lbNode, destination: dst }, all([nacl('acl-lb', [])]), subnets);
    expect(v.allowed).toBe(true);
    expect(v.steps.every((s) => s.policyKind === 'aws-security-group')).toBe(true);
    expect(v.reason).toContain('acl-lb not evaluated');
  });

  it('evaluates a NACL listed among the target’s policies at subnet level, once', () => {
    const dst = { ...app, policyIds: ['sg-app', 'acl-app'] };
    const v = verdict({ source: lbNode, destination: dst }, all(okAcls()), subnets);
    expect(v.steps.filter((s) => s.policyId === 'acl-app').map(short)).toEqual(['forward:destination:ingress:acl-app:allow', 'return:destination:egress:acl-app:allow']);
  });

  it('applies the lowest rule number first, whatever the stored order', () => {
    const deny = rule({ direction: 'ingress', action: 'deny', priority: 100, protocol: '-1', ports: undefined, peer: { type: 'cidr', cidr: '10.0.0.0/24' } });
    const allow = open('ingress', { from: 8080, to: 8080 }, 200);
    const denied = verdict({ source: lbNode, destination: app }, all(okAcls({ app: [allow, deny, open('egress', eph)] })), subnets);
    expect(denied.allowed).toBe(false);
    expect(denied.steps.find((s) => s.policyId === 'acl-app' && s.path === 'forward')).toMatchObject({ decision: 'deny', rule: { priority: 100 } });
    const allowed = verdict({ source: lbNode, destination: app }, all(okAcls({ app: [{ ...deny, priority: 300 }, allow, open('egress', eph)] })), subnets);
    expect(allowed.allowed).toBe(true);
  });

  it('denies by the default * rule when nothing matches', () => {
    const v = verdict({ source: lbNode, destination: app }, all(okAcls({ app: [open('egress', eph)] })), subnets);
    expect(v.allowed).toBe(false);
    const step = v.steps.find((s) => s.decision === 'deny');
    expect(step).toMatchObject({ policyId: 'acl-app', direction: 'ingress', decidedBy: { implicit: true, label: 'acl-app rule * deny (default)' } });
  });

  it('blocks the return path when the ephemeral range starts at 1025, naming port 1024', () => {
    const v = verdict({ source: lbNode, destination: app }, all(okAcls({ app: [open('ingress', { from: 8080, to: 8080 }), open('egress', { from: 1025, to: 65535 })] })), subnets);
    expect(v.allowed).toBe(false);
    const step = v.steps.find((s) => s.path === 'return' && s.at === 'destination');
    expect(step?.decision).toBe('partial');
    expect(step?.parts?.map((p) => `${p.ports.from}-${p.ports.to}:${p.decision}`)).toEqual(['1024-1024:deny', '1025-65535:allow']);
    expect(v.reason).toMatch(/^partly blocked on the return path/);
  });

  it('blocks the return path at the load balancer subnet ingress too', () => {
    const v = verdict({ source: lbNode, destination: app }, all(okAcls({ lb: [open('egress', { from: 8080, to: 8080 }), open('ingress', { from: 32768, to: 65535 })] })), subnets);
    expect(v.allowed).toBe(false);
    expect(v.steps.filter((s) => s.decision !== 'allow').map(short)).toEqual(['return:source:ingress:acl-lb:partial']);
  });

  it('answers unknown when the peer address is missing and a CIDR rule must decide', () => {
    const noAddress: Endpoint = { label: 'node', policyIds: ['sg-lb'], subnetId: 'subnet-lb' };
    const v = verdict({ source: noAddress, destination: app }, all(okAcls()), subnets);
    expect(v.allowed).toBe('unknown');
    expect(v.reason).toContain('address of node is not known');
  });

  it('answers unknown, naming the ACL or subnet, when it was not collected', () => {
    const missingAcl = verdict({ source: lbNode, destination: app }, all([okAcls()[0]!]), subnets);
    expect(missingAcl.allowed).toBe('unknown');
    expect(missingAcl.missing).toEqual(['acl-app']);
    const missingSubnet = verdict({ source: lbNode, destination: app }, all(okAcls()), [subnets[0]!]);
    expect(missingSubnet.allowed).toBe('unknown');
    expect(missingSubnet.missing).toEqual(['subnet-app']);
  });

  it('is false, not unknown, when a known policy denies even though another is missing', () => {
    const v = verdict({ source: lbNode, destination: { ...app, policyIds: ['sg-gone'] } }, [securityGroup('sg-lb', [lbEgress()]), ...okAcls({ app: [open('egress', eph)] })], subnets);
    expect(v.allowed).toBe(false);
    expect(v.missing).toEqual(['sg-gone']);
  });
});

describe('Azure NSGs (generic ordered rules)', () => {
  const probe: Endpoint = { label: 'Azure LB probe', serviceTag: 'AzureLoadBalancer', policyIds: [] };
  const vm: Endpoint = { label: 'vm-1', address: '10.1.0.4', policyIds: ['nsg-nic'], subnetId: 'snet-web' };
  const snet = subnet('snet-web', '10.1.0.0/24', { networkPolicyIds: ['nsg-subnet'] });
  const nsgRule = (o: Partial<PolicyRule>): PolicyRule => ({ direction: 'ingress', action: 'allow', protocol: 'Tcp', ports: { from: 80, to: 80 }, peer: { type: 'any' }, ...o });
  const nsg = (id: string, rules: PolicyRule[]) => policy('azure-nsg', id, rules);

  it('applies the default rules when none are stored: AllowAzureLoadBalancerInBound lets the probe in', () => {
    const v = verdict({ source: probe, destination: vm, port: 80 }, [nsg('nsg-nic', []), nsg('nsg-subnet', [])], [snet]);
    expect(v.allowed).toBe(true);
    expect(v.steps.map((s) => s.decidedBy?.label)).toEqual([
      'nsg-subnet default AllowAzureLoadBalancerInBound (priority 65001) allow',
      'nsg-nic default AllowAzureLoadBalancerInBound (priority 65001) allow',
    ]);
  });

  it('denies the probe with a custom deny-all above the defaults, and lets a higher-priority allow win', () => {
    const denyAll = nsgRule({ id: 'DenyAll', action: 'deny', priority: 4000, protocol: '*', ports: undefined });
    const denied = verdict({ source: probe, destination: vm, port: 80 }, [nsg('nsg-nic', [denyAll]), nsg('nsg-subnet', [])], [snet]);
    expect(denied.allowed).toBe(false);
    expect(denied.steps.find((s) => s.decision === 'deny')).toMatchObject({ policyId: 'nsg-nic', rule: { id: 'DenyAll' } });
    const allowLb = nsgRule({ id: 'AllowProbe', priority: 3000, peer: { type: 'service-tag', tag: 'AzureLoadBalancer' } });
    expect(verdict({ source: probe, destination: vm, port: 80 }, [nsg('nsg-nic', [denyAll, allowLb]), nsg('nsg-subnet', [])], [snet]).allowed).toBe(true);
  });

  it('requires both the subnet NSG and the NIC NSG to allow, also inside one subnet', () => {
    const web: Endpoint = { label: 'vm-2', address: '10.1.0.5', policyIds: [], subnetId: 'snet-web' };
    const denyFromVnet = nsgRule({ id: 'DenyVnet', action: 'deny', priority: 100, peer: { type: 'service-tag', tag: 'VirtualNetwork' } });
    const v = verdict({ source: web, destination: vm, port: 80 }, [nsg('nsg-nic', []), nsg('nsg-subnet', [denyFromVnet])], [snet]);
    expect(v.allowed).toBe(false);
    expect(v.steps.filter((s) => s.decision === 'deny').map(short)).toEqual(['forward:destination:ingress:nsg-subnet:deny']);
    expect(v.steps.some((s) => s.path === 'return')).toBe(false);
  });

  it('does not match an AzureLoadBalancer rule against virtual-network clients, even when VirtualNetwork spans 0.0.0.0/0', () => {
    const clients: Endpoint = { label: 'VirtualNetwork', serviceTag: 'VirtualNetwork', policyIds: [] };
    const denyProbes = nsgRule({ id: 'DenyAzureLoadBalancer', action: 'deny', priority: 100, protocol: '*', ports: undefined, peer: { type: 'service-tag', tag: 'AzureLoadBalancer' } });
    const allowVnet = nsgRule({ id: 'AllowVnet', priority: 110, peer: { type: 'service-tag', tag: 'VirtualNetwork' } });
    // A user-defined 0.0.0.0/0 route puts every address in VirtualNetwork, 168.63.129.16 included.
    const wide = { serviceTagPrefixes: { VirtualNetwork: ['10.1.0.0/16', '0.0.0.0/0'] } };
    expect(verdict({ source: clients, destination: vm, port: 80 }, [nsg('nsg-nic', [denyProbes, allowVnet]), nsg('nsg-subnet', [])], [snet], wide).allowed).toBe(true);
    // The probe itself stays denied by that rule.
    expect(verdict({ source: probe, destination: vm, port: 80 }, [nsg('nsg-nic', [denyProbes, allowVnet]), nsg('nsg-subnet', [])], [snet], wide).allowed).toBe(false);
  });

  it('does not match an Internet-tag rule against a source inside the virtual network', () => {
    const web: Endpoint = { label: 'vm-2', address: '10.1.0.5', policyIds: [], subnetId: 'snet-web' };
    const denyInternet = nsgRule({ id: 'DenyInternet', action: 'deny', priority: 100, peer: { type: 'service-tag', tag: 'Internet' } });
    expect(verdict({ source: web, destination: vm, port: 80 }, [nsg('nsg-nic', [denyInternet]), nsg('nsg-subnet', [])], [snet]).allowed).toBe(true);
  });

  it('is unknown when a service tag’s membership cannot be decided and the outcomes differ', () => {
    const gw: Endpoint = { label: 'gateway manager', serviceTag: 'GatewayManager', policyIds: [] };
    const denyInternet = nsgRule({ id: 'DenyInternet', action: 'deny', priority: 100, ports: { from: 65200, to: 65535 }, peer: { type: 'service-tag', tag: 'Internet' } });
    const allowGw = nsgRule({ id: 'AllowGwm', priority: 200, ports: { from: 65200, to: 65535 }, peer: { type: 'service-tag', tag: 'GatewayManager' } });
    const v = verdict({ source: gw, destination: vm, port: 65200 }, [nsg('nsg-nic', [allowGw, denyInternet]), nsg('nsg-subnet', [allowGw])], [snet]);
    expect(v.allowed).toBe('unknown');
    expect(v.reason).toContain('service tag Internet');
  });

  it('matches Azure destination prefixes (appliesTo) against the protected side', () => {
    const onlyOther = nsgRule({ id: 'AllowOther', priority: 100, appliesTo: [{ type: 'cidr', cidr: '10.1.0.99/32' }], peer: { type: 'cidr', cidr: '203.0.113.0/24' } });
    const client: Endpoint = { label: 'client', address: '203.0.113.7', serviceTag: 'Internet', policyIds: [] };
    expect(verdict({ source: client, destination: vm, port: 80 }, [nsg('nsg-nic', [onlyOther]), nsg('nsg-subnet', [{ ...onlyOther, appliesTo: undefined }])], [snet]).allowed).toBe(false);
    const mine = { ...onlyOther, appliesTo: [{ type: 'cidr' as const, cidr: '10.1.0.4/32' }] };
    expect(verdict({ source: client, destination: vm, port: 80 }, [nsg('nsg-nic', [mine]), nsg('nsg-subnet', [{ ...onlyOther, appliesTo: undefined }])], [snet]).allowed).toBe(true);
  });

  it('answers unknown for a missing NSG', () => {
    const v = verdict({ source: probe, destination: vm, port: 80 }, [nsg('nsg-subnet', [])], [snet]);
    expect(v.allowed).toBe('unknown');
    expect(v.missing).toEqual(['nsg-nic']);
  });
});

describe('Google firewall rules (generic ordered rules)', () => {
  const probe: Endpoint = { label: 'Google health checkers', cidr: '35.191.0.0/16', policyIds: [] };
  const web: Endpoint = { label: 'vm-web', address: '10.2.0.10', policyIds: ['fw-a', 'fw-b'], networkTags: ['web'], serviceAccount: 'web@p.iam.gserviceaccount.com' };
  const fwRule = (o: Partial<PolicyRule>): PolicyRule => ({ direction: 'ingress', action: 'allow', protocol: 'tcp', ports: { from: 80, to: 80 }, peer: { type: 'cidr', cidr: '35.191.0.0/16' }, ...o });
  const fw = (id: string, rules: PolicyRule[]) => policy('gcp-firewall', id, rules);

  it('denies ingress by the implied rule when no rule allows it', () => {
    const v = verdict({ source: probe, destination: web, port: 80 }, [fw('fw-a', []), fw('fw-b', [])]);
    expect(v.allowed).toBe(false);
    expect(v.steps[0]?.decidedBy).toMatchObject({ implicit: true, label: 'firewall: implied deny ingress (priority 65535)' });
  });

  it('allows egress by the implied rule', () => {
    const v = verdict({ source: web, destination: { label: 'db', address: '10.2.1.5', policyIds: [] }, port: 5432 }, [fw('fw-a', []), fw('fw-b', [])]);
    expect(v.allowed).toBe(true);
    expect(v.steps.map(short)).toEqual(['forward:source:egress:fw-a:allow']);
  });

  it.each([
    ['allow 1000 alone', [fwRule({ priority: 1000 })], [], true],
    ['deny wins over allow at equal priority (deny stored last)', [fwRule({ priority: 1000 })], [fwRule({ priority: 1000, action: 'deny' })], false],
    ['deny wins over allow at equal priority (deny stored first)', [fwRule({ priority: 1000, action: 'deny' })], [fwRule({ priority: 1000 })], false],
    ['a deny at 900 beats an allow at 1000 in another rule set', [fwRule({ priority: 1000 })], [fwRule({ priority: 900, action: 'deny' })], false],
    ['an allow at 900 beats a deny at 1000', [fwRule({ priority: 1000, action: 'deny' })], [fwRule({ priority: 900 })], true],
    ['no priority means 1000: deny at 1000 ties and wins', [fwRule({})], [fwRule({ priority: 1000, action: 'deny' })], false],
    ['no priority means 1000: allow at 999 wins', [fwRule({ action: 'deny' })], [fwRule({ priority: 999 })], true],
  ])('orders merged rules: %s', (_name, a, b, allowed) => {
    expect(verdict({ source: probe, destination: web, port: 80 }, [fw('fw-a', a), fw('fw-b', b)]).allowed).toBe(allowed);
  });

  it.each([
    ['a matching network tag', [{ type: 'network-tag' as const, tag: 'web' }], true],
    ['another network tag', [{ type: 'network-tag' as const, tag: 'db' }], false],
    ['a matching service account', [{ type: 'service-account' as const, account: 'web@p.iam.gserviceaccount.com' }], true],
    ['another service account', [{ type: 'service-account' as const, account: 'db@p.iam.gserviceaccount.com' }], false],
  ])('applies rules to targets by %s', (_name, appliesTo, allowed) => {
    expect(verdict({ source: probe, destination: web, port: 80 }, [fw('fw-a', [fwRule({ appliesTo })]), fw('fw-b', [])]).allowed).toBe(allowed);
  });

  it('is unknown when the target’s tags were not collected and a tagged rule would decide', () => {
    const untagged: Endpoint = { ...web, networkTags: undefined };
    const v = verdict({ source: probe, destination: untagged, port: 80 }, [fw('fw-a', [fwRule({ appliesTo: [{ type: 'network-tag', tag: 'web' }] })]), fw('fw-b', [])]);
    expect(v.allowed).toBe('unknown');
    expect(v.reason).toContain('network tags of vm-web are not known');
  });

  it('matches source tags against the sending instance', () => {
    const api: Endpoint = { label: 'vm-api', address: '10.2.0.20', policyIds: [], networkTags: ['api'] };
    const fromApi = fwRule({ peer: { type: 'network-tag', tag: 'api' } });
    expect(verdict({ source: api, destination: web, port: 80 }, [fw('fw-a', [fromApi]), fw('fw-b', [])]).allowed).toBe(true);
    expect(verdict({ source: { ...api, networkTags: ['batch'] }, destination: web, port: 80 }, [fw('fw-a', [fromApi]), fw('fw-b', [])]).allowed).toBe(false);
  });

  it('requires the whole probe range to be allowed', () => {
    const narrow = fwRule({ peer: { type: 'cidr', cidr: '35.191.0.0/17' } });
    const v = verdict({ source: probe, destination: web, port: 80 }, [fw('fw-a', [narrow]), fw('fw-b', [])]);
    expect(v.allowed).toBe(false);
    expect(v.steps[0]?.decision).toBe('partial');
  });
});
