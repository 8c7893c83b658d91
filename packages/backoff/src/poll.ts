import { type Backoff, backoffDelay, checkBackoff, type Sleep, sleep } from './delay.js';

export interface PollOptions {
  /** How long to keep checking, in ms from the start of the first check. Required. */
  timeoutMs: number;
  /** Waits between checks. Default `{ firstMs: 50, maxMs: 1000 }` (doubling). */
  backoff?: Backoff;
  /** Aborting it ends the wait after the check in progress (the wait between checks at once). */
  signal?: AbortSignal | undefined;
  /** Current time in ms. Default `Date.now`. */
  now?: () => number;
  /** Waits between checks. Default: {@link sleep}. */
  sleep?: Sleep;
}

const DEFAULT_BACKOFF: Backoff = { firstMs: 50, maxMs: 1_000 };

/**
 * Calls `check` until it returns true, waiting between calls by `backoff`: resolves true then,
 * false once `timeoutMs` has passed or `signal` is aborted. `check` runs at least once (also
 * with `timeoutMs` 0 or an aborted signal) and once more at the deadline: the last wait is cut
 * to the time left. An error thrown by `check` rejects. Callers that want the last state seen
 * keep it from inside `check`.
 */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  options: PollOptions,
): Promise<boolean> {
  const { timeoutMs, signal, now = Date.now, sleep: wait = sleep } = options;
  if (!(timeoutMs >= 0)) {
    throw new TypeError(`options.timeoutMs must be a number >= 0, found ${String(timeoutMs)}`);
  }
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  checkBackoff(backoff);
  const deadline = now() + timeoutMs;
  for (let index = 0; ; index++) {
    if (await check()) return true;
    const left = deadline - now();
    if (left <= 0 || signal?.aborted) return false;
    try {
      await wait(Math.min(backoffDelay(backoff, index), left), signal);
    } catch (error) {
      if (signal?.aborted) return false;
      throw error;
    }
  }
}
