/**
 * The bundled demo (demo/aws-demo.json): reproducible from its builder, valid, normalizes with exactly one
 * deliberate coverage gap, queries the whole metrics catalog, and carries every planted problem listed in
 * demo/README.md (these rows are the data side of that list; the checks' own tests judge the findings).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AWS_DEMO_PATH, buildAwsDemo, renderAwsDemo } from '../../../../demo/build-aws-demo.js';
import { AWS_METRICS } from '../../../../providers/aws/metrics-catalog.js';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import { validateAwsRaw } from '../../../../providers/aws/snapshot.js';
import type { BackendPool, LoadBalancer, MetricName, NetworkPolicy } from '../../../../src/model/index.js';
import { effectiveKeepAlive, indexInventory, metricMax, metricSum } from '../../../../src/model/index.js';

const committed = readFileSync(AWS_DEMO_PATH, 'utf8');
const raw = validateAwsRaw(JSON.parse(committed));
const inv = normalizeAws(raw, {});
const ix = indexInventory(inv);

const lb = (name: string): LoadBalancer => {
  const found = inv.loadBalancers.find((l) => l.ref.name === name);
  if (!found) throw new Error(`no load balancer ${name}`);
  return found;
};
const pool = (name: string): BackendPool => {
  const found = inv.backendPools.find((p) => p.ref.name === name);
  if (!found) throw new Error(`no pool ${name}`);
  return found;
};
const policy = (name: string): NetworkPolicy => {
  const found = inv.networkPolicies.find((p) => p.ref.name === name);
  if (!found) throw new Error(`no policy ${name}`);
  return found;
};
const lbMetric = (name: string, metric: MetricName) => metricSum(ix.metric(lb(name).ref.id, metric));
const poolMetric = (name: string, metric: MetricName) => ix.metric(pool(name).ref.id, metric);
const states = (name: string) => (pool(name).targets ?? []).map((t) => `${t.health.state}${t.health.reason ? `:${t.health.reason}` : ''}`);
const routedBy = (p: string, l: string) => ix.poolsOf(lb(l)).some((x) => x.ref.name === p);
/** Does any ingress/egress rule of the policy allow TCP `port` from/to the given security group? */
const allowsGroup = (pol: NetworkPolicy, direction: 'ingress' | 'egress', port: number, groupId: string) =>
  pol.rules.some((r) => r.direction === direction && r.action === 'allow' && r.peer.type === 'security-group' && r.peer.groupId === groupId && (!r.ports || (r.ports.from <= port && port <= r.ports.to)));
const collectedAt = Date.parse(inv.collectedAt);

