/**
 * The per-region audit and its merge, without a network: the AWS adapter's real validateRaw and normalize, with a
 * collect that serves the demo environment's raw data for eu-west-1 and simulates the other regions (cut short by
 * the deadline, failing, crashing).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry, demoSnapshotPaths, runAudit } from '../../src/audit.js';
import type { CheckRegistry } from '../../src/engine/index.js';
import { CollectionError, ConfigError, CredentialsError } from '../../src/errors.js';
import { DeadlineExceededError } from '../../src/lambda/deadline.js';
import { DEADLINE_API, DEADLINE_CODE, DEADLINE_IMPACT, deadlineRegions, runScheduledAudit, type ScheduledAuditRequest } from '../../src/lambda/scheduled-audit.js';
import type { CollectOptions, ProviderAdapter } from '../../src/provider.js';
import { awsAdapter } from '../../providers/aws/index.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';

const DEMO_REGION = 'eu-west-1';
const demoRaw = (() => {
  const { demo: _demo, ...raw } = JSON.parse(readFileSync(demoSnapshotPaths().find((p) => p.endsWith('aws-demo.json')) ?? '', 'utf8')) as Record<string, unknown>;
  return raw;
})();

type RegionBehaviour = 'demo' | 'hang' | 'credentials' | 'unreachable' | 'bug';

/** An adapter whose collect acts per region as told; `seen` records each collect's options. */
function fakeAdapter(behaviour: Record<string, RegionBehaviour>, seen: CollectOptions[] = []): ProviderAdapter {
  return {
    ...(awsAdapter as unknown as ProviderAdapter),
    async collect(options) {
      seen.push(options);
      const region = (options.providerOptions.region as string[] | undefined)?.[0] ?? '';
      switch (behaviour[region]) {
        case 'demo':
          return structuredClone(demoRaw) as never;
        case 'hang':
          // As the real collector does: nothing comes back until the signal aborts, then its reason is thrown.
          return new Promise((_, reject) => {
            if (options.signal?.aborted) reject(options.signal.reason as Error);
            options.signal?.addEventListener('abort', () => reject(options.signal?.reason as Error), { once: true });
          });
        case 'credentials':
          throw new CredentialsError('the security token included in the request is expired');
        case 'unreachable':
          throw new CollectionError(`cannot reach AWS in ${region}`);
        case 'bug':
          throw new TypeError('cannot read properties of undefined');
        default:
          throw new Error(`no behaviour for ${region}`);
      }
    },
  };
}

let registry: CheckRegistry;
beforeAll(async () => {
  registry = await defaultRegistry();
});

function request(regions: string[], deadline: AbortSignal, extra: Partial<ScheduledAuditRequest> = {}): ScheduledAuditRequest {
  return { regions, config: {}, metricsWindowSeconds: 86_400, concurrency: 8, now: new Date('2026-05-04T06:00:00.000Z'), deadline, ...extra };
}

