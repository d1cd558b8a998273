/**
 * The client-side request budget: one token bucket per account, region and API, shared by every call of a run,
 * so that cloud502 stays under the buckets AWS enforces instead of finding them by being throttled.
 *
 * The documented buckets are a ceiling, not a promise: other callers share the account's buckets, and some accounts
 * get less. Each bucket therefore adapts (additive increase, multiplicative decrease): a throttled answer lowers its
 * rate by {@link DECREASE_FACTOR} and drops its burst, at most once per second and only after a call got through
 * since the last decrease (a storm in which nothing gets through teaches nothing about the rate); each second without
 * throttling adds back {@link RECOVERY_PER_SECOND} of the documented rate, up to it.
 *
 * AWS throttles "for each AWS account on a per-Region basis" (EC2, ELB, CloudWatch, ACM docs), so the budget
 * key is `account | region | bucket`, where the bucket is the IAM action, except that Classic ELB calls use
 * `elasticloadbalancing-classic:*` names: "Each ELB API version has its own buckets".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../src/errors.js';
import type { ApiRateLimit } from '../../src/provider.js';

export type { ApiRateLimit } from '../../src/provider.js';

export interface RateLimitDefault extends ApiRateLimit {
  /** Where the number comes from: the AWS page, or "heuristic". */
  source: string;
}

/**
 * Server-side buckets as AWS documents them (2026). Looked up by `service:Action`, then `service:*`, then `*`.
 * ELB says "the token bucket size for non-mutating API actions is 40 tokens" refilled at 10 per second without
 * stating whether Describe* actions share it; cloud502 keeps one bucket per action and lets adaptive retry absorb the rest.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimitDefault>> = {
  'elasticloadbalancing:*': {
    ratePerSecond: 10,
    burst: 40,
    source: 'ELB User Guide, "Request throttling for the ELB API": non-mutating actions, bucket 40, refill 10/s',
  },
  'elasticloadbalancing-classic:*': {
    ratePerSecond: 10,
    burst: 40,
    source: 'ELB User Guide, "Request throttling for the ELB API": API version 1 has its own buckets, same sizes',
  },
  'ec2:*': {
    ratePerSecond: 20,
    burst: 100,
    source: 'EC2 Developer Guide, "Request throttling for the Amazon EC2 API": non-mutating actions, per API, bucket 100, refill 20/s',
  },
  'cloudwatch:GetMetricData': {
    ratePerSecond: 50,
    burst: 50,
    source: 'CloudWatch service quotas: GetMetricData 50 TPS; burst heuristic (one second of calls)',
  },
  'acm:DescribeCertificate': {
    ratePerSecond: 10,
    burst: 10,
    source: 'ACM quotas, "API rate quotas": DescribeCertificate 10 requests per second; burst heuristic',
  },
  'sts:*': { ratePerSecond: 10, burst: 20, source: 'heuristic: STS publishes no per-action rates; cloud502 makes one call per account' },
  '*': { ratePerSecond: 5, burst: 10, source: 'heuristic: an API without a documented rate' },
};

/**
 * The share of a bucket the client leaves unused, so that jitter between pacing a call and its arrival, and other
 * callers of the account, do not empty the server's bucket. Costs `headroom / rate` seconds per API.
 */
export const HEADROOM_FRACTION = 0.1;

/** The bucket the client paces by: the server's rate, a burst `HEADROOM_FRACTION` smaller (at least one call). */
export function clientBucket(server: ApiRateLimit): ApiRateLimit {
  const burst = Math.max(1, server.burst - Math.max(1, Math.ceil(server.burst * HEADROOM_FRACTION)));
  return { ratePerSecond: server.ratePerSecond, burst };
}

function validateLimit(key: string, limit: ApiRateLimit): void {
  if (!/^(\*|[a-z0-9-]+:(\*|[A-Za-z0-9]+))$/.test(key)) {
    throw new ConfigError(`rate limit key "${key}" must be service:Action, service:* or * (e.g. elasticloadbalancing:DescribeTargetHealth)`);
  }
  if (!Number.isFinite(limit.ratePerSecond) || limit.ratePerSecond <= 0) {
    throw new ConfigError(`rate limit for ${key}: the rate must be a positive number of calls per second, got ${limit.ratePerSecond}`);
  }
  if (!Number.isInteger(limit.burst) || limit.burst < 1) {
    throw new ConfigError(`rate limit for ${key}: the burst must be a whole number of at least 1, got ${limit.burst}`);
  }
}

