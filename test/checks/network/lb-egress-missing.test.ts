import { describe, expect, it } from 'vitest';
import { lbEgressMissing } from '../../../checks/network/lb-egress-missing.js';
import type { Peer } from '../../../src/model/index.js';
import { healthCheck, rule, target } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';
import { scenario } from './fixtures.js';

const egressTo = (from: number, to: number, peer: Peer = { type: 'security-group', groupId: 'sg-app' }) => rule({ direction: 'egress', ports: { from, to }, peer });
const hcOn9090 = { healthCheck: healthCheck({ port: 9090, usesTrafficPort: false }) };

checkTester(lbEgressMissing, {
  valid: [
    { name: 'default outbound rule (all traffic) kept', inventory: scenario() },
    { name: 'boundary: outbound exactly the traffic port to the target group', inventory: scenario({ lbRules: [egressTo(8080, 8080)] }) },
    { name: 'outbound to the VPC CIDR on a range covering both ports', inventory: scenario({ pool: hcOn9090, appRules: [], lbRules: [egressTo(8080, 9090, { type: 'cidr', cidr: '10.0.0.0/16' })] }) },
  ],
  invalid: [
    {
      name: 'outbound rules removed',
      inventory: scenario({ lbRules: [] }),
      expect: [{ messageId: 'missing', resource: 'tg-api', severity: 'critical', contains: ['(sg-lb)', 'tcp/8080', '2 of 2 targets', 'no egress rule allows it'] }],
    },
    {
      name: 'outbound only to the clients’ port 443',
      inventory: scenario({ lbRules: [egressTo(443, 443, { type: 'cidr', cidr: '0.0.0.0/0' })] }),
      expect: [{ messageId: 'missing', resource: 'tg-api', severity: 'critical' }],
    },
    {
      name: 'boundary: outbound range ends one below the traffic port',
      inventory: scenario({ lbRules: [egressTo(8000, 8079)] }),
      expect: [{ messageId: 'missing', resource: 'tg-api' }],
    },
    {
      name: 'traffic port allowed, separate health-check port 9090 not',
      inventory: scenario({ pool: hcOn9090, lbRules: [egressTo(8080, 8080)] }),
      expect: [{ messageId: 'missing', resource: 'tg-api', contains: ['tcp/9090'] }],
    },
    {
      name: 'outbound to a group the targets are not in',
      inventory: scenario({ lbRules: [egressTo(8080, 8080, { type: 'security-group', groupId: 'sg-other' })] }),
      expect: [{ messageId: 'missing', resource: 'tg-api' }],
    },
  ],
  unknown: [
    { name: 'load balancer security group not collected', inventory: scenario({ omit: ['sg-lb'] }), expect: [{ resource: 'tg-api', contains: ['sg-lb'] }] },
    {
      name: 'outbound only to an uncollected prefix list',
      inventory: scenario({ lbRules: [egressTo(8080, 8080, { type: 'prefix-list', id: 'pl-42' })] }),
      expect: [{ resource: 'tg-api', contains: ['pl-42'] }],
    },
    { name: 'load balancer security groups not recorded', inventory: scenario({ lbGroups: [] }), expect: [{ resource: 'tg-api', contains: ['network policies of alb-web'] }] },
  ],
  notApplicable: [
    {
      name: 'Lambda targets',
      inventory: scenario({ pool: { targetType: 'lambda', targets: [target({ type: 'lambda', id: 'arn:aws:lambda:eu-west-1:123456789012:function:f', address: undefined })] } }),
      expect: [{ resource: 'tg-api' }],
    },
  ],
});

describe('network/lb-egress-missing scope and remediation', () => {
  it('leaves NLBs to network/nlb-security-specifics', () => {
    const results = evaluateAsAudit(lbEgressMissing, scenario({ kind: 'aws-nlb', lbRules: [] }), {});
    expect(results.map((r) => [r.status, r.resource.name])).toEqual([['not_applicable', 'Network Load Balancer']]);
  });

  it('fills the exact egress rule with the load balancer and target groups', () => {
    const [result] = evaluateAsAudit(lbEgressMissing, scenario({ lbRules: [] }), {});
    expect(result?.remediation.cli).toBe(
      "aws ec2 authorize-security-group-egress --group-id sg-lb --ip-permissions 'IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=sg-app}]'",
    );
    expect(result?.remediation.cli?.split('\n')).toHaveLength(1);
  });
});
