/**
 * The audit pipeline shared by the CLI and the Lambda handler:
 * raw snapshot (collect | file | demo) → JSON round trip → normalize → (beforeEvaluate, e.g. probes) → checks → report.
 *
 * Providers are loaded lazily, so importing this module never loads a cloud SDK.
 *
 * @example
 * ```ts
 * const { report } = await runAudit({ source: { kind: 'snapshot', path: 'prod.json' }, include: ['timeouts'] });
 * process.stdout.write(renderJson(report));
 * ```
 */
import { join } from 'node:path';
import type { AnyCheck, AuditConfig, CheckRegistry, CheckResult } from './engine/index.js';
import type { BaselineEntry } from './engine/config.js';
import { providersOf, runChecks, ThresholdConfigError, UnknownCheckError } from './engine/index.js';
import { collectGarbage } from './engine/collect-garbage.js';
import { enrichWithEvidence, resolveUnexplained } from './engine/evidence.js';
import { assertSomethingAudited, judgeCoverage, type CoverageVerdict } from './engine/coverage-verdict.js';
import { Cloud502Error, ConfigError, SnapshotError } from './errors.js';
import type { FixRenderers } from './engine/run.js';
import type { CoverageGap, Inventory, Provider, Scope } from './model/index.js';
import { mergeInventories } from './model/merge.js';
import type { CollectOptions, ProgressSink, ProviderAdapter, RawSnapshotEnvelope } from './provider.js';
import { PROVIDER_DESCRIPTORS } from '../providers/index.js';
import { ReportAccumulator } from './report/accumulate.js';
import { buildReport } from './report/json.js';
import { packageRoot, toolVersion } from './version.js';
import type { Report } from './report/types.js';
import type { AdapterLoader } from './snapshot.js';
import { checkEnvelope, defaultLoadAdapter, oneLine, readRawSnapshot } from './snapshot.js';
import { INDEPENDENT_SCOPE_LIST, scanSnapshotLayout, snapshotParts } from './snapshot-parts.js';
import { roundTripJson } from './json-pieces.js';

export type AuditSource =
  | { kind: 'live'; provider: Provider; collectOptions: CollectOptions }
  | { kind: 'snapshot'; path: string }
  /** The bundled demo environments, one per provider that ships one: every output says it is demo data. */
  | { kind: 'demo' };

export interface AuditRequest {
  source: AuditSource;
  /** `--checks`: ids, families or globs. Empty/undefined = every check. */
  include?: string[];
  /** `--skip-checks`: ids, families or globs. */
  exclude?: string[];
  /** Thresholds, severities, backend declarations and the baseline (accepted findings, applied as of `now`). */
  config?: AuditConfig;
  /** Runs between normalize and evaluate, e.g. active probes that add observations. */
  beforeEvaluate?: (inventory: Inventory) => Promise<Inventory>;
  /** The report's generation time, and the instant baseline expiries are judged at; defaults to the system clock. */
  now?: Date;
  /** Keep every metric series' points in the report (`--include-series`); by default findings carry summaries. */
  includeSeries?: boolean;
  /** Told before each region of an audit read in parts is evaluated (a large estate takes a minute). */
  progress?: ProgressSink;
  /**
   * Called with the raw snapshot (the first one when the source has several) before it is normalized, e.g. to write
   * `--save-snapshot`. The audit keeps no raw snapshot once it is normalized.
   */
  onRawSnapshot?: (raw: RawSnapshotEnvelope) => Promise<void>;
}

/** Seams for tests and embedders; the defaults are the real adapter loader and the full catalog. */
export interface AuditDeps {
  loadAdapter?: AdapterLoader;
  registry?: CheckRegistry;
}

export interface AuditOutcome {
  report: Report;
  /** The checks selected by include/exclude, in catalog order. */
  checks: AnyCheck[];
  registry: CheckRegistry;
}

export { packageRoot, toolVersion };

/** The bundled demo snapshots, one per provider that ships one. */
export function demoSnapshotPaths(): string[] {
  return PROVIDER_DESCRIPTORS.flatMap((d) => (d.demoSnapshot ? [join(packageRoot(), d.demoSnapshot)] : []));
}

