/**
 * The transport-level throttling retry, with a scripted fetch: waits Retry-After (seconds or HTTP date, else
 * exponential), stops at the attempt limit and the run's budget, and passes other answers through untouched.
 */
import { describe, expect, it } from 'vitest';
import { installThrottleRetry, retryDelayMs } from '../../../../providers/gcp/collect/throttle.js';

describe('retryDelayMs', () => {
  it.each([
    ['2', 1, 2000],
    ['0', 1, 0],
    [undefined, 1, 1000],
    [undefined, 3, 4000],
    ['600', 1, 30_000],
    ['Thu, 01 Jan 1970 00:00:05 GMT', 1, 5000],
  ] as const)('Retry-After %j, attempt %d → %d ms', (header, attempt, ms) => {
    expect(retryDelayMs(header, attempt, 0, 30_000)).toBe(ms);
  });
});

type Answer = { status: number; headers?: Record<string, string> } | { reject: number; message: string };

function scripted(answers: Answer[]): { fetch: (...args: never[]) => Promise<unknown>; calls: number } {
  const client = {
    calls: 0,
    fetch: async (): Promise<unknown> => {
      const a = answers[Math.min(client.calls, answers.length - 1)]!;
      client.calls++;
      if ('reject' in a) throw Object.assign(new Error(a.message), { response: { status: a.reject, headers: new Headers() } });
      return { status: a.status, headers: new Headers(a.headers ?? {}) };
    },
  };
  return client;
}

describe('installThrottleRetry', () => {
  const waits: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    waits.push(ms);
  };

  it('retries 429 with Retry-After, then returns the answer', async () => {
    waits.length = 0;
    const c = scripted([{ status: 429, headers: { 'retry-after': '3' } }, { status: 200 }]);
    const stats = installThrottleRetry(c, { budgetMs: 10_000, maxAttempts: 5, maxWaitMs: 30_000, sleep });
    expect(await c.fetch()).toMatchObject({ status: 200 });
    expect(waits).toEqual([3000]);
    expect(stats).toEqual({ throttled: 1, retried: 1, waitedMs: 3000, gaveUp: 0 });
  });

  it('retries a rejected 403 rateLimitExceeded, not a plain 403', async () => {
    const limited = scripted([{ reject: 403, message: '{"error":{"errors":[{"reason":"rateLimitExceeded"}]}}' }, { status: 200 }]);
    installThrottleRetry(limited, { budgetMs: 10_000, maxAttempts: 5, maxWaitMs: 30_000, sleep });
    expect(await limited.fetch()).toMatchObject({ status: 200 });
    const denied = scripted([{ reject: 403, message: "Required 'compute.firewalls.list' permission" }, { status: 200 }]);
    installThrottleRetry(denied, { budgetMs: 10_000, maxAttempts: 5, maxWaitMs: 30_000, sleep });
    await expect(denied.fetch()).rejects.toThrow(/compute\.firewalls\.list/);
    expect(denied.calls).toBe(1);
  });

  it('gives the throttled answer back after maxAttempts or past the budget', async () => {
    const c = scripted([{ status: 429 }]);
    const stats = installThrottleRetry(c, { budgetMs: 10_000, maxAttempts: 3, maxWaitMs: 30_000, sleep });
    expect(await c.fetch()).toMatchObject({ status: 429 });
    expect(c.calls).toBe(3);
    expect(stats.gaveUp).toBe(1);
    const b = scripted([{ status: 429, headers: { 'retry-after': '5' } }]);
    const s2 = installThrottleRetry(b, { budgetMs: 4000, maxAttempts: 10, maxWaitMs: 30_000, sleep });
    expect(await b.fetch()).toMatchObject({ status: 429 });
    expect(b.calls).toBe(1);
    expect(s2).toMatchObject({ retried: 0, gaveUp: 1 });
  });

  it('passes other statuses through once', async () => {
    const c = scripted([{ status: 500 }]);
    installThrottleRetry(c, { budgetMs: 10_000, maxAttempts: 5, maxWaitMs: 30_000, sleep });
    expect(await c.fetch()).toMatchObject({ status: 500 });
    expect(c.calls).toBe(1);
  });
});
