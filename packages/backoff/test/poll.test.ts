import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollUntil } from '../src/index.js';
import { fakeClock } from './clock.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('pollUntil', () => {
  it('resolves true at the first check that holds, waiting longer each time', async () => {
    const clock = fakeClock();
    let calls = 0;
    const met = await pollUntil(() => ++calls === 4, { timeoutMs: 60_000, ...clock });
    expect(met).toBe(true);
    expect(calls).toBe(4);
    expect(clock.waits).toEqual([50, 100, 200]);
  });

  it('checks once more at the deadline (the last wait cut to what is left), then resolves false', async () => {
    const clock = fakeClock();
    let calls = 0;
    const met = await pollUntil(
      () => {
        calls++;
        return false;
      },
      { timeoutMs: 1_000, backoff: { firstMs: 100, maxMs: 300 }, ...clock },
    );
    expect(met).toBe(false);
    expect(clock.waits).toEqual([100, 200, 300, 300, 100]);
    expect(calls).toBe(6);
  });

  it('counts the time the checks take against the deadline', async () => {
    const clock = fakeClock();
    let calls = 0;
    const met = await pollUntil(
      async () => {
        calls++;
        clock.advance(400);
        return false;
      },
      { timeoutMs: 1_000, backoff: { firstMs: 100, factor: 1 }, ...clock },
    );
    expect(met).toBe(false);
    expect(calls).toBe(3);
    expect(clock.waits).toEqual([100, 100]);
  });

  it('checks once even with no time and with an aborted signal', async () => {
    const clock = fakeClock();
    let calls = 0;
    const check = () => {
      calls++;
      return false;
    };
    expect(await pollUntil(check, { timeoutMs: 0, ...clock })).toBe(false);
    expect(
      await pollUntil(check, { timeoutMs: 5_000, signal: AbortSignal.abort(), ...clock }),
    ).toBe(false);
    expect(calls).toBe(2);
    expect(clock.waits).toEqual([]);
    expect(await pollUntil(() => true, { timeoutMs: 0, signal: AbortSignal.abort() })).toBe(true);
  });

  it('ends a wait between checks at once when the signal is aborted', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    let calls = 0;
    const polling = pollUntil(
      () => {
        calls++;
        return false;
      },
      { timeoutMs: 60_000, backoff: { firstMs: 10_000 }, signal: controller.signal },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    controller.abort();
    expect(await polling).toBe(false);
    expect(calls).toBe(1);
  });

  it('waits with real timers by default', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const polling = pollUntil(() => ++calls === 3, { timeoutMs: 60_000 });
    await vi.advanceTimersByTimeAsync(49);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(await polling).toBe(true);
  });

  it('rejects with the error a check throws', async () => {
    const boom = new Error('docker not found');
    await expect(
      pollUntil(
        () => {
          throw boom;
        },
        { timeoutMs: 1_000, ...fakeClock() },
      ),
    ).rejects.toBe(boom);
  });

  it('names a bad option', async () => {
    await expect(pollUntil(() => true, { timeoutMs: -1 })).rejects.toThrow(
      new TypeError('options.timeoutMs must be a number >= 0, found -1'),
    );
    await expect(
      pollUntil(() => true, { timeoutMs: 1, backoff: { firstMs: 10, factor: 0.5 } }),
    ).rejects.toThrow(/backoff\.factor must be a number >= 1, found 0\.5/);
  });
});
