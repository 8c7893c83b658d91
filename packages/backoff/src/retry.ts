import { type Backoff, backoffDelay, checkBackoff, type Sleep, sleep } from './delay.js';

export interface RetryOptions {
  /** Attempts after the first. Required. */
  retries: number;
  /** Waits between attempts. Required. */
  backoff: Backoff;
  /** Whether a failure is worth another attempt. Default: every failure is. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * The wait a failure asks for itself (an HTTP `Retry-After`), in ms, taken instead of the
   * backoff; undefined: the backoff. Default: always the backoff.
   */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** Told before each wait: the failure, the attempt that failed (from 1), the wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Aborting it ends the retries: a failure after it is not retried, and a wait in progress
   * rejects with the signal's reason.
   */
  signal?: AbortSignal | undefined;
  /** Waits between attempts. Default: {@link sleep}. */
  sleep?: Sleep;
  /** For the `equal` jitter. Default `Math.random`. */
  random?: () => number;
}

/**
 * Runs `attempt` (numbered from 1) until it resolves, and resolves with its value. A failure is
 * retried, after a wait, while `retries` are left and `shouldRetry` allows; otherwise it
 * rejects as `attempt` threw it.
 */
export async function retry<T>(
  attempt: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { retries, backoff, signal } = options;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new TypeError(`options.retries must be an integer >= 0, found ${String(retries)}`);
  }
  checkBackoff(backoff);
  const wait = options.sleep ?? sleep;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n > retries || signal?.aborted || !(options.shouldRetry?.(error, n) ?? true)) throw error;
      const delayMs = options.retryAfterMs?.(error) ?? backoffDelay(backoff, n - 1, options.random);
      options.onRetry?.(error, n, delayMs);
      await wait(delayMs, signal);
    }
  }
}
