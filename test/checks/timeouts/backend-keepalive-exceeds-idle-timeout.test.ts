import { describe, expect, it } from 'vitest';
import { backendKeepaliveExceedsIdleTimeout as check } from '../../../checks/timeouts/backend-keepalive-exceeds-idle-timeout.js';
import type { BackendProfile, LoadBalancer } from '../../../src/model/index.js';
import { albInventory, inventory, lbInventory, loadBalancer, pool, series, sourced, target, wire } from '../../support/builders.js';
import { routingDenied } from '../../support/routing-gaps.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const declared = (seconds: number | null): BackendProfile => ({ keepAliveSeconds: sourced(seconds, 'declared', 'tag cloud502:keepalive on tg-api') });
const server = (kind: NonNullable<BackendProfile['server']>['value']): BackendProfile => ({ server: sourced(kind, 'declared', 'tag cloud502:server on tg-api') });
const alb = (backend: BackendProfile | undefined, lb: Partial<LoadBalancer> = {}) => albInventory({ lb, pools: [pool('tg-api', backend ? { backend } : {})] });
const gcpIdle = { backendIdleTimeoutSeconds: sourced(600, 'fixed', 'Google ALB backend keep-alive') };

checkTester(check, {
  valid: [
    { name: 'declared keep-alive 75 s behind a 60 s ALB', inventory: alb(declared(75)) },
    { name: 'boundary: 61 s is exactly idle + 1 s margin', inventory: alb(declared(61)) },
    { name: 'Go without IdleTimeout never closes idle connections', inventory: alb(server('go')) },
    { name: 'nginx default 75 s behind the default 60 s idle timeout', inventory: alb(server('nginx')) },
    { name: 'margin 0 accepts 60.5 s behind 60 s', inventory: alb({ keepAliveSeconds: sourced(60.5, 'measured', 'probe') }), config: { checks: { [check.id]: { thresholds: { marginSeconds: 0 } } } } },
    { name: 'nginx 620 s behind a Google ALB (600 s fixed)', inventory: lbInventory('gcp-alb-global', { lb: gcpIdle, pools: [pool('bs-web', { backend: declared(620) })] }) },
  ],
  invalid: [
    {
      name: 'Node default 5 s (inferred) behind a 60 s ALB',
      inventory: alb(server('node')),
      expect: [{ messageId: 'shorter', resource: 'tg-api', severity: 'high', contains: ['5 s (inferred: default of node', 'HTTP 502 from the ALB', 'server.keepAliveTimeout = 65000', 'headersTimeout = 66000'] }],
    },
    {
      name: 'boundary: keep-alive equal to the idle timeout',
      inventory: alb(declared(60)),
      expect: [{ messageId: 'shorter', resource: 'tg-api', severity: 'high', contains: ['(declared: tag cloud502:keepalive on tg-api)'] }],
    },
    {
      name: 'boundary: equal still fails with margin 0 (the strict rule is documented, the margin is not)',
      inventory: alb(declared(60)),
      config: { checks: { [check.id]: { thresholds: { marginSeconds: 0 } } } },
      expect: [{ messageId: 'shorter', resource: 'tg-api' }],
    },
    {
      name: 'measured 60.5 s is inside the 1 s race margin',
      inventory: alb({ keepAliveSeconds: sourced(60.5, 'measured', 'Keep-Alive: timeout header') }),
      expect: [{ messageId: 'margin', resource: 'tg-api', severity: 'high', contains: ['only 0.5 s longer', 'measured'] }],
    },
    {
      name: 'Classic ELB shows the race as 504',
      inventory: lbInventory('aws-clb', { pools: [pool('tg-api', { backend: server('gunicorn') })] }),
      expect: [{ messageId: 'shorter', resource: 'tg-api', contains: ['HTTP 504 from the Classic ELB', 'gunicorn: start with --keep-alive 65'] }],
    },
    {
      name: 'nginx default 75 s behind a Google ALB (600 s fixed)',
      inventory: lbInventory('gcp-alb-global', { lb: gcpIdle, pools: [pool('bs-web', { backend: server('nginx') })] }),
      expect: [{ messageId: 'shorter', resource: 'bs-web', contains: ['backend_connection_closed_before_data_sent_to_client', 'keepalive_timeout 605s'] }],
    },
    {
      name: 'a measured target overrides the pool declaration',
      inventory: albInventory({
        pools: [
          pool('tg-api', {
            backend: declared(75),
            targets: [target({ id: 'i-0aaa' }), target({ id: 'i-0bbb', backend: { keepAliveSeconds: sourced(30, 'measured', 'probe idle close') } })],
          }),
        ],
      }),
      expect: [{ messageId: 'shorter', resource: 'tg-api', contains: ['30 s (measured: probe idle close)'] }],
    },
    {
      name: 'Tomcat shipped default 20 s',
      inventory: alb(server('tomcat')),
      expect: [{ messageId: 'shorter', resource: 'tg-api', contains: ['keepAliveTimeout="65000"'] }],
    },
  ],
  unknown: [
    { name: 'nothing known about the backend', inventory: alb(undefined), expect: [{ resource: 'tg-api', contains: ['cloud502:keepalive=<seconds>', 'backends:', '--probe'] }] },
    {
      name: 'tags could not be read: the denied call is named before the advice to declare',
      inventory: { ...alb(undefined), coverage: [routingDenied('elasticloadbalancing:DescribeTags', 'tags')] },
      expect: [{ resource: 'tg-api', contains: ['the tags and labels of tg-api and its targets: not collected (elasticloadbalancing:DescribeTags: AccessDenied', 'cloud502:keepalive=<seconds>'] }],
    },
    {
      name: 'one target known and passing, one unknown',
      inventory: albInventory({ pools: [pool('tg-api', { targets: [target({ id: 'i-0aaa', backend: declared(75) }), target({ id: 'i-0bbb' })] })] }),
      expect: [{ resource: 'tg-api', contains: ['1 of 2 target(s) (i-0bbb:8080)'] }],
    },
    {
      name: 'Application Gateway idle timeout is undocumented',
      inventory: lbInventory('azure-appgw', { name: 'agw-web', lb: { backendIdleTimeoutSeconds: undefined }, pools: [pool('pool-web', { backend: server('node') })] }),
      expect: [{ resource: 'agw-web', contains: ['not documented', 'watch'] }],
    },
    {
      name: 'DescribeTargetGroups denied in the region: the pools are unknown, not absent',
      inventory: inventory({ loadBalancers: [loadBalancer('alb-web')], coverage: [routingDenied('elasticloadbalancing:DescribeTargetGroups', 'pools')] }),
      expect: [{ resource: 'alb-web', contains: ['the pools alb-web routes to: not collected (elasticloadbalancing:DescribeTargetGroups: AccessDenied', 'grant elasticloadbalancing:DescribeTargetGroups'] }],
    },
    {
      name: 'DescribeListeners denied for this load balancer',
      inventory: inventory({ loadBalancers: [loadBalancer('alb-web', { notCollected: [{ input: 'listeners', api: 'elasticloadbalancing:DescribeListeners', code: 'AccessDenied' }] })] }),
      expect: [{ resource: 'alb-web', contains: ['(elasticloadbalancing:DescribeListeners: AccessDenied'] }],
    },
    { name: 'ALB idle timeout not collected', inventory: alb(declared(75), { backendIdleTimeoutSeconds: undefined }), expect: [{ resource: 'alb-web', contains: ['not collected'] }] },
  ],
  notApplicable: [
    { name: 'an ALB that routes nowhere, everything read', inventory: inventory({ loadBalancers: [loadBalancer('alb-web')] }), expect: [{ resource: 'alb-web', contains: ['routes to no backend pool'] }] },
    { name: 'NLB does not pool backend connections', inventory: lbInventory('aws-nlb', { name: 'nlb-db', pools: [pool('tg-db', { backend: server('node') })] }), expect: [{ resource: 'nlb-db' }] },
    { name: 'Lambda targets', inventory: albInventory({ pools: [pool('tg-fn', { targetType: 'lambda', backend: server('node') })] }), expect: [{ resource: 'tg-fn' }] },
  ],
});

