/**
 * Small builders for inventories in check tests. Defaults describe a healthy, well-configured AWS ALB with one
 * target group of two healthy instance targets; every builder takes overrides.
 */
import type {
  BackendPool,
  HealthCheck,
  Inventory,
  Listener,
  LoadBalancer,
  MetricName,
  MetricSeries,
  NetworkPolicy,
  PolicyRule,
  Provider,
  ResourceRef,
  Sourced,
  Subnet,
  Target,
  TargetHealth,
} from '../../src/model/index.js';
import { parseStatusRanges } from '../../src/model/index.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const COLLECTED_AT = '2026-11-20T12:00:00.000Z';

export function ref(kind: ResourceRef['kind'], type: string, name: string, id?: string, provider: Provider = 'aws'): ResourceRef {
  return { provider, kind, type, id: id ?? `arn:aws:test:${REGION}:${ACCOUNT}:${type}/${name}`, name, region: REGION, account: ACCOUNT };
}

type HealthCheckNumber = 'intervalSeconds' | 'timeoutSeconds' | 'healthyThreshold' | 'unhealthyThreshold';

/** Health-check overrides where the numbers may be given plain (taken as returned by the API) or sourced. */
export type HealthCheckOverrides = Omit<Partial<HealthCheck>, HealthCheckNumber> & {
  [K in HealthCheckNumber]?: number | Sourced<number> | undefined;
};

const asSourced = (v: number | Sourced<number> | undefined): Sourced<number> | undefined =>
  v === undefined ? undefined : typeof v === 'number' ? { value: v, source: 'api' } : v;

export function healthCheck(overrides: HealthCheckOverrides = {}): HealthCheck {
  const numbers: Record<HealthCheckNumber, number | Sourced<number> | undefined> = {
    intervalSeconds: 30,
    timeoutSeconds: 5,
    healthyThreshold: 3,
    unhealthyThreshold: 3,
  };
  for (const k of Object.keys(numbers) as HealthCheckNumber[]) if (k in overrides) numbers[k] = overrides[k];
  const { intervalSeconds: _i, timeoutSeconds: _t, healthyThreshold: _h, unhealthyThreshold: _u, ...rest } = overrides;
  const matcher = 'matcher' in rest ? rest.matcher : '200';
  const out: HealthCheck = {
    enabled: true,
    protocol: 'HTTP',
    port: 8080,
    usesTrafficPort: true,
    path: '/healthz',
    ...rest,
  };
  for (const k of Object.keys(numbers) as HealthCheckNumber[]) {
    const v = asSourced(numbers[k]);
    if (v) out[k] = v;
  }
  if (matcher !== undefined) {
    out.matcher = matcher;
    const ranges = 'successCodes' in rest ? rest.successCodes : parseStatusRanges(matcher);
    if (ranges) out.successCodes = ranges;
  } else {
    delete out.matcher;
  }
  return out;
}

export function target(overrides: Partial<Target> = {}): Target {
  const id = overrides.id ?? 'i-0aaa';
  const port = overrides.port ?? 8080;
  return {
    key: `${id}:${port}`,
    id,
    type: 'instance',
    address: '10.0.1.10',
    port,
    zone: 'eu-west-1a',
    subnetId: 'subnet-a',
    instanceState: 'running',
    health: { state: 'healthy' },
    networkPolicyIds: ['sg-app'],
    ...overrides,
  };
}

export function pool(name: string, overrides: Partial<BackendPool> = {}): BackendPool {
  return {
    ref: ref('backend-pool', 'aws-target-group', name),
    protocol: 'HTTP',
    port: 8080,
    protocolVersion: 'HTTP1',
    targetType: 'instance',
    networkId: 'vpc-1',
    healthCheck: healthCheck(),
    drainSeconds: { value: 300, source: 'api' },
    targets: [target({ id: 'i-0aaa', zone: 'eu-west-1a' }), target({ id: 'i-0bbb', address: '10.0.2.10', zone: 'eu-west-1b', subnetId: 'subnet-b' })],
    loadBalancerIds: [],
    attributes: {},
    tags: {},
    ...overrides,
  };
}

export function listener(lbName: string, overrides: Partial<Listener> = {}): Listener {
  const port = overrides.port ?? 443;
  return {
    ref: ref('listener', 'aws-listener', `${lbName}/${port}`),
    protocol: 'HTTPS',
    port,
    certificates: [],
    defaultPoolIds: [],
    routes: [],
    ...overrides,
  };
}

export function loadBalancer(name: string, overrides: Partial<LoadBalancer> = {}): LoadBalancer {
  const kind = overrides.kind ?? 'aws-alb';
  return {
    ref: ref('load-balancer', kind, name),
    kind,
    layer: kind === 'aws-nlb' ? 4 : 7,
    scheme: 'internet-facing',
    state: 'active',
    networkId: 'vpc-1',
    zones: [
      { name: 'eu-west-1a', subnetId: 'subnet-lb-a' },
      { name: 'eu-west-1b', subnetId: 'subnet-lb-b' },
    ],
    listeners: [],
    backendIdleTimeoutSeconds: kind === 'aws-nlb' ? undefined : { value: 60, source: 'api' },
    networkPolicyIds: ['sg-lb'],
    subnetIds: ['subnet-lb-a', 'subnet-lb-b'],
    healthCheckSources: [{ type: 'security-group', groupId: 'sg-lb' }],
    trafficSources: [{ type: 'security-group', groupId: 'sg-lb' }],
    attributes: {},
    tags: {},
    ...overrides,
  };
}

