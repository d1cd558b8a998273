import { trafficPortBlocked } from '../../../checks/network/traffic-port-blocked.js';
import type { PolicyRule } from '../../../src/model/index.js';
import { healthCheck, rule, target } from '../../support/builders.js';
import { checkTester } from '../../support/check-tester.js';
import { aclEntry, appFromLb, defaultAclRules, egressAll, scenario } from './fixtures.js';

const fromCidr = (cidr: string, port = 8080): PolicyRule => rule({ ports: { from: port, to: port }, peer: { type: 'cidr', cidr } });
const clients = { type: 'cidr' as const, cidr: '0.0.0.0/0' };
const nodeSubnets = [
  { type: 'cidr' as const, cidr: '10.0.100.0/24' },
  { type: 'cidr' as const, cidr: '10.0.101.0/24' },
];
/** The target subnet's ACL admits 8080 only from the eu-west-1b load balancer subnet. */
const aclOnlyFromZoneB = [aclEntry('ingress', 50, { action: 'deny', ports: { from: 8080, to: 8080 }, peer: { type: 'cidr', cidr: '10.0.100.0/24' } }), ...defaultAclRules()];
const targetsInZoneB = { targets: [target({ id: 'i-0bbb', address: '10.0.2.10', zone: 'eu-west-1b', subnetId: 'subnet-b' })] };

checkTester(trafficPortBlocked, {
  valid: [
    { name: 'recommended rules', inventory: scenario() },
    { name: 'boundary: target rule range starting exactly at the traffic port', inventory: scenario({ appRules: [rule({ ports: { from: 8080, to: 9000 }, peer: { type: 'security-group', groupId: 'sg-lb' } })] }) },
    {
      name: 'NLB preserving client IPs, targets reference the NLB security group (admits clients per AWS)',
      inventory: scenario({ kind: 'aws-nlb', lb: { trafficSources: [{ type: 'security-group', groupId: 'sg-lb' }, clients] } }),
    },
    {
      name: 'NLB without security groups preserving client IPs, targets admit the clients',
      inventory: scenario({ kind: 'aws-nlb', lbGroups: [], lb: { trafficSources: [...nodeSubnets, clients] }, appRules: [fromCidr('0.0.0.0/0')] }),
    },
    {
      name: 'NLB IP targets without client IP preservation (TCP default off): the nodes must be admitted, and are',
      inventory: scenario({ kind: 'aws-nlb', lbGroups: [], lb: { trafficSources: nodeSubnets }, pool: { targetType: 'ip' }, appRules: [fromCidr('10.0.0.0/16')] }),
    },
    {
      name: 'NLB without cross-zone: only the same-zone node reaches the target, and its subnet is admitted',
      inventory: scenario({ kind: 'aws-nlb', pool: { targetType: 'ip', ...targetsInZoneB }, aclApp: aclOnlyFromZoneB }),
    },
  ],
  invalid: [
    {
      name: 'only the health-check port is open: targets look healthy but requests fail',
      inventory: scenario({ pool: { healthCheck: healthCheck({ port: 9090, usesTrafficPort: false }) }, appRules: [appFromLb(9090)] }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', severity: 'high', contains: ['2 of 2 targets', 'tcp/8080', '504'] }],
    },
    {
      name: 'boundary: target rule range starting one above the traffic port',
      inventory: scenario({ appRules: [rule({ ports: { from: 8081, to: 9000 }, peer: { type: 'security-group', groupId: 'sg-lb' } })] }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', severity: 'high' }],
    },
    {
      name: 'NLB without security groups preserving client IPs, targets admit only the VPC',
      inventory: scenario({ kind: 'aws-nlb', lbGroups: [], lb: { trafficSources: [...nodeSubnets, clients] }, appRules: [fromCidr('10.0.0.0/16')] }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', contains: ['partly blocked', 'clients 0.0.0.0/0'] }],
    },
    {
      name: 'NLB with cross-zone on: the other zone’s node is denied by the target subnet ACL',
      inventory: scenario({ kind: 'aws-nlb', lb: { crossZoneEnabled: { value: true, source: 'api' } }, pool: { targetType: 'ip', ...targetsInZoneB }, aclApp: aclOnlyFromZoneB }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', contains: ['acl-app rule 50 deny'] }],
    },
    {
      name: 'UDP pool: a TCP-only rule does not admit UDP',
      inventory: scenario({ kind: 'aws-nlb', pool: { protocol: 'UDP', targetType: 'ip' }, lb: { trafficSources: [{ type: 'security-group', groupId: 'sg-lb' }, clients] }, lbRules: [egressAll()] }),
      expect: [{ messageId: 'blocked', resource: 'tg-api', contains: ['udp/8080'] }],
    },
  ],
  unknown: [
    { name: 'load balancer security group not collected', inventory: scenario({ omit: ['sg-lb'] }), expect: [{ resource: 'tg-api', contains: ['sg-lb'] }] },
    {
      name: 'NLB pool whose client IP preservation is neither collected nor documented for its target type',
      inventory: scenario({ kind: 'aws-nlb', pool: { targetType: undefined } }),
      expect: [{ resource: 'tg-api', contains: ['preserves client IPs'] }],
    },
    {
      name: 'NLB preserving client IPs whose client ranges were not recorded',
      inventory: scenario({ kind: 'aws-nlb', pool: { preservesClientIp: { value: true, source: 'api' } } }),
      expect: [{ resource: 'tg-api', contains: ['client ranges'] }],
    },
    { name: 'target subnet not collected', inventory: scenario({ omit: ['subnet-a', 'subnet-b'] }), expect: [{ resource: 'tg-api', contains: ['subnet-a'] }] },
  ],
  notApplicable: [
    {
      name: 'an ALB registered behind an NLB',
      inventory: scenario({ kind: 'aws-nlb', pool: { targetType: 'alb', targets: [target({ type: 'alb', id: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/inner/1', address: undefined })] } }),
      expect: [{ resource: 'tg-api' }],
    },
  ],
});
