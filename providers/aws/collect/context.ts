/**
 * What every collector shares: the clients of its account and region, the run's global concurrency limit and
 * rate budget, the error list, and the helpers that make one call, page through a listing or split work into batches.
 */
import type { LimitFunction } from 'p-limit';
import type { Cloud502Error } from '../../../src/errors.js';
import type { Progress } from '../../../src/collect-progress.js';
import type { AwsRegionClients, AwsSdk } from '../clients.js';
import { classifyAwsError, credentialsError, foreignEndpointError, isForeignAnswer, MalformedResponseError, toCollectionErrorRecord, unreachableError } from '../errors.js';
import type { AwsReadOnlyAction, StsAction } from '../iam.js';
import type { BudgetClock, RateBudget } from '../rate-limit.js';
import type { AwsCollectionError } from '../raw.js';
import { nextDelayMs, retryReason, type RetryPolicy } from '../retry.js';

/** The code recorded for what the audit deadline left uncollected. */
export const DEADLINE_EXCEEDED = 'DeadlineExceeded';

/** What every SDK call is given: an abort signal that ends the attempt (cancel, deadline or the attempt's timeout). */
export interface SendOptions {
  abortSignal: AbortSignal;
}

/** After this many consecutive calls of one API (per account and region) failed after all their retries, the rest are not attempted. */
export const BREAKER_THRESHOLD = 3;

/** Consecutive failures per `account|region|bucket`, shared by the run. */
export type Breakers = Map<string, { failures: number; last?: AwsCollectionError }>;

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
  /** Cancels the scope (user abort, or a failure that ends the run): calls throw. */
  signal?: AbortSignal;
  /** The audit deadline: calls stop, and what they would have collected is recorded as {@link DEADLINE_EXCEEDED}. */
  deadline?: AbortSignal;
  /** When the deadline falls (Date.now() milliseconds), to stop retrying before it. */
  deadlineAt?: number;
  /** Set once a call of this scope was cut by the deadline. */
  outcome: { deadlineReached: boolean };
  retry: RetryPolicy;
  /** The clock of back-offs and retry budgets (the rate budget's). */
  clock: BudgetClock;
  breakers: Breakers;
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
  /**
   * A field every genuine answer has (`LoadBalancers`, `Account`): an answer without it is not the AWS API (a web
   * server answering 200 with a page, which the SDK reads as an empty result) and is recorded as a failure.
   */
  requires?: string;
  /** Where failures are recorded (default: the scope's errors); a caller that may retry differently collects them first. */
  errors?: AwsCollectionError[];
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

/** The signal that stops queueing and waiting: cancel or deadline. */
function stopSignal(ctx: CollectContext): AbortSignal | undefined {
  const signals = [ctx.signal, ctx.deadline].filter((s): s is AbortSignal => s !== undefined);
  return signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
}

/** Settles with `promise`, or rejects as soon as `signal` aborts: a client that ignores its abort signal cannot hang a call. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/** Thrown instead of sending when the API's breaker opened while the call waited for its slot. */
class BreakerOpen extends Error {
  override name = 'BreakerOpen';
}

function attemptTimeout(ms: number): Error {
  return Object.assign(new Error(`no answer within ${ms / 1000} s`), { name: 'TimeoutError' });
}

/**
 * One attempt: the rate budget's turn (no slot held), then the API's share of the global limit, then the send.
 * `queued.ms` accumulates the time spent waiting for the turn.
 */