/** Wires a load balancer to pools through one listener and back-references. */
export function wire(lb: LoadBalancer, pools: BackendPool[], listenerOverrides: Partial<Listener> = {}): { lb: LoadBalancer; pools: BackendPool[] } {
  const l = listener(lb.ref.name, { defaultPoolIds: pools.map((p) => p.ref.id), ...listenerOverrides });
  const wiredLb = { ...lb, listeners: [...lb.listeners, l] };
  const wiredPools = pools.map((p) => ({ ...p, loadBalancerIds: [...new Set([...p.loadBalancerIds, lb.ref.id])] }));
  return { lb: wiredLb, pools: wiredPools };
}

export function rule(overrides: Partial<PolicyRule> = {}): PolicyRule {
  return { direction: 'ingress', action: 'allow', protocol: 'tcp', ports: { from: 8080, to: 8080 }, peer: { type: 'security-group', groupId: 'sg-lb' }, ...overrides };
}

export function securityGroup(id: string, rules: PolicyRule[], attachedTo: string[] = []): NetworkPolicy {
  return { ref: ref('network-policy', 'aws-security-group', id, id), kind: 'aws-security-group', stateful: true, networkId: 'vpc-1', rules, attachedTo };
}

export function nacl(id: string, rules: PolicyRule[], attachedTo: string[] = []): NetworkPolicy {
  return { ref: ref('network-policy', 'aws-nacl', id, id), kind: 'aws-nacl', stateful: false, networkId: 'vpc-1', rules, attachedTo };
}

export function subnet(id: string, cidr: string, overrides: Partial<Subnet> = {}): Subnet {
  return { id, cidr, zone: 'eu-west-1a', networkId: 'vpc-1', networkPolicyIds: [], ...overrides };
}

export function series(resourceId: string, name: MetricName, values: number[], overrides: Partial<MetricSeries> = {}): MetricSeries {
  const start = Date.parse(COLLECTED_AT) - 86_400_000;
  return {
    resourceId,
    name,
    providerName: name,
    aggregation: name.includes('latency') ? 'p99' : name.endsWith('.min') ? 'min' : name.endsWith('.max') ? 'max' : 'sum',
    unit: name.includes('latency') ? 'seconds' : 'count',
    periodSeconds: 300,
    windowStart: new Date(start).toISOString(),
    windowEnd: COLLECTED_AT,
    points: values.map((v, i) => ({ t: new Date(start + i * 300_000).toISOString(), v })),
    ...overrides,
  };
}

export function inventory(parts: Partial<Inventory> = {}): Inventory {
  return {
    schemaVersion: 1,
    collectedAt: COLLECTED_AT,
    scopes: [{ provider: 'aws', account: ACCOUNT, region: REGION }],
    loadBalancers: [],
    backendPools: [],
    networkPolicies: [],
    subnets: [],
    metrics: [],
    observations: [],
    coverage: [],
    metricsWindowSeconds: 86_400,
    ...parts,
  };
}

/** The common case: one ALB routing to the given pools (default: one healthy pool `tg-api`). */
export function albInventory(opts: { lb?: Partial<LoadBalancer>; pools?: BackendPool[]; extra?: Partial<Inventory> } = {}): Inventory {
  const { lb, pools } = wire(loadBalancer('alb-web', opts.lb), opts.pools ?? [pool('tg-api')]);
  return inventory({ loadBalancers: [lb], backendPools: pools, ...opts.extra });
}

// Types for the helpers below (kept beside them so that this block stays an additive change).
import type { NotCollected, TargetHealthCause, TlsObservation, ValueSource } from '../../src/model/index.js';
import { classicCause, codesFromDescription, elbv2Cause, ELBV2_REASON_CAUSES } from '../../providers/aws/normalize/health-causes.js';

/** A `Sourced` value, declared unless told otherwise (e.g. `sourced(75, 'measured', 'probe')`). */
export function sourced<T>(value: T, source: ValueSource = 'declared', detail?: string): Sourced<T> {
  return detail === undefined ? { value, source } : { value, source, detail };
}