/**
 * Parses `KEY=RATE/BURST`, the form a CLI flag can take.
 * @example parseRateLimit('elasticloadbalancing:*=20/40') // ['elasticloadbalancing:*', { ratePerSecond: 20, burst: 40 }]
 */
export function parseRateLimit(spec: string): [string, ApiRateLimit] {
  const match = /^\s*([^=\s]+)\s*=\s*([0-9.]+)\s*\/\s*([0-9]+)\s*$/.exec(spec);
  if (!match) throw new ConfigError(`rate limit "${spec}" must look like service:Action=RATE/BURST, e.g. elasticloadbalancing:*=20/40`);
  const [, key, rate, burst] = match;
  const limit = { ratePerSecond: Number(rate), burst: Number(burst) };
  validateLimit(key!, limit);
  return [key!, limit];
}

/** The server's bucket for a bucket name (`service:Action`): overrides first, then the defaults; most specific key wins. */
export function serverLimitFor(bucket: string, overrides: Readonly<Record<string, ApiRateLimit>> = {}): ApiRateLimit {
  const service = bucket.split(':')[0]!;
  // Classic ELB falls back to the ELB keys a user is most likely to write.
  const candidates = [bucket, `${service}:*`];
  if (service === 'elasticloadbalancing-classic') candidates.push(`elasticloadbalancing:${bucket.split(':')[1]}`, 'elasticloadbalancing:*');
  candidates.push('*');
  for (const key of candidates) {
    const hit = overrides[key];
    if (hit) return { ratePerSecond: hit.ratePerSecond, burst: hit.burst };
  }
  for (const key of candidates) {
    const hit = DEFAULT_RATE_LIMITS[key];
    if (hit) return { ratePerSecond: hit.ratePerSecond, burst: hit.burst };
  }
  return { ratePerSecond: DEFAULT_RATE_LIMITS['*']!.ratePerSecond, burst: DEFAULT_RATE_LIMITS['*']!.burst };
}

/** Multiplier of a bucket's rate on a throttled answer. */
export const DECREASE_FACTOR = 0.7;
/** Multiplier of a bucket's rate when it is throttled again at or under the plateau it learned. */
export const NEAR_PLATEAU_DECREASE_FACTOR = 0.9;
/** The plateau a bucket recovers to quickly: this share of the rate it was throttled at. */
export const PLATEAU_FRACTION = 0.9;
/** Seconds without throttling to climb from the decreased rate back to the plateau. */
export const FAST_RECOVERY_SECONDS = 3;
/** Share of the documented rate a bucket gains per second beyond the plateau (probing for more). */
export const PROBE_PER_SECOND = 0.005;
/** Lowest rate a bucket adapts down to, as a share of the documented rate. */
export const FLOOR_FRACTION = 0.05;
/** Two decreases of one bucket are at least this far apart: one burst of throttled answers is one signal. */
export const DECREASE_COOLDOWN_MS = 1000;

/** Time source of the budget; tests inject one that does not wait. */
export interface BudgetClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: BudgetClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/** GCRA state of one bucket: theoretical arrival times of the next reservation and of the next actual send. */
interface Bucket {
  /** The documented (or configured) rate: the ceiling recovery climbs back to. */
  ceilingPerSecond: number;
  /** The rate after the last decrease; the current rate grows from it while nothing is throttled. */
  basePerSecond: number;
  /** Just under the rate of the last decrease: where fast recovery ends. */
  plateauPerSecond: number;
  intervalMs: number;
  toleranceMs: number;
  tat: number;
  sendTat: number;
  calls: number;
  delayed: number;
  waitedMs: number;
  repaced: number;
  repacedMs: number;
  throttled: number;
  decreases: number;
  lastThrottleAt: number;
  lastDecreaseAt: number;
  /** A call got through since the last decrease. */
  succeededSinceDecrease: boolean;
  lowestPerSecond: number;
}

