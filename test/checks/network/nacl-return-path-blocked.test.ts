import { describe, expect, it } from 'vitest';
import { naclReturnPathBlocked } from '../../../checks/network/nacl-return-path-blocked.js';
import type { PolicyRule } from '../../../src/model/index.js';
import { rule, target } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';
import { aclEntry, scenario, tightAcl } from './fixtures.js';

const clients = { type: 'cidr' as const, cidr: '0.0.0.0/0' };
const nodeSubnets = [
  { type: 'cidr' as const, cidr: '10.0.100.0/24' },
  { type: 'cidr' as const, cidr: '10.0.101.0/24' },
];
const admitAll: PolicyRule[] = [rule({ ports: { from: 8080, to: 8080 }, peer: clients })];
/** An NLB without security groups that preserves client IPs: replies go to the clients, health-check replies to the nodes. */
const nlbClients = (aclApp: PolicyRule[]) => scenario({ kind: 'aws-nlb', lbGroups: [], lb: { trafficSources: [...nodeSubnets, clients] }, appRules: admitAll, aclApp });

checkTester(naclReturnPathBlocked, {
  valid: [
    { name: 'AWS default ACLs', inventory: scenario() },
    { name: 'boundary: tight ACLs allowing exactly 1024-65535 back', inventory: scenario({ aclLb: tightAcl('lb'), aclApp: tightAcl('app') }) },
    {
      name: 'targets in the load balancer subnets: ACLs do not filter the path',
      inventory: scenario({
        aclLb: [aclEntry('ingress', 32767, { protocol: 'all', action: 'deny' }), aclEntry('egress', 32767, { protocol: 'all', action: 'deny' })],
        pool: { targets: [target({ subnetId: 'subnet-lb-a', address: '10.0.100.20' })] },
        lb: { zones: [{ name: 'eu-west-1a', subnetId: 'subnet-lb-a' }], subnetIds: ['subnet-lb-a'] },
      }),
    },
    { name: 'NLB with client IP preservation, replies to every client allowed', inventory: nlbClients(tightAcl('app', { peerCidr: '0.0.0.0/0' })) },
  ],
  invalid: [
    {
      name: 'boundary: target subnet replies on 1025-65535, so port 1024 is dropped',
      inventory: scenario({ aclApp: tightAcl('app', { ephemeral: { from: 1025, to: 65535 } }) }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', severity: 'critical', contains: ['acl-app (outbound rules of subnet subnet-a)', 'on ports 1024:', 'rule *'] }],
    },
    {
      name: 'load balancer subnets admit only 32768-65535 back (the Linux range)',
      inventory: scenario({ aclLb: tightAcl('lb', { ephemeral: { from: 32768, to: 65535 } }) }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', severity: 'critical', contains: ['acl-lb (inbound rules of subnet subnet-lb-a)', '1024-32767'] }],
    },
    {
      name: 'an explicit deny of the ephemeral range before the allow',
      inventory: scenario({ aclApp: [aclEntry('egress', 10, { action: 'deny', ports: { from: 1024, to: 65535 } }), ...tightAcl('app')] }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', severity: 'critical', contains: ['acl-app rule 10 deny tcp 1024-65535'] }],
    },
    {
      name: 'reported even when the way in is blocked too',
      inventory: scenario({ aclApp: [aclEntry('ingress', 32767, { protocol: 'all', action: 'deny' }), aclEntry('egress', 32767, { protocol: 'all', action: 'deny' })] }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', severity: 'critical' }],
    },
    {
      name: 'NLB preserving client IPs: replies to clients outside the VPC dropped, health-check replies fine',
      inventory: nlbClients(tightAcl('app')),
      expect: [{ messageId: 'blocked', resource: 'tg-api', severity: 'high', contains: ['outbound rules of subnet subnet-a'] }],
    },
  ],
  unknown: [
    { name: 'target subnet ACL not collected', inventory: scenario({ omit: ['acl-app'] }), expect: [{ resource: 'tg-api', contains: ['acl-app'] }] },
    {
      name: 'load balancer subnet without a CIDR: the reply destination is unknown to the CIDR rules',
      inventory: scenario({ aclApp: tightAcl('app'), subnets: (ss) => ss.map((s) => (s.id.startsWith('subnet-lb') ? { ...s, cidr: undefined } : s)) }),
      expect: [{ resource: 'tg-api', contains: ['address of alb-web node in eu-west-1a is not known'] }],
    },
  ],
  notApplicable: [{ name: 'no registered targets', inventory: scenario({ pool: { targets: [] } }), expect: [{ resource: 'tg-api' }] }],
});

describe('network/nacl-return-path-blocked remediation', () => {
  it('fills the exact NACL entry: rule number before the deny, the whole range, the load balancer subnet', () => {
    const [result] = evaluateAsAudit(naclReturnPathBlocked, scenario({ aclApp: tightAcl('app', { ephemeral: { from: 1025, to: 65535 } }) }), {});
    // One entry per load balancer subnet the replies go to, each with its own rule number before the deny.
    expect(result?.remediation.cli?.split('\n')).toEqual([
      'aws ec2 create-network-acl-entry --network-acl-id acl-app --egress --rule-number 200 --protocol tcp --port-range From=1024,To=65535 --cidr-block 10.0.100.0/24 --rule-action allow',
      'aws ec2 create-network-acl-entry --network-acl-id acl-app --egress --rule-number 300 --protocol tcp --port-range From=1024,To=65535 --cidr-block 10.0.101.0/24 --rule-action allow',
    ]);
    expect(result?.remediation.terraform).toContain('aws_network_acl_rule');
  });

  it('numbers the entry just below an explicit deny', () => {
    const inv = scenario({ aclApp: [aclEntry('egress', 10, { action: 'deny', ports: { from: 1024, to: 65535 } }), ...tightAcl('app')] });
    expect(evaluateAsAudit(naclReturnPathBlocked, inv, {})[0]?.remediation.cli).toContain('--rule-number 9 ');
  });
});
