/**
 * What every collector shares: the clients of its account and region, the run's global concurrency limit and
 * rate budget, the error list, and the helpers that make one call, page through a listing or split work into batches.
 */
import type { LimitFunction } from 'p-limit';
import type { Cloud502Error } from '../../../src/errors.js';
import type { ProgressSink } from '../../../src/provider.js';
import type { AwsRegionClients, AwsSdk } from '../clients.js';
import { classifyAwsError, credentialsError, toCollectionErrorRecord, unreachableError } from '../errors.js';
import type { AwsReadOnlyAction, StsAction } from '../iam.js';
import type { RateBudget } from '../rate-limit.js';
import type { AwsCollectionError } from '../raw.js';

export interface CollectContext {
  sdk: AwsSdk;
  clients: AwsRegionClients;
  region: string;
  /** The account the calls are made in (its id, or `caller` for the caller's own credentials): part of the budget key. */
  budgetAccount: string;
  /** Shared by every call of every account, region and service. */
  limit: LimitFunction;
  /**
   * The share of the global limit one API may hold in one account and region (key `account|region|bucket`), so that
   * slow calls of one API (GetMetricData with 500 queries) cannot fill every slot while the others wait.
   */
  apiLimit: (key: string) => LimitFunction;
  /** Shared by every call of the run; paces each account, region and API under its bucket. */
  budget: RateBudget;
  errors: AwsCollectionError[];
  profile?: string;
  /** The endpoint override, for error messages. */
  endpoint?: string;
  signal?: AbortSignal;
  progress: Progress;
}

export interface CallOptions {
  resourceId?: string;
  /** A batched call about several resources: a failure is recorded once per resource. */
  resourceIds?: readonly string[];
  /** The scope cannot go on without this call (the first call to a region): an unreachable endpoint fails the scope. */
  fatalWhenUnreachable?: boolean;
  /** The rate budget bucket when it is not the IAM action (Classic ELB has buckets of its own). */
  bucket?: string;
}

/**
 * A call that ends its whole scope (account or account × region): the credentials do not work there, or the
 * endpoint cannot be reached. The run records it and goes on with the other scopes; it throws `error` only
 * when every scope failed this way.
 */
export class ScopeFailure extends Error {
  override name = 'ScopeFailure';
  constructor(
    /** The one-line error to throw when every scope failed: a CredentialsError or a CollectionError. */
    readonly error: Cloud502Error,
    /** The entry recorded in the scope's errors. */
    readonly record: AwsCollectionError,
  ) {
    super(error.message, { cause: error });
  }
}

/** The `send` options every call passes, so an abort cancels in-flight requests. */
export function sendOptions(ctx: CollectContext): { abortSignal?: AbortSignal } {
  return ctx.signal ? { abortSignal: ctx.signal } : {};
}

/**
 * Runs one SDK call: first waits for the API's turn in the rate budget (without holding a concurrency slot), then
 * sends under the API's share of the global limit, re-paced if a stall bunched calls up (RateBudget.admit).
 * A failure is recorded under `api` (the IAM action) and yields undefined, except credential problems and, for
 * `fatalWhenUnreachable` calls, an unreachable endpoint: those throw a ScopeFailure.
 */
export async function call<T>(
  ctx: CollectContext,
  api: AwsReadOnlyAction | StsAction,
  run: () => Promise<T>,
  options: CallOptions = {},
): Promise<T | undefined> {
  try {
    const bucket = options.bucket ?? api;
    await ctx.budget.take(ctx.budgetAccount, ctx.region, bucket, ctx.signal);
    return await ctx.apiLimit(`${ctx.budgetAccount}|${ctx.region}|${bucket}`)(() =>
      ctx.limit(async () => {
        ctx.signal?.throwIfAborted();
        await ctx.budget.admit(ctx.budgetAccount, ctx.region, bucket, ctx.signal);
        return run();
      }),
    );
  } catch (err) {
    if (ctx.signal?.aborted) throw ctx.signal.reason ?? err;
    const record = () => toCollectionErrorRecord(err, api, ctx.region, options.resourceId);
    switch (classifyAwsError(err)) {
      case 'aborted':
        throw err;
      case 'credentials':
        throw new ScopeFailure(credentialsError(err, ctx.profile), record());
      case 'network':
        if (options.fatalWhenUnreachable) throw new ScopeFailure(unreachableError(err, ctx.region, ctx.endpoint, api.split(':')[0]!), record());
        break;
      default:
        break;
    }
    const ids = options.resourceIds ?? [options.resourceId];
    for (const id of ids) ctx.errors.push(toCollectionErrorRecord(err, api, ctx.region, id));
    return undefined;
  }
}

/**
 * Follows a Marker / NextToken listing, one limited call per page, a fresh input object per page.
 * All or nothing: a failed page records the error and yields undefined, so a partial list is never taken as whole.
 */
export async function paginate<P>(
  ctx: CollectContext,
  api: AwsReadOnlyAction,
  fetchPage: (token: string | undefined) => Promise<P>,
  nextToken: (page: P) => string | undefined,
  options: CallOptions = {},
): Promise<P[] | undefined> {
  const pages: P[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await call(ctx, api, () => fetchPage(token), pages.length === 0 ? options : { ...options, fatalWhenUnreachable: false });
    if (page === undefined) return undefined;
    pages.push(page);
    token = nextToken(page) || undefined;
    if (token === undefined) return pages;
    if (seen.has(token)) {
      // A service (or emulator) that hands back a token twice would otherwise loop forever.
      ctx.errors.push({ api, region: ctx.region, code: 'PaginationLoop', message: `pagination token repeated after ${pages.length} pages`, ...(options.resourceId ? { resourceId: options.resourceId } : {}) });
      return undefined;
    }
    seen.add(token);
  }
}

/** Splits a list into consecutive batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` over every item concurrently (the global limit bounds the calls) and keeps the input order. */
export async function mapInOrder<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  return Promise.all(items.map(fn));
}

/** Progress per phase and region: `done` counts finished units of work out of `total`. */
export class Progress {
  constructor(
    private readonly sink: ProgressSink | undefined,
    private readonly scope: string,
  ) {}

  /** Starts a phase; returns the function that marks one unit done. */
  phase(name: string, total: number): () => void {
    let done = 0;
    this.emit(name, 0, total);
    return () => {
      done += 1;
      this.emit(name, done, total);
    };
  }

  private emit(phase: string, done: number, total: number): void {
    if (!this.sink) return;
    try {
      this.sink({ phase, scope: this.scope, done, total });
    } catch {
      // A failing progress display must not fail the audit.
    }
  }
}
