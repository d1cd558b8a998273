/**
 * Which CloudWatch metrics cloud502 reads, per load balancer type, and the normalized name each maps to.
 * Source: CHECKS.md facts A17 (AWS/ApplicationELB), N7 (AWS/NetworkELB), C4 (AWS/ELB).
 * `level: 'lb'` queries use the load balancer dimension only; `level: 'pool'` adds the TargetGroup dimension.
 */
import type { MetricName } from '../../src/model/index.js';

export interface AwsMetricSpec {
  namespace: 'AWS/ApplicationELB' | 'AWS/NetworkELB' | 'AWS/ELB';
  metricName: string;
  stat: 'Sum' | 'Maximum' | 'Minimum' | 'Average' | 'p99';
  level: 'lb' | 'pool';
  normalized: MetricName;
  unit: 'count' | 'seconds';
}

const alb = (metricName: string, stat: AwsMetricSpec['stat'], level: AwsMetricSpec['level'], normalized: MetricName, unit: AwsMetricSpec['unit'] = 'count'): AwsMetricSpec => ({
  namespace: 'AWS/ApplicationELB', metricName, stat, level, normalized, unit,
});
const nlb = (metricName: string, stat: AwsMetricSpec['stat'], level: AwsMetricSpec['level'], normalized: MetricName): AwsMetricSpec => ({
  namespace: 'AWS/NetworkELB', metricName, stat, level, normalized, unit: 'count',
});
const clb = (metricName: string, stat: AwsMetricSpec['stat'], normalized: MetricName, unit: AwsMetricSpec['unit'] = 'count'): AwsMetricSpec => ({
  namespace: 'AWS/ELB', metricName, stat, level: 'lb', normalized, unit,
});

export const AWS_METRICS: Readonly<Record<'application' | 'network' | 'classic', readonly AwsMetricSpec[]>> = {
  application: [
    alb('RequestCount', 'Sum', 'lb', 'lb.requests'),
    alb('HTTPCode_ELB_5XX_Count', 'Sum', 'lb', 'lb.http.5xx'),
    alb('HTTPCode_ELB_500_Count', 'Sum', 'lb', 'lb.http.500'),
    alb('HTTPCode_ELB_502_Count', 'Sum', 'lb', 'lb.http.502'),
    alb('HTTPCode_ELB_503_Count', 'Sum', 'lb', 'lb.http.503'),
    alb('HTTPCode_ELB_504_Count', 'Sum', 'lb', 'lb.http.504'),
    alb('RejectedConnectionCount', 'Sum', 'lb', 'lb.rejected-connections'),
    alb('ClientTLSNegotiationErrorCount', 'Sum', 'lb', 'lb.client-tls-errors'),
    // ALB reports TargetTLSNegotiationErrorCount per load balancer (and AZ), not per target group.
    alb('TargetTLSNegotiationErrorCount', 'Sum', 'lb', 'target.tls-errors'),
    alb('HTTPCode_Target_5XX_Count', 'Sum', 'pool', 'target.http.5xx'),
    alb('TargetConnectionErrorCount', 'Sum', 'pool', 'target.connection-errors'),
    alb('TargetResponseTime', 'p99', 'pool', 'target.latency.p99', 'seconds'),
    alb('TargetResponseTime', 'Maximum', 'pool', 'target.latency.max', 'seconds'),
    alb('HealthyHostCount', 'Minimum', 'pool', 'pool.healthy-hosts.min'),
    alb('UnHealthyHostCount', 'Maximum', 'pool', 'pool.unhealthy-hosts.max'),
    alb('UnhealthyRoutingRequestCount', 'Sum', 'pool', 'pool.unhealthy-routing'),
  ],
  network: [
    nlb('TCP_ELB_Reset_Count', 'Sum', 'lb', 'lb.tcp.resets'),
    nlb('TCP_Target_Reset_Count', 'Sum', 'lb', 'target.tcp.resets'),
    nlb('TargetTLSNegotiationErrorCount', 'Sum', 'lb', 'target.tls-errors'),
    nlb('ClientTLSNegotiationErrorCount', 'Sum', 'lb', 'lb.client-tls-errors'),
    nlb('HealthyHostCount', 'Minimum', 'pool', 'pool.healthy-hosts.min'),
    nlb('UnHealthyHostCount', 'Maximum', 'pool', 'pool.unhealthy-hosts.max'),
    nlb('UnhealthyRoutingFlowCount', 'Sum', 'pool', 'pool.unhealthy-routing'),
  ],
  classic: [
    clb('RequestCount', 'Sum', 'lb.requests'),
    clb('HTTPCode_ELB_5XX', 'Sum', 'lb.http.5xx'),
    clb('HTTPCode_Backend_5XX', 'Sum', 'target.http.5xx'),
    clb('BackendConnectionErrors', 'Sum', 'target.connection-errors'),
    clb('SpilloverCount', 'Sum', 'lb.rejected-connections'),
    clb('Latency', 'p99', 'target.latency.p99', 'seconds'),
    clb('Latency', 'Maximum', 'target.latency.max', 'seconds'),
    clb('HealthyHostCount', 'Minimum', 'pool.healthy-hosts.min'),
    clb('UnHealthyHostCount', 'Maximum', 'pool.unhealthy-hosts.max'),
  ],
};

/** Finds the spec a recorded query was made from. */
export function specFor(namespace: string, metricName: string, stat: string): AwsMetricSpec | undefined {
  for (const list of Object.values(AWS_METRICS)) {
    const hit = list.find((s) => s.namespace === namespace && s.metricName === metricName && s.stat === stat);
    if (hit) return hit;
  }
  return undefined;
}

/** Period that keeps a series at or under 1,440 points (GetMetricData returns up to 100,800 per call). */
export function periodFor(windowSeconds: number): number {
  const candidates = [60, 300, 900, 3600, 21600, 86400];
  return candidates.find((p) => windowSeconds / p <= 1440) ?? 86400;
}
