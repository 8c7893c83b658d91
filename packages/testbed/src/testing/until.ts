/**
 * Polls `fn` every 10 ms until it returns something truthy, and resolves with that: a wait on a
 * condition, never a fixed sleep. Rejects after `ms` (default 10 s) naming `what`.
 */
export async function until<T>(
  fn: () => T | Promise<T>,
  ms = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
