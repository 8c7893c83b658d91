import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, retry } from '../src/index.js';
import { fakeClock } from './clock.js';

afterEach(() => {
  vi.useRealTimers();
});

/** An attempt that fails `failures` times with numbered errors, then resolves 'ok'. */
function flaky(failures: number) {
  const seen: number[] = [];
  const attempt = async (n: number) => {
    seen.push(n);
    if (n <= failures) throw new Error(`failure ${n}`);
    return 'ok';
  };
  return { seen, attempt };
}

describe('retry', () => {
  it('retries until an attempt succeeds, waiting longer each time', async () => {
    const clock = fakeClock();
    const { seen, attempt } = flaky(3);
    const told: string[] = [];
    const value = await retry(attempt, {
      retries: 5,
      backoff: { firstMs: 500 },
      sleep: clock.sleep,
      onRetry: (error, n, ms) => told.push(`${(error as Error).message} #${n} ${ms}`),
    });
    expect(value).toBe('ok');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(clock.waits).toEqual([500, 1000, 2000]);
    expect(told).toEqual(['failure 1 #1 500', 'failure 2 #2 1000', 'failure 3 #3 2000']);
  });

  it('rejects with the last failure once the retries are spent', async () => {
    const clock = fakeClock();
    const { seen, attempt } = flaky(10);
    await expect(
      retry(attempt, { retries: 2, backoff: { firstMs: 1, maxMs: 1 }, sleep: clock.sleep }),
    ).rejects.toThrow('failure 3');
    expect(seen).toEqual([1, 2, 3]);
    expect(clock.waits).toEqual([1, 1]);
  });

  it('does not retry a failure shouldRetry refuses', async () => {
    const clock = fakeClock();
    const { seen, attempt } = flaky(10);
    await expect(
      retry(attempt, {
        retries: 5,
        backoff: { firstMs: 100 },
        shouldRetry: (error) => (error as Error).message !== 'failure 2',
        sleep: clock.sleep,
      }),
    ).rejects.toThrow('failure 2');
    expect(seen).toEqual([1, 2]);
    expect(clock.waits).toEqual([100]);
  });

  it('waits what a failure asks for (Retry-After) instead of the backoff', async () => {
    const clock = fakeClock();
    const { attempt } = flaky(2);
    await retry(attempt, {
      retries: 3,
      backoff: { firstMs: 100 },
      retryAfterMs: (error) => ((error as Error).message === 'failure 1' ? 7_000 : undefined),
      sleep: clock.sleep,
    });
    expect(clock.waits).toEqual([7_000, 200]);
  });

  it('does not retry after its signal is aborted, and an abort ends a wait at once', async () => {
    const aborted = flaky(1);
    await expect(
      retry(aborted.attempt, { retries: 3, backoff: { firstMs: 1 }, signal: AbortSignal.abort() }),
    ).rejects.toThrow('failure 1');
    expect(aborted.seen).toEqual([1]);

    vi.useFakeTimers();
    const controller = new AbortController();
    const waiting = flaky(1);
    const retrying = retry(waiting.attempt, {
      retries: 3,
      backoff: { firstMs: 60_000 },
      signal: controller.signal,
    });
    const settled = expect(retrying).rejects.toThrow('cancelled');
    await vi.advanceTimersByTimeAsync(0);
    controller.abort(new Error('cancelled'));
    await settled;
    expect(waiting.seen).toEqual([1]);
  });

  it('names a bad option', async () => {
    await expect(retry(async () => 1, { retries: -1, backoff: { firstMs: 1 } })).rejects.toThrow(
      new TypeError('options.retries must be an integer >= 0, found -1'),
    );
    await expect(
      retry(async () => 1, { retries: 1, backoff: { firstMs: Number.NaN } }),
    ).rejects.toThrow(/backoff\.firstMs must be a number >= 0, found NaN/);
  });
});

describe('backoffDelay', () => {
  it('doubles from firstMs up to maxMs; factor 1 is a fixed interval', () => {
    const b = { firstMs: 25, maxMs: 500 };
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => backoffDelay(b, i))).toEqual([
      25, 50, 100, 200, 400, 500, 500,
    ]);
    expect(backoffDelay({ firstMs: 250, factor: 1 }, 9)).toBe(250);
  });

  it('with equal jitter keeps half of the delay and draws the other half', () => {
    const b = { firstMs: 1_000, jitter: 'equal' } as const;
    expect(backoffDelay(b, 1, () => 0)).toBe(1_000);
    expect(backoffDelay(b, 1, () => 0.5)).toBe(1_500);
    expect(backoffDelay(b, 1, () => 0.999_999)).toBe(2_000);
  });
});
