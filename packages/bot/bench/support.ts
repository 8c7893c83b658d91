// What the bot's benches share: a percentile and an executor that starts nothing.
import type { DispatchRequest, Executor, LookupResult } from '../src/index.js';

/** The `p`th percentile (0–100) of `xs`, nearest rank; NaN when `xs` is empty. */
export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** An executor that dispatches at once (calling `onDispatch`, if given) and runs nothing. */
export function benchExecutor(onDispatch?: (r: DispatchRequest) => void): Executor {
  return {
    name: 'bench',
    durable: true,
    async dispatch(r) {
      onDispatch?.(r);
      return { ref: r.runId };
    },
    async cancel() {},
    async lookup(): Promise<LookupResult> {
      return { kind: 'absent' };
    },
    setEvents() {},
    async close() {},
  };
}
