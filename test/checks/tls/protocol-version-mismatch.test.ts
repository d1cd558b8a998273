import { describe, expect, it } from 'vitest';
import { protocolVersionMismatch as check } from '../../../checks/tls/protocol-version-mismatch.js';
import type { BackendPool, Listener } from '../../../src/model/index.js';
import { healthCheck, inventory, lbInventory, loadBalancer, pool, wire } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const grpcHc = healthCheck({ matcher: undefined, grpcMatcher: '0-99', path: '/AWS.ALB/healthcheck' });
const alb = (p: BackendPool, ...listeners: Array<Partial<Listener>>) => {
  let lb = loadBalancer('alb-web');
  let pools = [p];
  for (const l of listeners.length ? listeners : [{}]) ({ lb, pools } = wire(lb, pools, l));
  return inventory({ loadBalancers: [lb], backendPools: pools });
};
const HTTP: Partial<Listener> = { protocol: 'HTTP', port: 80 };

checkTester(check, {
  valid: [
    { name: 'HTTP1 behind an HTTP listener', inventory: alb(pool('tg-api'), HTTP) },
    { name: 'HTTP2 behind HTTPS', inventory: alb(pool('tg-h2', { protocolVersion: 'HTTP2', protocol: 'HTTPS' })) },
    {
      name: 'an HTTP listener that forwards elsewhere does not count against an HTTP2 pool',
      inventory: (() => {
        const a = wire(loadBalancer('alb-web'), [pool('tg-web')], HTTP);
        const b = wire(a.lb, [pool('tg-h2', { protocolVersion: 'HTTP2', protocol: 'HTTPS' })]);
        return inventory({ loadBalancers: [b.lb], backendPools: [...a.pools, ...b.pools] });
      })(),
    },
    { name: 'GRPC behind HTTPS with a gRPC matcher', inventory: alb(pool('tg-grpc', { protocolVersion: 'GRPC', protocol: 'HTTPS', healthCheck: grpcHc })) },
  ],
  invalid: [
    { name: 'HTTP2 behind an HTTP listener', inventory: alb(pool('tg-h2', { protocolVersion: 'HTTP2' }), HTTP), expect: [{ messageId: 'needsHttpsListener', resource: 'tg-h2', severity: 'medium', contains: ['HTTP:80'] }] },
    {
      name: 'GRPC behind both HTTP and HTTPS listeners, without a gRPC matcher',
      inventory: alb(pool('tg-grpc', { protocolVersion: 'GRPC', protocol: 'HTTPS' }), HTTP, {}),
      expect: [
        { messageId: 'needsHttpsListener', resource: 'tg-grpc', severity: 'medium' },
        { messageId: 'grpcWithoutMatcher', resource: 'tg-grpc', severity: 'medium', contains: ['HTTP matcher 200'] },
      ],
    },
  ],
  unknown: [
    { name: 'protocol version not collected', inventory: alb(pool('tg-api', { protocolVersion: undefined })), expect: [{ resource: 'tg-api' }] },
    { name: 'GRPC health check not collected', inventory: alb(pool('tg-grpc', { protocolVersion: 'GRPC', healthCheck: undefined })), expect: [{ resource: 'tg-grpc' }] },
  ],
  notApplicable: [{ name: 'Lambda target group', inventory: alb(pool('tg-fn', { targetType: 'lambda' })), expect: [{ resource: 'tg-fn' }] }],
});

describe(`${check.id} scope`, () => {
  it('only judges ALBs', () => {
    const results = evaluateAsAudit(check, lbInventory('aws-nlb', { pools: [pool('tg-x', { protocolVersion: 'GRPC' })] }), {});
    expect(results.map((r) => [r.status, r.resource.name])).toEqual([['not_applicable', 'Network Load Balancer']]);
  });

  it('does not attribute LB-generated 502s to a listener mismatch (documented as 464/505)', () => {
    const [r] = evaluateAsAudit(check, alb(pool('tg-h2', { protocolVersion: 'HTTP2' }), HTTP), {});
    expect(r?.evidence.details?.statusCodes).toEqual([505]);
  });
});
