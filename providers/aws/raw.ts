/**
 * The AWS raw snapshot: provider responses exactly as the SDK returned them (after a JSON round trip,
 * so `Date` fields are ISO strings), keyed by the resource they belong to, plus the collection errors.
 * `normalize()` reads only this; `collect()` writes only this.
 */
import type {
  Listener,
  LoadBalancer,
  Rule,
  Certificate,
  TargetGroup,
  TargetHealthDescription,
  LoadBalancerAttribute,
  TargetGroupAttribute,
  ListenerAttribute,
  TagDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type {
  LoadBalancerDescription,
  LoadBalancerAttributes,
  InstanceState as ClassicInstanceState,
  TagDescription as ClassicTagDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import type { Instance, NetworkAcl, NetworkInterface, SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { CertificateDetail } from '@aws-sdk/client-acm';

/** SDK shapes after JSON: Dates become strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends Array<infer U>
    ? Array<Jsonified<U>>
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export interface AwsCollectionError {
  /** `service:Action`, e.g. `elasticloadbalancing:DescribeTargetHealth`, which is also the IAM action. */
  api: string;
  region: string;
  /** The SDK error name / AWS error code, e.g. `AccessDenied`, `Throttling`, `ECONNREFUSED`. */
  code: string;
  message: string;
  /** The resource the call was about (ARN / id), when it was about one. */
  resourceId?: string;
  /** HTTP status when the service answered. */
  httpStatus?: number;
}

/** One GetMetricData query as cloud502 issued it, so normalize can map each result back to a resource. */
export interface AwsMetricQuery {
  /** The query id in GetMetricData (`m0`, `m1`, ...). */
  id: string;
  /** ARN of the LB or target group the query is about. */
  resourceArn: string;
  namespace: 'AWS/ApplicationELB' | 'AWS/NetworkELB' | 'AWS/ELB';
  metricName: string;
  /** `Sum`, `Maximum`, `Minimum`, `Average`, `p99`. */
  stat: string;
  dimensions: Array<{ Name: string; Value: string }>;
  periodSeconds: number;
}

export interface AwsRegionSnapshot {
  region: string;
  account?: string;
  elbv2: {
    loadBalancers: Jsonified<LoadBalancer>[];
    /** By load balancer ARN. */
    loadBalancerAttributes: Record<string, Jsonified<LoadBalancerAttribute>[]>;
    /** By load balancer ARN. */
    listeners: Record<string, Jsonified<Listener>[]>;
    /** By listener ARN. */
    listenerAttributes: Record<string, Jsonified<ListenerAttribute>[]>;
    /** By listener ARN (DescribeListenerCertificates, default and extra certificates). */
    listenerCertificates: Record<string, Jsonified<Certificate>[]>;
    /** By listener ARN. */
    rules: Record<string, Jsonified<Rule>[]>;
    targetGroups: Jsonified<TargetGroup>[];
    /** By target group ARN. */
    targetGroupAttributes: Record<string, Jsonified<TargetGroupAttribute>[]>;
    /** By target group ARN. Missing key = not collected. */
    targetHealth: Record<string, Jsonified<TargetHealthDescription>[]>;
    tags: Jsonified<TagDescription>[];
  };
  /** Classic Load Balancers (elasticloadbalancing 2012-06-01). */
  elb: {
    loadBalancers: Jsonified<LoadBalancerDescription>[];
    /** By load balancer name. */
    attributes: Record<string, Jsonified<LoadBalancerAttributes>>;
    /** By load balancer name. */
    instanceHealth: Record<string, Jsonified<ClassicInstanceState>[]>;
    tags: Jsonified<ClassicTagDescription>[];
  };
  ec2: {
    securityGroups: Jsonified<SecurityGroup>[];
    networkAcls: Jsonified<NetworkAcl>[];
    subnets: Jsonified<Subnet>[];
    vpcs: Jsonified<Vpc>[];
    instances: Jsonified<Instance>[];
    networkInterfaces: Jsonified<NetworkInterface>[];
  };
  cloudwatch: {
    /** Absent when metrics were not collected (--metrics-window 0 or an error). */
    window?: { start: string; end: string; periodSeconds: number };
    queries: AwsMetricQuery[];
    results: Jsonified<MetricDataResult>[];
  };
  acm: {
    /** By certificate ARN. */
    certificates: Record<string, Jsonified<CertificateDetail>>;
  };
  errors: AwsCollectionError[];
}

export interface AwsRawSnapshot {
  format: 'cloud502-raw-snapshot';
  /** Bumped on any incompatible change; `audit --snapshot` refuses versions it does not know. */
  schemaVersion: 1;
  provider: 'aws';
  tool: { name: 'cloud502'; version: string };
  collectedAt: string;
  /** True for the bundled demo environment. */
  demo?: boolean;
  options: {
    regions: string[];
    metricsWindowSeconds: number;
    endpointUrl?: string;
    profile?: string;
  };
  regions: AwsRegionSnapshot[];
}

/** A region entry with nothing collected yet: the start of every collection, and a scope that produced only errors. */
export function emptyAwsRegion(region: string, account?: string, errors: AwsCollectionError[] = []): AwsRegionSnapshot {
  return {
    region,
    ...(account ? { account } : {}),
    elbv2: {
      loadBalancers: [],
      loadBalancerAttributes: {},
      listeners: {},
      listenerAttributes: {},
      listenerCertificates: {},
      rules: {},
      targetGroups: [],
      targetGroupAttributes: {},
      targetHealth: {},
      tags: [],
    },
    elb: { loadBalancers: [], attributes: {}, instanceHealth: {}, tags: [] },
    ec2: { vpcs: [], subnets: [], securityGroups: [], networkAcls: [], instances: [], networkInterfaces: [] },
    cloudwatch: { queries: [], results: [] },
    acm: { certificates: {} },
    errors,
  };
}
