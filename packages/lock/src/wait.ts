import { watch } from 'node:fs';
import { pollUntil } from '@ccci/backoff';
import { WaitTimeoutError } from './errors.js';

/**
 * Resolves when something changes in `dir` (a lock released or taken) or after `maxMs`,
 * whichever is first. Staleness is a matter of time, not an event, hence the upper bound.
 */
export function dirChangeOrTimeout(dir: string, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let watcher: ReturnType<typeof watch> | undefined;
    const done = () => {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, maxMs));
    try {
      watcher = watch(dir, { persistent: false }, done);
      watcher.on('error', done);
    } catch {
      // No watcher (e.g. the dir vanished): the timeout alone bounds the wait.
    }
  });
}

export interface WaitForOptions {
  /** Give up after this long (default 60 000 ms). */
  timeoutMs?: number;
  /** First re-check delay, doubled up to `maxIntervalMs` (default 50 ms). */
  intervalMs?: number;
  /** Upper bound of the re-check delay (default 1 000 ms). */
  maxIntervalMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/**
 * Awaits `condition()` becoming true, re-checking with a growing delay; throws when it does
 * not within `timeoutMs`. Used for Docker state (tasks gone, volume released) that has no
 * event this package can subscribe to cheaply.
 */
export async function waitFor(
  condition: () => Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const {
    timeoutMs = 60_000,
    intervalMs = 50,
    maxIntervalMs = 1_000,
    what = 'condition',
  } = options;
  const met = await pollUntil(condition, {
    timeoutMs,
    backoff: { firstMs: intervalMs, maxMs: maxIntervalMs },
  });
  if (!met) throw new WaitTimeoutError(what, timeoutMs);
}
