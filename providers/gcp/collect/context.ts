/**
 * What every collect step shares: the project, one concurrency limit for the run, a request pacer per project and
 * API, and the error list. `call` runs one SDK call (a whole paged listing included) and turns any failure into a
 * collection error naming the method and its permission, never a throw.
 */
import type { LimitFunction } from 'p-limit';
import type { ApiRateLimit, ProgressSink } from '../../../src/provider.js';
import type { GcpMethod } from '../iam.js';
import { permissionOf } from '../iam.js';
import type { GcpCollectionError } from '../raw.js';

/**
 * Compute Engine meters read requests per project and minute; 20 a second with a burst of 20 stays under the
 * default quota with room for other tools. Overridable with `rateLimits` keys `compute`, `monitoring` or `*`.
 */
export const DEFAULT_RATE: ApiRateLimit = { ratePerSecond: 20, burst: 20 };

/** A token bucket. */
export class Pacer {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly rate: ApiRateLimit) {
    this.tokens = rate.burst;
  }

  /** Resolves when a request may go out. */
  take(): Promise<void> {
    const next = this.queue.then(async () => {
      const now = Date.now();
      this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.last) / 1000) * this.rate.ratePerSecond);
      this.last = now;
      if (this.tokens < 1) {
        const waitMs = Math.ceil(((1 - this.tokens) / this.rate.ratePerSecond) * 1000);
        await new Promise((r) => setTimeout(r, waitMs));
        this.tokens = 1;
        this.last = Date.now();
      }
      this.tokens -= 1;
    });
    this.queue = next;
    return next;
  }
}

export interface CollectContext {
  project: string;
  limit: LimitFunction;
  pacer(api: 'compute' | 'monitoring'): Pacer;
  errors: GcpCollectionError[];
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** Shared by every project of the run. */
  run: RunState;
}

export interface RunState {
  /** Set when a call could not reach the API at all (connection refused, DNS, TLS): the run then stops. */
  connectionFailure?: string;
  /** The audit deadline (epoch milliseconds): calls not started by then are recorded as not collected. */
  deadlineAt?: number;
  /** Set once a call was skipped or cut short by the deadline. */
  deadlineReached?: boolean;
}

/** The code recorded for what the audit deadline left uncollected (the coverage verdict reads it). */
export const DEADLINE_EXCEEDED = 'DeadlineExceeded';

interface GoogleErrorLike {
  code?: number | string;
  httpStatusCode?: number;
  message?: string;
  reason?: string;
}

/** gRPC status numbers the Google clients use, by name. */
const GRPC_CODES: Record<number, string> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

const RATE_LIMIT_TEXT = /rateLimitExceeded|Rate Limit Exceeded|Quota exceeded/i;
const SERVICE_DISABLED_TEXT = /SERVICE_DISABLED|accessNotConfigured|has not been used in project|API has not been enabled|is disabled/i;

/** One line of an SDK message: no stack, no multi-line dumps, bounded. */
export function oneLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** The code cloud502 records for an SDK error. */
export function errorCode(err: unknown): { code: string; httpStatus?: number; connection: boolean } {
  const e = (err ?? {}) as GoogleErrorLike;
  const status = typeof e.httpStatusCode === 'number' ? e.httpStatusCode : undefined;
  const message = String(e.message ?? '');
  const http = status !== undefined ? { httpStatus: status } : {};
  if (status === 429 || (status === 403 && RATE_LIMIT_TEXT.test(message))) return { code: 'rateLimitExceeded', ...http, connection: false };
  // An API not enabled in the project is a 403 too, but no permission would fix it.
  if (status === 403 && SERVICE_DISABLED_TEXT.test(message)) return { code: 'SERVICE_DISABLED', ...http, connection: false };
  if (status === 403) return { code: 'PERMISSION_DENIED', ...http, connection: false };
  if (status === 401) return { code: 'UNAUTHENTICATED', ...http, connection: false };
  if (status === 404) return { code: 'NOT_FOUND', ...http, connection: false };
  const named = typeof e.code === 'number' ? GRPC_CODES[e.code] : typeof e.code === 'string' ? e.code : undefined;
  // No HTTP status: the request never got an answer (refused, DNS, TLS, reset).
  const connection = status === undefined && (e.code === 14 || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EPROTO|certificate|socket hang up/i.test(message));
  return { code: named ?? (status !== undefined ? `HTTP_${status}` : 'UNKNOWN'), ...http, connection };
}

export const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set(['PERMISSION_DENIED']);

export interface CallScope {
  location?: string;
  resourceId?: string;
}

/**
 * Per-call options for every Google client call: the transport retries throttling (throttle.ts), nothing else does;
 * the async pagers page themselves (`autoPaginate: false` also keeps gax from warning on every listing).
 */
export const CALL_OPTIONS = { maxRetries: 0, timeout: 60_000, autoPaginate: false } as const;

export function apiOf(method: GcpMethod): 'compute' | 'monitoring' {
  return method.startsWith('monitoring.') ? 'monitoring' : 'compute';
}

/**
 * Runs one SDK call under the run's concurrency limit and the API's pacer. A failure becomes a collection error
 * and `undefined`. `fn` may page: it gets `pace` to call before each page request it makes itself.
 */
export async function call<T>(ctx: CollectContext, method: GcpMethod, scope: CallScope, fn: () => Promise<T>): Promise<T | undefined> {
  return ctx.limit(async () => {
    // Cancelling stops the collection as a whole; the deadline only stops what has not started.
    if (ctx.signal?.aborted) throw ctx.signal.reason ?? new Error('collection cancelled');
    if (ctx.run.connectionFailure) return undefined;
    const record = (code: string, message: string, httpStatus?: number): undefined => {
      ctx.errors.push({
        api: method,
        permission: permissionOf(method),
        project: ctx.project,
        ...(scope.location ? { location: scope.location } : {}),
        code,
        message,
        ...(scope.resourceId ? { resourceId: scope.resourceId } : {}),
        ...(httpStatus !== undefined ? { httpStatus } : {}),
      });
      return undefined;
    };
    const pastDeadline = (): boolean => ctx.run.deadlineAt !== undefined && Date.now() >= ctx.run.deadlineAt;
    if (pastDeadline()) {
      ctx.run.deadlineReached = true;
      return record(DEADLINE_EXCEEDED, 'not collected: the audit deadline passed first');
    }
    await ctx.pacer(apiOf(method)).take();
    try {
      return await fn();
    } catch (err) {
      if (pastDeadline()) {
        ctx.run.deadlineReached = true;
        return record(DEADLINE_EXCEEDED, `cut short by the audit deadline: ${oneLine(String((err as Error)?.message ?? err))}`);
      }
      const { code, httpStatus, connection } = errorCode(err);
      const message = oneLine(String((err as Error)?.message ?? err)) || code;
      if (connection) ctx.run.connectionFailure ??= message;
      return record(code, message, httpStatus);
    }
  });
}

/** Drains an async iterable (a paged SDK listing) into an array. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Keys whose values are the SDK's oneof markers (`_name: 'name'`) are not data. */
export function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => plain(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.startsWith('_') && typeof v === 'string' && v === k.slice(1)) continue;
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = plain(v);
  }
  return out as T;
}