describe('runScheduledAudit', () => {
  it('gives the same findings as one runAudit of the same data', async () => {
    // Prepare
    const deps = { registry, loadAdapter: async () => fakeAdapter({ [DEMO_REGION]: 'demo' }) };
    const req = request([DEMO_REGION], new AbortController().signal);
    // Act
    const { report, partial, cutShort, failed } = await runScheduledAudit(req, deps);
    const single = await runAudit(
      { source: { kind: 'live', provider: 'aws', collectOptions: { providerOptions: { region: [DEMO_REGION] }, metricsWindowSeconds: 86_400, now: req.now } }, config: {}, now: req.now },
      deps,
    );
    // Assess
    expect({ partial, cutShort, failed }).toEqual({ partial: false, cutShort: [], failed: [] });
    expect(report.summary.byStatus.fail).toBeGreaterThan(0);
    expect(report.results).toEqual(single.report.results);
    expect(report.summary).toEqual(single.report.summary);
    expect(report.scopes).toEqual(single.report.scopes);
    expect(report.coverage).toEqual(single.report.coverage);
    expect(report.metricsWindowSeconds).toBe(single.report.metricsWindowSeconds);
    expect(reportSchemaErrors(report), formatErrors(reportSchemaErrors(report))).toEqual([]);
  });

  it('keeps the regions that finished when the deadline cuts another short, and says the report is partial', async () => {
    // Prepare: the deadline fires as soon as the demo region has been collected.
    const deadline = new AbortController();
    const seen: CollectOptions[] = [];
    const adapter = fakeAdapter({ [DEMO_REGION]: 'demo', 'us-east-1': 'hang' }, seen);
    const collect = adapter.collect.bind(adapter);
    adapter.collect = async (options) => {
      const raw = await collect(options);
      if ((options.providerOptions.region as string[] | undefined)?.[0] === DEMO_REGION) setTimeout(() => deadline.abort(new DeadlineExceededError('budget spent')), 0);
      return raw;
    };
    // Act
    const { report, partial, cutShort } = await runScheduledAudit(request([DEMO_REGION, 'us-east-1'], deadline.signal, { concurrency: 3 }), {
      registry,
      loadAdapter: async () => adapter,
    });
    // Assess
    expect(partial).toBe(true);
    expect(cutShort).toEqual(['us-east-1']);
    expect(report.scopes.map((s) => s.region)).toEqual([DEMO_REGION]);
    expect(report.summary.byStatus.fail).toBeGreaterThan(0);
    expect(report.results.every((r) => r.resource.region === DEMO_REGION)).toBe(true);
    expect(report.coverage.filter((g) => g.api === DEADLINE_API)).toEqual([
      { provider: 'aws', region: 'us-east-1', api: DEADLINE_API, code: DEADLINE_CODE, message: expect.stringContaining('us-east-1') as string, impact: DEADLINE_IMPACT },
    ]);
    expect(deadlineRegions(report)).toEqual(['us-east-1']);
    // Each region collects on its own, with its share of the concurrency (never below 2) and the shared clock.
    expect(seen.map((o) => [o.providerOptions.region, o.concurrency])).toEqual([
      [[DEMO_REGION], 2],
      [['us-east-1'], 2],
    ]);
    expect(reportSchemaErrors(report), formatErrors(reportSchemaErrors(report))).toEqual([]);
  });

  it('writes an empty, partial report when the deadline has passed before any region finished', async () => {
    const deadline = AbortSignal.abort(new DeadlineExceededError('no budget'));
    const { report, partial, cutShort } = await runScheduledAudit(request(['us-east-1', 'us-west-2'], deadline), {
      registry,
      loadAdapter: async () => fakeAdapter({ 'us-east-1': 'hang', 'us-west-2': 'hang' }),
    });
    expect({ partial, cutShort }).toEqual({ partial: true, cutShort: ['us-east-1', 'us-west-2'] });
    expect(report.results).toEqual([]);
    expect(report.summary.checksRun).toBe(0);
    expect(report.coverage.map((g) => [g.region, g.code])).toEqual([
      ['us-east-1', DEADLINE_CODE],
      ['us-west-2', DEADLINE_CODE],
    ]);
    expect(reportSchemaErrors(report), formatErrors(reportSchemaErrors(report))).toEqual([]);
  });

  it('records a region that cannot be collected as a coverage gap and audits the others', async () => {
    const { report, partial, failed } = await runScheduledAudit(request([DEMO_REGION, 'ap-south-1'], new AbortController().signal), {
      registry,
      loadAdapter: async () => fakeAdapter({ [DEMO_REGION]: 'demo', 'ap-south-1': 'unreachable' }),
    });
    expect({ partial, failed }).toEqual({ partial: false, failed: ['ap-south-1'] });
    expect(report.coverage.filter((g) => g.region === 'ap-south-1')).toEqual([
      { provider: 'aws', region: 'ap-south-1', api: 'cloud502:collect', code: 'CollectionError', message: 'cannot reach AWS in ap-south-1', impact: 'ap-south-1 was not audited' },
    ]);
    expect(report.summary.byStatus.fail).toBeGreaterThan(0);
  });

  it('fails the run when every region fails', async () => {
    const run = runScheduledAudit(request(['us-east-1', 'us-west-2'], new AbortController().signal), {
      registry,
      loadAdapter: async () => fakeAdapter({ 'us-east-1': 'credentials', 'us-west-2': 'credentials' }),
    });
    await expect(run).rejects.toThrow(CredentialsError);
  });

  it('fails the run, and stops the other regions, on an error that is not about one region', async () => {
    const run = runScheduledAudit(request(['us-east-1', 'us-west-2'], new AbortController().signal), {
      registry,
      loadAdapter: async () => fakeAdapter({ 'us-east-1': 'hang', 'us-west-2': 'bug' }),
    });
    // us-east-1 would hang forever: it ends only because the bug aborted it.
    await expect(run).rejects.toThrow(TypeError);
  });

  it('passes a config error through (a bad threshold fails every region the same way)', async () => {
    const config = { checks: { 'timeouts/backend-keepalive-exceeds-idle-timeout': { thresholds: { marginSeconds: -5 } } } };
    const run = runScheduledAudit(request([DEMO_REGION], new AbortController().signal, { config }), {
      registry,
      loadAdapter: async () => fakeAdapter({ [DEMO_REGION]: 'demo' }),
    });
    await expect(run).rejects.toThrow(ConfigError);
  });
});
