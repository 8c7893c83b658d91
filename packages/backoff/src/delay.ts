/** A growing delay: `firstMs`, multiplied by `factor` after each wait, never above `maxMs`. */
export interface Backoff {
  /** First delay in ms. */
  firstMs: number;
  /** Largest delay in ms. Default: no bound. */
  maxMs?: number;
  /** Growth per step, 1 for a fixed interval. Default 2. */
  factor?: number;
  /**
   * `equal`: half of each delay fixed, half random ("equal jitter"), so clients that failed
   * together do not come back together. Default `none`.
   */
  jitter?: 'none' | 'equal';
}

function check(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(value >= min)) {
    throw new TypeError(`backoff.${name} must be a number >= ${min}, found ${String(value)}`);
  }
}

/** Throws a TypeError naming the bad field of `backoff`. */
export function checkBackoff(backoff: Backoff): void {
  check('firstMs', backoff.firstMs, 0);
  check('maxMs', backoff.maxMs, 0);
  check('factor', backoff.factor, 1);
}

/** The wait before re-check or retry number `index` (0 for the first). */
export function backoffDelay(backoff: Backoff, index: number, random = Math.random): number {
  const base = Math.min(
    backoff.maxMs ?? Number.POSITIVE_INFINITY,
    backoff.firstMs * (backoff.factor ?? 2) ** index,
  );
  return backoff.jitter === 'equal' ? Math.round(base / 2 + (random() * base) / 2) : base;
}

/** Waits `ms`; rejects with the signal's reason as soon as `signal` is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How the helpers wait: `sleep` above, or a test's fake. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
