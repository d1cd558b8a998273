import { describe, expect, it } from 'vitest';
import type { BackendPool, Inventory, LoadBalancer, NetworkPolicy, PolicyRule } from '../../src/model/index.js';
import { emptyInventory, indexInventory } from '../../src/model/index.js';
import { awsFixes, freeRuleNumber, planNaclSlots } from '../../providers/aws/fixes.js';
import type { AllowFlowIntent } from '../../src/engine/fix.js';
import type { PathPurpose } from '../../src/network/lb-paths.js';
import { evaluatePoolPaths, preservesClientIp } from '../../src/network/lb-paths.js';
import { aclEntry, scenario } from '../checks/network/fixtures.js';
import { lbInventory, pool, ref, rule, subnet, target } from '../support/builders.js';

function paths(inv: Inventory, purpose: PathPurpose) {
  const lb = inv.loadBalancers[0] as LoadBalancer;
  const p = inv.backendPools[0] as BackendPool;
  const r = evaluatePoolPaths(inv, indexInventory(inv), lb, p, purpose);
  if (r.kind !== 'evaluated') throw new Error(`not evaluated: ${r.reason}`);
  return r;
}

const sources = (inv: Inventory, purpose: PathPurpose, targetId = 'i-0aaa') =>
  paths(inv, purpose)
    .targets.find((t) => t.target.id === targetId)
    ?.flows.map((f) => `${f.sourceKind}:${f.flow.protocol}:${f.flow.source.address ?? f.flow.source.cidr ?? f.flow.source.addressIn}`);

describe('load balancer → target flows', () => {
  it('uses the node addresses when collected, else "an address in" each zone subnet', () => {
    expect(sources(scenario(), 'health-check')).toEqual(['node:tcp:10.0.100.0/24', 'node:tcp:10.0.101.0/24']);
    const withAddresses = scenario({ lb: { zones: [{ name: 'eu-west-1a', subnetId: 'subnet-lb-a', addresses: ['10.0.100.5', '10.0.100.6'] }], subnetIds: ['subnet-lb-a'] } });
    expect(sources(withAddresses, 'health-check')).toEqual(['node:tcp:10.0.100.5', 'node:tcp:10.0.100.6']);
  });

  it('sends NLB health checks from the nodes even when client IP preservation is on', () => {
    const inv = scenario({ kind: 'aws-nlb', lbGroups: [], lb: { trafficSources: [{ type: 'cidr', cidr: '0.0.0.0/0' }] } });
    expect(sources(inv, 'health-check')).toEqual(['node:tcp:10.0.100.0/24', 'node:tcp:10.0.101.0/24']);
    expect(sources(inv, 'traffic')).toEqual(['client:tcp:0.0.0.0/0']);
  });

  it('restricts NLB traffic to the target’s zone without cross-zone load balancing, not health checks', () => {
    const inv = scenario({ kind: 'aws-nlb', pool: { targetType: 'ip' } });
    expect(sources(inv, 'traffic')).toEqual(['node:tcp:10.0.100.0/24']);
    expect(sources(inv, 'health-check')).toHaveLength(2);
    const crossZone = scenario({ kind: 'aws-nlb', pool: { targetType: 'ip' }, lb: { crossZoneEnabled: { value: true, source: 'api' } } });
    expect(sources(crossZone, 'traffic')).toHaveLength(2);
  });

  it('treats an ALB whose attributes could not be read as of unknown cross-zone: other zones can only make a path undecided', () => {
    const read = scenario();
    expect(paths(read, 'traffic').notes.some((n) => n.includes('cross-zone'))).toBe(false);
    const denied: Inventory = { ...read, coverage: [{ provider: 'aws', region: read.loadBalancers[0]!.ref.region, api: 'elasticloadbalancing:DescribeLoadBalancerAttributes', code: 'AccessDenied', message: 'denied', inputs: ['attributes'] }] };
    expect(paths(denied, 'traffic').notes).toContainEqual(expect.stringContaining('cross-zone setting'));
    // Health checks come from every node whatever cross-zone is.
    expect(paths(denied, 'health-check').notes.some((n) => n.includes('cross-zone'))).toBe(false);
  });

  it('sees the load balancer’s address for clients of the other IP family (dual-stack NLB, IPv4 target)', () => {
    const inv = scenario({ kind: 'aws-nlb', lbGroups: [], lb: { trafficSources: [{ type: 'cidr', cidr: '0.0.0.0/0' }, { type: 'cidr', cidr: '::/0' }] } });
    expect(sources(inv, 'traffic')).toEqual(['node:tcp:10.0.100.0/24', 'client:tcp:0.0.0.0/0']);
  });

  it('evaluates both protocols of a TCP_UDP pool', () => {
    const inv = scenario({ kind: 'aws-nlb', pool: { protocol: 'TCP_UDP', targetType: 'ip', preservesClientIp: { value: false, source: 'api' } } });
    expect(sources(inv, 'traffic')).toEqual(['node:tcp:10.0.100.0/24', 'node:udp:10.0.100.0/24']);
  });

  it.each([
    [{ targetType: 'instance' as const }, true],
    [{ targetType: 'ip' as const, protocol: 'TCP' as const }, false],
    [{ targetType: 'ip' as const, protocol: 'TLS' as const }, false],
    [{ targetType: 'ip' as const, protocol: 'UDP' as const }, true],
    [{ targetType: 'ip' as const, protocol: 'TCP' as const, preservesClientIp: { value: true, source: 'api' as const } }, true],
  ])('reads NLB client IP preservation as recorded (the documented defaults when the attribute had none): %j → %s', (overrides, expected) => {
    const inv = scenario({ kind: 'aws-nlb', pool: overrides });
    expect(preservesClientIp(inv.backendPools[0] as BackendPool)?.value).toBe(expected);
  });

  it('leaves NLB traffic undecided when client IP preservation was not collected', () => {
    const inv = scenario({ kind: 'aws-nlb', pool: { targetType: undefined } });
    const r = evaluatePoolPaths(inv, indexInventory(inv), inv.loadBalancers[0] as LoadBalancer, inv.backendPools[0] as BackendPool, 'traffic');
    expect(r).toMatchObject({ kind: 'unknown', reason: 'whether tg-api preserves client IPs is not known' });
  });

  it('judges a non-AWS load balancer from its probe sources (Azure LB probes behind an NSG)', () => {
    const nsg = (rules: NetworkPolicy['rules']): NetworkPolicy => ({ ref: ref('network-policy', 'azure-nsg', 'nsg-web', 'nsg-web', 'azure'), kind: 'azure-nsg', stateful: true, rules, attachedTo: [] });
    const build = (rules: NetworkPolicy['rules']) =>
      lbInventory('azure-lb', {
        lb: { networkPolicyIds: [], zones: [], subnetIds: [], healthCheckSources: [{ type: 'service-tag', tag: 'AzureLoadBalancer' }], trafficSources: [{ type: 'cidr', cidr: '0.0.0.0/0' }] },
        pools: [pool('be-web', { targets: [target({ id: 'nic-1', type: 'nic', address: '10.1.0.4', subnetId: 'snet-web', networkPolicyIds: ['nsg-web'] })] })],
        extra: { networkPolicies: [nsg(rules)], subnets: [subnet('snet-web', '10.1.0.0/24')] },
      });
    expect(paths(build([]), 'health-check').targets[0]?.allowed).toBe(true);
    const denyAll = rule({ id: 'DenyAll', direction: 'ingress', action: 'deny', priority: 4000, protocol: '*', ports: undefined, peer: { type: 'any' } });
    const blocked = paths(build([denyAll]), 'health-check').targets[0];
    expect(blocked?.allowed).toBe(false);
    expect(blocked?.flows[0]?.verdict.reason).toContain('nsg-web DenyAll (priority 4000) deny');
  });
});