/** One load balancer of any kind wired to the given pools through one listener; provider follows the kind's prefix. */
export function lbInventory(
  kind: LoadBalancer['kind'],
  opts: { name?: string; lb?: Partial<LoadBalancer>; pools?: BackendPool[]; listener?: Partial<Listener>; extra?: Partial<Inventory> } = {},
): Inventory {
  const provider: Provider = kind.startsWith('gcp-') ? 'gcp' : kind.startsWith('azure-') ? 'azure' : 'aws';
  const name = opts.name ?? `lb-${kind}`;
  const base = loadBalancer(name, { kind, ref: ref('load-balancer', kind, name, undefined, provider), ...opts.lb });
  const layer4 = ['aws-nlb', 'aws-gwlb', 'azure-lb', 'gcp-proxy-nlb', 'gcp-nlb-passthrough'].includes(kind);
  const withLayer = { ...base, layer: opts.lb?.layer ?? (layer4 ? 4 : 7) } as LoadBalancer;
  const pools = (opts.pools ?? [pool('tg-api')]).map((p) =>
    provider === 'aws' || p.ref.provider === provider ? p : { ...p, ref: { ...p.ref, provider, type: `${provider}-backend-pool` } },
  );
  const { lb, pools: wired } = wire(withLayer, pools, {
    ...(layer4 ? { protocol: 'TCP' as const, port: 5432 } : {}),
    ...opts.listener,
    ...(provider === 'aws' ? {} : { ref: ref('listener', `${provider}-listener`, `${name}/l`, undefined, provider) }),
  });
  return inventory({
    scopes: [{ provider, account: ACCOUNT, region: REGION }],
    loadBalancers: [lb],
    backendPools: wired,
    ...opts.extra,
  });
}

/** A TLS probe observation of one target whose leaf certificate is valid, trusted and matches its name by default. */
export function tlsObservation(
  poolId: string,
  overrides: Partial<TlsObservation> = {},
  leaf: Partial<NonNullable<TlsObservation['chain']>[number]> = {},
): TlsObservation {
  const targetKey = overrides.targetKey ?? 'i-0aaa:8080';
  return {
    kind: 'tls',
    poolId,
    targetKey,
    address: '10.0.1.10',
    port: 8080,
    at: COLLECTED_AT,
    sni: 'api.internal.example',
    protocol: 'TLSv1.2',
    hostnameMatches: true,
    trusted: true,
    tls13Only: false,
    plainHttp: false,
    chain: [
      {
        subject: 'CN=api.internal.example',
        issuer: 'CN=Example Issuing CA',
        sans: ['api.internal.example'],
        notBefore: '2026-01-01T00:00:00.000Z',
        notAfter: '2027-06-01T00:00:00.000Z',
        selfSigned: false,
        ...leaf,
      },
    ],
    ...overrides,
  };
}

/**
 * A target health as the AWS normalizer makes it, e.g. `health('unhealthy', 'Target.Timeout')`: the neutral cause comes
 * from the ELBv2 reason code or the Classic description. Other providers' rows pass the cause (`healthWith`).
 */
export function health(state: TargetHealth['state'], reason?: string, description?: string): TargetHealth {
  const elbv2 = reason !== undefined && ELBV2_REASON_CAUSES[reason] !== undefined;
  const cause = elbv2 ? elbv2Cause(reason) : classicCause(description);
  const codes = codesFromDescription(description);
  // Classic instances report ReasonCode Instance / ELB; the normalizer shows them as `OutOfService (Instance)`.
  const shown = !elbv2 && (reason === 'Instance' || reason === 'ELB') && state !== 'healthy' ? `OutOfService (${reason})` : reason;
  return {
    state,
    ...(state !== 'healthy' ? { cause } : {}),
    ...(shown !== undefined ? { reason: shown } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(codes.length ? { observedStatusCodes: codes } : {}),
  };
}

/** A target health with a neutral cause, as the Azure and Google normalizers make it. */
export function healthWith(state: TargetHealth['state'], cause: TargetHealthCause, reason?: string, extra: Partial<TargetHealth> = {}): TargetHealth {
  return { state, cause, ...(reason !== undefined ? { reason } : {}), ...extra };
}

/**
 * One instance target per health given, ids `i-01`, `i-02`, … with addresses 10.0.1.1, 10.0.1.2, …, alternating between
 * eu-west-1a and eu-west-1b unless `overrides` sets the zone.
 */
export function targetsWithHealth(healths: TargetHealth[], overrides: Partial<Target> = {}): Target[] {
  return healths.map((h, i) => {
    const n = String(i + 1).padStart(2, '0');
    const zone = i % 2 === 0 ? 'eu-west-1a' : 'eu-west-1b';
    return target({ id: `i-${n}`, address: `10.0.1.${i + 1}`, zone, subnetId: zone === 'eu-west-1a' ? 'subnet-a' : 'subnet-b', health: h, ...overrides });
  });
}

/** What the AWS normalizer records on a pool whose health-check settings could not be read. */
export const HEALTH_CHECK_DENIED: NotCollected = {
  input: 'health-check',
  api: 'elasticloadbalancing:DescribeTargetGroups',
  permission: 'elasticloadbalancing:DescribeTargetGroups',
  code: 'AccessDenied',
};

/** What the AWS normalizer records on a pool whose target health could not be read. */
export const TARGET_HEALTH_DENIED: NotCollected = {
  input: 'target-health',
  api: 'elasticloadbalancing:DescribeTargetHealth',
  permission: 'elasticloadbalancing:DescribeTargetHealth',
  code: 'AccessDenied',
};