export interface BudgetStats {
  /** `account|region|bucket`. */
  key: string;
  bucket: string;
  calls: number;
  /** Calls that had to wait for a token before queueing for a concurrency slot. */
  delayed: number;
  waitedMs: number;
  /** Calls held back again after getting a slot, because a stall had bunched them up. */
  repaced: number;
  repacedMs: number;
  /** Throttled answers, and how often they lowered the rate. */
  throttled: number;
  decreases: number;
  /** The rate the bucket paces at now, and the lowest it adapted down to (calls per second). */
  ratePerSecond: number;
  lowestRatePerSecond: number;
}

/** One GCRA step: the earliest time a call may go at `now`, and the state after it (equivalent to a token bucket). */
function schedule(tat: number, now: number, intervalMs: number, toleranceMs: number): { at: number; tat: number } {
  const next = Math.max(tat, now);
  return { at: Math.max(now, next - toleranceMs), tat: next + intervalMs };
}

/**
 * One token bucket per `account|region|bucket`, created on first use, used in two steps:
 * - `take` before a call queues for a concurrency slot: it reserves the earliest time the bucket allows and waits
 *   until then, so calls wait in order without holding a slot;
 * - `admit` once the call holds its slot: the same bucket applied to actual send times. It waits only when a
 *   stall (slots held by slow calls) has bunched reserved calls together, which would otherwise reach the server
 *   as one burst larger than its bucket.
 */
export class RateBudget {
  private readonly buckets = new Map<string, Bucket>();
  private readonly overrides: Readonly<Record<string, ApiRateLimit>>;

  constructor(
    overrides: Readonly<Record<string, ApiRateLimit>> = {},
    private readonly clock: BudgetClock = realClock,
  ) {
    for (const [key, limit] of Object.entries(overrides)) validateLimit(key, limit);
    this.overrides = overrides;
  }

  /** The server bucket cloud502 assumes for `bucket`. */
  serverLimit(bucket: string): ApiRateLimit {
    return serverLimitFor(bucket, this.overrides);
  }

  private stateOf(account: string, region: string, bucket: string): Bucket {
    const key = `${account}|${region}|${bucket}`;
    let state = this.buckets.get(key);
    if (!state) {
      const { ratePerSecond, burst } = clientBucket(this.serverLimit(bucket));
      const intervalMs = 1000 / ratePerSecond;
      state = {
        ceilingPerSecond: ratePerSecond,
        basePerSecond: ratePerSecond,
        plateauPerSecond: ratePerSecond,
        intervalMs,
        toleranceMs: (burst - 1) * intervalMs,
        tat: Number.NEGATIVE_INFINITY,
        sendTat: Number.NEGATIVE_INFINITY,
        calls: 0,
        delayed: 0,
        waitedMs: 0,
        repaced: 0,
        repacedMs: 0,
        throttled: 0,
        decreases: 0,
        lastThrottleAt: Number.NEGATIVE_INFINITY,
        lastDecreaseAt: Number.NEGATIVE_INFINITY,
        succeededSinceDecrease: true,
        lowestPerSecond: ratePerSecond,
      };
      this.buckets.set(key, state);
    }
    this.recover(state, this.clock.now());
    return state;
  }

  /** While nothing is throttled the rate climbs back: quickly to the plateau, then slowly up to the ceiling. */
  private recover(state: Bucket, now: number): void {
    if (state.basePerSecond >= state.ceilingPerSecond) return;
    const quietSeconds = Math.max(0, (now - state.lastThrottleAt) / 1000);
    const plateau = Math.max(state.basePerSecond, state.plateauPerSecond);
    const fast = state.basePerSecond + (plateau - state.basePerSecond) * Math.min(1, quietSeconds / FAST_RECOVERY_SECONDS);
    const probe = PROBE_PER_SECOND * state.ceilingPerSecond * Math.max(0, quietSeconds - FAST_RECOVERY_SECONDS);
    state.intervalMs = 1000 / Math.min(state.ceilingPerSecond, fast + probe);
  }