describe('demo snapshot', () => {
  it('the committed JSON is exactly what the builder produces (run `node demo/build-aws-demo.ts` after editing it)', () => {
    expect(committed).toBe(renderAwsDemo());
  });

  it('is a demo snapshot of account 123456789012 in eu-west-1 with 24 h of 5-minute metrics', () => {
    expect(raw).toMatchObject({ demo: true, collectedAt: '2026-11-20T09:00:00.000Z', options: { metricsWindowSeconds: 86_400 } });
    expect(inv.demo).toBe(true);
    expect(inv.scopes).toEqual([{ provider: 'aws', account: '123456789012', region: 'eu-west-1' }]);
    expect(inv.metricsWindowSeconds).toBe(86_400);
    expect(inv.loadBalancers.map((l) => `${l.ref.name}:${l.kind}`)).toEqual([
      'shop-web:aws-alb', 'api:aws-alb', 'admin:aws-alb', 'grpc:aws-alb', 'payments:aws-nlb', 'checkout:aws-alb', 'catalog:aws-alb', 'auth:aws-alb', 'ingest:aws-nlb', 'legacy-web:aws-clb',
    ]);
    expect(new Set(inv.metrics.map((m) => m.periodSeconds))).toEqual(new Set([300]));
    expect(Math.max(...inv.metrics.map((m) => m.points.length))).toBe(288);
  });

  it('normalizes with exactly one coverage gap: the deliberate AccessDenied on api:443 certificates', () => {
    expect(inv.coverage).toHaveLength(1);
    expect(inv.coverage[0]).toMatchObject({
      api: 'elasticloadbalancing:DescribeListenerCertificates',
      permission: 'elasticloadbalancing:DescribeListenerCertificates',
      code: 'AccessDenied',
      resourceId: lb('api').listeners[0]?.ref.id,
      impact: 'certificates other than the default of api:443 unknown',
    });
  });

  it('queries every catalog metric of every load balancer and of each target group it routes to', () => {
    const expected = new Set<string>();
    for (const l of raw.regions[0]?.elbv2.loadBalancers ?? []) {
      const specs = l.Type === 'application' ? AWS_METRICS.application : AWS_METRICS.network;
      for (const s of specs.filter((x) => x.level === 'lb')) expected.add(`${l.LoadBalancerArn}|${s.metricName}|${s.stat}`);
      for (const tg of raw.regions[0]?.elbv2.targetGroups.filter((t) => t.LoadBalancerArns?.includes(l.LoadBalancerArn ?? '')) ?? []) {
        for (const s of specs.filter((x) => x.level === 'pool')) expected.add(`${tg.TargetGroupArn}|${s.metricName}|${s.stat}`);
      }
    }
    for (const s of AWS_METRICS.classic) expected.add(`${lb('legacy-web').ref.id}|${s.metricName}|${s.stat}`);
    const queries = raw.regions[0]?.cloudwatch.queries ?? [];
    expect(new Set(queries.map((q) => `${q.resourceArn}|${q.metricName}|${q.stat}`))).toEqual(expected);
    // Every query was answered, so every one is a series (possibly without points).
    expect(inv.metrics).toHaveLength(queries.length);
  });

  it('keeps sparse counts sparse and 5XX equal to the sum of the per-code counts', () => {
    for (const name of ['shop-web', 'api', 'grpc', 'checkout']) {
      const codes = (['lb.http.500', 'lb.http.502', 'lb.http.503', 'lb.http.504'] as const).map((m) => lbMetric(name, m) ?? 0);
      expect(lbMetric(name, 'lb.http.5xx')).toBe(codes.reduce((a, b) => a + b, 0));
    }
    expect(ix.metric(lb('catalog').ref.id, 'lb.http.502')?.points).toEqual([]);
  });
});

