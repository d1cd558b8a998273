import { describe, expect, it } from 'vitest';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import { forwardedTargetGroups, mapRule } from '../../../../providers/aws/normalize/listeners.js';
import type { AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import { ALB_ARN, LISTENER_ARN, REGION, alb, region, snapshot } from './raw-builder.js';

const tg = (name: string) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/6d0ecf831eec9f09`;
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/3c9d1e52-8a5b-4f7e-9d2c-0b1a2e3f4d5c';
const SNI_CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/7f0e2b61-4c3a-4b8e-a1d2-9e8f7a6b5c4d';

describe('forward actions', () => {
  it.each<{ name: string; actions: Parameters<typeof forwardedTargetGroups>[0]; expected: string[] }>([
    { name: 'simple forward', actions: [{ Type: 'forward', TargetGroupArn: tg('a') }], expected: [tg('a')] },
    {
      name: 'forward repeated in ForwardConfig (as the API returns it)',
      actions: [{ Type: 'forward', TargetGroupArn: tg('a'), ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg('a'), Weight: 1 }] } }],
      expected: [tg('a')],
    },
    {
      name: 'weighted forward, weight 0 receives nothing',
      actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg('blue'), Weight: 90 }, { TargetGroupArn: tg('green'), Weight: 10 }, { TargetGroupArn: tg('old'), Weight: 0 }] } }],
      expected: [tg('blue'), tg('green')],
    },
    { name: 'redirect', actions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }], expected: [] },
    { name: 'fixed response', actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }], expected: [] },
    {
      name: 'authenticate then forward',
      actions: [{ Type: 'authenticate-oidc', Order: 1 }, { Type: 'forward', Order: 2, TargetGroupArn: tg('app') }],
      expected: [tg('app')],
    },
  ])('$name', ({ actions, expected }) => {
    expect(forwardedTargetGroups(actions)).toEqual(expected);
  });
});

describe('rules', () => {
  it.each<{ rule: Parameters<typeof mapRule>[0]; expected: ReturnType<typeof mapRule> }>([
    {
      rule: { RuleArn: 'r1', Priority: '10', Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/v2/*'] } }], Actions: [{ Type: 'forward', TargetGroupArn: tg('api') }] },
      expected: { id: 'r1', priority: 10, conditions: 'path /api/*, /v2/*', poolIds: [tg('api')] },
    },
    {
      rule: {
        RuleArn: 'r2',
        Priority: '20',
        Conditions: [{ Field: 'host-header', Values: ['admin.example.com'] }, { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['1'] } }],
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg('blue'), Weight: 80 }, { TargetGroupArn: tg('green'), Weight: 20 }] } }],
      },
      expected: { id: 'r2', priority: 20, conditions: 'host admin.example.com; header X-Canary: 1; weights blue=80, green=20', poolIds: [tg('blue'), tg('green')] },
    },
  ])('maps rule $rule.RuleArn', ({ rule, expected }) => {
    expect(mapRule(rule)).toEqual(expected);
  });
});

describe('listeners', () => {
  const build = (edit: (r: AwsRegionSnapshot) => void) =>
    normalizeAws(
      snapshot(
        region((r) => {
          r.elbv2.loadBalancers.push(alb());
          r.elbv2.listeners[ALB_ARN] = [
            {
              ListenerArn: LISTENER_ARN,
              LoadBalancerArn: ALB_ARN,
              Port: 443,
              Protocol: 'HTTPS',
              SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
              Certificates: [{ CertificateArn: CERT }],
              DefaultActions: [{ Type: 'forward', TargetGroupArn: tg('web') }],
            },
          ];
          r.elbv2.rules[LISTENER_ARN] = [
            { RuleArn: 'r-default', Priority: 'default', IsDefault: true, Conditions: [], Actions: [{ Type: 'forward', TargetGroupArn: tg('web') }] },
            { RuleArn: 'r-20', Priority: '20', IsDefault: false, Conditions: [{ Field: 'path-pattern', Values: ['/b/*'] }], Actions: [{ Type: 'forward', TargetGroupArn: tg('b') }] },
            { RuleArn: 'r-5', Priority: '5', IsDefault: false, Conditions: [{ Field: 'path-pattern', Values: ['/a/*'] }], Actions: [{ Type: 'forward', TargetGroupArn: tg('a') }] },
          ];
          edit(r);
        }),
      ),
      {},
    ).loadBalancers[0]?.listeners[0];

  it('maps protocol, port, SSL policy, default pools and rules ordered by priority without the default rule', () => {
    const l = build(() => {});
    expect(l).toMatchObject({
      ref: { kind: 'listener', type: 'aws-listener', id: LISTENER_ARN, name: 'web:443' },
      protocol: 'HTTPS',
      port: 443,
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      defaultPoolIds: [tg('web')],
    });
    expect(l?.routes.map((r) => r.id)).toEqual(['r-5', 'r-20']);
  });

  it('merges SNI certificates and takes expiry from ACM', () => {
    const l = build((r) => {
      r.elbv2.listenerCertificates[LISTENER_ARN] = [{ CertificateArn: CERT, IsDefault: true }, { CertificateArn: SNI_CERT, IsDefault: false }];
      r.acm.certificates[CERT] = {
        CertificateArn: CERT,
        DomainName: 'www.example.com',
        SubjectAlternativeNames: ['www.example.com', 'example.com'],
        Status: 'ISSUED',
        NotBefore: '2026-03-01T00:00:00.000Z',
        NotAfter: '2027-03-31T23:59:59.000Z',
      };
    });
    expect(l?.certificates).toEqual([
      { id: CERT, isDefault: true, subject: 'www.example.com', sans: ['www.example.com', 'example.com'], notBefore: '2026-03-01T00:00:00.000Z', notAfter: '2027-03-31T23:59:59.000Z', status: 'ISSUED' },
      { id: SNI_CERT, isDefault: false },
    ]);
  });

  it('keeps the default certificate when DescribeListenerCertificates was denied', () => {
    const l = build((r) => {
      r.errors.push({ api: 'elasticloadbalancing:DescribeListenerCertificates', region: REGION, code: 'AccessDenied', message: 'denied', resourceId: LISTENER_ARN });
    });
    expect(l?.certificates).toEqual([{ id: CERT, isDefault: true }]);
  });

  it('a failed DescribeRules leaves the default action only', () => {
    const l = build((r) => {
      r.errors.push({ api: 'elasticloadbalancing:DescribeRules', region: REGION, code: 'Throttling', message: 'Rate exceeded', resourceId: LISTENER_ARN });
    });
    expect(l?.routes).toEqual([]);
    expect(l?.defaultPoolIds).toEqual([tg('web')]);
  });
});
