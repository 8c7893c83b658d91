import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh value for each test of the calling file or describe block: `open` makes it before
 * each test, `close` ends it after. The returned object reads through to the current test's
 * value (methods bound to it), so a test writes `w.fake` as if it held the value itself.
 */
export function perTest<T extends object>(open: () => Promise<T>, close: (value: T) => unknown): T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    const value = current;
    current = undefined;
    if (value) await close(value);
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!current) throw new Error(`perTest: ${String(key)} read outside a test`);
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
