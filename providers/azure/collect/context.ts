/**
 * What every Azure collector shares: the run's global concurrency limit, the throttling budget, the subscription's
 * error list, and the helpers that make one call or page through a listing. The SDK's own retries are off
 * (`maxRetries: 0`): throttling (429 + Retry-After) is retried here, within a time budget, resuming a listing at
 * the page that was throttled.
 */
import type { LimitFunction } from 'p-limit';
import type { Cloud502Error } from '../../../src/errors.js';
import type { Progress } from '../../../src/collect-progress.js';
import type { AzureApi } from '../apis.js';
import { classifyAzureError, credentialsError, retryAfterSeconds, subscriptionError, toCollectionError, unreachableError } from '../errors.js';
import type { AzureCollectionError } from '../raw.js';

/** Sleeps `ms`, or less when the signal aborts. Injectable so tests need not wait for real. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * The time the whole collection may spend waiting out throttling. Azure answers 429 with a Retry-After; each wait
 * is capped, and once the budget is spent a throttled call is recorded as an error instead of waited for.
 */
export class ThrottleBudget {
  #remainingMs: number;
  waitedMs = 0;
  retries = 0;

  constructor(
    totalMs: number,
    private readonly maxWaitMs: number,
    private readonly sleep: Sleep,
  ) {
    this.#remainingMs = totalMs;
  }

  /** Waits for the server's Retry-After (default 5 s) if the budget allows; false when it does not. */
  async wait(retryAfterSeconds: number | undefined, signal?: AbortSignal): Promise<boolean> {
    const wanted = Math.min((retryAfterSeconds ?? 5) * 1000, this.maxWaitMs);
    if (wanted > this.#remainingMs) return false;
    this.#remainingMs -= wanted;
    this.waitedMs += wanted;
    this.retries += 1;
    await this.sleep(wanted, signal);
    return true;
  }
}

/**
 * A call that ends its whole subscription: the credentials do not work, the endpoint cannot be reached, or the
 * subscription does not exist. The run records it and goes on with the other subscriptions; it throws `error` only
 * when every subscription failed this way.
 */
export class ScopeFailure extends Error {
  override name = 'ScopeFailure';
  constructor(
    readonly error: Cloud502Error,
    readonly record: AzureCollectionError,
  ) {
    super(error.message, { cause: error });
  }
}


export interface CallContext {
  subscriptionId: string;
  /** Shared by every call of the run. */
  limit: LimitFunction;
  budget: ThrottleBudget;
  sleep: Sleep;
  errors: AzureCollectionError[];
  signal?: AbortSignal;
  progress: Progress;
  endpoint: string;
  endpointOverridden: boolean;
}

export interface CallOptions {
  resourceId?: string;
  /** The subscription cannot go on without this call: credentials, reachability and subscription errors end it. */
  fatal?: boolean;
  /**
   * A call with a fallback (the metrics batch API on its own data-plane host and token scope): a credential or
   * reachability failure is recorded like any other, so the fallback can run, instead of ending the subscription.
   */
  optional?: boolean;
}

/** Transient failures (connection reset, 5xx) are retried this many times, 1 s then 2 s apart. */
const TRANSIENT_RETRIES = 2;

/**
 * Runs one SDK call under the global limit. Throttling is waited out within the budget, transient failures are
 * retried twice; any other failure is recorded under `api` and yields undefined, except credential problems and,
 * for `fatal` calls, an unreachable endpoint or a missing subscription: those throw a ScopeFailure.
 */
export async function call<T>(ctx: CallContext, api: AzureApi, run: () => Promise<T>, options: CallOptions = {}): Promise<T | undefined> {
  let transient = 0;
  for (;;) {
    try {
      return await ctx.limit(() => {
        ctx.signal?.throwIfAborted();
        return run();
      });
    } catch (err) {
      if (ctx.signal?.aborted) throw ctx.signal.reason ?? err;
      const kind = classifyAzureError(err);
      const record = toCollectionError(err, api, ctx.subscriptionId, options.resourceId);
      if (kind === 'aborted') throw err;
      if (kind === 'credentials' && !options.optional) throw new ScopeFailure(credentialsError(err), record);
      if (options.fatal && kind === 'unreachable') throw new ScopeFailure(unreachableError(err, ctx.endpoint, ctx.endpointOverridden), record);
      if (options.fatal && kind === 'no-subscription') throw new ScopeFailure(subscriptionError(err, ctx.subscriptionId), record);
      if (kind === 'throttled') {
        if (await ctx.budget.wait(retryAfterSeconds(err), ctx.signal)) continue;
        ctx.errors.push({ ...record, message: `${record.message} (throttled; the retry budget was spent)` });
        return undefined;
      }
      if (kind === 'transient' && transient < TRANSIENT_RETRIES) {
        transient += 1;
        await ctx.sleep(1000 * transient, ctx.signal);
        continue;
      }
      ctx.errors.push(record);
      return undefined;
    }
  }
}

/** Options every SDK operation takes; the abort signal cancels the request in flight. */
export interface RequestOptions {
  abortSignal?: AbortSignal;
}

/** The part of the SDKs' paged iterators this module uses (each SDK package declares its own copy of the type). */
export interface Pager<T> {
  byPage(settings?: { continuationToken?: string }): AsyncIterableIterator<T[] & { continuationToken?: string }>;
}

/**
 * Follows a listing through its `nextLink`s, one limited call per page; a throttled page is retried from its own
 * link, not from the first page. All or nothing: a failed page records the error and yields undefined, so a partial
 * list is never taken as whole.
 */
export async function listAll<T>(ctx: CallContext, api: AzureApi, list: (request: RequestOptions) => Pager<T>, options: CallOptions = {}): Promise<T[] | undefined> {
  const request: RequestOptions = ctx.signal ? { abortSignal: ctx.signal } : {};
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; ; page++) {
    const result = await call(ctx, api, () => list(request).byPage(token !== undefined ? { continuationToken: token } : undefined).next(), page === 0 ? options : { ...options, fatal: false });
    if (result === undefined) return undefined;
    if (result.done) return items;
    items.push(...result.value);
    const next = result.value.continuationToken;
    if (!next) return items;
    if (seen.has(next)) {
      // A service that hands back a link twice would otherwise loop forever.
      ctx.errors.push({ api: api.operation, subscriptionId: ctx.subscriptionId, code: 'PaginationLoop', message: `nextLink repeated after ${page + 1} pages`, ...(options.resourceId ? { resourceId: options.resourceId } : {}) });
      return undefined;
    }
    seen.add(next);
    token = next;
  }
}
