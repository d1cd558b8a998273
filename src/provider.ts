/**
 * The contract every cloud adapter (providers/<cloud>/index.ts) implements. The pipeline loads an adapter with a
 * dynamic import, so an AWS audit never loads the Azure or Google SDKs.
 */
import type { AuditConfig } from './engine/config.js';
import type { Inventory, Provider } from './model/index.js';

export interface ProgressEvent {
  /** Short phase name, e.g. `elbv2`, `ec2`, `cloudwatch`. */
  phase: string;
  /** Scope the event is about, e.g. `eu-west-1`. */
  scope?: string;
  done?: number;
  total?: number;
  message?: string;
}

export type ProgressSink = (event: ProgressEvent) => void;

export interface CollectOptions {
  /** Regions to audit; empty/undefined = the profile's / environment's default region. */
  regions?: string[];
  /** AWS named profile (SSO and assume-role profiles included). */
  profile?: string;
  /** Overrides every service endpoint (AWS_ENDPOINT_URL / --endpoint-url). */
  endpointUrl?: string;
  /** Metrics window; 0 disables metric collection. */
  metricsWindowSeconds: number;
  /** Upper bound of concurrent API calls across the whole collection (every account and region). */
  concurrency?: number;
  /** The collection clock; metrics windows end here. */
  now: Date;
  /** Cancels the collection: it throws. */
  signal?: AbortSignal;
  /**
   * The audit deadline: past it, collection stops and returns what it has, with what is missing recorded as not
   * collected (`DeadlineExceeded`) and one deadline entry per scope it cut short.
   */
  deadline?: Date;
  progress?: ProgressSink;
  /**
   * IAM roles to assume, one audited account each (AWS). When roles are given, only their accounts are audited.
   * The caller needs `sts:AssumeRole` on them; the roles need the read-only audit policy.
   */
  roleArns?: string[];
  /** ExternalId for every AssumeRole of `roleArns`, and of `accountsFile` entries that do not set their own. */
  externalId?: string;
  /** A file of roles: one role ARN per line (`#` comments), or a YAML/JSON list of ARNs or `{roleArn, externalId?, name?}`. */
  accountsFile?: string;
  /**
   * Audit every region enabled for each account (AWS: ec2:DescribeRegions). `regions[0]`, else the default
   * region, is then only the home region the discovery calls go to.
   */
  allRegions?: boolean;
  /**
   * The server-side request budgets to pace calls by, overriding the built-in defaults. Keys: `service:Action`,
   * `service:*` or `*` (AWS: `elasticloadbalancing:DescribeTargetHealth`, `ec2:*`, ...).
   */
  rateLimits?: Record<string, ApiRateLimit>;
}

/** A token bucket as a provider enforces it per account, region and API. */
export interface ApiRateLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: calls that may go out at once. */
  burst: number;
}

/** A raw snapshot as written by `cloud502 collect`: versioned, provider-tagged. */
export interface RawSnapshotEnvelope {
  format: 'cloud502-raw-snapshot';
  schemaVersion: number;
  provider: Provider;
  collectedAt: string;
  demo?: boolean;
}

export interface ProviderAdapter<Raw extends RawSnapshotEnvelope = RawSnapshotEnvelope> {
  provider: Provider;
  /** Makes the SDK calls. Permission and per-API failures are recorded in the raw snapshot, not thrown. */
  collect(options: CollectOptions): Promise<Raw>;
  /** Checks that a parsed JSON value is a raw snapshot this adapter can read; throws SnapshotError otherwise. */
  validateRaw(value: unknown): Raw;
  /** Pure: raw snapshot + config (backend declarations) → inventory. */
  normalize(raw: Raw, config: AuditConfig): Inventory;
}

/** Loads an adapter lazily. */
export async function loadAdapter(provider: Provider): Promise<ProviderAdapter> {
  switch (provider) {
    case 'aws':
      return (await import('../providers/aws/index.js')).awsAdapter as unknown as ProviderAdapter;
    default:
      throw new Error(`provider ${provider} is not implemented yet`);
  }
}
