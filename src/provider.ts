/**
 * The contract every cloud adapter implements, in two parts:
 * - a **descriptor** (`providers/<cloud>/descriptor.ts`): light, imported eagerly by the CLI — the provider's id, its
 *   load-balancer kinds, its CLI options and its demo environment. It imports no SDK.
 * - an **adapter** (`providers/<cloud>/index.ts`), loaded lazily through `descriptor.load()`: collection (which loads
 *   the SDK on first use), raw-snapshot validation, normalization, fix rendering and the permission document.
 *
 * `providers/index.ts` lists the descriptors; nothing under src/ names a provider.
 */
import type { AuditConfig } from './engine/config.js';
import type { FixRenderer } from './engine/fix.js';
import type { Inventory, LoadBalancerKind, Provider } from './model/index.js';

export interface ProgressEvent {
  /** What the tool is doing: collecting (the default) or auditing what it collected, region by region. */
  activity?: 'collecting' | 'auditing';
  /** Short phase name, e.g. `elbv2`, `ec2`, `cloudwatch`. */
  phase: string;
  /** Scope the event is about, e.g. `eu-west-1`. */
  scope?: string;
  done?: number;
  total?: number;
  message?: string;
}

export type ProgressSink = (event: ProgressEvent) => void;

/** A token bucket as a provider enforces it per account, region and API. */
export interface ApiRateLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: calls that may go out at once. */
  burst: number;
}

/** The values of a provider's own options, by `ProviderOptionSpec.key`. */
export type ProviderOptionValues = Record<string, string | string[] | boolean | undefined>;

/** What every live collection gets, whatever the provider. */
export interface CollectOptions {
  /** The provider's own options (its declared CLI flags, or the Lambda's configuration), already parsed. */
  providerOptions: ProviderOptionValues;
  /** Overrides the provider's API endpoint(s) (`--endpoint-url`); each provider also honours its ecosystem's variables. */
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
  /** The environment the provider's credential chain and endpoint variables are read from. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The server-side request budgets to pace calls by, overriding the built-in defaults. Keys are the provider's API
   * names, e.g. `elasticloadbalancing:DescribeTargetHealth`, `ec2:*` or `*`.
   */
  rateLimits?: Record<string, ApiRateLimit>;
}

/** A raw snapshot as written by `cloud502 collect`: versioned, provider-tagged. */
export interface RawSnapshotEnvelope {
  format: 'cloud502-raw-snapshot';
  schemaVersion: number;
  provider: Provider;
  collectedAt: string;
  demo?: boolean;
}

/** One provider-specific CLI option. */
export interface ProviderOptionSpec {
  /** As commander writes it: `--profile <name>`, `--all-regions`. */
  flags: string;
  /** The key the parsed value is stored under (commander's camelCase of the long flag). */
  key: string;
  description: string;
  /** Repeatable and comma-separated: the value is a list. */
  list?: boolean;
  /** Validates and normalizes one value; throws an Error whose message is one line. */
  parse?: (value: string) => string;
}

/** The permissions an audit needs, in the provider's own document format. */
export interface PermissionDocument {
  /** What the document is, e.g. `IAM policy (JSON)`, `Azure custom role definition (JSON)`. */
  title: string;
  /** The document itself, ready to pipe into the provider's CLI. */
  text: string;
  /** Every permission / action the collector may use, one per entry. */
  permissions: string[];
}

/**
 * The calls that decide whether a scope (account × region, subscription, project) was audited at all, by the names
 * the provider's coverage gaps carry in `CoverageGap.api`.
 */
export interface ScopeCalls {
  /** Calls that list a scope's load balancers: when one fails, the scope's "no load balancers" means unknown, not none. */
  listing: readonly string[];
  /** Calls without which a scope is not entered at all (assuming a role, discovering regions or subscriptions). */
  entry: readonly string[];
}

export interface ProviderDescriptor {
  id: Provider;
  /** `Amazon Web Services`, `Microsoft Azure`, `Google Cloud`. */
  title: string;
  /** The load-balancer kinds this provider's normalizer produces. */
  kinds: LoadBalancerKind[];
  /** Options only this provider understands; given with another provider they are a usage error. */
  options: ProviderOptionSpec[];
  /** The provider's raw-snapshot versions this build reads. */
  rawSchemaVersions: number[];
  /** The calls whose failure leaves a scope not audited (see src/engine/coverage-verdict.ts). */
  scopeCalls: ScopeCalls;
  /** The bundled demo environment, relative to the package root; omitted when the provider ships none. */
  demoSnapshot?: string;
  /** Loads the adapter (and nothing of the SDK until `collect` runs). */
  load(): Promise<ProviderAdapter>;
}

export interface ProviderAdapter<Raw extends RawSnapshotEnvelope = RawSnapshotEnvelope> {
  provider: Provider;
  /** Makes the SDK calls. Permission and per-API failures are recorded in the raw snapshot, not thrown. */
  collect(options: CollectOptions): Promise<Raw>;
  /** Checks that a parsed JSON value is a raw snapshot this adapter can read; throws SnapshotError otherwise. */
  validateRaw(value: unknown): Raw;
  /** Pure: raw snapshot + config (backend declarations) → inventory. */
  normalize(raw: Raw, config: AuditConfig): Inventory;
  /** Turns fix intents into commands for this provider's resources. */
  fixes: FixRenderer;
  /** The least-privilege permission document for `cloud502 iam-policy --provider <id>`. */
  permissions(): PermissionDocument;
}
