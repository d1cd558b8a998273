import { describe, expect, it } from 'vitest';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import { inputsOf } from '../../../../providers/aws/normalize/coverage.js';
import type { AwsCollectionError } from '../../../../providers/aws/raw.js';
import { ALB_ARN, LISTENER_ARN, REGION, TG_ARN, alb, region, snapshot, targetGroup } from './raw-builder.js';

function gaps(...errors: AwsCollectionError[]) {
  return normalizeAws(
    snapshot(
      region((r) => {
        r.elbv2.loadBalancers.push(alb());
        r.elbv2.listeners[ALB_ARN] = [{ ListenerArn: LISTENER_ARN, Port: 443, Protocol: 'HTTPS', DefaultActions: [] }];
        r.elbv2.targetGroups.push(targetGroup());
        r.errors.push(...errors);
      }),
    ),
    {},
  ).coverage;
}

const err = (api: string, code: string, resourceId?: string): AwsCollectionError => ({ api, region: REGION, code, message: `${code}: message from AWS`, ...(resourceId ? { resourceId } : {}) });

describe('coverage gaps', () => {
  it.each<{ error: AwsCollectionError; permission: string | undefined; impact: string }>([
    { error: err('elasticloadbalancing:DescribeTargetHealth', 'AccessDenied', TG_ARN), permission: 'elasticloadbalancing:DescribeTargetHealth', impact: 'target health of tg-api unknown' },
    { error: err('ec2:DescribeSecurityGroups', 'UnauthorizedOperation'), permission: 'ec2:DescribeSecurityGroups', impact: 'security group rules in eu-west-1 unknown' },
    { error: err('acm:DescribeCertificate', 'AccessDeniedException', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'), permission: 'acm:DescribeCertificate', impact: 'certificate expiry of arn:aws:acm:eu-west-1:123456789012:certificate/abc unknown' },
    { error: err('elasticloadbalancing:DescribeListenerCertificates', 'AccessDenied', LISTENER_ARN), permission: 'elasticloadbalancing:DescribeListenerCertificates', impact: 'certificates other than the default of web:443 unknown' },
    { error: err('elasticloadbalancing:DescribeLoadBalancerAttributes', 'Throttling', ALB_ARN), permission: undefined, impact: 'idle timeout, cross-zone and draining settings of web unknown' },
    { error: err('cloudwatch:GetMetricData', 'ECONNREFUSED'), permission: undefined, impact: 'CloudWatch metrics (5xx counts, latency, host counts) in eu-west-1 unknown' },
    { error: err('elasticloadbalancing:DescribeWhatever', 'AccessDenied'), permission: 'elasticloadbalancing:DescribeWhatever', impact: 'data from elasticloadbalancing:DescribeWhatever in eu-west-1 unknown' },
  ])('$error.api $error.code', ({ error, permission, impact }) => {
    const [gap] = gaps(error);
    expect(gap).toEqual({
      provider: 'aws',
      account: '123456789012',
      region: 'eu-west-1',
      api: error.api,
      ...(permission ? { permission } : {}),
      code: error.code,
      message: error.message,
      ...(error.resourceId ? { resourceId: error.resourceId } : {}),
      impact,
      ...(inputsOf(error.api) ? { inputs: inputsOf(error.api) } : {}),
    });
  });

  it('tags every known call with the inventory inputs it provides', () => {
    expect(inputsOf('elasticloadbalancing:DescribeTargetHealth')).toEqual(['target-health', 'targets']);
    expect(inputsOf('elasticloadbalancing:DescribeListeners')).toEqual(['listeners', 'pools']);
    expect(inputsOf('ec2:DescribeNetworkAcls')).toEqual(['network-policies']);
    expect(inputsOf('elasticloadbalancing:DescribeWhatever')).toBeUndefined();
  });

  it('one gap per raw error, in order', () => {
    expect(gaps(err('ec2:DescribeInstances', 'Throttling'), err('ec2:DescribeSubnets', 'UnauthorizedOperation')).map((g) => g.api)).toEqual(['ec2:DescribeInstances', 'ec2:DescribeSubnets']);
  });
});
