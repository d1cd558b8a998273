import { defineCheck } from '../../src/engine/index.js';
import type { HealthCheck, Protocol, Target } from '../../src/model/index.js';
import { corroborate, judgeableHealthCheck, lbLabel, poolContexts, targetHealthMissing } from '../targets/pool-context.js';
import { adviceFor, codesFromDescription, RESPONSE_CODE_MISMATCH } from '../targets/reason-codes.js';

function isHttp(p: Protocol | undefined): boolean {
  return p === 'HTTP' || p === 'HTTPS';
}

export const responseCodeMismatch = defineCheck({
  id: 'health/response-code-mismatch',
  title: 'Health checks get the status code their matcher expects',
  family: 'health',
  severity: 'high',
  causes: [502, 503],
  providers: ['aws'],
  rationale:
    'A target whose health check answers a status outside the matcher (Target.ResponseCodeMismatch, "Health checks failed ' +
    'with these codes: [301]") is unhealthy even if it serves traffic well: capacity drops, and when every target is ' +
    'affected the ALB fails open (502/504) or the Classic Load Balancer answers 503. The code tells the fix: 3xx → the real ' +
    'path or matcher 200-399; 401/403 → an unauthenticated health endpoint; 404 → the path. High when targets fail now; ' +
    'otherwise a static heuristic flags "/" with a matcher of exactly 200, since "/" often redirects (low) ' +
    '(CHECKS.md aws.tg.health-check-matcher-path, facts A9, A10).',
  remediation: {
    summary:
      'Point the health check at a dedicated endpoint that returns 200 without authentication or redirects, or widen the ' +
      'matcher to the codes the endpoint legitimately returns (ALB 200-499, NLB 200-599, gRPC 0-99).',
    aws: {
      cli: 'aws elbv2 modify-target-group --target-group-arn {{resourceId}} --health-check-path {{suggestedPath}} --matcher HttpCode={{suggestedMatcher}}',
      terraform: 'aws_lb_target_group.health_check { path, matcher }',
    },
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
  ],
  thresholds: {},
  messages: {
    mismatch:
      '{{count}} of {{total}} targets of {{pool}} fail health checks on {{path}} with {{codes}} while the matcher accepts {{matcher}}; {{advice}}.',
    rootStrictMatcher:
      '{{pool}} health-checks "/" and accepts only 200; "/" often redirects (to a login page or index), which would mark every target behind {{lb}} unhealthy.',
  },
  evaluate(inv, ctx) {
    for (const c of poolContexts(inv, ctx.index, ['aws'])) {
      const opts = c.discriminator ? { discriminator: c.discriminator } : {};
      const hc = judgeableHealthCheck(inv, c, ctx, opts);
      if (!hc) continue;
      const grpc = c.pool.protocolVersion === 'GRPC';
      const matcher = (grpc ? hc.grpcMatcher : hc.matcher) ?? 'unknown';
      const targets = c.pool.targets;

      const failing: Target[] = targets?.filter((t) => t.health.reason === RESPONSE_CODE_MISMATCH) ?? [];
      if (targets !== undefined && failing.length > 0) {
        const codes = [...new Set(failing.flatMap((t) => codesFromDescription(t.health.description)))].sort((a, b) => a - b);
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
            evidence: {
              path: 'backendPool.targets[].health.reason',
              observed: failing.map((t) => ({ target: t.key, reason: t.health.reason, description: t.health.description })),
              expected: `status codes within the matcher ${matcher}`,
              source: 'api (target health at collection time)',
              details: { healthCheckPath: hc.path, matcher, codes },
              metrics: corroborate(ctx.index, [[c.pool.ref.id, 'pool.unhealthy-hosts.max'], [c.lb?.ref.id, 'lb.http.502'], [c.lb?.ref.id, 'lb.http.503']]),
            },
          },
        );
        continue;
      }

      if (isHttp(hc.protocol) && !grpc && hc.path === '/' && hc.matcher?.trim() === '200') {
        ctx.fail(
          c.resource,
          'rootStrictMatcher',
          { pool: c.pool.ref.name, lb: lbLabel(c), suggestedPath: '<health-endpoint-path>', suggestedMatcher: '200' },
          {
            ...opts,
            severity: 'low',
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
        ctx.pass(c.resource, { ...opts, message: `${c.pool.ref.name}: no target fails with ${RESPONSE_CODE_MISMATCH}; the "/"-path heuristic was not evaluated (path or matcher not collected).` });
        continue;
      }
      ctx.pass(c.resource, opts);
    }
  },
});

function hasPathAndMatcher(hc: HealthCheck): boolean {
  return hc.path !== undefined && hc.matcher !== undefined;
}
