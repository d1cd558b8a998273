import { describe, expect, it } from 'vitest';
import { nlbSecuritySpecifics } from '../../../checks/network/nlb-security-specifics.js';
import type { Peer, PolicyRule } from '../../../src/model/index.js';
import { rule } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';
import type { ScenarioOptions } from './fixtures.js';
import { appFromLb, scenario } from './fixtures.js';

const clients: Peer = { type: 'cidr', cidr: '0.0.0.0/0' };
const nodeSubnets: Peer[] = [
  { type: 'cidr', cidr: '10.0.100.0/24' },
  { type: 'cidr', cidr: '10.0.101.0/24' },
];
const admit = (cidr: string, port = 8080): PolicyRule => rule({ ports: { from: port, to: port }, peer: { type: 'cidr', cidr } });
const listenerIn: PolicyRule = rule({ direction: 'ingress', ports: { from: 5432, to: 5432 }, peer: clients });

/** NLB with security group sg-lb, instance targets (client IP preservation on by default), clients anywhere. */
const withGroup = (o: ScenarioOptions = {}) => scenario({ kind: 'aws-nlb', ...o, lb: { trafficSources: [{ type: 'security-group', groupId: 'sg-lb' }, clients], ...o.lb } });
/** NLB created without a security group: probes come from its node subnets, clients from anywhere. */
const withoutGroup = (o: ScenarioOptions = {}) => scenario({ kind: 'aws-nlb', lbGroups: [], ...o, lb: { trafficSources: [...nodeSubnets, clients], ...o.lb } });

checkTester(nlbSecuritySpecifics, {
  valid: [
    { name: 'NLB security group allows outbound, targets reference it (admits preserved client IPs too)', inventory: withGroup() },
    { name: 'NLB without security group, targets admit its subnets and the clients', inventory: withoutGroup({ appRules: [admit('0.0.0.0/0')] }) },
    {
      name: 'boundary: NLB without security group, targets admit exactly the two node subnets for health checks and clients from anywhere',
      inventory: withoutGroup({ appRules: [admit('10.0.100.0/24'), admit('10.0.101.0/24'), admit('0.0.0.0/0')] }),
    },
    {
      name: 'NLB IP targets without client IP preservation: node subnets suffice',
      inventory: withoutGroup({ pool: { targetType: 'ip' }, appRules: [admit('10.0.100.0/23')] }),
    },
  ],
  invalid: [
    {
      name: 'security group with inbound rules only: health checks obey the outbound rules',
      inventory: withGroup({ lbRules: [listenerIn] }),
      expect: [
        { messageId: 'hcEgressBlocked', resource: 'tg-api', severity: 'critical', contains: ['outbound rules of its security groups, not the inbound ones', 'TCP 8080'] },
        { messageId: 'trafficEgressBlocked', resource: 'tg-api', severity: 'high' },
      ],
    },
    {
      name: 'boundary: outbound range ends one below the target port',
      inventory: withGroup({ lbRules: [listenerIn, rule({ direction: 'egress', ports: { from: 8000, to: 8079 }, peer: { type: 'cidr', cidr: '10.0.0.0/16' } })] }),
      expect: [
        { messageId: 'hcEgressBlocked', resource: 'tg-api', severity: 'critical' },
        { messageId: 'trafficEgressBlocked', resource: 'tg-api', severity: 'high' },
      ],
    },
    {
      name: 'NLB with security group, targets admit only the VPC: clients are not admitted',
      inventory: withGroup({ appRules: [admit('10.0.0.0/16')] }),
      expect: [{ messageId: 'clientsNotAllowed', resource: 'tg-api', severity: 'high', contains: ['clients (0.0.0.0/0)', 'Reference the NLB security group sg-lb'] }],
    },
    {
      name: 'NLB without security group, targets admit only the VPC: clients are not admitted',
      inventory: withoutGroup({ appRules: [admit('10.0.0.0/16')] }),
      expect: [{ messageId: 'clientsNotAllowed', resource: 'tg-api', severity: 'high', contains: ['no security group, so the targets must allow the client ranges'] }],
    },
    {
      name: 'NLB without security group, targets admit only the clients’ range: health checks from the nodes fail',
      inventory: withoutGroup({ lb: { trafficSources: [...nodeSubnets, { type: 'cidr', cidr: '203.0.113.0/24' }] }, appRules: [admit('203.0.113.0/24')] }),
      expect: [{ messageId: 'nodeIpsNotAllowed', resource: 'tg-api', severity: 'critical', contains: ['10.0.100.0/24', 'cannot be added to an existing NLB'] }],
    },
    {
      name: 'boundary: NLB without security group, targets admit only one of the two node subnets',
      inventory: withoutGroup({ appRules: [admit('10.0.100.0/24'), admit('0.0.0.0/0', 9999)] }),
      expect: [
        { messageId: 'nodeIpsNotAllowed', resource: 'tg-api', severity: 'critical', contains: ['10.0.101.0/24'] },
        { messageId: 'clientsNotAllowed', resource: 'tg-api', severity: 'high' },
      ],
    },
  ],
  unknown: [
    { name: 'NLB security group not collected', inventory: withGroup({ omit: ['sg-lb'] }), expect: [{ resource: 'tg-api', contains: ['sg-lb'] }] },
    {
      name: 'client IP preservation neither collected nor documented for the target type',
      inventory: withGroup({ pool: { targetType: undefined } }),
      expect: [{ resource: 'tg-api', contains: ['preserves client IPs'] }],
    },
  ],
});

