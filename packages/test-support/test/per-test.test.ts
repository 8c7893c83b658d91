import { afterAll, describe, expect, it } from 'vitest';
import { perTest } from '../src/index.js';

const opened: number[] = [];
const closed: number[] = [];
let made = 0;

interface Counted {
  n: number;
  twice(): number;
}

describe('perTest', () => {
  const value = perTest<Counted>(
    async () => {
      made += 1;
      opened.push(made);
      return {
        n: made,
        twice(this: Counted) {
          return this.n * 2;
        },
      };
    },
    (v) => {
      closed.push(v.n);
    },
  );

  it('reads through to the value made for this test, methods bound to it', () => {
    expect(value.n).toBe(1);
    expect(value.twice()).toBe(2);
  });

  it('makes a fresh value for the next test after closing the last one', () => {
    expect(value.n).toBe(2);
    expect(closed).toEqual([1]);
  });

  afterAll(() => {
    expect(opened).toEqual([1, 2]);
    expect(closed).toEqual([1, 2]);
    expect(() => value.n).toThrow(/perTest: n read outside a test/);
  });
});
