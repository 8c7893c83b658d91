/** A clock tests move by hand; pass `clock.now` as the fake forge's `clock` option. */
export interface ManualClock {
  now: () => Date;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  set(date: Date | string): void;
}

export function manualClock(start: Date | string = '2026-11-22T10:00:00Z'): ManualClock {
  let current = new Date(start).getTime();
  if (Number.isNaN(current)) throw new TypeError(`manualClock: bad start time ${String(start)}`);
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
    set(date) {
      current = new Date(date).getTime();
    },
  };
}
