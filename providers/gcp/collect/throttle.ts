/**
 * Throttling retries for every Google API call, at the transport: the one shared auth client's `fetch` (what the
 * Google clients send every request through) waits and resends on `429` and on `403 rateLimitExceeded`, honouring
 * `Retry-After`, within one time budget for the whole run. The SDK's own errors do not expose `Retry-After`, and
 * wrapping the transport retries every client (Compute and Monitoring) the same way. Past the budget the throttled
 * answer goes back to the SDK, which raises it, and the collector records it as a coverage gap.
 */

export interface ThrottleOptions {
  /** Total time the run may spend waiting on throttled calls. */
  budgetMs: number;
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Longest single wait, whatever Retry-After says. */
  maxWaitMs: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ThrottleStats {
  throttled: number;
  retried: number;
  waitedMs: number;
  /** Throttled answers handed back because the budget or the attempts ran out. */
  gaveUp: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { budgetMs: 60_000, maxAttempts: 5, maxWaitMs: 30_000 };

/** Compute's quota errors are `403` with reason `rateLimitExceeded` / `userRateLimitExceeded`. */
const RATE_LIMIT_TEXT = /rateLimitExceeded|userRateLimitExceeded|Rate Limit Exceeded/i;

/**
 * The wait before attempt `attempt + 1`: `Retry-After` in seconds or as an HTTP date, else exponential
 * (1 s, 2 s, 4 s ...), capped at `maxWaitMs`.
 */
export function retryDelayMs(retryAfter: string | null | undefined, attempt: number, nowMs: number, maxWaitMs: number): number {
  let ms: number | undefined;
  const v = retryAfter?.trim();
  if (v) {
    if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
    else {
      const at = Date.parse(v);
      if (!Number.isNaN(at)) ms = Math.max(0, at - nowMs);
    }
  }
  if (ms === undefined) ms = 1000 * 2 ** (attempt - 1);
  return Math.min(ms, maxWaitMs);
}

interface HeaderBag {
  get?: (name: string) => string | null;
  [key: string]: unknown;
}

interface ResponseLike {
  status?: number;
  headers?: HeaderBag;
  data?: { resume?: () => void };
}

function header(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
}

type Outcome = { kind: 'response'; response: ResponseLike } | { kind: 'error'; error: unknown; response?: ResponseLike };

function throttled(outcome: Outcome): ResponseLike | undefined {
  if (outcome.kind === 'response') return outcome.response.status === 429 ? outcome.response : undefined;
  const r = outcome.response;
  if (r?.status === 429) return r;
  if (r?.status === 403 && RATE_LIMIT_TEXT.test(String((outcome.error as Error)?.message ?? ''))) return r;
  return undefined;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

type FetchLike = (...args: never[]) => Promise<unknown>;

/**
 * Replaces `client.fetch` with one that retries throttled answers. Returns the run's statistics.
 * @example const stats = installThrottleRetry(authClient, DEFAULT_THROTTLE);
 */
export function installThrottleRetry(client: { fetch: FetchLike }, options: ThrottleOptions = DEFAULT_THROTTLE): ThrottleStats {
  const stats: ThrottleStats = { throttled: 0, retried: 0, waitedMs: 0, gaveUp: 0 };
  const original = client.fetch.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const sleep = options.sleep ?? defaultSleep;
  const wrapped = async (...args: unknown[]): Promise<unknown> => {
    const signal = (args[1] as { signal?: AbortSignal } | undefined)?.signal;
    for (let attempt = 1; ; attempt++) {
      let outcome: Outcome;
      try {
        outcome = { kind: 'response', response: (await original(...args)) as ResponseLike };
      } catch (error) {
        outcome = { kind: 'error', error, response: (error as { response?: ResponseLike }).response };
      }
      const limited = throttled(outcome);
      if (!limited) {
        if (outcome.kind === 'error') throw outcome.error;
        return outcome.response;
      }
      stats.throttled++;
      const wait = retryDelayMs(header(limited.headers, 'retry-after'), attempt, Date.now(), options.maxWaitMs);
      if (attempt >= options.maxAttempts || stats.waitedMs + wait > options.budgetMs || signal?.aborted) {
        stats.gaveUp++;
        if (outcome.kind === 'error') throw outcome.error;
        return outcome.response;
      }
      // Frees the connection of the throttled answer before the next attempt.
      limited.data?.resume?.();
      stats.retried++;
      stats.waitedMs += wait;
      await sleep(wait, signal);
    }
  };
  client.fetch = wrapped as unknown as FetchLike;
  return stats;
}
