/**
 * The fewest calls an audit of an environment can make, per API, given what each API accepts per call
 * (page sizes, batch sizes, filter values), and the wall time a token bucket per API allows at best.
 * bench/README.md states the same formulas in prose.
 */
import { AWS_METRICS } from '../providers/aws/metrics-catalog.js';
import type { ApiRateLimit } from '../src/provider.js';
import type { EnvironmentFacts } from './seed-large.js';

/** What one call can return or take, as AWS documents it. */
export interface CallCapacities {
  /** DescribeLoadBalancers (ELBv2 and Classic), DescribeTargetGroups, DescribeListeners, DescribeRules: PageSize ≤ 400. */
  elbPage: number;
  /** DescribeTargetGroups page size; emulators that never page (moto) are modelled with Infinity. */
  targetGroupPage: number;
  /** DescribeTags: 20 resources per call (both ELB APIs). */
  tagsBatch: number;
  /** EC2 filters: 200 values per filter. */
  filterValues: number;
  /** EC2 Describe* MaxResults 1000 (DescribeNetworkAcls: 100). */
  ec2Page: number;
  naclPage: number;
  /** GetMetricData: 500 queries per call. */
  metricQueriesPerCall: number;
  /** GetMetricData: 100,800 data points per call; more come as further pages. */
  metricPointsPerCall: number;
}

export const AWS_CAPACITIES: CallCapacities = {
  elbPage: 400,
  targetGroupPage: 400,
  tagsBatch: 20,
  filterValues: 200,
  ec2Page: 1000,
  naclPage: 100,
  metricQueriesPerCall: 500,
  metricPointsPerCall: 100_800,
};

/** moto 5.2: DescribeTargetGroups answers every target group in one page. */
export const MOTO_CAPACITIES: CallCapacities = { ...AWS_CAPACITIES, targetGroupPage: Number.POSITIVE_INFINITY };

const pages = (items: number, perPage: number) => Math.max(1, Math.ceil(items / perPage));
const batches = (items: number, perBatch: number) => Math.ceil(items / perBatch);

/** GetMetricData queries cloud502 issues: per ALB 9 + 7 per target group, per NLB 4 + 3 per target group, per CLB 9. */
export function metricQueries(facts: EnvironmentFacts): number {
  const count = (type: 'application' | 'network', level: 'lb' | 'pool') => AWS_METRICS[type].filter((m) => m.level === level).length;
  return (
    facts.loadBalancers.application * count('application', 'lb') +
    facts.albTargetGroupPairs * count('application', 'pool') +
    facts.loadBalancers.network * count('network', 'lb') +
    facts.nlbTargetGroupPairs * count('network', 'pool') +
    facts.loadBalancers.classic * AWS_METRICS.classic.length
  );
}

/**
 * Minimum calls per API (bucket names as the collector's budget uses them) for one account × region, metrics over
 * `metricPointsPerQuery` points per query (window / period).
 */
export function minimumCalls(facts: EnvironmentFacts, capacity: CallCapacities, metricPointsPerQuery: number): Record<string, number> {
  const lbs = facts.loadBalancers.application + facts.loadBalancers.network;
  const clbs = facts.loadBalancers.classic;
  const queries = metricQueries(facts);
  const queriesPerCall = Math.min(capacity.metricQueriesPerCall, queries);
  const metricPages = queries === 0 ? 0 : pages(queriesPerCall * metricPointsPerQuery, capacity.metricPointsPerCall);
  const vpcBatches = batches(facts.vpcs, capacity.filterValues);
  const min: Record<string, number> = {
    'sts:GetCallerIdentity': 1,
    'elasticloadbalancing:DescribeLoadBalancers': pages(lbs, capacity.elbPage),
    'elasticloadbalancing:DescribeTargetGroups': pages(facts.targetGroups, capacity.targetGroupPage),
    'elasticloadbalancing:DescribeLoadBalancerAttributes': lbs,
    'elasticloadbalancing:DescribeListeners': lbs,
    'elasticloadbalancing:DescribeRules': facts.albListeners,
    'elasticloadbalancing:DescribeListenerCertificates': facts.certificateListeners,
    'elasticloadbalancing:DescribeListenerAttributes': facts.nlbTcpListeners,
    'elasticloadbalancing:DescribeTargetGroupAttributes': facts.targetGroups,
    'elasticloadbalancing:DescribeTargetHealth': facts.targetGroups,
    'elasticloadbalancing:DescribeTags': batches(lbs + facts.targetGroups, capacity.tagsBatch),
    'elasticloadbalancing-classic:DescribeLoadBalancers': pages(clbs, capacity.elbPage),
    'elasticloadbalancing-classic:DescribeLoadBalancerAttributes': clbs,
    'elasticloadbalancing-classic:DescribeInstanceHealth': clbs,
    'elasticloadbalancing-classic:DescribeTags': batches(clbs, capacity.tagsBatch),
    'ec2:DescribeVpcs': vpcBatches,
    'ec2:DescribeSubnets': vpcBatches,
    'ec2:DescribeSecurityGroups': vpcBatches * pages(facts.securityGroups + facts.vpcs, capacity.ec2Page),
    'ec2:DescribeNetworkAcls': vpcBatches,
    'ec2:DescribeInstances': batches(facts.targetInstances, capacity.filterValues),
    // IP targets are looked up per VPC; the load balancers' own interfaces by description, one value per LB.
    'ec2:DescribeNetworkInterfaces':
      facts.ipTargetsPerVpc.reduce((sum, ips) => sum + batches(ips, capacity.filterValues), 0) + batches(lbs + clbs, capacity.filterValues),
    'cloudwatch:GetMetricData': batches(queries, capacity.metricQueriesPerCall) * metricPages,
    'acm:DescribeCertificate': facts.distinctCertificates,
  };
  return Object.fromEntries(Object.entries(min).filter(([, n]) => n > 0));
}

/**
 * The shortest wall time the server's buckets allow when every API runs in parallel: per bucket key (account ×
 * region × API) the calls beyond the burst come at the refill rate, `max(0, calls − burst) / rate`; the bound is
 * the largest of these. (Calls that depend on earlier answers, e.g. rules after listeners, can only add to it.)
 */
export function tokenBucketBoundSeconds(callsPerKey: ReadonlyArray<{ calls: number; limit: ApiRateLimit }>): number {
  return callsPerKey.reduce((bound, { calls, limit }) => Math.max(bound, Math.max(0, calls - limit.burst) / limit.ratePerSecond), 0);
}
