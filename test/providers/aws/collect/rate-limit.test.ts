/**
 * The client-side rate budget with a fake clock: which calls wait and for how long, per key, and that the pace it
 * produces never exceeds a server token bucket of the same size (the one bench/throttle-proxy.ts enforces).
 */
import { describe, expect, it } from 'vitest';
import { ServerTokenBucket } from '../../../../bench/throttle-proxy.js';
import {
  clientBucket,
  DEFAULT_RATE_LIMITS,
  parseRateLimit,
  RateBudget,
  serverLimitFor,
  type BudgetClock,
} from '../../../../providers/aws/rate-limit.js';
import { ConfigError } from '../../../../src/errors.js';

/** A clock that only moves when told to; `sleep` records the wait and resolves at once (or when released). */
function fakeClock(): BudgetClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      clock.sleeps.push(ms);
    },
  };
  return clock;
}

describe('serverLimitFor', () => {
  it('takes the most specific override, then the documented defaults', () => {
    const overrides = { 'elasticloadbalancing:DescribeTargetHealth': { ratePerSecond: 3, burst: 6 }, 'ec2:*': { ratePerSecond: 7, burst: 9 } };
    expect(serverLimitFor('elasticloadbalancing:DescribeTargetHealth', overrides)).toEqual({ ratePerSecond: 3, burst: 6 });
    expect(serverLimitFor('elasticloadbalancing:DescribeTags', overrides)).toEqual({ ratePerSecond: 10, burst: 40 });
    expect(serverLimitFor('ec2:DescribeInstances', overrides)).toEqual({ ratePerSecond: 7, burst: 9 });
    expect(serverLimitFor('cloudwatch:GetMetricData')).toEqual({ ratePerSecond: 50, burst: 50 });
    expect(serverLimitFor('acm:DescribeCertificate')).toEqual({ ratePerSecond: 10, burst: 10 });
    expect(serverLimitFor('cloudwatch:ListMetrics')).toEqual({ ratePerSecond: 5, burst: 10 });
    expect(serverLimitFor('cloudwatch:ListMetrics', { '*': { ratePerSecond: 1, burst: 1 } })).toEqual({ ratePerSecond: 1, burst: 1 });
  });

  it('lets Classic ELB fall back to the elasticloadbalancing keys a user writes', () => {
    expect(serverLimitFor('elasticloadbalancing-classic:DescribeTags', { 'elasticloadbalancing:*': { ratePerSecond: 2, burst: 3 } })).toEqual({ ratePerSecond: 2, burst: 3 });
    expect(serverLimitFor('elasticloadbalancing-classic:DescribeTags')).toEqual({ ratePerSecond: 10, burst: 40 });
  });

  it('documents a source for every default', () => {
    for (const [key, limit] of Object.entries(DEFAULT_RATE_LIMITS)) {
      expect(limit.source, key).toMatch(/(User Guide|Developer Guide|quotas|heuristic)/);
      expect(limit.ratePerSecond).toBeGreaterThan(0);
      expect(Number.isInteger(limit.burst)).toBe(true);
    }
  });
});

describe('clientBucket', () => {
  it.each([
    [{ ratePerSecond: 20, burst: 40 }, 36],
    [{ ratePerSecond: 10, burst: 10 }, 9],
    [{ ratePerSecond: 5, burst: 2 }, 1],
    [{ ratePerSecond: 5, burst: 1 }, 1],
  ])('keeps headroom below the server burst %o', (server, burst) => {
    expect(clientBucket(server)).toEqual({ ratePerSecond: server.ratePerSecond, burst });
  });
});

