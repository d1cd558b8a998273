import { defineCheck } from '../../src/engine/index.js';
import type { BackendPool, LoadBalancer, ServerKind, Sourced, Symptom } from '../../src/model/index.js';
import { describeMissing, effectiveKeepAlive, keepAliveSetting, kindFacts, mergeBackendProfiles, routingInputMissing, symptomOf } from '../../src/model/index.js';
import { gapCovering } from '../evidence/metrics-gap.js';
import { ALL_KINDS } from '../kinds.js';
import { plannedIdleTimeout } from './latency-idle.js';

function describeSource(s: Sourced<unknown>): string {
  return s.detail ? `${s.source}: ${s.detail}` : s.source;
}

interface TargetKeepAlive {
  key: string;
  keepAlive: Sourced<number | null> | undefined;
  server: ServerKind | undefined;
}

/** Effective keep-alive per target (target.backend merged over pool.backend); the pool alone when it has no targets. */
function keepAlives(pool: BackendPool): TargetKeepAlive[] {
  const targets = pool.targets ?? [];
  if (targets.length === 0) {
    return [{ key: '(pool declaration)', keepAlive: effectiveKeepAlive(pool.backend), server: pool.backend?.server?.value }];
  }
  return targets.map((t) => {
    const merged = mergeBackendProfiles(pool.backend, t.backend);
    return { key: t.key, keepAlive: effectiveKeepAlive(merged), server: merged?.server?.value };
  });
}

