/**
 * How one AWS call is retried: by a time budget, not by a small attempt count. A throttling storm or a burst of 5xx
 * that lasts 20 s must cost 20 s, not the data (six attempts of the SDK's back-off used to be spent in 17 s). Each
 * attempt has its own timeout, so a hung connection costs one attempt, and nothing is retried past the audit deadline.
 */
import { ConfigError } from '../../src/errors.js';
import { awsErrorCode, classifyAwsError } from './errors.js';

export interface RetryPolicy {
  /**
   * How long one call may keep retrying after it first failed, not counting the time it waits for its turn in the rate
   * budget (in a large estate a retried call can queue behind hundreds of others: that is pacing, not failing).
   */
  budgetMs: number;
  /** An upper bound on attempts, only when CLOUD502_AWS_MAX_ATTEMPTS sets one: retries are by time, not by count. */
  maxAttempts: number;
  /** One attempt (request and answer) may take this long before it is abandoned and retried. */
  attemptTimeoutMs: number;
  /** First back-off after a 5xx, timeout or dropped connection; doubled per attempt, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Answers that are not AWS responses at all are retried this many times in total, then recorded. */
  malformedAttempts: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  // Longer than the throttling storms and 5xx bursts worth waiting for; the audit deadline bounds it anyway.
  budgetMs: 60_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  // A GetMetricData of 500 queries over weeks answers in seconds; 30 s means the call is stuck.
  attemptTimeoutMs: 30_000,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  malformedAttempts: 3,
};

export const MAX_ATTEMPTS_ENV = 'CLOUD502_AWS_MAX_ATTEMPTS';

/** CLOUD502_AWS_MAX_ATTEMPTS, validated: a cap on attempts per call on top of the time budget (none by default). */
export function maxAttemptsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_ATTEMPTS_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_RETRY_POLICY.maxAttempts;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new ConfigError(`${MAX_ATTEMPTS_ENV} must be a whole number from 1 to 100, got "${raw}"`);
  }
  return value;
}

/** Connection failures that say nothing about the next attempt (a reset, a timeout); refused or unknown hosts do. */
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'TimeoutError']);

/** Why a failed attempt may be retried, or undefined when retrying cannot help. */
export type RetryReason = 'throttling' | 'server' | 'transient' | 'malformed';

export function retryReason(err: unknown): RetryReason | undefined {
  const kind = classifyAwsError(err);
  if (kind === 'throttling' || kind === 'server' || kind === 'malformed') return kind;
  if (kind === 'network' && TRANSIENT_NETWORK.has(awsErrorCode(err))) return 'transient';
  return undefined;
}

export interface RetryState {
  /** Attempts made so far (1 after the first). */
  attempts: number;
  /** Milliseconds since the call first failed, without the time it queued in the rate budget. */
  elapsedMs: number;
  /** Milliseconds left before the audit deadline; undefined without one. */
  untilDeadlineMs?: number;
}

/**
 * The wait before the next attempt, or undefined when the call should give up. Throttled calls wait only a little
 * here: the adaptive rate budget has already slowed the API down and paces the retry.
 */
export function nextDelayMs(reason: RetryReason, state: RetryState, policy: RetryPolicy, random: () => number = Math.random): number | undefined {
  if (state.attempts >= policy.maxAttempts) return undefined;
  if (reason === 'malformed' && state.attempts >= policy.malformedAttempts) return undefined;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(20, state.attempts - 1));
  const delay = reason === 'throttling' ? random() * policy.baseDelayMs : random() * exponential;
  const left = Math.min(policy.budgetMs - state.elapsedMs, state.untilDeadlineMs ?? Number.POSITIVE_INFINITY);
  // The next attempt must be able to start: waiting past the budget or the deadline would only delay the failure.
  if (delay >= left) return undefined;
  return delay;
}
