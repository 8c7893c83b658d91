import { pollUntil } from '@ccci/backoff';

/**
 * Polls `fn` every 10 ms until it returns something truthy, and resolves with that: a wait on a
 * condition, never a fixed sleep. Rejects after `ms` (default 10 s) naming `what`.
 */
export async function until<T>(
  fn: () => T | Promise<T>,
  ms = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  let value: T | undefined;
  const met = await pollUntil(
    async () => {
      value = await fn();
      return Boolean(value);
    },
    { timeoutMs: ms, backoff: { firstMs: 10, factor: 1 } },
  );
  if (!met) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  return value as NonNullable<T>;
}
