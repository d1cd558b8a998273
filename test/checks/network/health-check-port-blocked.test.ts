import { describe, expect, it } from 'vitest';
import { healthCheckPortBlocked } from '../../../checks/network/health-check-port-blocked.js';
import { healthCheck, rule, securityGroup, target } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';
import { aclEntry, appFromLb, defaultAclRules, scenario, tightAcl } from './fixtures.js';

const hcOn9090 = { healthCheck: healthCheck({ port: 9090, usesTrafficPort: false }) };
const twoTargets = (b: Partial<Parameters<typeof target>[0]>) => ({
  targets: [target({ id: 'i-0aaa' }), target({ id: 'i-0bbb', address: '10.0.2.10', zone: 'eu-west-1b', subnetId: 'subnet-b', ...b })],
});

checkTester(healthCheckPortBlocked, {
  valid: [
    { name: 'recommended rules: sg-lb outbound all, sg-app 8080 from sg-lb, default ACLs', inventory: scenario() },
    { name: 'boundary: target rule range ending exactly at the health-check port', inventory: scenario({ appRules: [rule({ ports: { from: 8000, to: 8080 }, peer: { type: 'security-group', groupId: 'sg-lb' } })] }) },
    { name: 'health checks on their own port 9090, allowed', inventory: scenario({ pool: hcOn9090, appRules: [appFromLb(8080), appFromLb(9090)] }) },
    { name: 'boundary: tight ACLs with the full ephemeral range 1024-65535', inventory: scenario({ aclLb: tightAcl('lb'), aclApp: tightAcl('app') }) },
    {
      name: 'target in the load balancer subnet: its closed ACL does not apply inside the subnet',
      inventory: scenario({ aclLb: [aclEntry('ingress', 32767, { protocol: 'all', action: 'deny' }), aclEntry('egress', 32767, { protocol: 'all', action: 'deny' })], pool: { targets: [target({ subnetId: 'subnet-lb-a', address: '10.0.100.20' })] }, lb: { zones: [{ name: 'eu-west-1a', subnetId: 'subnet-lb-a' }], subnetIds: ['subnet-lb-a'] } }),
    },
    { name: 'IP target without a subnet id, placed by its address', inventory: scenario({ pool: { targetType: 'ip', targets: [target({ type: 'ip', id: '10.0.1.10', subnetId: undefined })] } }) },
  ],
  invalid: [
    {
      name: 'target security group admits another port: every target blocked',
      inventory: scenario({ appRules: [appFromLb(80)] }),
      expect: [{ messageId: 'allBlocked', resource: 'tg-api', severity: 'critical', contains: ['any of the 2 targets', 'tcp/8080', 'sg-app', 'implicit deny', '502/504'] }],
    },
    {
      name: 'boundary: target rule range ending one below the port',
      inventory: scenario({ appRules: [rule({ ports: { from: 8000, to: 8079 }, peer: { type: 'security-group', groupId: 'sg-lb' } })] }),
      expect: [{ messageId: 'allBlocked', resource: 'tg-api', severity: 'critical' }],
    },
    {
      name: 'one of two targets has a security group without the rule',
      inventory: scenario({ pool: twoTargets({ networkPolicyIds: ['sg-closed'] }), extraPolicies: [securityGroup('sg-closed', [])] }),
      expect: [{ messageId: 'someBlocked', resource: 'tg-api', severity: 'high', contains: ['1 of 2 targets', 'i-0bbb', 'sg-closed'] }],
    },
    {
      name: 'health-check port 9090 closed while the traffic port is open',
      inventory: scenario({ pool: hcOn9090 }),
      expect: [{ messageId: 'allBlocked', resource: 'tg-api', severity: 'critical', contains: ['tcp/9090'] }],
    },
    {
      name: 'boundary: target subnet ACL replies on 1025-65535 only, so replies to port 1024 are dropped',
      inventory: scenario({ aclApp: tightAcl('app', { ephemeral: { from: 1025, to: 65535 } }) }),
      expect: [{ messageId: 'allBlocked', resource: 'tg-api', severity: 'critical', contains: ['return path', '1024 denied by acl-app rule *'] }],
    },
    {
      name: 'target subnet ACL denies the port from one load balancer subnet before allowing it',
      inventory: scenario({ aclApp: [aclEntry('ingress', 50, { action: 'deny', ports: { from: 8080, to: 8080 }, peer: { type: 'cidr', cidr: '10.0.101.0/24' } }), ...defaultAclRules()] }),
      expect: [{ messageId: 'allBlocked', resource: 'tg-api', severity: 'critical', contains: ['acl-app rule 50 deny tcp 8080 from 10.0.101.0/24'] }],
    },
    {
      name: 'load balancer outbound rules removed',
      inventory: scenario({ lbRules: [] }),
      expect: [{ messageId: 'allBlocked', resource: 'tg-api', severity: 'critical', contains: ['sg-lb: no egress rule allows it'] }],
    },
  ],
  unknown: [
    { name: 'target security group not collected', inventory: scenario({ omit: ['sg-app'] }), expect: [{ resource: 'tg-api', contains: ['sg-app'] }] },
    { name: 'target subnet ACL not collected', inventory: scenario({ omit: ['acl-app'] }), expect: [{ resource: 'tg-api', contains: ['acl-app'] }] },
    {
      name: 'the only allowing rule references an uncollected prefix list',
      inventory: scenario({ appRules: [rule({ peer: { type: 'prefix-list', id: 'pl-0123' } })] }),
      expect: [{ resource: 'tg-api', contains: ['pl-0123'] }],
    },
    {
      name: 'target subnet without a recorded network ACL (never read as "no ACL, so open")',
      inventory: scenario({ subnets: (ss) => ss.map((s) => (s.id === 'subnet-a' ? { ...s, networkPolicyIds: [] } : s)) }),
      expect: [{ resource: 'tg-api', contains: ['network policy of subnet subnet-a was not recorded'] }],
    },
    { name: 'targets not collected', inventory: scenario({ pool: { targets: undefined } }), expect: [{ resource: 'tg-api', contains: ['targets of tg-api were not collected'] }] },
    { name: 'health-check settings not collected', inventory: scenario({ pool: { healthCheck: undefined } }), expect: [{ resource: 'tg-api', contains: ['health-check settings'] }] },
    {
      name: 'IP target outside every known subnet',
      inventory: scenario({ pool: { targets: [target({ type: 'ip', id: '192.168.7.7', address: '192.168.7.7', subnetId: undefined })] } }),
      expect: [{ resource: 'tg-api', contains: ['subnet of target 192.168.7.7'] }],
    },
  ],
  notApplicable: [
    { name: 'Lambda targets', inventory: scenario({ pool: { targetType: 'lambda', targets: [target({ type: 'lambda', id: 'arn:aws:lambda:eu-west-1:123456789012:function:f', address: undefined, port: 0 })] } }), expect: [{ resource: 'tg-api' }] },
    { name: 'no registered targets', inventory: scenario({ pool: { targets: [] } }), expect: [{ resource: 'tg-api' }] },
    { name: 'health checks disabled', inventory: scenario({ pool: { healthCheck: healthCheck({ enabled: false }) } }), expect: [{ resource: 'tg-api' }] },
  ],
});

