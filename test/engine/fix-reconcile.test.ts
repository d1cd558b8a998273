/**
 * One health check, one fix: the changes several findings want on one health check are merged into one that satisfies
 * each, and every finding on it prints that command (on Google Cloud a health check is shared by backend services).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry, runAudit } from '../../src/audit.js';
import { defineCheck, runChecks } from '../../src/engine/index.js';
import type { HealthCheckChanges } from '../../src/engine/fix.js';
import { healthCheckKey, mergeHealthCheckChanges } from '../../src/engine/fix-reconcile.js';
import type { HealthCheckBounds } from '../../src/model/lb-kinds.js';
import type { Report } from '../../src/report/types.js';
import { albInventory } from '../support/builders.js';
import { FIX_RENDERERS } from '../support/fix-renderers.js';

const ELBV2: HealthCheckBounds = { intervalSeconds: [5, 300], timeoutSeconds: [2, 120], unhealthyThreshold: [2, 10], healthyThreshold: [2, 10] };

describe('mergeHealthCheckChanges', () => {
  it.each<[string, HealthCheckChanges[], number | undefined, HealthCheckChanges]>([
    ['a longer timeout and its interval win over a short pair', [{ intervalSeconds: 7, timeoutSeconds: 5 }, { intervalSeconds: 113, timeoutSeconds: 90 }], undefined, { intervalSeconds: 113, timeoutSeconds: 90 }],
    ['settings of different findings add up', [{ intervalSeconds: 2, unhealthyThreshold: 5 }, { intervalSeconds: 4, timeoutSeconds: 3 }], 1, { intervalSeconds: 4, timeoutSeconds: 3, unhealthyThreshold: 5 }],
    ['the most tolerant unhealthy and the quickest healthy threshold', [{ unhealthyThreshold: 3, healthyThreshold: 5 }, { unhealthyThreshold: 5, healthyThreshold: 2 }], 30, { unhealthyThreshold: 5, healthyThreshold: 2 }],
    ['a timeout that no longer fits the interval lengthens it', [{ timeoutSeconds: 90 }, { intervalSeconds: 7, timeoutSeconds: 5 }], 30, { intervalSeconds: 113, timeoutSeconds: 90 }],
    ['a timeout that fits the current interval leaves it', [{ timeoutSeconds: 8 }, { unhealthyThreshold: 4 }], 30, { timeoutSeconds: 8, unhealthyThreshold: 4 }],
    ['boundary: a timeout of exactly 0.8 of the interval fits', [{ timeoutSeconds: 8 }, { intervalSeconds: 10 }], 5, { intervalSeconds: 10, timeoutSeconds: 8 }],
    ['the traffic port wins when the first change chose it', [{ useTrafficPort: true }, { port: 8081, timeoutSeconds: 3 }], 30, { useTrafficPort: true, timeoutSeconds: 3 }],
    ['a port wins when the first change chose it', [{ port: 8081 }, { useTrafficPort: true }], 30, { port: 8081 }],
    ['other settings come from the first change naming them', [{ path: '/healthz' }, { path: '/ready', matcher: '200-399' }], 30, { path: '/healthz', matcher: '200-399' }],
  ])('%s', (_, changes, current, expected) => {
    expect(mergeHealthCheckChanges(changes, ELBV2, current)).toEqual(expected);
  });

  it('keeps a lengthened interval within the provider bounds', () => {
    expect(mergeHealthCheckChanges([{ timeoutSeconds: 120 }, { intervalSeconds: 10 }], { ...ELBV2, intervalSeconds: [5, 130] })).toEqual({ intervalSeconds: 130, timeoutSeconds: 120 });
  });
});

describe('healthCheckKey', () => {
  it('is the provider health check when the pool names one, else the pool', () => {
    const [pool] = albInventory().backendPools;
    expect(healthCheckKey('p', pool)).toBe('pool:p');
    expect(healthCheckKey('p', { ...pool!, healthCheck: { ...pool!.healthCheck!, ref: { provider: 'gcp', kind: 'backend-pool', type: 'gcp-health-check', id: 'hc-1', name: 'hc' } } })).toBe('health-check:hc-1');
    expect(healthCheckKey('p', undefined)).toBe('pool:p');
  });
});

const checkBase = {
  family: 'health' as const,
  severity: 'medium' as const,
  causes: [503],
  kinds: ['aws-alb' as const],
  fixes: ['set-health-check' as const],
  rationale: 'r',
  remediation: { summary: 'Change the health check of {{resourceName}}' },
  docs: ['https://docs.aws.amazon.com/'],
  thresholds: {},
  messages: { m: '{{pool}} wants a change' },
};

function wanting(id: string, changes: HealthCheckChanges | undefined) {
  return defineCheck({
    ...checkBase,
    id,
    title: id,
    evaluate(inv, ctx) {
      for (const p of inv.backendPools) {
        if (changes) ctx.fail(p, 'm', { pool: p.ref.name }, { fix: { kind: 'set-health-check', poolId: p.ref.id, changes } });
        else ctx.pass(p);
      }
    },
  });
}

describe('runChecks', () => {
  it('prints one merged command on every finding that changes the same health check', () => {
    const inv = albInventory();
    const results = runChecks(inv, [wanting('health/test-short', { intervalSeconds: 7, timeoutSeconds: 5 }), wanting('health/test-slow', { timeoutSeconds: 90 })], {}, { fixRenderers: FIX_RENDERERS });
    const clis = results.filter((r) => r.status === 'fail').map((r) => r.remediation.cli);
    expect(clis).toHaveLength(2);
    expect(clis[0]).toBe(clis[1]);
    expect(clis[0]).toContain('--health-check-timeout-seconds 90');
    expect(clis[0]).toContain('--health-check-interval-seconds 113');
  });

  it('leaves a single finding as its check rendered it, and passes without a command', () => {
    const inv = albInventory();
    const results = runChecks(inv, [wanting('health/test-short', { intervalSeconds: 7, timeoutSeconds: 5 }), wanting('health/test-none', undefined)], {}, { fixRenderers: FIX_RENDERERS });
    const fail = results.find((r) => r.status === 'fail');
    expect(fail?.remediation.cli).toContain('--health-check-interval-seconds 7');
    expect(fail?.remediation.cli).toContain('--health-check-timeout-seconds 5');
    expect(results.find((r) => r.status === 'pass')?.remediation.cli).toBeUndefined();
  });
});

describe('the demo', () => {
  let report: Report;
  beforeAll(async () => {
    report = (await runAudit({ source: { kind: 'demo' }, now: new Date('2026-11-20T09:00:00Z') }, { registry: await defaultRegistry() })).report;
  }, 60_000);

  it('prints the same command for every finding that changes one health check', () => {
    // The command's subject (`health-checks update http web-hc`, a target group, a probe) names the health check.
    const subject = /(health-checks update \S+ \S+|modify-target-group --target-group-arn \S+|probe (?:update|create) .*?--name \S+|configure-health-check --load-balancer-name \S+)/;
    const bySubject = new Map<string, Set<string>>();
    for (const r of report.results) {
      const cli = r.status === 'fail' ? r.remediation?.cli : undefined;
      const line = cli?.split('\n').find((l) => subject.test(l) && /health|probe|interval/i.test(l));
      if (!line) continue;
      const key = subject.exec(line)![1]!;
      bySubject.set(key, (bySubject.get(key) ?? new Set()).add(line));
    }
    const shared = [...bySubject.entries()].filter(([key]) => key.includes('web-hc'));
    expect(shared.length).toBe(1);
    for (const [key, lines] of bySubject) expect([...lines], key).toHaveLength(1);
  });
});