export const backendKeepaliveExceedsIdleTimeout = defineCheck({
  id: 'timeouts/backend-keepalive-exceeds-idle-timeout',
  title: 'Backends keep idle connections open longer than the load balancer does',
  family: 'timeouts',
  severity: 'high',
  causes: [502, 503, 504],
  kinds: [...ALL_KINDS],
  fixes: ['set-backend-keepalive'],
  rationale:
    'An L7 load balancer reuses idle backend connections until its own idle timeout (ALB/CLB idle_timeout, default 60 s; ' +
    'Google ALBs a fixed 600 s). If the backend closes an idle connection first, a request the load balancer sends on it ' +
    'at the same moment fails: 502 on an ALB, 504 on a Classic ELB, 502/503 backend_connection_closed_before_data_sent_to_client ' +
    'on Google. The backend keep-alive must therefore be strictly greater than the load balancer idle timeout, with a margin ' +
    'for the race. Server defaults are far below it (Node 5 s, gunicorn 2 s, uvicorn 5 s, Apache 5 s, Tomcat 20 s); ' +
    'Go net/http without IdleTimeout never closes idle connections and is safe from this race.',
  remediation: {
    summary:
      'Make the backend idle keep-alive strictly longer than the load balancer idle timeout (idle + 5 s), so that the load ' +
      'balancer, not the backend, closes idle connections: Node server.keepAliveTimeout (and headersTimeout above it), ' +
      'gunicorn --keep-alive, uvicorn --timeout-keep-alive, nginx keepalive_timeout, Apache KeepAliveTimeout, Tomcat ' +
      'keepAliveTimeout, Go http.Server.IdleTimeout. Lowering the load balancer\'s idle timeout instead also cuts client ' +
      'connections and must stay above the slowest response, so the backend setting is the fix.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://repost.aws/knowledge-center/504-error-classic',
    'https://cloud.google.com/load-balancing/docs/https#timeouts_and_retries',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-idle-timeout',
    'https://learn.microsoft.com/azure/application-gateway/configuration-http-settings',
  ],
  thresholds: {
    marginSeconds: {
      default: 1,
      description:
        'Race margin: the backend keep-alive must exceed the idle timeout by at least this much (heuristic; the strict ' +
        '"greater than" rule itself is AWS/Google documentation).',
      unit: 'seconds',
      min: 0,
      max: 600,
    },
  },
  messages: {
    shorter:
      'Targets of {{pool}} close idle connections after {{keepAlive}} s ({{source}}), but {{lb}} reuses idle backend connections ' +
      'for up to {{idle}} s: a request sent on a connection the target has just closed fails with {{symptom}}. Fix: {{fix}}',
    margin:
      'Targets of {{pool}} keep idle connections for {{keepAlive}} s ({{source}}), only {{gap}} s longer than the {{idle}} s idle ' +
      'timeout of {{lb}}, less than the {{margin}} s race margin: requests can still fail with {{symptom}}. Fix: {{fix}}',
  },
  evaluate(inv, ctx) {
    const margin = ctx.thresholds.marginSeconds;
    for (const lb of inv.loadBalancers) {
      const facts = kindFacts(lb.kind);
      if (lb.layer === 4 || !facts.reusesBackendConnections) {
        ctx.notApplicable(
          lb,
          'layer-4 load balancers do not reuse backend connections across clients, so the keep-alive race does not apply (see timeouts/nlb-tcp-idle-timeout).',
        );
        continue;
      }
      const fixed = facts.fixedBackendIdleTimeoutSeconds;
      const idle: Sourced<number> | undefined =
        lb.backendIdleTimeoutSeconds ?? (fixed !== undefined ? { value: fixed, source: 'fixed', detail: `${facts.label}s keep backend connections ${fixed} s` } : undefined);
      if (!idle) {
        ctx.unknown(lb, idleTimeoutMissing(inv, lb));
        continue;
      }
      const pools = ctx.index.poolsOf(lb);
      if (pools.length === 0) {
        // No pool in the inventory: either the load balancer routes nowhere, or its routing could not be read.
        const missing = routingInputMissing(inv, lb);
        if (missing) ctx.unknown(lb, describeMissing(inv, missing, lb, `the pools ${lb.ref.name} routes to`));
        else ctx.notApplicable(lb, 'routes to no backend pool.');
        continue;
      }
      const symptom = symptomOf(lb.kind, 'backend-closed-idle');
      for (const pool of pools) {
        const where = { ref: pool.ref, loadBalancer: lb };
        const discriminator = lb.ref.id;
        if (pool.targetType === 'lambda') {
          ctx.notApplicable(where, 'Lambda targets are invoked, not reached over pooled HTTP connections.', { discriminator });
          continue;
        }
        judgePool(pool, lb, idle, margin, symptom, where, discriminator);
      }
    }

    function judgePool(
      pool: BackendPool,
      lb: LoadBalancer,
      idle: Sourced<number>,
      margin: number,
      symptom: Symptom,
      where: { ref: BackendPool['ref']; loadBalancer: LoadBalancer },
      discriminator: string,
    ): void {
      const all = keepAlives(pool);
      const failing = all.filter(
        (t) => t.keepAlive !== undefined && t.keepAlive.value !== null && (t.keepAlive.value <= idle.value || t.keepAlive.value - idle.value < margin),
      );
      const unknown = all.filter((t) => t.keepAlive === undefined);

      if (failing.length > 0) {
        const worst = failing.reduce((a, b) => ((a.keepAlive!.value as number) <= (b.keepAlive!.value as number) ? a : b));
        const ka = worst.keepAlive as Sourced<number>;
        // Above the idle timeout the load balancer will have once its latency finding is fixed, not only today's.
        const planned = plannedIdleTimeout(ctx.index, lb, idle.value);
        const recommended = Math.ceil(Math.max(idle.value, planned ?? 0)) + 5;
        const fix = keepAliveSetting(worst.server, recommended);
        const messageId = ka.value <= idle.value ? 'shorter' : 'margin';
        ctx.fail(
          where,
          messageId,
          {
            pool: pool.ref.name,
            lb: lb.ref.name,
            lbId: lb.ref.id,
            keepAlive: ka.value,
            idle: idle.value,
            gap: Math.round((ka.value - idle.value) * 1000) / 1000,
            margin,
            source: describeSource(ka),
            symptom: symptom.text,
            fix,
          },
          {
            discriminator,
            fix: { kind: 'set-backend-keepalive', poolId: pool.ref.id, seconds: recommended, ...(worst.server ? { server: worst.server } : {}) },
            evidence: {
              path: 'backend.keepAliveSeconds',
              observed: ka.value,
              expected: `> ${idle.value} s (load balancer idle timeout) and at least ${idle.value + margin} s`,
              source: describeSource(ka),
              details: {
                loadBalancerIdleTimeoutSeconds: idle.value,
                idleTimeoutSource: describeSource(idle),
                server: worst.server ?? 'unknown',
                recommendedKeepAliveSeconds: recommended,
                ...(planned !== undefined ? { plannedIdleTimeoutSeconds: planned } : {}),
                fix,
                symptom: symptom.text,
                statusCodes: symptom.codes,
                affectedTargets: failing.map((t) => t.key),
                targetsAffected: `${failing.length} of ${all.length}`,
                ...(unknown.length ? { targetsWithoutKeepAlive: unknown.map((t) => t.key) } : {}),
              },
            },
          },
        );
        return;
      }
      if (unknown.length > 0) {
        // Declarations are read from tags and labels: when those could not be read, say which call failed first.
        const tagsGap = gapCovering(inv, 'tags', pool.ref) ?? gapCovering(inv, 'tags', lb.ref);
        const unread = tagsGap
          ? `the tags and labels of ${pool.ref.name} and its targets: not collected (${tagsGap.api}: ${tagsGap.code} ${tagsGap.message}); ` +
            `${tagsGap.permission ? `grant ${tagsGap.permission}` : `make ${tagsGap.api} succeed`} and collect again. `
          : '';
        ctx.unknown(
          where,
          `no backend keep-alive is known for ${unknown.length} of ${all.length} target(s) (${unknown.map((t) => t.key).join(', ')}). ${unread}` +
            'Declare it with the tag cloud502:server=<node|gunicorn|uvicorn|nginx|apache|tomcat|go> or cloud502:keepalive=<seconds> ' +
            `on the target group, or a backends: entry in .cloud502.yml (match: { pool: "${pool.ref.name}" } with server or keepAliveSeconds), ` +
            'or run with --probe to measure it.',
          { discriminator, evidence: { path: 'backend.keepAliveSeconds', expected: `> ${idle.value} s`, details: { targetsWithoutKeepAlive: unknown.map((t) => t.key) } } },
        );
        return;
      }
      const shortest = all.reduce((a, b) => {
        const av = a.keepAlive!.value ?? Number.POSITIVE_INFINITY;
        const bv = b.keepAlive!.value ?? Number.POSITIVE_INFINITY;
        return av <= bv ? a : b;
      });
      const ka = shortest.keepAlive!;
      const said =
        ka.value === null
          ? `targets of ${pool.ref.name} never close idle connections (${describeSource(ka)}), so ${lb.ref.name} (idle timeout ${idle.value} s) always closes them first.`
          : `targets of ${pool.ref.name} keep idle connections for ${ka.value} s (${describeSource(ka)}), more than the ${idle.value} s idle timeout of ${lb.ref.name}.`;
      ctx.pass(where, {
        discriminator,
        message: `${pool.ref.name}: ${said}`,
        evidence: { path: 'backend.keepAliveSeconds', observed: ka.value, expected: `> ${idle.value} s`, source: describeSource(ka) },
      });
    }
  },
});

/** Why the load balancer's backend idle timeout is unknown: undocumented for the kind, or not collected. */
function idleTimeoutMissing(inv: Parameters<typeof describeMissing>[0], lb: LoadBalancer): string {
  const facts = kindFacts(lb.kind);
  if (facts.backendIdleTimeoutUndocumented) {
    return (
      `the ${facts.label}'s idle timeout toward backends is not documented, so the backend keep-alive cannot be compared with it. ` +
      `Keep the backend keep-alive generously above the load balancer's timeouts and watch ${facts.errorMetricLabel} for 502s.`
    );
  }
  return describeMissing(inv, 'attributes', lb, "the load balancer's idle timeout toward backends");
}