describe('network/nlb-security-specifics scope and remediation', () => {
  it('judges only NLBs', () => {
    const results = evaluateAsAudit(nlbSecuritySpecifics, scenario({ lbRules: [] }), {});
    expect(results.map((r) => [r.status, r.resource.name])).toEqual([['not_applicable', 'Application Load Balancer']]);
  });

  it('gives one finding per failure mode, each with its own fingerprint', () => {
    const results = evaluateAsAudit(nlbSecuritySpecifics, withGroup({ lbRules: [listenerIn] }), {});
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(2);
  });

  it('fixes clients with a reference to the NLB group, nodes with their subnets, outbound with an egress rule', () => {
    const clientsFix = evaluateAsAudit(nlbSecuritySpecifics, withGroup({ appRules: [admit('10.0.0.0/16')] }), {})[0];
    expect(clientsFix?.remediation.cli).toBe('aws ec2 authorize-security-group-ingress --group-id sg-app --protocol tcp --port 8080 --source-group sg-lb');
    const nodes = evaluateAsAudit(nlbSecuritySpecifics, withoutGroup({ appRules: [admit('0.0.0.0/0', 9999)] }), {}).find((r) => r.messageId === 'nodeIpsNotAllowed');
    expect(nodes?.remediation.cli?.split('\n')).toEqual([
      'aws ec2 authorize-security-group-ingress --group-id sg-app --protocol tcp --port 8080 --cidr 10.0.100.0/24',
      'aws ec2 authorize-security-group-ingress --group-id sg-app --protocol tcp --port 8080 --cidr 10.0.101.0/24',
    ]);
    const egress = evaluateAsAudit(nlbSecuritySpecifics, withGroup({ lbRules: [listenerIn] }), {}).find((r) => r.messageId === 'hcEgressBlocked');
    expect(egress?.remediation.cli?.split('\n')).toEqual([
      "aws ec2 authorize-security-group-egress --group-id sg-lb --ip-permissions 'IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=sg-app}]'",
    ]);
  });

  it('keeps the target rule referencing the NLB group valid for preserved client IPs (AWS NLB security group doc)', () => {
    const results = evaluateAsAudit(nlbSecuritySpecifics, withGroup({ appRules: [appFromLb()] }), {});
    expect(results.map((r) => r.status)).toEqual(['pass']);
  });
});