describe('NACL rule numbers for fixes', () => {
  it.each([
    ['just below an explicit deny', [aclEntry('egress', 10, { action: 'deny' })], 10, new Set<number>(), 9],
    ['skipping numbers in use', [aclEntry('egress', 10, { action: 'deny' }), aclEntry('egress', 9)], 10, new Set<number>(), 8],
    ['skipping numbers another fix reserved', [aclEntry('egress', 10, { action: 'deny' })], 10, new Set([9]), 8],
    ['the next hundred before the default deny', [aclEntry('egress', 100), aclEntry('egress', 32767, { action: 'deny' })], 32767, new Set<number>(), 200],
    ['the lowest free number when the top is taken', [aclEntry('egress', 1), aclEntry('egress', 32766)], 32767, new Set<number>(), 2],
    ['ingress numbers do not count for egress', [aclEntry('ingress', 200)], 32767, new Set<number>(), 100],
    ['none below an explicit deny at 1 (an entry after it would change nothing)', [aclEntry('egress', 1, { action: 'deny' })], 1, new Set<number>(), undefined],
    ['none when every number below the deny is taken', [aclEntry('egress', 3, { action: 'deny' }), aclEntry('egress', 2), aclEntry('egress', 1)], 3, new Set<number>(), undefined],
  ])('%s', (_name, rules, denying, reserved, expected) => {
    expect(freeRuleNumber(rules, 'egress', denying === 32767 ? undefined : denying, reserved)).toBe(expected);
  });

  const nacl = (...rules: PolicyRule[]): NetworkPolicy => ({ ref: { provider: 'aws', kind: 'network-policy', type: 'aws-nacl', id: 'acl-1', name: 'acl-1' }, kind: 'aws-nacl', stateful: false, rules, attachedTo: [] });
  const allow = (port: number, cidrs: string[], beforePriority?: number): AllowFlowIntent => ({
    kind: 'allow-flow',
    policyId: 'acl-1',
    direction: 'ingress',
    protocol: 'tcp',
    ports: { from: port, to: port },
    peers: cidrs.map((cidr) => ({ type: 'cidr', cidr })),
    purpose: 'traffic',
    ...(beforePriority !== undefined ? { beforePriority } : {}),
  });

  it('numbers the entries of every fix into one NACL apart, one per CIDR', () => {
    const [a, b] = [allow(80, ['10.0.0.0/24', '10.0.1.0/24'], 50), allow(443, ['10.0.0.0/24'], 50)];
    const plan = planNaclSlots(nacl(aclEntry('ingress', 50, { action: 'deny' })), [a, b]);
    expect([plan.get(a)?.priorities, plan.get(b)?.priorities]).toEqual([[49, 48], [47]]);
  });

  it('renders a comment, not an entry after the deny, when no number is free below it', () => {
    const intent = allow(80, ['10.0.0.0/24'], 1);
    const policy = nacl(aclEntry('ingress', 1, { action: 'deny' }));
    const cli = awsFixes.render(intent, { index: indexInventory(emptyInventory('2026-11-20T00:00:00Z')), policy })?.cli ?? '';
    expect(cli).toMatch(/^# no rule number is free below 1 in this network ACL/);
    expect(cli).not.toMatch(/^aws /m);
  });
});