describe(`${check.id} evidence`, () => {
  it('puts the per-server fix, the source and the narrowed status codes into the evidence and the CLI', () => {
    const inv = alb(server('uvicorn'));
    const [r] = evaluateAsAudit(check, inv, {});
    expect(r).toMatchObject({
      status: 'fail',
      resource: { name: 'tg-api', loadBalancerName: 'alb-web' },
      evidence: {
        path: 'backend.keepAliveSeconds',
        observed: 5,
        source: 'inferred: default of uvicorn (tag cloud502:server on tg-api)',
        details: { fix: 'uvicorn: start with --timeout-keep-alive 65.', recommendedKeepAliveSeconds: 65, statusCodes: [502], loadBalancerIdleTimeoutSeconds: 60 },
      },
    });
    // The fix is the backend's own setting: no load-balancer command that would shorten the idle timeout below responses.
    expect(r?.remediation.console).toBe('uvicorn: start with --timeout-keep-alive 65.');
    expect(r?.remediation.cli).toBeUndefined();
  });

  it('judges a pool shared by two load balancers once per load balancer, with distinct fingerprints', () => {
    const shared = pool('tg-api', { backend: declared(75) });
    const a = wire(loadBalancer('alb-a', { backendIdleTimeoutSeconds: sourced(60, 'api') }), [shared]);
    const b = wire(loadBalancer('alb-b', { backendIdleTimeoutSeconds: sourced(120, 'api') }), [a.pools[0]!]);
    const results = evaluateAsAudit(check, inventory({ loadBalancers: [a.lb, b.lb], backendPools: b.pools }), {});
    expect(results.map((r) => `${r.resource.loadBalancerName}:${r.status}`)).toEqual(['alb-a:pass', 'alb-b:fail']);
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(2);
  });
});

describe(`${check.id} fix beside the latency finding`, () => {
  const withLatency = (p99: number[]) => {
    const inv = alb(server('node'));
    return { ...inv, metrics: [series(inv.backendPools[0]!.ref.id, 'target.latency.p99', p99)] };
  };

  it('keeps the keep-alive above the idle timeout the latency finding asks for (p99 50 s: 100 s idle, 105 s keep-alive)', () => {
    const [r] = evaluateAsAudit(check, withLatency([12, 50]), {});
    expect(r).toMatchObject({ status: 'fail', messageId: 'shorter' });
    expect(r?.evidence.details).toMatchObject({ recommendedKeepAliveSeconds: 105, plannedIdleTimeoutSeconds: 100 });
    expect(r?.message).toContain('server.keepAliveTimeout = 105000');
  });

  it('boundary: responses that leave room under today\'s idle timeout change nothing (p99 30 s behind 60 s)', () => {
    const [r] = evaluateAsAudit(check, withLatency([30]), {});
    expect(r?.evidence.details).toMatchObject({ recommendedKeepAliveSeconds: 65 });
    expect(r?.evidence.details).not.toHaveProperty('plannedIdleTimeoutSeconds');
  });
});
