import { defineCheck } from '../../src/engine/index.js';
import { describeWindow, metricEvidence } from '../../src/engine/evidence.js';
import type { BackendPool, Listener, Sourced } from '../../src/model/index.js';
import { describeMissing, mergeBackendProfiles, metricSum } from '../../src/model/index.js';

/** TLS listeners of an NLB have a fixed 350 s idle timeout. */
const NLB_TLS_IDLE_SECONDS = 350;
/** Range of tcp.idle_timeout.seconds. */
const NLB_IDLE_MIN_SECONDS = 60;
const NLB_IDLE_MAX_SECONDS = 6000;

/**
 * The longest idle period declared or measured for the pool's flows. Inferred server defaults are not declarations of
 * long-idle flows and are ignored here. `null` = the backend never closes idle connections.
 */
function declaredIdle(pool: BackendPool): Sourced<number | null> | undefined {
  const profiles = [pool.backend, ...(pool.targets ?? []).map((t) => mergeBackendProfiles(pool.backend, t.backend))];
  let best: Sourced<number | null> | undefined;
  for (const p of profiles) {
    const ka = p?.keepAliveSeconds;
    if (!ka || ka.source === 'inferred') continue;
    if (!best || ka.value === null || (best.value !== null && ka.value > best.value)) best = ka;
    if (best.value === null) break;
  }
  return best;
}

function poolIdsOf(listener: Listener): string[] {
  return [...new Set([...listener.defaultPoolIds, ...listener.routes.flatMap((r) => r.poolIds)])];
}

