/**
 * The Azure Monitor metrics cloud502 reads, as the fewest calls the API allows: one call per resource and `$filter`
 * (a filter applies to every metric of a call, and a dimension one metric lacks fails the whole call with 400), at
 * most 20 metric names a call. Shared by collect (which issues the calls) and normalize (which maps the series).
 * Metric ids: https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/metrics-index.
 */
import type { MetricName } from '../../src/model/index.js';

export type AzureMetricTarget =
  /** The series belongs to the load balancer / gateway. */
  | 'lb'
  /** The series belongs to an Application Gateway (backend pool × settings) pair, split by these dimensions. */
  | 'appgw-pair'
  /** The series belongs to a Load Balancer (pool × rule) pair, via the backend address and port of each series. */
  | 'lb-backend';

export interface MetricPlan {
  /** The resource type the plan applies to. */
  kind: 'azure-appgw' | 'azure-lb';
  metricNames: string[];
  aggregations: string[];
  filter?: string;
  target: AzureMetricTarget;
}

export interface MetricMapping {
  kind: MetricPlan['kind'];
  metric: string;
  /** The field of each data point to read. */
  field: 'maximum' | 'minimum' | 'average' | 'total';
  /** Read when a point lacks `field` (a metric whose minimum is not computed). */
  fallbackField?: 'average';
  name: MetricName;
  aggregation: 'sum' | 'min' | 'max' | 'average';
  unit: 'count' | 'seconds' | 'percent';
  /** Multiplier to the unit (milliseconds → seconds). */
  scale: number;
}

export const METRIC_PLANS: readonly MetricPlan[] = [
  {
    kind: 'azure-appgw',
    metricNames: ['UnhealthyHostCount', 'HealthyHostCount'],
    aggregations: ['Maximum', 'Minimum'],
    filter: "BackendSettingsPool eq '*'",
    target: 'appgw-pair',
  },
  {
    kind: 'azure-appgw',
    metricNames: ['BackendResponseStatus'],
    aggregations: ['Total'],
    filter: "BackendPool eq '*' and BackendHttpSetting eq '*' and HttpStatusGroup eq '5xx'",
    target: 'appgw-pair',
  },
  {
    kind: 'azure-appgw',
    metricNames: ['BackendLastByteResponseTime'],
    aggregations: ['Maximum', 'Average'],
    filter: "BackendPool eq '*' and BackendHttpSetting eq '*'",
    target: 'appgw-pair',
  },
  { kind: 'azure-appgw', metricNames: ['ResponseStatus'], aggregations: ['Total'], filter: "HttpStatusGroup eq '5xx'", target: 'lb' },
  { kind: 'azure-appgw', metricNames: ['FailedRequests', 'ApplicationGatewayTotalTime'], aggregations: ['Total', 'Maximum'], target: 'lb' },
  {
    kind: 'azure-lb',
    metricNames: ['DipAvailability'],
    aggregations: ['Average', 'Minimum'],
    filter: "BackendIPAddress eq '*' and BackendPort eq '*'",
    target: 'lb-backend',
  },
  { kind: 'azure-lb', metricNames: ['VipAvailability'], aggregations: ['Average', 'Minimum'], target: 'lb' },
];

export const METRIC_MAPPINGS: readonly MetricMapping[] = [
  { kind: 'azure-appgw', metric: 'UnhealthyHostCount', field: 'maximum', name: 'pool.unhealthy-hosts.max', aggregation: 'max', unit: 'count', scale: 1 },
  { kind: 'azure-appgw', metric: 'HealthyHostCount', field: 'minimum', name: 'pool.healthy-hosts.min', aggregation: 'min', unit: 'count', scale: 1 },
  { kind: 'azure-appgw', metric: 'BackendResponseStatus', field: 'total', name: 'target.http.5xx', aggregation: 'sum', unit: 'count', scale: 1 },
  { kind: 'azure-appgw', metric: 'BackendLastByteResponseTime', field: 'maximum', name: 'target.latency.max', aggregation: 'max', unit: 'seconds', scale: 0.001 },
  { kind: 'azure-appgw', metric: 'BackendLastByteResponseTime', field: 'average', name: 'target.latency.avg', aggregation: 'average', unit: 'seconds', scale: 0.001 },
  { kind: 'azure-appgw', metric: 'ResponseStatus', field: 'total', name: 'lb.http.5xx', aggregation: 'sum', unit: 'count', scale: 1 },
  { kind: 'azure-appgw', metric: 'FailedRequests', field: 'total', name: 'lb.failed-requests', aggregation: 'sum', unit: 'count', scale: 1 },
  { kind: 'azure-appgw', metric: 'ApplicationGatewayTotalTime', field: 'maximum', name: 'lb.latency.max', aggregation: 'max', unit: 'seconds', scale: 0.001 },
  { kind: 'azure-lb', metric: 'DipAvailability', field: 'minimum', fallbackField: 'average', name: 'pool.probe-availability.min', aggregation: 'min', unit: 'percent', scale: 1 },
  { kind: 'azure-lb', metric: 'VipAvailability', field: 'minimum', fallbackField: 'average', name: 'lb.data-path-availability.min', aggregation: 'min', unit: 'percent', scale: 1 },
];

/** Azure Monitor caps a call at 20 metric names. */
export const MAX_METRIC_NAMES_PER_CALL = 20;

/** The time grain for a window: 5-minute points up to a day, hourly beyond (Azure's grains: PT1M … P1D). */
export function metricIntervalSeconds(windowSeconds: number): number {
  return windowSeconds <= 86_400 ? 300 : 3600;
}

/** `300` → `PT5M`, `3600` → `PT1H`. */
export function isoDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `PT${seconds / 3600}H`;
  if (seconds % 60 === 0) return `PT${seconds / 60}M`;
  return `PT${seconds}S`;
}
