/**
 * An in-test provider adapter and a small check catalog, so the pipeline, the reports and the CLI can be tested
 * without the AWS adapter or the real checks. The fake raw snapshot carries a ready-made inventory.
 */
import type { AuditDeps } from '../../../src/audit.js';
import type { AnyCheck } from '../../../src/engine/index.js';
import { CheckRegistry, defineCheck } from '../../../src/engine/index.js';
import { SnapshotError } from '../../../src/errors.js';
import type { Inventory } from '../../../src/model/index.js';
import type { CollectOptions, ProviderAdapter, RawSnapshotEnvelope } from '../../../src/provider.js';
import { albInventory, COLLECTED_AT, inventory, loadBalancer, pool, series, wire } from '../../support/builders.js';
import { awsFixes } from '../../../providers/aws/fixes.js';

export interface FakeRaw extends RawSnapshotEnvelope {
  inventory: Inventory;
  /** Records what the CLI passed to collect (minus the functions), to assert flag wiring. */
  collectedWith?: Omit<CollectOptions, 'progress' | 'signal' | 'now'> & { now: string };
}

const remediation = { summary: 'Register healthy targets in {{resourceName}}.' };
const base = {
  causes: [503],
  kinds: ['aws-alb' as const, 'aws-nlb' as const, 'aws-clb' as const],
  fixes: ['register-targets' as const],
  docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/'],
  remediation,
};

/** critical when a pool has no targets. */
export const poolHasTargets = defineCheck({
  ...base,
  id: 'targets/fake-pool-has-targets',
  title: 'Target groups in use have registered targets',
  family: 'targets',
  severity: 'critical',
  rationale: 'With no registered targets the load balancer answers every request with 503.',
  thresholds: { minTargets: { default: 1, description: 'fewest targets a pool may have', unit: 'count', min: 0, max: 100 } },
  messages: { empty: 'Target group {{pool}} has {{count}} registered targets.' },
  evaluate(inv, ctx) {
    for (const p of inv.backendPools) {
      const count = p.targets?.length ?? 0;
      if (count < ctx.thresholds.minTargets) {
        ctx.fail({ ref: p.ref, loadBalancer: ctx.index.loadBalancersOf(p)[0] }, 'empty', { pool: p.ref.name, count }, {
          fix: { kind: 'register-targets', poolId: p.ref.id },
          evidence: { path: 'targetGroup.targets', observed: count, expected: `>= ${ctx.thresholds.minTargets}`, source: 'api',
            metrics: [{ name: 'lb.http.503', providerName: 'AWS/ApplicationELB HTTPCode_ELB_503_Count', statistic: 'Sum', value: 42, unit: 'count', windowSeconds: 86_400, points: [[COLLECTED_AT, 42]] }] },
        });
      } else ctx.pass({ ref: p.ref, loadBalancer: ctx.index.loadBalancersOf(p)[0] });
    }
  },
});

/** medium when an ALB's idle timeout is above 30 s (made up, for tests). */
export const idleTimeout = defineCheck({
  ...base,
  id: 'timeouts/fake-idle-timeout',
  title: 'Idle timeout is at most 30 s',
  family: 'timeouts',
  severity: 'medium',
  causes: [502],
  rationale: 'Backends that close idle connections before the load balancer does cause 502s.',
  thresholds: {},
  messages: { long: '{{lb}} keeps idle connections for {{idle}} s.' },
  evaluate(inv, ctx) {
    for (const lb of inv.loadBalancers) {
      const idle = lb.backendIdleTimeoutSeconds;
      if (!idle) ctx.unknown(lb, 'idle timeout not collected');
      else if (idle.value > 30) ctx.fail(lb, 'long', { lb: lb.ref.name, idle: idle.value }, { evidence: { observed: idle.value, expected: 30, source: idle.source } });
      else ctx.pass(lb);
    }
  },
});

/** unknown for pools without a health check, not applicable to disabled ones, pass otherwise. */
export const healthCheckKnown = defineCheck({
  ...base,
  id: 'health/fake-health-check-known',
  title: 'Health checks are configured',
  family: 'health',
  severity: 'low',
  rationale: 'r',
  thresholds: {},
  messages: {},
  evaluate(inv, ctx) {
    for (const p of inv.backendPools) {
      if (!p.healthCheck) ctx.unknown(p, 'health check not collected');
      else if (!p.healthCheck.enabled) ctx.notApplicable(p, 'health checks disabled');
      else ctx.pass(p);
    }
  },
});