async function attempt<T>(ctx: CollectContext, key: string, bucket: string, run: (send: SendOptions) => Promise<T>, queued: { ms: number }): Promise<T> {
  const stop = stopSignal(ctx);
  const before = ctx.clock.now();
  try {
    await ctx.budget.take(ctx.budgetAccount, ctx.region, bucket, stop);
  } finally {
    queued.ms += ctx.clock.now() - before;
  }
  return ctx.apiLimit(key)(() =>
    ctx.limit(async () => {
      stop?.throwIfAborted();
      // Checked again once the call has its slot: it may have queued while earlier calls of the API failed for good.
      if (breakerOpen(ctx, bucket)) throw new BreakerOpen();
      await ctx.budget.admit(ctx.budgetAccount, ctx.region, bucket, stop);
      // A timer cleared as soon as the attempt ends (AbortSignal.timeout would keep each one alive for its full time).
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(attemptTimeout(ctx.retry.attemptTimeoutMs)), ctx.retry.attemptTimeoutMs);
      const abortSignal = stop ? AbortSignal.any([stop, timeout.signal]) : timeout.signal;
      try {
        // Through a promise, so a client that answers or throws synchronously (a stub) is handled the same way.
        return await untilAborted(Promise.resolve().then(() => run({ abortSignal })), abortSignal);
      } catch (err) {
        if (timeout.signal.aborted && !stop?.aborted) throw attemptTimeout(ctx.retry.attemptTimeoutMs);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

function seconds(ms: number): string {
  return ms < 10_000 ? String(Math.round(ms / 100) / 10) : String(Math.round(ms / 1000));
}

/** Why a call stopped retrying. Said from the policy, not the clock: snapshots must not differ by how long a retry took. */
function giveUpNote(attempts: number, reason: string | undefined, deadlineFirst: boolean, policy: RetryPolicy): string {
  if (deadlineFirst) return 'retrying stopped at the audit deadline';
  if (attempts >= policy.maxAttempts || reason === 'malformed') return `gave up after ${attempts} attempts`;
  return `gave up after retrying for up to ${seconds(policy.budgetMs)} s`;
}

function withNote(record: AwsCollectionError, note: string): AwsCollectionError {
  return { ...record, message: `${record.message} (${note})` };
}

/**
 * Runs one SDK call with retries by time budget ({@link RetryPolicy}): throttling slows the API's rate budget down and
 * is retried at the new pace; 5xx, timeouts, dropped connections and answers that are not AWS responses are retried
 * with exponential back-off; nothing is retried past the audit deadline. A failure is recorded under `api` (the IAM
 * action) and yields undefined, except credential problems and, for `fatalWhenUnreachable` calls, an unreachable
 * endpoint or one that does not answer as the AWS API: those throw a ScopeFailure. What the deadline cut is recorded
 * as {@link DEADLINE_EXCEEDED} (or as the last real failure, when retries of one were cut).
 */
export async function call<T>(
  ctx: CollectContext,
  api: AwsReadOnlyAction | StsAction,
  run: (send: SendOptions) => Promise<T>,
  options: CallOptions = {},
): Promise<T | undefined> {
  const bucket = options.bucket ?? api;
  const key = `${ctx.budgetAccount}|${ctx.region}|${bucket}`;
  const ids = options.resourceIds ?? [options.resourceId];
  const sink = options.errors ?? ctx.errors;
  const recordAll = (entry: AwsCollectionError) => {
    for (const id of ids) sink.push(id === undefined ? entry : { ...entry, resourceId: id });
  };
  // The retry budget runs from the first failure and leaves out the waits for a turn in the rate budget.
  let failingSince: number | undefined;
  const queued = { ms: 0 };
  let last: AwsCollectionError | undefined;
  const skip = (): undefined => {
    const breaker = ctx.breakers.get(key)!;
    const why = `the last ${breaker.failures} calls of this API failed the same way`;
    const prior = last ?? { ...breaker.last!, message: breaker.last!.message.replace(/ \(gave up after [^)]*\)$/, '') };
    recordAll(withNote(prior, last ? `stopped retrying: ${why}` : `not attempted: ${why}`));
    return undefined;
  };
  for (let attempts = 1; ; attempts++) {
    if (breakerOpen(ctx, bucket)) return skip();
    try {
      const out = await attempt(ctx, key, bucket, run, queued);
      ctx.budget.succeeded(ctx.budgetAccount, ctx.region, bucket);
      if (options.requires !== undefined && (typeof out !== 'object' || out === null || (out as Record<string, unknown>)[options.requires] === undefined)) {
        const status = (out as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
        throw new MalformedResponseError(
          `the answer has no ${options.requires}, which every answer of the AWS API has`,
          status !== undefined ? { httpStatusCode: status } : {},
        );
      }
      ctx.breakers.delete(key);
      return out;
    } catch (err) {
      if (ctx.signal?.aborted) throw ctx.signal.reason ?? err;
      if (err instanceof BreakerOpen) return skip();
      if (ctx.deadline?.aborted) {
        ctx.outcome.deadlineReached = true;
        recordAll(
          last
            ? withNote(last, 'retrying stopped at the audit deadline')
            : { api, region: ctx.region, code: DEADLINE_EXCEEDED, message: 'not collected: the audit deadline passed first' },
        );
        return undefined;
      }
      const kind = classifyAwsError(err);
      const record = toCollectionErrorRecord(err, api, ctx.region);
      if (kind === 'credentials') throw new ScopeFailure(credentialsError(err, ctx.profile), { ...record, ...(options.resourceId ? { resourceId: options.resourceId } : {}) });
      const reason = retryReason(err);
      if (reason === 'throttling') ctx.budget.throttled(ctx.budgetAccount, ctx.region, bucket);
      const untilDeadlineMs = ctx.deadlineAt !== undefined ? ctx.deadlineAt - Date.now() : undefined;
      if (failingSince === undefined) {
        failingSince = ctx.clock.now();
        queued.ms = 0;
      }
      const elapsedMs = ctx.clock.now() - failingSince - queued.ms;
      const delay =
        reason === undefined ? undefined : nextDelayMs(reason, { attempts, elapsedMs, ...(untilDeadlineMs !== undefined ? { untilDeadlineMs } : {}) }, ctx.retry);
      if (delay === undefined) {
        const service = api.split(':')[0]!;
        if (kind === 'network' && options.fatalWhenUnreachable) throw new ScopeFailure(unreachableError(err, ctx.region, ctx.endpoint, service), record);
        // A web page or a codeless HTTP error from the first call of a scope: the endpoint is not the AWS API.
        if (options.fatalWhenUnreachable && isForeignAnswer(err)) throw new ScopeFailure(foreignEndpointError(err, ctx.region, ctx.endpoint, service), record);
        const deadlineFirst = reason !== undefined && untilDeadlineMs !== undefined && untilDeadlineMs < ctx.retry.budgetMs - elapsedMs;
        if (deadlineFirst) ctx.outcome.deadlineReached = true;
        const final = attempts > 1 || deadlineFirst ? withNote(record, giveUpNote(attempts, reason, deadlineFirst, ctx.retry)) : record;
        if (reason !== undefined) ctx.breakers.set(key, { failures: (ctx.breakers.get(key)?.failures ?? 0) + 1, last: final });
        recordAll(final);
        return undefined;
      }
      last = record;
      try {
        await ctx.clock.sleep(delay, stopSignal(ctx));
      } catch {
        // Aborted while waiting: the next turn of the loop records why.
      }
    }
  }
}

/** True when calls of `bucket` are no longer attempted in this scope (see {@link BREAKER_THRESHOLD}). */
export function breakerOpen(ctx: CollectContext, bucket: string): boolean {
  const breaker = ctx.breakers.get(`${ctx.budgetAccount}|${ctx.region}|${bucket}`);
  return breaker?.last !== undefined && breaker.failures >= BREAKER_THRESHOLD;
}

/**
 * Follows a Marker / NextToken listing, one limited call per page, a fresh input object per page.
 * All or nothing: a failed page records the error and yields undefined, so a partial list is never taken as whole.
 */
export async function paginate<P>(
  ctx: CollectContext,
  api: AwsReadOnlyAction,
  fetchPage: (token: string | undefined, send: SendOptions) => Promise<P>,
  nextToken: (page: P) => string | undefined,
  options: CallOptions = {},
): Promise<P[] | undefined> {
  const pages: P[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await call(ctx, api, (send) => fetchPage(token, send), pages.length === 0 ? options : { ...options, fatalWhenUnreachable: false });
    if (page === undefined) return undefined;
    pages.push(page);
    token = nextToken(page) || undefined;
    if (token === undefined) return pages;
    if (seen.has(token)) {
      // A service (or emulator) that hands back a token twice would otherwise loop forever.
      (options.errors ?? ctx.errors).push({ api, region: ctx.region, code: 'PaginationLoop', message: `pagination token repeated after ${pages.length} pages`, ...(options.resourceId ? { resourceId: options.resourceId } : {}) });
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