export const nlbTcpIdleTimeout = defineCheck({
  id: 'timeouts/nlb-tcp-idle-timeout',
  title: 'NLB TCP idle timeout outlasts the idle periods of the flows through it',
  family: 'timeouts',
  severity: 'medium',
  causes: [502],
  // AWS-only: the NLB's per-listener TCP idle timeout (Azure Load Balancer rules have their own check).
  kinds: ['aws-nlb'],
  fixes: ['set-flow-idle-timeout'],
  rationale:
    'A Network Load Balancer tracks every TCP flow and, after the idle timeout (tcp.idle_timeout.seconds, default 350 s, ' +
    '60–6000; TLS listeners fixed at 350 s), drops it: the next segment gets a TCP RST. Pooled connections that stay idle ' +
    'longer (database pools, gRPC channels, websockets, upstream proxies keeping connections to the targets) then fail on reuse; ' +
    'an HTTP proxy in front reports 502, clients see connection resets. TCP_ELB_Reset_Count corroborates it.',
  remediation: {
    summary:
      'Raise the listener TCP idle timeout above the longest idle period of the flows (TCP listeners only), or make clients and ' +
      'targets send TCP keepalives (or application pings) more often than the idle timeout, or close pooled connections sooner.',
  },
  docs: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ListenerAttribute.html',
  ],
  thresholds: {
    resetCount: {
      default: 0,
      description: 'Raise to high when TCP_ELB_Reset_Count over the window exceeds this (resets sent by the NLB itself).',
      unit: 'count',
      min: 0,
    },
  },
  messages: {
    idleExceeds:
      'Flows to {{pool}} stay idle for {{flowIdle}} ({{source}}), at least the {{idle}} s TCP idle timeout of {{listener}} on {{lb}}: ' +
      'the NLB drops them and resets the next packet, which a proxy in front reports as 502{{resets}}.',
  },
  evaluate(inv, ctx) {
    const { resetCount } = ctx.thresholds;
    const window = describeWindow(inv.metricsWindowSeconds);
    for (const lb of inv.loadBalancers) {
      const resetSeries = ctx.index.metric(lb.ref.id, 'lb.tcp.resets');
      const resets = metricSum(resetSeries);
      const metrics = resetSeries ? [metricEvidence(resetSeries, undefined, inv.metricsWindowSeconds)] : [];
      for (const listener of lb.listeners) {
        if (listener.protocol !== 'TCP' && listener.protocol !== 'TLS' && listener.protocol !== 'TCP_UDP') continue;
        const idle: Sourced<number> | undefined =
          listener.protocol === 'TLS' ? { value: NLB_TLS_IDLE_SECONDS, source: 'fixed', detail: 'NLB TLS listeners: 350 s, not configurable' } : listener.idleTimeoutSeconds;
        const listenerName = `${listener.protocol}:${listener.port}`;
        for (const poolId of poolIdsOf(listener)) {
          const pool = ctx.index.pool(poolId);
          if (!pool) continue;
          const where = { ref: pool.ref, loadBalancer: lb };
          const discriminator = listener.ref.id;
          const flowIdle = declaredIdle(pool);

          if (!flowIdle) {
            if (resets === undefined) {
              ctx.unknown(
                where,
                'no idle period is declared for its flows and TCP_ELB_Reset_Count was not collected: declare the longest idle period with the tag ' +
                  `cloud502:keepalive=<seconds> on the target group or keepAliveSeconds in a backends: entry of .cloud502.yml (match: { pool: "${pool.ref.name}" }), or collect metrics.`,
                { discriminator },
              );
            } else if (resets > resetCount) {
              ctx.unknown(
                where,
                `${lb.ref.name} sent ${resets} TCP resets (TCP_ELB_Reset_Count) in the last ${window}, but no idle period is declared for the flows: ` +
                  `declare it with the tag cloud502:keepalive=<seconds> on the target group or keepAliveSeconds in a backends: entry of .cloud502.yml (match: { pool: "${pool.ref.name}" }).`,
                { discriminator, evidence: { metrics, details: { tcpElbResets: resets } } },
              );
            } else {
              ctx.pass(where, {
                discriminator,
                message: `${pool.ref.name}: no long-idle flows are declared and ${lb.ref.name} sent no TCP resets (TCP_ELB_Reset_Count) in the last ${window}.`,
                evidence: { metrics },
              });
            }
            continue;
          }
          if (!idle) {
            ctx.unknown(where, describeMissing(inv, 'attributes', lb, `the TCP idle timeout of listener ${listenerName}`), { discriminator });
            continue;
          }
          const source = flowIdle.detail ? `${flowIdle.source}: ${flowIdle.detail}` : flowIdle.source;
          if (flowIdle.value !== null && flowIdle.value < idle.value) {
            ctx.pass(where, {
              discriminator,
              message: `${pool.ref.name}: flows stay idle for at most ${flowIdle.value} s (${source}), less than the ${idle.value} s TCP idle timeout of ${listenerName}.`,
              evidence: { metrics },
            });
            continue;
          }
          const raised = resets !== undefined && resets > resetCount;
          const canRaise = listener.protocol !== 'TLS' && flowIdle.value !== null && flowIdle.value < NLB_IDLE_MAX_SECONDS;
          const suggestedIdle = canRaise
            ? Math.max(NLB_IDLE_MIN_SECONDS, Math.min(NLB_IDLE_MAX_SECONDS, Math.ceil(flowIdle.value as number) + 5))
            : 'n/a (the idle timeout cannot cover it: use TCP keepalives shorter than the idle timeout)';
          ctx.fail(
            where,
            'idleExceeds',
            {
              pool: pool.ref.name,
              lb: lb.ref.name,
              listener: listenerName,
              idle: idle.value,
              flowIdle: flowIdle.value === null ? 'indefinitely (the backend never closes idle connections)' : `${flowIdle.value} s`,
              source,
              resets: raised ? `; ${lb.ref.name} sent ${resets} TCP resets (TCP_ELB_Reset_Count) in the last ${window}` : '',
            },
            {
              discriminator,
              severity: raised ? 'high' : 'medium',
              ...(typeof suggestedIdle === 'number' ? { fix: { kind: 'set-flow-idle-timeout' as const, lbId: lb.ref.id, listenerId: listener.ref.id, seconds: suggestedIdle } } : {}),
              evidence: {
                path: `listener[${listenerName}].idleTimeoutSeconds`,
                observed: idle.value,
                expected: flowIdle.value === null ? 'TCP keepalives shorter than the idle timeout' : `> ${flowIdle.value} s`,
                source: `${idle.source}${idle.detail ? `: ${idle.detail}` : ''}; flow idle period ${source}`,
                metrics,
                details: { tcpElbResets: resets, statusCodes: [502] },
              },
            },
          );
        }
      }
    }
  },
});
