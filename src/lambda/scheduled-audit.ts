/**
 * The scheduled audit: the CLI's pipeline (runAudit, live AWS source), run once per region under a shared deadline,
 * with the per-region reports merged into one.
 *
 * Why per region: the AWS collector throws when its signal aborts, discarding what it collected. Collecting each
 * region on its own keeps the regions that finished before the deadline; a region cut short becomes a coverage gap
 * (`cloud502:deadline` / `DeadlineExceeded`) and the report is marked partial. Results are identical to a single
 * multi-region run: every check evaluates one load balancer's own region.
 */
import type { AuditDeps } from '../audit.js';
import { runAudit, toolVersion } from '../audit.js';
import type { AuditConfig, CheckRegistry } from '../engine/index.js';
import { CollectionError, CredentialsError } from '../errors.js';
import type { CoverageGap } from '../model/index.js';
import type { CollectOptions } from '../provider.js';
import { ReportAccumulator } from '../report/accumulate.js';
import { DEADLINE_API, DEADLINE_CODE, SCOPE_FAILED_API } from '../engine/coverage-verdict.js';
import type { Report } from '../report/types.js';

export { DEADLINE_API, DEADLINE_CODE } from '../engine/coverage-verdict.js';
export const DEADLINE_IMPACT = 'collection stopped early; results are partial';
export const REGION_FAILED_API = SCOPE_FAILED_API;

export interface ScheduledAuditRequest {
  regions: string[];
  roleArns?: string[];
  externalId?: string;
  include?: string[];
  exclude?: string[];
  config: AuditConfig;
  metricsWindowSeconds: number;
  /** Concurrent API calls for the whole run, shared out between the regions. */
  concurrency: number;
  endpointUrl?: string;
  now: Date;
  /** The collection deadline. */
  deadline: AbortSignal;
}

export interface ScheduledAuditOutcome {
  report: Report;
  /** True when at least one region was cut short by the deadline. */
  partial: boolean;
  /** Regions cut short by the deadline. */
  cutShort: string[];
  /** Regions whose collection failed (credentials, unreachable): a coverage gap each. */
  failed: string[];
}

type RegionOutcome =
  | { kind: 'done'; region: string; report: Report }
  | { kind: 'cut'; region: string }
  | { kind: 'failed'; region: string; error: CredentialsError | CollectionError };

/** A failure that ends one region's collection but not the run: the CLI records these as coverage too. */
function isScopeFailure(err: unknown): err is CredentialsError | CollectionError {
  return err instanceof CredentialsError || err instanceof CollectionError;
}

/**
 * Runs the audit; rejects only for errors that are not about one region (a config error, a bug) or when every
 * region failed.
 */
export async function runScheduledAudit(request: ScheduledAuditRequest, deps: AuditDeps & { registry: CheckRegistry }): Promise<ScheduledAuditOutcome> {
  // Stops the other regions at once when one fails in a way that fails the run.
  const fatal = new AbortController();
  const signal = AbortSignal.any([request.deadline, fatal.signal]);
  const perRegionConcurrency = Math.max(2, Math.ceil(request.concurrency / request.regions.length));

  const auditRegion = async (region: string): Promise<RegionOutcome> => {
    const collectOptions: CollectOptions = {
      // The keys of the AWS descriptor's options (--region, --role-arn, --external-id).
      providerOptions: {
        region: [region],
        ...(request.roleArns?.length ? { roleArn: request.roleArns } : {}),
        ...(request.externalId !== undefined ? { externalId: request.externalId } : {}),
      },
      metricsWindowSeconds: request.metricsWindowSeconds,
      concurrency: perRegionConcurrency,
      now: request.now,
      signal,
      ...(request.endpointUrl !== undefined ? { endpointUrl: request.endpointUrl } : {}),
    };
    try {
      const outcome = await runAudit(
        {
          source: { kind: 'live', provider: 'aws', collectOptions },
          config: request.config,
          now: request.now,
          ...(request.include ? { include: request.include } : {}),
          ...(request.exclude ? { exclude: request.exclude } : {}),
        },
        deps,
      );
      return { kind: 'done', region, report: outcome.report };
    } catch (err) {
      // The abort surfaces as the deadline's reason or as an SDK abort error, depending on where it struck.
      if (request.deadline.aborted && !fatal.signal.aborted) return { kind: 'cut', region };
      if (isScopeFailure(err)) return { kind: 'failed', region, error: err };
      if (!fatal.signal.aborted) fatal.abort(err);
      throw err;
    }
  };

  const settled = await Promise.allSettled(request.regions.map(auditRegion));
  if (fatal.signal.aborted) throw fatal.signal.reason;
  const outcomes = settled.map((s) => {
    // Unreachable: auditRegion rejects only after aborting `fatal`, which is handled above.
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
  const failed = outcomes.filter((o) => o.kind === 'failed');
  if (failed.length === outcomes.length) throw failed[0]!.error;
  return merge(outcomes, request, deps.registry);
}

function deadlineGap(region: string): CoverageGap {
  return {
    provider: 'aws',
    region,
    api: DEADLINE_API,
    code: DEADLINE_CODE,
    message: `collection of ${region} did not finish before the Lambda deadline (minus the safety margin) and was stopped; nothing from ${region} is in this report`,
    impact: DEADLINE_IMPACT,
  };
}

function failedGap(region: string, error: Error): CoverageGap {
  return { provider: 'aws', region, api: REGION_FAILED_API, code: error.name, message: error.message, impact: `${region} was not audited` };
}

/** One report from the per-region reports, merged as an audit read in parts merges its parts. */
function merge(outcomes: RegionOutcome[], request: ScheduledAuditRequest, registry: CheckRegistry): ScheduledAuditOutcome {
  const accumulated = new ReportAccumulator();
  let checksRun = 0;
  for (const o of outcomes) {
    if (o.kind === 'done') {
      accumulated.add(o.report);
      // Every region runs the same selected checks; the count is per audit, not a sum.
      checksRun = Math.max(checksRun, o.report.summary.checksRun);
    } else if (o.kind === 'cut') {
      accumulated.addCoverage([deadlineGap(o.region)]);
    } else {
      accumulated.addCoverage([failedGap(o.region, o.error)]);
    }
  }
  const checkOrder = registry.all().map((c) => c.id);
  const report = accumulated.finish({ checksRun, checkOrder, source: { kind: 'live' }, generatedAt: request.now, toolVersion: toolVersion(), coverage: accumulated.judge() });
  const cutShort = outcomes.filter((o) => o.kind === 'cut').map((o) => o.region);
  return { report, partial: cutShort.length > 0, cutShort, failed: outcomes.filter((o) => o.kind === 'failed').map((o) => o.region) };
}

/** The regions a report says were cut short by the deadline (empty for a complete report). */
export function deadlineRegions(report: Report): string[] {
  return report.coverage.filter((g) => g.api === DEADLINE_API && g.code === DEADLINE_CODE).map((g) => g.region ?? '*');
}