/** Always throws: the engine turns it into an `error` result. */
export const throws = defineCheck({
  ...base,
  id: 'tls/fake-throws',
  title: 'Never evaluates',
  family: 'tls',
  severity: 'high',
  rationale: 'r',
  thresholds: {},
  messages: {},
  evaluate() {
    throw new Error('boom');
  },
});

export const fakeChecks: AnyCheck[] = [poolHasTargets, idleTimeout, healthCheckKnown, throws];

export function fakeRegistry(checks: AnyCheck[] = fakeChecks): CheckRegistry {
  return new CheckRegistry(checks);
}

/**
 * One ALB `alb-web` (idle timeout 60 s → medium fail) with `tg-api` (2 targets, pass) and `tg-empty` (0 targets →
 * critical fail; no health check → unknown), a second healthy ALB `alb-quiet` with a disabled health check (not applicable), and a coverage gap.
 */
export function brokenInventory(): Inventory {
  const web = wire(loadBalancer('alb-web'), [pool('tg-api'), pool('tg-empty', { targets: [], healthCheck: undefined })]);
  const quiet = wire(loadBalancer('alb-quiet', { backendIdleTimeoutSeconds: { value: 30, source: 'api' } }), [
    pool('tg-quiet', { healthCheck: { enabled: false } }),
  ]);
  return inventory({
    loadBalancers: [quiet.lb, web.lb],
    backendPools: [...web.pools, ...quiet.pools],
    metrics: [series(web.lb.ref.id, 'lb.http.504', [3, 4])],
    coverage: [{ provider: 'aws', account: '123456789012', region: 'eu-west-1', api: 'acm:DescribeCertificate', permission: 'acm:DescribeCertificate', code: 'AccessDeniedException', message: 'not authorized', impact: 'expiry of listener certificates' }],
  });
}

/** Nothing fails with the fake checks except the throwing one (use --skip-checks tls). */
export function cleanInventory(): Inventory {
  return albInventory({ lb: { backendIdleTimeoutSeconds: { value: 30, source: 'api' } } });
}

export function fakeRaw(inv: Inventory, extra: Partial<FakeRaw> = {}): FakeRaw {
  return { format: 'cloud502-raw-snapshot', schemaVersion: 1, provider: 'aws', collectedAt: inv.collectedAt, inventory: inv, ...extra };
}

/** A provider adapter over {@link FakeRaw}. `collect` returns `live` and records its options. */
export function fakeAdapter(live: Inventory = brokenInventory()): ProviderAdapter & { calls: CollectOptions[] } {
  const calls: CollectOptions[] = [];
  return {
    provider: 'aws',
    calls,
    async collect(options) {
      calls.push(options);
      options.progress?.({ phase: 'elbv2', scope: 'eu-west-1', done: 1, total: 2 });
      const { progress: _p, signal: _s, now, ...rest } = options;
      // A Date, as the SDK returns them: the pipeline's JSON round trip must turn it into a string.
      return { ...fakeRaw({ ...live, collectedAt: now.toISOString() }), collectedWith: { ...rest, now: now.toISOString() }, sdkDate: now } as unknown as FakeRaw;
    },
    validateRaw(value) {
      const v = value as Partial<FakeRaw>;
      if (typeof v.inventory !== 'object' || v.inventory === null) throw new SnapshotError('has no inventory');
      if ('sdkDate' in v && typeof (v as { sdkDate: unknown }).sdkDate !== 'string') throw new SnapshotError('sdkDate was not JSON round-tripped');
      return v as FakeRaw;
    },
    normalize(raw) {
      return (raw as FakeRaw).inventory;
    },
    fixes: awsFixes,
    permissions: () => ({ title: 'fake', text: '{}', permissions: [] }),
  };
}

/** Pipeline seams for in-process CLI tests: the fake adapter (one instance per call) and the fake catalog. */
export function fakeDeps(): AuditDeps {
  const adapter = fakeAdapter();
  return { registry: fakeRegistry(), loadAdapter: async () => adapter };
}