const planted: Array<[family: string, what: string, holds: () => boolean]> = [
  ['targets', 'shop-web routes /search/* to shop-search, which has no registered targets, and shop-web reports 503s', () =>
    routedBy('shop-search', 'shop-web') && pool('shop-search').targets?.length === 0 && (lbMetric('shop-web', 'lb.http.503') ?? 0) > 0],
  ['targets', 'shop-web: some targets unhealthy with Target.Timeout', () => states('shop-web').join() === 'healthy,healthy,unhealthy:Target.Timeout'],
  ['targets', 'grpc-inventory: all targets unhealthy (Target.FailedHealthChecks), the ALB fails open', () =>
    states('grpc-inventory').every((s) => s === 'unhealthy:Target.FailedHealthChecks') && (metricSum(poolMetric('grpc-inventory', 'pool.unhealthy-routing')) ?? 0) > 0],
  ['targets', 'api-orders: a stopped instance is unused with Target.InvalidState', () =>
    (pool('api-orders').targets ?? []).some((t) => t.instanceState === 'stopped' && t.health.state === 'unused' && t.health.reason === 'Target.InvalidState')],
  ['targets', 'payments-api: a target in eu-west-1c, a zone payments does not enable, is unused with Target.NotInUse', () =>
    !lb('payments').zones.some((z) => z.name === 'eu-west-1c') && (pool('payments-api').targets ?? []).some((t) => t.zone === 'eu-west-1c' && t.health.reason === 'Target.NotInUse')],
  ['targets', 'shop-web-v1 is used by no load balancer', () => pool('shop-web-v1').loadBalancerIds.length === 0 && states('shop-web-v1').every((s) => s === 'unused:Target.NotInUse')],
  ['targets', 'legacy-web (Classic): one instance OutOfService', () => states('legacy-web').join() === 'healthy,healthy,unhealthy:OutOfService (Instance)'],
  ['health', 'shop-web: interval 5 s × unhealthy threshold 2, timeout 4 s of the 5 s interval', () => {
    const hc = pool('shop-web').healthCheck;
    return hc?.intervalSeconds?.value === 5 && hc.unhealthyThreshold?.value === 2 && hc.timeoutSeconds?.value === 4;
  }],
  ['health', 'shop-account: Target.ResponseCodeMismatch [301] against matcher 200', () =>
    pool('shop-account').healthCheck?.matcher === '200' && (pool('shop-account').targets ?? []).filter((t) => t.health.description === 'Health checks failed with these codes: [301]').length === 2],
  ['health', 'payments-api: slow recovery, interval 300 s × healthy threshold 10', () =>
    pool('payments-api').healthCheck?.intervalSeconds?.value === 300 && pool('payments-api').healthCheck?.healthyThreshold?.value === 10],
  ['network', 'admin: health checks on 8081; admin-app admits admin-alb on 8080 only; every target times out', () =>
    pool('admin').healthCheck?.port === 8081 &&
    allowsGroup(policy('admin-app'), 'ingress', 8080, policy('admin-alb').ref.id) &&
    !allowsGroup(policy('admin-app'), 'ingress', 8081, policy('admin-alb').ref.id) &&
    states('admin').every((s) => s === 'unhealthy:Target.Timeout')],
  ['network', 'app-c NACL: no outbound ephemeral 1024-65535 to the load balancer subnets; shop-web-3 sits behind it', () => {
    const acl = policy('app-c-hardened');
    const target = (pool('shop-web').targets ?? []).find((t) => t.zone === 'eu-west-1c');
    const lbSubnetCidrs = lb('shop-web').subnetIds.map((id) => ix.subnet(id)?.cidr);
    const egressEphemeral = acl.rules.filter((r) => r.direction === 'egress' && r.action === 'allow' && r.ports?.from === 1024 && r.ports.to === 65535);
    return !!target?.networkPolicyIds.includes(acl.ref.id) && egressEphemeral.length === 1 && lbSubnetCidrs.every((c) => c && egressEphemeral.every((r) => r.peer.type === 'cidr' && r.peer.cidr !== c && r.peer.cidr === '10.20.10.0/23'));
  }],
  ['network', 'payments-nlb: egress to payments-app on 8080 but none to ledger-app on 9000; ledger fails health checks', () =>
    allowsGroup(policy('payments-nlb'), 'egress', 8080, policy('payments-app').ref.id) &&
    !policy('payments-nlb').rules.some((r) => r.direction === 'egress' && (!r.ports || (r.ports.from <= 9000 && 9000 <= r.ports.to))) &&
    states('payments-ledger').every((s) => s === 'unhealthy:Target.FailedHealthChecks')],
  ['tls', 'grpc: HTTPS target group with TargetTLSNegotiationErrorCount > 0', () => pool('grpc-inventory').protocol === 'HTTPS' && (lbMetric('grpc', 'target.tls-errors') ?? 0) > 0],
  ['tls', 'shop-web:443 certificate expires within 30 days of collection', () => {
    const notAfter = lb('shop-web').listeners.find((l) => l.port === 443)?.certificates[0]?.notAfter;
    const days = notAfter ? (Date.parse(notAfter) - collectedAt) / 86_400_000 : Infinity;
    return days > 0 && days < 30;
  }],
  ['tls', 'grpc-inventory: GRPC protocol version', () => pool('grpc-inventory').protocolVersion === 'GRPC'],
  ['timeouts', 'shop-web pool tagged node (keep-alive 5 s) behind a 60 s ALB', () =>
    effectiveKeepAlive(pool('shop-web').backend)?.value === 5 && lb('shop-web').backendIdleTimeoutSeconds?.value === 60],
  ['timeouts', 'api pool tagged gunicorn (keep-alive 2 s)', () => effectiveKeepAlive(pool('api').backend)?.value === 2],
  ['timeouts', 'api-exports p99 close to the 60 s idle timeout, with ELB 504s on api', () =>
    (metricMax(poolMetric('api-exports', 'target.latency.p99')) ?? 0) >= 44 && (lbMetric('api', 'lb.http.504') ?? 0) > 0],
  ['timeouts', 'api-orders: deregistration delay 5 s while p99 is ~20 s', () =>
    pool('api-orders').drainSeconds?.value === 5 && (metricMax(poolMetric('api-orders', 'target.latency.p99')) ?? 0) >= 17],
  ['timeouts', 'payments:9000 TCP listener idle 350 s (documented default) with a declared 900 s idle backend', () => {
    const l = lb('payments').listeners.find((x) => x.port === 9000);
    return l?.protocol === 'TCP' && l.idleTimeoutSeconds?.value === 350 && l.idleTimeoutSeconds.source === 'provider-default' && pool('payments-ledger').backend?.keepAliveSeconds?.value === 900;
  }],
  ['timeouts', 'legacy-web (Classic) tagged apache (5 s) behind a 60 s idle timeout', () =>
    effectiveKeepAlive(pool('legacy-web').backend)?.value === 5 && lb('legacy-web').backendIdleTimeoutSeconds?.value === 60],
  ['evidence', 'checkout: ELB 502s with healthy targets and nginx keep-alive above the idle timeout', () =>
    (lbMetric('checkout', 'lb.http.502') ?? 0) > 0 && states('checkout').every((s) => s === 'healthy') && (effectiveKeepAlive(pool('checkout').backend)?.value ?? 0) > 60],
];

