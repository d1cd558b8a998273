import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AWS_REGIONS, partitionOf, resolveRegions, suggestRegion, validateRegions } from '../../../../providers/aws/regions.js';
import { ConfigError } from '../../../../src/errors.js';

describe('AWS_REGIONS', () => {
  it('contains every region of the installed SDK partitions, sorted, without duplicates', async () => {
    // The SDK ships the partition list it resolves endpoints with; a new region there must be added here.
    const require = createRequire(import.meta.url);
    const root = dirname(dirname(require.resolve('@aws-sdk/core')));
    const file = join(root, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js');
    const { partitionsInfo } = (await import(pathToFileURL(file).href)) as { partitionsInfo: { partitions: Array<{ regions: Record<string, unknown> }> } };
    const sdkRegions = partitionsInfo.partitions.flatMap((p) => Object.keys(p.regions)).filter((r) => !r.endsWith('-global'));
    expect(sdkRegions.length).toBeGreaterThan(30);
    expect(sdkRegions.filter((r) => !AWS_REGIONS.includes(r))).toEqual([]);
    expect([...AWS_REGIONS].sort()).toEqual(AWS_REGIONS);
    expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
  });

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['us-iso-east-1', 'aws-iso'],
    ['eusc-de-east-1', 'aws-eusc'],
    ['eu-west-1', 'aws'],
  ])('puts %s in partition %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe('validateRegions', () => {
  it.each([
    ['eu-wset-1', 'eu-west-1'],
    ['us-east1', 'us-east-1'],
    ['useast-1', 'us-east-1'],
    ['ap-southeast2', 'ap-southeast-2'],
    ['EU-WEST-1', 'eu-west-1'],
  ])('rejects %s and suggests %s', (typo, suggestion) => {
    expect(() => validateRegions([typo], { env: {} })).toThrow(ConfigError);
    expect(() => validateRegions([typo], { env: {} })).toThrow(`did you mean "${suggestion}"?`);
  });

  it('does not suggest anything far away', () => {
    expect(suggestRegion('mars-north-9')).toBeUndefined();
    expect(() => validateRegions(['mars-north-9'], { env: {} })).toThrow(/^unknown AWS region "mars-north-9" \(set CLOUD502_AWS_ALLOW_UNKNOWN_REGIONS=1/);
  });

  it('accepts known regions', () => {
    expect(() => validateRegions(['eu-west-1', 'us-gov-west-1', 'cn-north-1'], { env: {} })).not.toThrow();
  });

  it('accepts any well-formed name with an endpoint override or the escape hatch, never a malformed one', () => {
    expect(() => validateRegions(['local-lab-1'], { endpointOverride: true, env: {} })).not.toThrow();
    expect(() => validateRegions(['xx-new-1'], { env: { CLOUD502_AWS_ALLOW_UNKNOWN_REGIONS: '1' } })).not.toThrow();
    expect(() => validateRegions(['bad region'], { endpointOverride: true, env: {} })).toThrow(/invalid AWS region "bad region"/);
  });
});

describe('resolveRegions', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cloud502-regions-'));
    writeFileSync(join(dir, 'config'), '[default]\nregion = eu-north-1\n[profile prod]\nregion = ap-southeast-2\n[profile bare]\noutput = json\n');
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'missing'));
    // Unset, not empty: the SDK takes an empty AWS_REGION as the region and stops looking.
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('keeps the requested regions in order, without duplicates or blanks', async () => {
    expect(await resolveRegions(['us-east-1', ' eu-west-1 ', 'us-east-1', ''], {})).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    vi.stubEnv('AWS_DEFAULT_REGION', 'eu-west-2');
    expect(await resolveRegions(undefined, {})).toEqual(['eu-west-2']);
    vi.stubEnv('AWS_REGION', 'eu-south-1');
    expect(await resolveRegions([], {})).toEqual(['eu-south-1']);
  });

  it("falls back to the profile's region, then the default profile's", async () => {
    expect(await resolveRegions(undefined, { profile: 'prod' })).toEqual(['ap-southeast-2']);
    expect(await resolveRegions(undefined, {})).toEqual(['eu-north-1']);
  });

  it('asks for --region when there is none', async () => {
    await expect(resolveRegions(undefined, { profile: 'bare' })).rejects.toThrow('no AWS region to audit (profile "bare" has no region); pass --region, e.g. --region eu-west-1');
  });

  it('validates the default region too', async () => {
    vi.stubEnv('AWS_REGION', 'eu-wset-1');
    await expect(resolveRegions(undefined, {})).rejects.toThrow(/did you mean "eu-west-1"/);
  });
});
