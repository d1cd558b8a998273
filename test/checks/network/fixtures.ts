/**
 * A small AWS network around the default builders: an ALB (or NLB) in subnets subnet-lb-a / subnet-lb-b, the pool
 * tg-api with i-0aaa (10.0.1.10, subnet-a) and i-0bbb (10.0.2.10, subnet-b) on port 8080, AWS-default network ACLs
 * (allow all, then `*` deny) and the recommended security groups: sg-lb allows all outbound, sg-app admits 8080 from
 * sg-lb. Every option replaces one piece, so a table row states only what it breaks.
 */
import type { BackendPool, Inventory, LoadBalancer, NetworkPolicy, Peer, PolicyRule, Subnet } from '../../../src/model/index.js';
import { inventory, loadBalancer, nacl, pool, rule, securityGroup, subnet, wire } from '../../support/builders.js';

export const SUBNETS = {
  'subnet-lb-a': { cidr: '10.0.100.0/24', zone: 'eu-west-1a', acl: 'acl-lb' },
  'subnet-lb-b': { cidr: '10.0.101.0/24', zone: 'eu-west-1b', acl: 'acl-lb' },
  'subnet-a': { cidr: '10.0.1.0/24', zone: 'eu-west-1a', acl: 'acl-app' },
  'subnet-b': { cidr: '10.0.2.0/24', zone: 'eu-west-1b', acl: 'acl-app' },
} as const;

const cidr = (c: string): Peer => ({ type: 'cidr', cidr: c });

/** A NACL entry; `ports` undefined = all ports. */
export function aclEntry(direction: 'ingress' | 'egress', priority: number, o: Partial<PolicyRule> = {}): PolicyRule {
  return rule({ direction, priority, action: 'allow', protocol: 'tcp', ports: undefined, peer: cidr('0.0.0.0/0'), ...o });
}

/** What AWS puts in a new network ACL: rule 100 allows everything, `*` denies the rest. */
export function defaultAclRules(): PolicyRule[] {
  return (['ingress', 'egress'] as const).flatMap((d) => [
    aclEntry(d, 100, { protocol: 'all' }),
    aclEntry(d, 32767, { protocol: 'all', action: 'deny' }),
  ]);
}

/** A custom NACL that opens only `port` one way and `ephemeral` back, to and from `peerCidr`. */
export function tightAcl(side: 'lb' | 'app', o: { port?: number; ephemeral?: { from: number; to: number }; peerCidr?: string } = {}): PolicyRule[] {
  const port = o.port ?? 8080;
  const eph = o.ephemeral ?? { from: 1024, to: 65535 };
  const peer = cidr(o.peerCidr ?? '10.0.0.0/16');
  const deny = (['ingress', 'egress'] as const).map((d) => aclEntry(d, 32767, { protocol: 'all', action: 'deny' }));
  return side === 'app'
    ? [aclEntry('ingress', 100, { ports: { from: port, to: port }, peer }), aclEntry('egress', 100, { ports: eph, peer }), ...deny]
    : [aclEntry('egress', 100, { ports: { from: port, to: port }, peer }), aclEntry('ingress', 100, { ports: eph, peer }), ...deny];
}

export const egressAll = (): PolicyRule => rule({ direction: 'egress', protocol: 'all', ports: undefined, peer: cidr('0.0.0.0/0') });
export const appFromLb = (port = 8080, groupId = 'sg-lb'): PolicyRule => rule({ direction: 'ingress', ports: { from: port, to: port }, peer: { type: 'security-group', groupId } });

export interface ScenarioOptions {
  kind?: 'aws-alb' | 'aws-nlb' | 'aws-clb';
  /** Security groups of the load balancer (default `['sg-lb']`; `[]` = an NLB created without one). */
  lbGroups?: string[];
  lbRules?: PolicyRule[];
  appRules?: PolicyRule[];
  aclLb?: PolicyRule[];
  aclApp?: PolicyRule[];
  lb?: Partial<LoadBalancer>;
  pool?: Partial<BackendPool>;
  /** Policy or subnet ids left out of the inventory, as if their collection failed. */
  omit?: string[];
  extraPolicies?: NetworkPolicy[];
  /** Edits the subnets before they go into the inventory. */
  subnets?: (subnets: Subnet[]) => Subnet[];
}

export function scenario(o: ScenarioOptions = {}): Inventory {
  const kind = o.kind ?? 'aws-alb';
  const groups = o.lbGroups ?? ['sg-lb'];
  const nodeSubnets: Peer[] = [cidr(SUBNETS['subnet-lb-a'].cidr), cidr(SUBNETS['subnet-lb-b'].cidr)];
  const own: Peer[] = groups.length ? groups.map((groupId) => ({ type: 'security-group', groupId })) : nodeSubnets;
  const base = loadBalancer(kind === 'aws-nlb' ? 'nlb-tcp' : 'alb-web', {
    kind,
    networkPolicyIds: groups,
    healthCheckSources: own,
    trafficSources: own,
    ...(kind === 'aws-nlb' ? { crossZoneEnabled: { value: false, source: 'provider-default' as const } } : {}),
    ...o.lb,
  });
  const p = withNlbDefaults(kind, pool('tg-api', kind === 'aws-nlb' ? { protocol: 'TCP', ...o.pool } : o.pool));
  const { lb, pools } = wire(base, [p], kind === 'aws-nlb' ? { protocol: 'TCP', port: 5432 } : {});
  const all: Subnet[] = Object.entries(SUBNETS).map(([id, s]) => subnet(id, s.cidr, { zone: s.zone, networkPolicyIds: [s.acl] }));
  const subnets = o.subnets ? o.subnets(all) : all;
  const policies: NetworkPolicy[] = [
    ...groups.map((g, i) => securityGroup(g, i === 0 ? (o.lbRules ?? [egressAll()]) : [])),
    securityGroup('sg-app', o.appRules ?? [appFromLb()]),
    nacl('acl-lb', o.aclLb ?? defaultAclRules(), ['subnet-lb-a', 'subnet-lb-b']),
    nacl('acl-app', o.aclApp ?? defaultAclRules(), ['subnet-a', 'subnet-b']),
    ...(o.extraPolicies ?? []),
  ];
  const omit = new Set(o.omit ?? []);
  return inventory({
    loadBalancers: [lb],
    backendPools: pools,
    networkPolicies: policies.filter((x) => !omit.has(x.ref.id)),
    subnets: subnets.filter((s) => !omit.has(s.id)),
  });
}

/**
 * As the AWS normalizer records an NLB target group whose preserve_client_ip attribute was returned without a value: the
 * documented default (on for instance targets and UDP/TCP_UDP IP targets, off for TCP/TLS IP targets).
 */
function withNlbDefaults(kind: string, p: BackendPool): BackendPool {
  if (kind !== 'aws-nlb' || p.preservesClientIp || (p.targetType !== 'instance' && p.targetType !== 'ip')) return p;
  const on = p.targetType !== 'ip' || p.protocol === 'UDP' || p.protocol === 'TCP_UDP';
  return { ...p, preservesClientIp: { value: on, source: 'provider-default', detail: `NLB default for ${p.targetType ?? 'instance'} targets over ${p.protocol ?? 'TCP'}` } };
}