describe('planted problems (demo/README.md)', () => {
  it.each(planted)('%s: %s', (_, __, holds) => {
    expect(holds()).toBe(true);
  });
});

describe('clean load balancers', () => {
  it.each(['catalog', 'auth', 'ingest'])('%s: healthy targets, sane checks, zero 5xx, backend keep-alive above the idle timeout, metrics present', (name) => {
    const l = lb(name);
    const pools = ix.poolsOf(l);
    expect(pools.length).toBeGreaterThan(0);
    for (const p of pools) {
      expect(p.targets?.length).toBeGreaterThanOrEqual(2);
      expect(p.targets?.every((t) => t.health.state === 'healthy')).toBe(true);
      const hc = p.healthCheck;
      expect(hc?.intervalSeconds?.value).toBeGreaterThanOrEqual(15);
      expect(hc?.intervalSeconds?.value).toBeLessThanOrEqual(30);
      expect([hc?.healthyThreshold?.value, hc?.unhealthyThreshold?.value]).toEqual([3, 3]);
      expect(hc?.timeoutSeconds?.value).toBeLessThan(hc?.intervalSeconds?.value ?? 0);
      const keepAlive = effectiveKeepAlive(p.backend)?.value;
      const idle = l.kind === 'aws-nlb' ? l.listeners[0]?.idleTimeoutSeconds?.value : l.backendIdleTimeoutSeconds?.value;
      if (l.kind === 'aws-nlb') expect(keepAlive).toBeLessThan(idle ?? 0);
      else expect(keepAlive).toBeGreaterThan(idle ?? Infinity);
      expect(metricMax(poolMetric(p.ref.name, 'pool.unhealthy-hosts.max'))).toBe(0);
    }
    const series = inv.metrics.filter((m) => m.resourceId === l.ref.id);
    expect(series.length).toBeGreaterThan(0);
    for (const m of series.filter((s) => /^lb\.http\.|tls-errors|resets/.test(s.name))) expect(m.points).toEqual([]);
  });

  it('the builder is deterministic', () => {
    expect(JSON.stringify(buildAwsDemo())).toBe(JSON.stringify(buildAwsDemo()));
  });
});
