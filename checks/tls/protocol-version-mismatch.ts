import { defineCheck } from '../../src/engine/index.js';
import type { BackendPool, Listener } from '../../src/model/index.js';
import { describeMissing } from '../../src/model/index.js';

function routesTo(listener: Listener, pool: BackendPool): boolean {
  return listener.defaultPoolIds.includes(pool.ref.id) || listener.routes.some((r) => r.poolIds.includes(pool.ref.id));
}

export const protocolVersionMismatch = defineCheck({
  id: 'tls/protocol-version-mismatch',
  title: 'HTTP/2 and gRPC target groups sit behind HTTPS listeners with a gRPC health-check matcher',
  family: 'tls',
  severity: 'medium',
  causes: [502, 505],
  // AWS-only: ALB target group protocol versions.
  kinds: ['aws-alb'],
  fixes: ['set-pool-protocol', 'set-health-check'],
  rationale:
    'ALB target groups have a protocol version: HTTP1 (default), HTTP2 or GRPC. HTTP/2 and gRPC target groups are only ' +
    'supported behind HTTPS listeners, because the ALB negotiates HTTP/2 with clients over TLS (ALPN); behind an HTTP ' +
    'listener requests fail with 464/505. A gRPC target group is health-checked with gRPC status codes (matcher GrpcCode, ' +
    'default 12): without one, health checks judge the wrong thing. That mismatches end in 502 is not documented by AWS.',
  remediation: {
    summary:
      'Put HTTP/2 and gRPC target groups behind an HTTPS listener (or use protocol version HTTP1), and give gRPC target groups a ' +
      'gRPC matcher (e.g. 0, or 0-99).',
  },
  docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html'],
  thresholds: {},
  messages: {
    needsHttpsListener:
      '{{pool}} uses protocol version {{version}}, but listener {{listener}} of {{lb}} forwards to it over plain HTTP: {{version}} target groups need an HTTPS listener.',
    grpcWithoutMatcher: '{{pool}} uses protocol version GRPC but its health check has no gRPC matcher ({{matcher}}): health checks do not judge gRPC status codes.',
  },
  evaluate(inv, ctx) {
    for (const lb of inv.loadBalancers) {
      for (const pool of ctx.index.poolsOf(lb)) {
        const where = { ref: pool.ref, loadBalancer: lb };
        if (pool.targetType === 'lambda') {
          ctx.notApplicable(where, 'Lambda target groups have no protocol version.', { discriminator: lb.ref.id });
          continue;
        }
        const version = pool.protocolVersion;
        if (!version) {
          ctx.unknown(where, describeMissing(inv, 'pools', pool, 'the target group protocol version'), { discriminator: lb.ref.id });
          continue;
        }
        if (version === 'HTTP1') {
          ctx.pass(where, { discriminator: lb.ref.id, message: `${pool.ref.name}: protocol version HTTP1 works behind HTTP and HTTPS listeners.` });
          continue;
        }
        let failed = false;
        for (const listener of lb.listeners.filter((l) => l.protocol === 'HTTP' && routesTo(l, pool))) {
          failed = true;
          const name = `${listener.protocol}:${listener.port}`;
          ctx.fail(
            where,
            'needsHttpsListener',
            { pool: pool.ref.name, version, listener: name, lb: lb.ref.name },
            {
              discriminator: `${lb.ref.id}:${listener.ref.id}`,
              fix: { kind: 'set-pool-protocol', lbId: lb.ref.id, poolId: pool.ref.id, protocolVersion: 'HTTP1' },
              evidence: {
                path: `listener[${name}].protocol`,
                observed: 'HTTP',
                expected: 'HTTPS',
                source: 'api',
                // 464/505 are documented for version mismatches; a 502 is not, so no LB-generated 502 is attributed to this.
                details: { protocolVersion: version, statusCodes: [505] },
              },
            },
          );
        }
        if (version === 'GRPC') {
          if (!pool.healthCheck) {
            ctx.unknown(where, 'the health check of the gRPC target group was not collected, so its matcher cannot be checked.', { discriminator: `${lb.ref.id}:matcher` });
            failed = true;
          } else if (pool.healthCheck.enabled && !pool.healthCheck.grpcMatcher) {
            failed = true;
            ctx.fail(
              where,
              'grpcWithoutMatcher',
              { pool: pool.ref.name, matcher: pool.healthCheck.matcher ? `HTTP matcher ${pool.healthCheck.matcher}` : 'none' },
              {
                discriminator: `${lb.ref.id}:matcher`,
                fix: { kind: 'set-health-check', lbId: lb.ref.id, poolId: pool.ref.id, changes: { grpcMatcher: '0-99' } },
                evidence: {
                  path: 'backendPool.healthCheck.grpcMatcher',
                  observed: pool.healthCheck.matcher ?? null,
                  expected: 'GrpcCode (e.g. 0 or 0-99; AWS default 12)',
                  source: 'api',
                  details: { statusCodes: [] },
                },
              },
            );
          }
        }
        if (!failed) {
          ctx.pass(where, { discriminator: lb.ref.id, message: `${pool.ref.name}: ${version} target group behind HTTPS listeners${version === 'GRPC' ? ' with a gRPC matcher' : ''}.` });
        }
      }
    }
  },
});
