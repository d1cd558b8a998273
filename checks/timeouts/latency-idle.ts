/**
 * The idle timeout a load balancer needs for its slowest observed responses, where its idle timeout also ends slow
 * responses (ALB, Classic ELB). timeouts/idle-timeout-below-latency suggests it; the keep-alive fix must stay above
 * it, or applying both fixes would bring the keep-alive race back.
 */
import type { InventoryIndex } from '../../src/model/index.js';
import type { BackendPool, LoadBalancer } from '../../src/model/index.js';
import { kindFacts, metricMax } from '../../src/model/index.js';
import { poolMetric } from '../targets/pool-context.js';

/** The latency check's default thresholds, for checks that must agree with its suggestion. */
export const LATENCY_DEFAULTS = { latencyFactor: 2, maxMarginSeconds: 1 } as const;

/** The raised idle timeout for these response times, or undefined when the current one leaves room for them. */
export function idleForLatency(
  lb: LoadBalancer,
  idleSeconds: number,
  latency: { p99?: number | undefined; max?: number | undefined },
  thresholds: { latencyFactor: number; maxMarginSeconds: number } = LATENCY_DEFAULTS,
): number | undefined {
  const { p99, max } = latency;
  const below = p99 !== undefined && idleSeconds < thresholds.latencyFactor * p99;
  const reaches = max !== undefined && max >= idleSeconds - thresholds.maxMarginSeconds;
  if (!below && !reaches) return undefined;
  const worst = Math.max(p99 ?? 0, max ?? 0);
  return Math.min(kindFacts(lb.kind).maxRequestTimeoutSeconds ?? Number.MAX_SAFE_INTEGER, Math.max(Math.ceil(thresholds.latencyFactor * worst), Math.ceil(idleSeconds) + 1));
}

/** The highest idle timeout the latency fix would set on this load balancer for any of its pools; undefined when none. */
export function plannedIdleTimeout(index: InventoryIndex, lb: LoadBalancer, idleSeconds: number): number | undefined {
  if (kindFacts(lb.kind).requestTimeoutFrom !== 'idle-timeout') return undefined;
  const raised = index.poolsOf(lb).map((pool: BackendPool) => {
    const p99 = poolMetric(index, pool, lb, 'target.latency.p99');
    const max = poolMetric(index, pool, lb, 'target.latency.max');
    return idleForLatency(lb, idleSeconds, {
      p99: p99 && p99.points.length > 0 ? metricMax(p99) : undefined,
      max: max && max.points.length > 0 ? metricMax(max) : undefined,
    });
  });
  const values = raised.filter((v): v is number => v !== undefined);
  return values.length > 0 ? Math.max(...values) : undefined;
}
