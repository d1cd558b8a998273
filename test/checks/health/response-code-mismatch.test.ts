import { describe, expect, it } from 'vitest';
import { responseCodeMismatch } from '../../../checks/health/response-code-mismatch.js';
import type { BackendPool, TargetHealth } from '../../../src/model/index.js';
import { albInventory, health, healthCheck, pool, targetsWithHealth, type HealthCheckOverrides, TARGET_HEALTH_DENIED } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const ok = health('healthy');
const mismatch = (codes: string) => health('unhealthy', 'Target.ResponseCodeMismatch', `Health checks failed with these codes: [${codes}]`);
const inv = (healths: TargetHealth[] | undefined, hc: HealthCheckOverrides = {}, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ pools: [pool('tg-api', { targets: healths && targetsWithHealth(healths), healthCheck: healthCheck(hc), ...poolOverrides })] });

checkTester(responseCodeMismatch, {
  valid: [
    { name: 'dedicated path, strict matcher, all healthy', inventory: inv([ok, ok]) },
    { name: 'boundary: "/" with matcher 200-399', inventory: inv([ok, ok], { path: '/', matcher: '200-399' }) },
    { name: 'boundary: other failures are not a code mismatch', inventory: inv([ok, health('unhealthy', 'Target.Timeout')]) },
    { name: 'TCP health check has no path', inventory: inv([ok], { protocol: 'TCP', path: undefined, matcher: undefined }) },
  ],
  invalid: [
    {
      name: 'targets redirect the health check',
      inventory: inv([ok, mismatch('301')]),
      expect: [{ messageId: 'mismatch', resource: 'tg-api', severity: 'high', contains: ['1 of 2 targets', 'on /healthz with HTTP 301', 'accepts 200', 'accept 200-399'] }],
    },
    {
      name: 'authentication in front of the health endpoint',
      inventory: inv([mismatch('401'), mismatch('403')]),
      expect: [{ messageId: 'mismatch', resource: 'tg-api', severity: 'high', contains: ['HTTP 401, 403', 'unauthenticated health endpoint'] }],
    },
    {
      name: 'path missing on the target',
      inventory: inv([mismatch('404'), ok]),
      expect: [{ messageId: 'mismatch', resource: 'tg-api', severity: 'high', contains: ['HTTP 404', 'fix the health-check path'] }],
    },
    {
      name: 'gRPC status codes',
      inventory: inv([mismatch('12')], { grpcMatcher: '0' }, { protocolVersion: 'GRPC' }),
      expect: [{ messageId: 'mismatch', resource: 'tg-api', severity: 'high', contains: ['gRPC status 12', 'accepts 0'] }],
    },
    {
      name: 'static: "/" with a matcher of exactly 200',
      inventory: inv([ok, ok], { path: '/', matcher: '200' }),
      expect: [{ messageId: 'rootStrictMatcher', resource: 'tg-api', severity: 'low', contains: ['"/"', 'redirects'] }],
    },
    {
      name: 'static rule still fires without target health',
      inventory: inv(undefined, { path: '/', matcher: '200' }),
      expect: [{ messageId: 'rootStrictMatcher', resource: 'tg-api', severity: 'low' }],
    },
  ],
  unknown: [
    { name: 'target health not collected', inventory: inv(undefined, {}, { notCollected: [TARGET_HEALTH_DENIED] }), expect: [{ resource: 'tg-api', contains: ['grant elasticloadbalancing:DescribeTargetHealth'] }] },
    { name: 'health-check settings not collected', inventory: inv([ok], {}, { healthCheck: undefined }), expect: [{ resource: 'tg-api' }] },
  ],
  notApplicable: [{ name: 'Lambda pool', inventory: inv([ok], { path: '/', matcher: '200' }, { targetType: 'lambda' }), expect: [{ resource: 'tg-api' }] }],
});

describe('health/response-code-mismatch remediation', () => {
  it('widens the matcher and keeps the path for redirects', () => {
    const i = inv([mismatch('301'), mismatch('302')]);
    const [r] = evaluateAsAudit(responseCodeMismatch, i, {});
    expect(r?.remediation.cli).toBe(`aws elbv2 modify-target-group --target-group-arn ${i.backendPools[0]!.ref.id} --matcher HttpCode=200-399`);
    expect(r?.evidence.details).toMatchObject({ codes: [301, 302] });
  });

  it('asks for another path when the endpoint refuses the checker', () => {
    const [r] = evaluateAsAudit(responseCodeMismatch, inv([mismatch('403')]), {});
    // The right path is the application's: no command guesses it; the message says what to serve.
    expect(r?.remediation.cli).toBeUndefined();
    expect(r?.message).toContain('unauthenticated health endpoint');
  });
});