describe('network/health-check-port-blocked evidence', () => {
  it('names the deciding rule, gives the exact fix and the verdict trace', () => {
    const [result] = evaluateAsAudit(healthCheckPortBlocked, scenario({ appRules: [appFromLb(80)] }), {});
    expect(result?.remediation.cli).toBe('aws ec2 authorize-security-group-ingress --group-id sg-app --protocol tcp --port 8080 --source-group sg-lb');
    const details = result?.evidence.details as { blocked: Array<{ decidingRule: string; trace: Array<{ decision: string; policy: string }> }> };
    expect(details.blocked[0]?.decidingRule).toBe('sg-app: no ingress rule allows it (implicit deny)');
    expect(details.blocked[0]?.trace.map((t) => `${t.policy}:${t.decision}`)).toEqual(['sg-lb:allow', 'acl-lb:allow', 'acl-app:allow', 'sg-app:deny', 'acl-app:allow', 'acl-lb:allow']);
  });

  it('gives the NACL entry, numbered before the deny, when a network ACL blocks', () => {
    const [result] = evaluateAsAudit(healthCheckPortBlocked, scenario({ aclApp: tightAcl('app', { ephemeral: { from: 1025, to: 65535 } }) }), {});
    expect(result?.remediation.cli?.split('\n')).toContain(
      'aws ec2 create-network-acl-entry --network-acl-id acl-app --egress --rule-number 200 --protocol tcp --port-range From=1024,To=65535 --cidr-block 10.0.100.0/24 --rule-action allow',
    );
  });
});
