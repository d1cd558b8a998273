import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { awsAdapter } from '../../../../providers/aws/index.js';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import { validateAwsRaw } from '../../../../providers/aws/snapshot.js';
import type { CollectOptions } from '../../../../src/provider.js';
import { emptyRegion, snapshot } from './raw-builder.js';

// The collector is loaded only when collect() runs; the mock stands in for it (no SDK calls in a unit test).
const { collectAws } = vi.hoisted(() => ({ collectAws: vi.fn() }));
vi.mock('../../../../providers/aws/collect/index.js', () => ({ collectAws }));
const collected = snapshot(emptyRegion());

describe('awsAdapter', () => {
  it('wires validation and normalization', () => {
    expect(awsAdapter.provider).toBe('aws');
    expect(awsAdapter.validateRaw).toBe(validateAwsRaw);
    expect(awsAdapter.normalize).toBe(normalizeAws);
  });

  it('collects through the lazily loaded collector, passing the options through', async () => {
    collectAws.mockResolvedValueOnce(collected);
    const now = new Date('2026-11-20T09:00:00Z');
    const options: CollectOptions = { providerOptions: { region: ['eu-west-1'], profile: 'prod', allRegions: false }, metricsWindowSeconds: 3600, now, env: {} };
    await expect(awsAdapter.collect(options)).resolves.toBe(collected);
    // The descriptor's option keys become the collector's options.
    expect(collectAws).toHaveBeenCalledWith({ regions: ['eu-west-1'], profile: 'prod', metricsWindowSeconds: 3600, now, env: {} });
  });

  it('refuses --all-regions with --region, and reads a malformed AWS_ENDPOINT_URL as one usage line', async () => {
    const now = new Date('2026-11-20T09:00:00Z');
    await expect(awsAdapter.collect({ providerOptions: { region: ['eu-west-1'], allRegions: true }, metricsWindowSeconds: 0, now })).rejects.toThrow(/--all-regions .* drop --region/);
    await expect(awsAdapter.collect({ providerOptions: {}, metricsWindowSeconds: 0, now, env: { AWS_ENDPOINT_URL: 'nope' } })).rejects.toThrow(/^AWS_ENDPOINT_URL: /);
    expect(collectAws).not.toHaveBeenCalled();
  });

  it('the normalize path never imports the AWS SDK or the collector at runtime', () => {
    const dir = fileURLToPath(new URL('../../../../providers/aws/', import.meta.url));
    const files = ['index.ts', 'snapshot.ts', 'raw.ts', 'metrics-catalog.ts', ...readdirSync(`${dir}normalize`).map((f) => `normalize/${f}`)];
    const runtimeImports = files.flatMap((f) =>
      [...readFileSync(`${dir}${f}`, 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => `${f}: ${m[1]}`),
    );
    expect(runtimeImports.length).toBeGreaterThan(5);
    expect(runtimeImports.filter((i) => /@aws-sdk|\/collect\//.test(i))).toEqual([]);
  });
});
