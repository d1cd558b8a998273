import { defineCheck } from '../../src/engine/index.js';
import type { HealthCheck, Protocol, Target } from '../../src/model/index.js';
import { formatStatusRanges } from '../../src/model/index.js';
import { HEALTH_CHECKED_KINDS } from '../kinds.js';
import { corroborate, judgeableHealthCheck, lbLabel, poolContexts, targetHealthMissing } from '../targets/pool-context.js';
import { adviceFor } from '../targets/reason-codes.js';

function isHttp(p: Protocol | undefined): boolean {
  return p === 'HTTP' || p === 'HTTPS';
}

export const responseCodeMismatch = defineCheck({
  id: 'health/response-code-mismatch',
  title: 'Health checks get the status code their matcher expects',
  family: 'health',
  severity: 'high',
  causes: [502, 503],
  kinds: [...HEALTH_CHECKED_KINDS],
  fixes: ['set-health-check'],
  rationale:
    'A target whose health check answers a status outside the success codes (AWS Target.ResponseCodeMismatch, Azure ' +
    '"Received invalid status code") is unhealthy even if it serves traffic well: capacity drops, and when every target is ' +
    'affected the load balancer fails open or answers 502/503 itself. The code tells the fix: 3xx → the real path or ' +
    'success codes 200-399; 401/403 → an unauthenticated health endpoint; 404 → the path. High when targets fail now; ' +
    'otherwise a static heuristic flags "/" with success codes of exactly 200, since "/" often redirects (low).',
  remediation: {
    summary:
      'Point the health check at a dedicated endpoint that returns 200 without authentication or redirects, or widen the ' +
      'matcher to the codes the endpoint legitimately returns (ALB 200-499, NLB 200-599, gRPC 0-99).',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts',
  ],
  thresholds: {},
  messages: {
    mismatch:
      '{{count}} of {{total}} targets of {{pool}} fail health checks on {{path}} with {{codes}} while the matcher accepts {{matcher}}; {{advice}}.',
    rootStrictMatcher:
      '{{pool}} health-checks "/" and accepts only 200; "/" often redirects (to a login page or index), which would mark every target behind {{lb}} unhealthy.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index)) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = judgeableHealthCheck(inv, c, ctx, opts);
      if (!hc) continue;
      const grpc = c.pool.protocolVersion === 'GRPC';
      const matcher = (grpc ? hc.grpcMatcher : (hc.matcher ?? (hc.successCodes ? formatStatusRanges(hc.successCodes) : undefined))) ?? 'unknown';
      const targets = c.pool.targets;

      const failing: Target[] = targets?.filter((t) => t.health.state !== 'healthy' && t.health.cause === 'response-code-mismatch') ?? [];
      if (targets !== undefined && failing.length > 0) {
        const codes = [...new Set(failing.flatMap((t) => t.health.observedStatusCodes ?? []))].sort((a, b) => a - b);
        const redirectOnly = !grpc && codes.length > 0 && codes.every((code) => code >= 200 && code < 400);
        ctx.fail(
          c.resource,
          'mismatch',
          {
            pool: c.pool.ref.name,
            lb: lbLabel(c),
            count: failing.length,
            total: targets.length,
            path: hc.path ?? 'the health-check path',
            codes: codes.length ? `${grpc ? 'gRPC status' : 'HTTP'} ${codes.join(', ')}` : 'unreported codes',
            matcher,
            advice: adviceFor(codes, grpc),
            suggestedPath: redirectOnly && hc.path ? hc.path : '<unauthenticated-health-path>',
            suggestedMatcher: redirectOnly ? '200-399' : matcher,
          },
          {
            ...opts,
            severity: 'high',
            ...(redirectOnly ? { fix: { kind: 'set-health-check' as const, poolId: c.pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}), changes: { matcher: '200-399' } } } : {}),
            evidence: {
              path: 'backendPool.targets[].health.reason',
              observed: failing.map((t) => ({ target: t.key, cause: t.health.cause, reason: t.health.reason, description: t.health.description })),
              expected: `status codes within the matcher ${matcher}`,
              source: 'api (target health at collection time)',
              details: { healthCheckPath: hc.path, matcher, codes },
              metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.unhealthy-hosts.max'], [c.lb?.ref.id, 'lb.http.502'], [c.lb?.ref.id, 'lb.http.503']]),
            },
          },
        );
        continue;
      }

      const onlyOk = hc.successCodes ? hc.successCodes.length === 1 && hc.successCodes[0]?.from === 200 && hc.successCodes[0].to === 200 : hc.matcher?.trim() === '200';
      if (isHttp(hc.protocol) && !grpc && hc.path === '/' && onlyOk) {
        ctx.fail(
          c.resource,
          'rootStrictMatcher',
          { pool: c.pool.ref.name, lb: lbLabel(c), suggestedPath: '<health-endpoint-path>', suggestedMatcher: '200' },
          {
            ...opts,
            severity: 'low',
            fix: { kind: 'set-health-check', poolId: c.pool.ref.id, ...(c.lb ? { lbId: c.lb.ref.id } : {}), changes: { matcher: '200-399' } },
            evidence: {
              path: 'backendPool.healthCheck.path',
              observed: { path: '/', matcher: '200' },
              expected: 'a dedicated health path, or a matcher that accepts the redirect',
              source: 'api',
              details: { heuristic: true, targetHealthCollected: targets !== undefined },
            },
          },
        );
        continue;
      }
      if (targets === undefined) {
        ctx.unknown(c.resource, targetHealthMissing(inv, c), opts);
        continue;
      }
      if (isHttp(hc.protocol) && !grpc && !hasPathAndMatcher(hc)) {
        // Current target health is the main signal and it is clean; the static heuristic had nothing to read.
        ctx.pass(c.resource, { ...opts, message: `${c.pool.ref.name}: no target fails its health check on the status code; the "/"-path heuristic was not evaluated (path or matcher not collected).` });
        continue;
      }
      ctx.pass(c.resource, opts);
    }
  },
});

function hasPathAndMatcher(hc: HealthCheck): boolean {
  return hc.path !== undefined && (hc.matcher !== undefined || hc.successCodes !== undefined);
}