describe('parseRateLimit', () => {
  it('reads KEY=RATE/BURST', () => {
    expect(parseRateLimit('elasticloadbalancing:*=20/40')).toEqual(['elasticloadbalancing:*', { ratePerSecond: 20, burst: 40 }]);
    expect(parseRateLimit(' * = 2.5 / 5 ')).toEqual(['*', { ratePerSecond: 2.5, burst: 5 }]);
  });

  it.each(['elasticloadbalancing:*=20', 'ec2=20/40', 'ec2:*=0/40', 'ec2:*=5/0', 'ec2:Describe Instances=1/1'])('rejects %s with one line', (spec) => {
    expect(() => parseRateLimit(spec)).toThrow(ConfigError);
    try {
      parseRateLimit(spec);
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('is also checked when given to the budget', () => {
    expect(() => new RateBudget({ 'ec2:*': { ratePerSecond: -1, burst: 3 } })).toThrow('rate limit for ec2:*: the rate must be a positive number');
  });
});

describe('RateBudget.take', () => {
  it('lets the burst through, then spaces calls at the refill rate', async () => {
    // Prepare: server 20/s burst 40 → client burst 36, one call per 50 ms after it.
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 20, burst: 40 } }, clock);

    // Act
    const waits = [];
    for (let i = 0; i < 40; i++) waits.push(await budget.take('111122223333', 'eu-west-1', 'elasticloadbalancing:DescribeTargetHealth'));

    // Assess
    expect(waits.slice(0, 36)).toEqual(Array(36).fill(0));
    expect(waits.slice(36)).toEqual([50, 100, 150, 200]);
    expect(budget.stats()).toEqual([
      { key: '111122223333|eu-west-1|elasticloadbalancing:DescribeTargetHealth', bucket: 'elasticloadbalancing:DescribeTargetHealth', calls: 40, delayed: 4, waitedMs: 500, repaced: 0, repacedMs: 0, throttled: 0, decreases: 0, ratePerSecond: 20, lowestRatePerSecond: 20 },
    ]);
  });

  it('keeps one bucket per account, region and API', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 1, burst: 2 } }, clock);
    // burst 2 → client burst 1: the second call of the same key waits, calls of other keys do not.
    expect(await budget.take('a', 'eu-west-1', 'ec2:DescribeVpcs')).toBe(0);
    expect(await budget.take('a', 'eu-west-1', 'ec2:DescribeVpcs')).toBe(1000);
    expect(await budget.take('b', 'eu-west-1', 'ec2:DescribeVpcs')).toBe(0);
    expect(await budget.take('a', 'us-east-1', 'ec2:DescribeVpcs')).toBe(0);
    expect(await budget.take('a', 'eu-west-1', 'ec2:DescribeSubnets')).toBe(0);
    expect(budget.stats().map((s) => [s.key, s.calls])).toEqual([
      ['a|eu-west-1|ec2:DescribeSubnets', 1],
      ['a|eu-west-1|ec2:DescribeVpcs', 2],
      ['a|us-east-1|ec2:DescribeVpcs', 1],
      ['b|eu-west-1|ec2:DescribeVpcs', 1],
    ]);
  });

  it('refills with time: after a pause the burst is available again', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 10, burst: 12 } }, clock);
    for (let i = 0; i < 10; i++) expect(await budget.take('a', 'r', 'x:Y')).toBe(0);
    expect(await budget.take('a', 'r', 'x:Y')).toBe(100);
    clock.t = 5_000;
    for (let i = 0; i < 10; i++) expect(await budget.take('a', 'r', 'x:Y')).toBe(0);
  });

  it('rejects a waiting call when its signal is aborted', async () => {
    const budget = new RateBudget({ '*': { ratePerSecond: 1, burst: 1 } });
    const controller = new AbortController();
    await budget.take('a', 'r', 'x:Y', controller.signal);
    const waiting = budget.take('a', 'r', 'x:Y', controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow();
  });
});

describe('RateBudget.admit', () => {
  it('passes calls sent on schedule and re-paces calls a stall bunched up', async () => {
    // Prepare: 45 calls reserved at t = 0 (36 at once, then one per 50 ms) ...
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 20, burst: 40 } }, clock);
    for (let i = 0; i < 45; i++) await budget.take('a', 'r', 'x:Y');

    // ... but a stall holds every slot until t = 3 s, when all 45 reach admit at once.
    clock.t = 3_000;
    const waits = [];
    for (let i = 0; i < 45; i++) waits.push(await budget.admit('a', 'r', 'x:Y'));

    // Assess: the server's bucket holds 40 at most, so only the client burst goes at once.
    expect(waits.slice(0, 36)).toEqual(Array(36).fill(0));
    expect(waits.slice(36)).toEqual([50, 100, 150, 200, 250, 300, 350, 400, 450]);
    expect(budget.stats()[0]).toMatchObject({ calls: 45, repaced: 9, repacedMs: 2250 });
  });
});