  /**
   * A call to `bucket` was throttled: the server's bucket is smaller or slower than assumed. Lowers the rate (see the
   * module comment) and gives up the burst, since the server's bucket is evidently empty.
   */
  throttled(account: string, region: string, bucket: string): void {
    const state = this.stateOf(account, region, bucket);
    const now = this.clock.now();
    state.throttled += 1;
    state.lastThrottleAt = now;
    state.toleranceMs = 0;
    if (!state.succeededSinceDecrease || now - state.lastDecreaseAt < DECREASE_COOLDOWN_MS) {
      // Recovery restarts from where the rate is now.
      state.basePerSecond = 1000 / state.intervalMs;
      return;
    }
    const floor = Math.max(FLOOR_FRACTION * state.ceilingPerSecond, 0.1);
    const current = 1000 / state.intervalMs;
    // Throttled again at (or under) the plateau it learned: the server's rate is close, and timing jitter, not a wrong
    // guess, decided this one. A small step down is enough; a full decrease would cost far more than the retry.
    const nearPlateau = state.decreases > 0 && current <= state.plateauPerSecond * 1.02;
    const rate = Math.max(floor, current * (nearPlateau ? NEAR_PLATEAU_DECREASE_FACTOR : DECREASE_FACTOR));
    state.plateauPerSecond = Math.max(rate, current * PLATEAU_FRACTION);
    state.basePerSecond = rate;
    state.intervalMs = 1000 / rate;
    state.lowestPerSecond = Math.min(state.lowestPerSecond, rate);
    state.lastDecreaseAt = now;
    state.decreases += 1;
    state.succeededSinceDecrease = false;
  }

  /** A call to `bucket` got an answer that was not throttling. */
  succeeded(account: string, region: string, bucket: string): void {
    this.stateOf(account, region, bucket).succeededSinceDecrease = true;
  }

  /** Reserves a call to `bucket` for this account and region and waits for its turn; resolves with the milliseconds waited. */
  async take(account: string, region: string, bucket: string, signal?: AbortSignal): Promise<number> {
    const state = this.stateOf(account, region, bucket);
    const now = this.clock.now();
    const { at, tat } = schedule(state.tat, now, state.intervalMs, state.toleranceMs);
    state.tat = tat;
    state.calls += 1;
    const wait = at - now;
    if (wait <= 0) return 0;
    state.delayed += 1;
    state.waitedMs += wait;
    await this.clock.sleep(wait, signal);
    return wait;
  }

  /** Called right before sending: waits only if sending now would exceed the bucket; resolves with the milliseconds waited. */
  async admit(account: string, region: string, bucket: string, signal?: AbortSignal): Promise<number> {
    const state = this.stateOf(account, region, bucket);
    const now = this.clock.now();
    const { at, tat } = schedule(state.sendTat, now, state.intervalMs, state.toleranceMs);
    state.sendTat = tat;
    const wait = at - now;
    if (wait <= 0) return 0;
    state.repaced += 1;
    state.repacedMs += wait;
    await this.clock.sleep(wait, signal);
    // A timer that fired late (a busy event loop) sent this call late: the next one must keep its distance from the
    // actual send, or the two reach the server closer together than its bucket allows.
    const late = this.clock.now() - at;
    if (late > 0) state.sendTat = Math.max(state.sendTat, tat + late);
    return wait;
  }

  /** Calls and waits per key, sorted by key. */
  stats(): BudgetStats[] {
    return [...this.buckets.entries()]
      .map(([key, b]) => ({
        key,
        bucket: key.split('|')[2]!,
        calls: b.calls,
        delayed: b.delayed,
        waitedMs: Math.round(b.waitedMs),
        repaced: b.repaced,
        repacedMs: Math.round(b.repacedMs),
        throttled: b.throttled,
        decreases: b.decreases,
        ratePerSecond: Math.round((1000 / b.intervalMs) * 100) / 100,
        lowestRatePerSecond: Math.round(b.lowestPerSecond * 100) / 100,
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }
}
