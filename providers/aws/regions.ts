/**
 * AWS region names: the known list, validation with a "did you mean" suggestion, and the default region.
 * No SDK is loaded here except inside `resolveDefaultRegion`, which reads the profile's config through the SDK.
 */
import { ConfigError } from '../../src/errors.js';
import { loadAwsSdk } from './clients.js';

/**
 * Every region of every AWS partition, as listed in the SDK's and botocore's `partitions.json` (2026).
 * test/providers/aws/collect/regions.test.ts compares it with the SDK's own list, so an SDK upgrade that
 * knows a new region fails the test until the region is added here.
 */
export const AWS_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-isoe-west-1',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eusc-de-east-1',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'sa-west-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isob-west-1',
  'us-isof-east-1',
  'us-isof-south-1',
  'us-west-1',
  'us-west-2',
];

const KNOWN = new Set(AWS_REGIONS);

/** Escape hatch for a region launched after this list was written. */
export const ALLOW_UNKNOWN_REGIONS_ENV = 'CLOUD502_AWS_ALLOW_UNKNOWN_REGIONS';

export { partitionOf } from './arns.js';

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest known region, when one is close enough to be a plausible typo. */
export function suggestRegion(name: string): string | undefined {
  const needle = name.trim().toLowerCase();
  let best: { region: string; distance: number } | undefined;
  for (const region of AWS_REGIONS) {
    const distance = editDistance(needle, region);
    if (!best || distance < best.distance) best = { region, distance };
  }
  return best && best.distance <= 3 ? best.region : undefined;
}

export interface RegionValidationOptions {
  /** An endpoint override is set: emulators such as moto accept any region name. */
  endpointOverride?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Throws ConfigError for a region name AWS does not have, with a suggestion.
 * @example validateRegions(['eu-west-1', 'us-east-1'], {});
 */
export function validateRegions(regions: readonly string[], options: RegionValidationOptions = {}): void {
  const env = options.env ?? process.env;
  for (const region of regions) {
    const wellFormed = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(region);
    if (KNOWN.has(region) || (wellFormed && (options.endpointOverride || env[ALLOW_UNKNOWN_REGIONS_ENV] === '1'))) continue;
    const hint = suggestRegion(region);
    if (!wellFormed) {
      throw new ConfigError(
        `invalid AWS region "${region}": region names are lower-case words and digits joined by "-"` + (hint ? `; did you mean "${hint}"?` : ' (e.g. eu-west-1)'),
      );
    }
    throw new ConfigError(
      `unknown AWS region "${region}"` +
        (hint ? `; did you mean "${hint}"?` : '') +
        ` (set ${ALLOW_UNKNOWN_REGIONS_ENV}=1 if it is a region newer than cloud502)`,
    );
  }
}

/**
 * The region to audit when none was given: AWS_REGION, AWS_DEFAULT_REGION (the AWS CLI's variable, which the
 * JS SDK ignores), then the `region` of the profile in the shared config file. Undefined when none is set.
 */
export async function resolveDefaultRegion(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const fromEnv = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  if (fromEnv) return fromEnv;
  // The SDK's own config loader honours AWS_PROFILE, AWS_CONFIG_FILE and `[profile x]` sections.
  const { sts } = await loadAwsSdk();
  const client = new sts.STSClient(profile ? { profile } : {});
  try {
    const region = await client.config.region();
    return region || undefined;
  } catch {
    // "Region is missing": no default configured.
    return undefined;
  } finally {
    client.destroy();
  }
}

/** The regions to audit: the ones asked for (deduplicated, in order), else the default; validated. */
export async function resolveRegions(
  requested: readonly string[] | undefined,
  options: { profile?: string; endpointOverride?: boolean; env?: NodeJS.ProcessEnv },
): Promise<string[]> {
  const env = options.env ?? process.env;
  let regions = [...new Set((requested ?? []).map((r) => r.trim()).filter((r) => r.length > 0))];
  if (regions.length === 0) {
    const fallback = await resolveDefaultRegion(options.profile, env);
    if (!fallback) {
      const where = options.profile ? `profile "${options.profile}" has no region` : 'no AWS_REGION and no region in the default profile';
      throw new ConfigError(`no AWS region to audit (${where}); pass --region, e.g. --region eu-west-1`);
    }
    regions = [fallback];
  }
  validateRegions(regions, { endpointOverride: options.endpointOverride, env });
  return regions;
}