describe('the budget against a server token bucket', () => {
  it('never exceeds the bucket it paces by, when calls come in clumps and stalls hold them back', async () => {
    // Prepare: simulated time, a server bucket of the same size, a deterministic pseudo-random sequence.
    const clock = fakeClock();
    const limit = { ratePerSecond: 20, burst: 40 };
    const budget = new RateBudget({ '*': limit }, clock);
    const server = new ServerTokenBucket(limit, () => clock.t);
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

    // Act 1: 2,000 reservations, in clumps, with idle gaps.
    const reserved: number[] = [];
    let t = 0;
    for (let i = 0; i < 2_000; i++) {
      if (random() < 0.02) t += 3_000 * random();
      else if (random() < 0.3) t += 40 * random();
      clock.t = t;
      reserved.push(t + (await budget.take('a', 'r', 'x:Y')));
    }
    // Act 2: stalls during which no call gets a concurrency slot; calls reach admit in slot order.
    const end = reserved.at(-1)!;
    const stalls = Array.from({ length: 25 }, () => {
      const start = random() * end;
      return [start, start + 4_000 * random()] as const;
    });
    const slotAt = reserved.map((r) => stalls.reduce((at, [s, e]) => (at >= s && at < e ? e : at), r));
    const order = slotAt.map((at, i) => [at, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let throttled = 0;
    clock.t = 0;
    for (const [at] of order) {
      clock.t = Math.max(clock.t, at);
      clock.t += await budget.admit('a', 'r', 'x:Y');
      if (!server.tryTake()) throttled += 1;
    }

    // Assess: no call over the bucket, and the stalls did bunch calls up (the re-pacing was needed).
    expect(throttled).toBe(0);
    expect(budget.stats()[0]!.repaced).toBeGreaterThan(0);
  });
});

describe('RateBudget adapting to the server', () => {
  const KEY = ['a', 'r', 'elasticloadbalancing:DescribeTargetHealth'] as const;
  const rateOf = (budget: RateBudget) => budget.stats()[0]!.ratePerSecond;

  it('lowers the rate once per burst of throttled answers and gives up its burst', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 10, burst: 40 } }, clock);
    await budget.take(...KEY);
    budget.throttled(...KEY);
    budget.throttled(...KEY);
    // Half a second later it has climbed a little (7 + 2 × 0.5 / 3); a throttle within the second lowers nothing.
    clock.t = 500;
    budget.succeeded(...KEY);
    budget.throttled(...KEY);
    expect(budget.stats()[0]).toMatchObject({ throttled: 3, decreases: 1, ratePerSecond: 7.33 });
    // No burst any more: the next two calls are spaced at the new rate.
    clock.t = 10_000;
    budget.throttled(...KEY);
    const first = await budget.take(...KEY);
    const second = await budget.take(...KEY);
    expect(second - first).toBeGreaterThan(100);
  });

  it('does not keep lowering the rate through a storm in which nothing gets through', () => {
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 10, burst: 40 } }, clock);
    for (let t = 0; t <= 20_000; t += 100) {
      clock.t = t;
      budget.throttled(...KEY);
    }
    expect(budget.stats()[0]).toMatchObject({ decreases: 1, lowestRatePerSecond: 7 });
  });

  it('climbs back to 90 % of the throttled rate within 3 s, then probes slowly up to the documented rate', () => {
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 10, burst: 40 } }, clock);
    budget.throttled(...KEY);
    const at = (t: number) => {
      clock.t = t;
      budget.succeeded(...KEY);
      return rateOf(budget);
    };
    expect(at(0)).toBe(7);
    expect(at(1_500)).toBe(8);
    expect(at(3_000)).toBe(9);
    expect(at(13_000)).toBe(9.5);
    expect(at(100_000)).toBe(10);
  });

  it('steps down gently when throttled again at the rate it learned, and never below its floor', () => {
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 10, burst: 40 } }, clock);
    budget.throttled(...KEY);
    clock.t = 3_000;
    budget.succeeded(...KEY);
    budget.throttled(...KEY);
    expect(rateOf(budget)).toBeCloseTo(8.1, 5);
    for (let i = 2; i < 80; i++) {
      clock.t = i * 1_500;
      budget.succeeded(...KEY);
      budget.throttled(...KEY);
    }
    expect(budget.stats()[0]!.lowestRatePerSecond).toBe(0.5);
  });

  it('learns a server slower than documented: every call gets through, near the bucket bound', async () => {
    // Prepare: the server allows 10 calls/s with a bucket of 1; the budget starts from the documented 10/s burst 40
    // for ELB (here: 20/s burst 100, as EC2's), so it is throttled until it learns.
    const clock = fakeClock();
    const budget = new RateBudget({ '*': { ratePerSecond: 20, burst: 100 } }, clock);
    const server = new ServerTokenBucket({ ratePerSecond: 10, burst: 1 }, () => clock.t);
    const calls = 300;
    let throttled = 0;

    // Act: calls one after another, each retried until it gets through.
    for (let i = 0; i < calls; i++) {
      for (;;) {
        const t0 = clock.t;
        clock.t = t0 + (await budget.take(...KEY));
        clock.t += await budget.admit(...KEY);
        if (server.tryTake()) {
          budget.succeeded(...KEY);
          break;
        }
        throttled += 1;
        budget.throttled(...KEY);
      }
    }

    // Assess: the bucket allows 300 calls in (300 − 1) / 10 = 29.9 s at best.
    expect(clock.t / 1000).toBeLessThan(1.5 * 29.9);
    // Each throttled answer costs one retry; they stay a small share of the calls.
    expect(throttled).toBeLessThan(0.15 * calls);
  });
});
