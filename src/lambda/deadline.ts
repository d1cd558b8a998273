/**
 * The collection deadline: Lambda kills the function at its timeout, so collection must stop early enough to
 * still build, render and write a (partial) report. The budget is the remaining time minus a safety margin.
 */

/** The abort reason when the budget runs out; collection rethrows it. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceeded';
}

export interface Deadline {
  /** Aborts when the collection budget is spent (at once when there is no budget at all). */
  signal: AbortSignal;
  /** Milliseconds collection was given; 0 or less means none. */
  budgetMs: number;
  /** Clears the timer: a frozen Lambda sandbox would otherwise fire it during the next invocation. */
  dispose(): void;
}

/**
 * @example
 * const deadline = startDeadline(context.getRemainingTimeInMillis(), 60_000);
 * try { await collect({ signal: deadline.signal }) } finally { deadline.dispose(); }
 */
export function startDeadline(remainingMs: number, safetyMarginMs: number, what = 'collection'): Deadline {
  const controller = new AbortController();
  const budgetMs = Math.floor(remainingMs - safetyMarginMs);
  const reason = (): DeadlineExceededError =>
    new DeadlineExceededError(`${what} stopped ${safetyMarginMs} ms before the Lambda deadline (budget ${Math.max(0, budgetMs)} ms)`);
  if (budgetMs <= 0) {
    controller.abort(reason());
    return { signal: controller.signal, budgetMs, dispose() {} };
  }
  const timer = setTimeout(() => controller.abort(reason()), budgetMs);
  return { signal: controller.signal, budgetMs, dispose: () => clearTimeout(timer) };
}