/** The full check catalog, imported on demand so that `--help` and `--version` stay fast. */
export async function defaultRegistry(): Promise<CheckRegistry> {
  return (await import('../checks/index.js')).createRegistry();
}

/** Applies `--checks` / `--skip-checks`; a pattern matching nothing is a usage error. */
export function selectChecks(registry: CheckRegistry, include?: string[], exclude?: string[]): AnyCheck[] {
  try {
    return registry.select(include, exclude);
  } catch (err) {
    if (err instanceof UnknownCheckError) throw new ConfigError(err.message);
    throw err;
  }
}

/** Wraps an adapter loader so that an unavailable provider is one clear line, not an import stack. */
function guardedLoader(loader: AdapterLoader): AdapterLoader {
  return async (provider) => {
    let adapter: ProviderAdapter | undefined;
    try {
      adapter = await loader(provider);
    } catch (err) {
      if (err instanceof Cloud502Error) throw err;
      throw new ConfigError(`cannot load the ${provider} provider: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    }
    if (typeof adapter?.normalize !== 'function' || typeof adapter.validateRaw !== 'function') {
      throw new Error(`the ${provider} provider adapter is not available in this build`);
    }
    return adapter;
  };
}

interface Acquired {
  raw: RawSnapshotEnvelope;
  adapter: ProviderAdapter;
}

/** Gets the raw snapshot(s) from the source, validated as a replay would validate them. */
async function acquire(source: AuditSource, loader: AdapterLoader): Promise<Acquired[]> {
  switch (source.kind) {
    case 'snapshot':
      return [await readRawSnapshot(source.path, loader)];
    case 'demo': {
      const out: Acquired[] = [];
      for (const path of demoSnapshotPaths()) {
        try {
          const { raw, adapter } = await readRawSnapshot(path, loader);
          out.push({ raw: { ...raw, demo: true }, adapter });
        } catch (err) {
          if (err instanceof SnapshotError) throw new SnapshotError(`the bundled demo environment cannot be used: ${err.message}`);
          throw err;
        }
      }
      return out;
    }
    case 'live': {
      const adapter = await loader(source.provider);
      const collected = await adapter.collect(source.collectOptions);
      // A JSON round trip turns SDK Dates into strings, so a live audit sees exactly what a replay of its snapshot sees.
      return [{ raw: validateCollected(adapter, source.provider, roundTripJson(collected)), adapter }];
    }
  }
}

function validateCollected(adapter: ProviderAdapter, provider: Provider, roundTripped: unknown): RawSnapshotEnvelope {
  try {
    return adapter.validateRaw(roundTripped);
  } catch (err) {
    throw new Error(`the collected ${provider} data failed validation: ${oneLine(err instanceof Error ? err.message : String(err))}`, { cause: err });
  }
}

/**
 * A live collection whose scopes normalize on their own (AWS regions), one scope at a time: each region is round-tripped,
 * validated and normalized with the envelope around it, as a snapshot file read in parts is, and leaves the collected
 * data as it goes. Undefined when the provider's collection is not shaped so.
 */
function collectedInParts(collected: RawSnapshotEnvelope, provider: Provider): SplitCollection | undefined {
  const listKey = INDEPENDENT_SCOPE_LIST[provider];
  const parts = listKey ? (collected as unknown as Record<string, unknown>)[listKey] : undefined;
  if (!listKey || !Array.isArray(parts)) return undefined;
  const { [listKey]: _parts, ...envelope } = collected as unknown as Record<string, unknown>;
  return { envelope, parts: parts as unknown[], listKey };
}

interface SplitCollection {
  envelope: Record<string, unknown>;
  parts: unknown[];
  listKey: string;
}

/**
 * The raw snapshot of each scope of a split collection, with the envelope around it (and an empty list when there is
 * no scope). With `release`, each scope leaves the collection once it was handed over and normalized, so it can be freed.
 */
function* scopeSnapshots(split: SplitCollection, release: boolean): Generator<RawSnapshotEnvelope> {
  const piece = (parts: unknown[]): RawSnapshotEnvelope => ({ ...split.envelope, [split.listKey]: parts }) as unknown as RawSnapshotEnvelope;
  if (split.parts.length === 0) yield piece([]);
  for (let i = 0; i < split.parts.length; i++) {
    yield piece([split.parts[i]]);
    if (release) split.parts[i] = undefined;
  }
}

/** For `cloud502 collect --out`: the raw snapshot of a source, ready to write, and what it covers. */
export async function collectSnapshot(source: AuditSource, deps: AuditDeps = {}): Promise<RawSnapshotEnvelope> {
  return (await collectJudgedSnapshot(source, deps)).raw;
}

/** The raw snapshot of a source and its coverage verdict (a snapshot that saw nothing is worth saying so). */
export async function collectJudgedSnapshot(source: AuditSource, deps: AuditDeps = {}): Promise<{ raw: RawSnapshotEnvelope; coverage: CoverageVerdict }> {
  const [first] = await acquire(source, guardedLoader(deps.loadAdapter ?? defaultLoadAdapter));
  if (!first) throw new SnapshotError('no snapshot to write');
  // Judged region by region where the scopes normalize on their own: the verdict needs scopes, gaps and a count of
  // load balancers, not the inventory of the whole estate at once.
  const split = collectedInParts(first.raw, first.adapter.provider);
  const scopes: Scope[] = [];
  const coverage: CoverageGap[] = [];
  let loadBalancers = 0;
  for (const piece of split ? scopeSnapshots(split, false) : [first.raw]) {
    const inventory = first.adapter.normalize(piece, {});
    scopes.push(...inventory.scopes);
    coverage.push(...inventory.coverage);
    loadBalancers += inventory.loadBalancers.length;
  }
  return { raw: first.raw, coverage: judgeCoverage({ scopes, coverage, loadBalancers: { length: loadBalancers } }) };
}

function reportSource(source: AuditSource): Report['source'] {
  return source.kind === 'snapshot' ? { kind: 'snapshot', path: source.path } : { kind: source.kind };
}

/** Runs one audit end to end. Throws Cloud502Error subclasses for anything the user can fix. */
export async function runAudit(request: AuditRequest, deps: AuditDeps = {}): Promise<AuditOutcome> {
  const registry = deps.registry ?? (await defaultRegistry());
  const config = request.config ?? {};
  // Select before collecting: a typo in --checks must fail in milliseconds, not after minutes of API calls.
  const checks = selectChecks(registry, request.include, request.exclude);
  const now = request.now ?? new Date();
  // Loaded only when needed: the baseline module brings the YAML writer, which an audit without a baseline never uses.
  const applyBaseline = config.baseline?.length ? (await import('./engine/baseline.js')).applyBaseline : undefined;
  const source = reportSource(request.source);
  const enabled = checks.filter((c) => config.checks?.[c.id]?.enabled !== false);
  const accumulated = new ReportAccumulator();
  // Each part is evaluated and built into its own small report, then dropped: the audit never holds the inventory or
  // the results of more than one part (see normalizedParts).
  let parts = 0;
  for await (const part of normalizedParts(request, guardedLoader(deps.loadAdapter ?? defaultLoadAdapter), config)) {
    // What the previous part allocated is garbage now: collect it before this part allocates as much again.
    if (parts++ > 0) collectGarbage();
    if (part.total !== undefined && part.total > 1) request.progress?.({ activity: 'auditing', phase: 'region', scope: scopeLabelOf(part.inventory), done: parts, total: part.total });
    let inventory = part.inventory;
    if (request.source.kind === 'demo' || part.demo) inventory = { ...inventory, demo: true };
    if (request.beforeEvaluate) inventory = await request.beforeEvaluate(inventory);
    const results = evaluate(inventory, checks, { config, fixRenderers: part.fixRenderers, includeSeries: request.includeSeries === true, applyBaseline, now });
    accumulated.add(buildReport({ inventory, results, checksRun: 0, checks: enabled, source, generatedAt: now, toolVersion: toolVersion() }));
  }
  if (parts > 1) collectGarbage();
  // An audit that could list no load balancer anywhere saw nothing: that is an error, never "no findings".
  const coverage = accumulated.judge();
  assertSomethingAudited(coverage);
  const evaluated = enabled.filter((c) => providersOf(c).some((p) => accumulated.scopes.some((s) => s.provider === p)));
  const report = accumulated.finish({ checksRun: evaluated.length, checkOrder: evaluated.map((c) => c.id), source, generatedAt: now, toolVersion: toolVersion(), coverage });
  return { report, checks, registry };
}

interface EvaluateOptions {
  config: AuditConfig;
  fixRenderers: FixRenderers;
  includeSeries: boolean;
  applyBaseline: ((results: CheckResult[], entries: BaselineEntry[], now: Date) => CheckResult[]) | undefined;
  now: Date;
}

/** Checks, metric evidence, the baseline and the unexplained 5xx over one inventory. */
function evaluate(inventory: Inventory, checks: AnyCheck[], options: EvaluateOptions): CheckResult[] {
  const { config } = options;
  try {
    // Metrics are evidence: attach them to findings and rank findings higher where the 5xx they cause were observed.
    const enriched = enrichWithEvidence(runChecks(inventory, checks, config, { fixRenderers: options.fixRenderers }), inventory, {
      config,
      includeSeries: options.includeSeries,
    });
    // The baseline sees final severities and fingerprints; an accepted finding still explains the 5xx it causes, so
    // "unexplained 5xx" is resolved after it. The summary is built from these results, suppressed counts included.
    const baselined = options.applyBaseline && config.baseline ? options.applyBaseline(enriched, config.baseline, options.now) : enriched;
    return resolveUnexplained(baselined);
  } catch (err) {
    if (err instanceof ThresholdConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

/** `123456789012 eu-west-1`: the scopes of a part, for the progress line. */
function scopeLabelOf(inventory: Inventory): string {
  return inventory.scopes.map((s) => [s.account, s.region].filter(Boolean).join(' ')).join(', ');
}

interface NormalizedPart {
  inventory: Inventory;
  /** How many parts the source has, when it is read in parts. */
  total?: number;
  fixRenderers: FixRenderers;
  /** Some raw snapshot said it is demo data. */
  demo: boolean;
}

function fixRenderersOf(adapters: readonly ProviderAdapter[]): FixRenderers {
  const out: FixRenderers = {};
  for (const adapter of adapters) out[adapter.provider] = adapter.fixes;
  return out;
}

/**
 * The source's inventory, in parts that can be evaluated on their own. A snapshot file whose scopes normalize on their
 * own (AWS regions) is read, normalized and handed over one scope at a time, never whole; every other source is one
 * part. The raw snapshots are dropped as soon as they are normalized (the parsed raw snapshot is the largest thing an
 * audit would otherwise hold). A `beforeEvaluate` step (probes) sees the whole inventory at once, so it gets one part.
 */
async function* normalizedParts(request: AuditRequest, loader: AdapterLoader, config: AuditConfig): AsyncGenerator<NormalizedPart> {
  const { source, onRawSnapshot } = request;
  if (source.kind === 'snapshot' && !onRawSnapshot) {
    const inParts = await partsOfSnapshotFile(source.path, loader);
    if (inParts) {
      const fixRenderers = fixRenderersOf([inParts.adapter]);
      const inventories = normalizeEach(inParts, config, () => readRawSnapshot(source.path, loader));
      if (!request.beforeEvaluate) {
        for await (const inventory of inventories) yield { inventory: shareTimestamps(inventory), fixRenderers, demo: inParts.demo, total: inParts.count };
        return;
      }
      const all: Inventory[] = [];
      for await (const inventory of inventories) all.push(inventory);
      yield { inventory: shareTimestamps(mergeInventories(all)), fixRenderers, demo: inParts.demo };
      return;
    }
  }
  if (source.kind === 'live' && !onRawSnapshot && !request.beforeEvaluate) {
    const adapter = await loader(source.provider);
    const collected = await adapter.collect(source.collectOptions);
    const split = collectedInParts(collected, source.provider);
    if (split) {
      const fixRenderers = fixRenderersOf([adapter]);
      const demo = split.envelope.demo === true;
      const total = Math.max(1, split.parts.length);
      for (const piece of scopeSnapshots(split, true)) {
        const raw = validateCollected(adapter, source.provider, roundTripJson(piece));
        yield { inventory: shareTimestamps(adapter.normalize(raw, config)), fixRenderers, demo, total };
      }
      return;
    }
    const raw = validateCollected(adapter, source.provider, roundTripJson(collected));
    yield { inventory: shareTimestamps(adapter.normalize(raw, config)), fixRenderers: fixRenderersOf([adapter]), demo: raw.demo === true };
    return;
  }
  const acquired = await acquire(source, loader);
  const first = acquired[0];
  if (!first) throw new SnapshotError('the source holds no snapshot');
  if (onRawSnapshot) await onRawSnapshot(first.raw);
  const demo = acquired.some(({ raw }) => raw.demo === true);
  const fixRenderers = fixRenderersOf(acquired.map((a) => a.adapter));
  const inventories: Inventory[] = [];
  // Emptied while normalizing, so each raw snapshot can be collected as soon as its inventory exists.
  for (let next = acquired.shift(); next; next = acquired.shift()) inventories.push(next.adapter.normalize(next.raw, config));
  yield { inventory: shareTimestamps(mergeInventories(inventories)), fixRenderers, demo };
}

/**
 * One string per distinct metric timestamp, resource id, provider metric name and window bound: parsed JSON gives each
 * of the half million points of 5,000 target groups a timestamp of its own, though series of one window share their
 * periods. Changes the freshly normalized inventory in place; values are equal, only the copies go.
 */
function shareTimestamps(inventory: Inventory): Inventory {
  const seen = new Map<string, string>();
  const share = (text: string): string => {
    const shared = seen.get(text);
    if (shared !== undefined) return shared;
    seen.set(text, text);
    return text;
  };
  for (const series of inventory.metrics) {
    series.resourceId = share(series.resourceId);
    series.providerName = share(series.providerName);
    series.windowStart = share(series.windowStart);
    series.windowEnd = share(series.windowEnd);
    for (const point of series.points) point.t = share(point.t);
  }
  return inventory;
}

/**
 * Each scope of a snapshot file validated and normalized. A scope that is not valid (which only a broken file has)
 * fails the audit with what the whole read says of the file, which names the problem as a replay of it would.
 */
async function* normalizeEach(parts: SnapshotFileParts, config: AuditConfig, readWhole: () => Promise<unknown>): AsyncGenerator<Inventory> {
  const raws = parts.raws();
  for (;;) {
    let inventory: Inventory;
    try {
      const next = await raws.next();
      if (next.done) return;
      inventory = parts.adapter.normalize(parts.adapter.validateRaw(next.value), config);
    } catch (err) {
      if (err instanceof SnapshotError || err instanceof SyntaxError) await readWhole();
      throw err;
    }
    yield inventory;
  }
}

interface SnapshotFileParts {
  adapter: ProviderAdapter;
  demo: boolean;
  /** How many raw snapshots `raws` gives. */
  count: number;
  /** The raw snapshot of each scope (the envelope alone when the scope list is empty), parsed one at a time. */
  raws(): AsyncGenerator<unknown>;
}

/**
 * A snapshot file read one scope at a time ({@link scanSnapshotLayout}); undefined when the file cannot be read so
 * (another provider, or anything wrong with its envelope), and the caller reads it whole, which reports what is wrong.
 */
async function partsOfSnapshotFile(path: string, loader: AdapterLoader): Promise<SnapshotFileParts | undefined> {
  const listKeys = [...new Set(Object.values(INDEPENDENT_SCOPE_LIST))];
  for (const listKey of listKeys) {
    const layout = await scanSnapshotLayout(path, listKey).catch(() => undefined);
    if (!layout) continue;
    let envelope: RawSnapshotEnvelope;
    try {
      envelope = checkEnvelope(layout.envelope, path);
    } catch {
      return undefined;
    }
    if (INDEPENDENT_SCOPE_LIST[envelope.provider] !== listKey) return undefined;
    const adapter = await loader(envelope.provider);
    return {
      adapter,
      demo: envelope.demo === true,
      count: Math.max(1, layout.spans.length),
      async *raws() {
        if (layout.spans.length === 0) yield layout.envelope;
        yield* snapshotParts(path, layout);
      },
    };
  }
  return undefined;
}
