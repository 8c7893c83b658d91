import { describe, expect, it } from 'vitest';
import { decide, LOCK_STATES, type LockState } from '../src/decide.js';

const deadlineMs = 60 * 60_000;
const marginMs = 10 * 60_000;
const limit = deadlineMs + marginMs;

describe('decide (the janitor table)', () => {
  const ages = [0, 1, limit - 1, limit, limit + 1, 10 * limit];
  const expected = (state: LockState, age: number) => {
    if (state === 'stale' || state === 'absent') return 'reap';
    if (state === 'held-old') return 'warn-leaked';
    return age > limit ? 'warn-leaked' : 'leave';
  };
  for (const state of LOCK_STATES) {
    for (const ageMs of ages) {
      it(`${state}, held ${ageMs} ms → ${expected(state, ageMs)}`, () => {
        expect(decide({ lockState: state, ageMs, deadlineMs, marginMs })).toBe(
          expected(state, ageMs),
        );
      });
    }
  }

  it('never reaps a held lock, whatever the numbers', () => {
    for (const lockState of ['held-fresh', 'held-old'] as const) {
      for (const ageMs of [0, 5, 1e12]) {
        for (const d of [0, 1, 1e9]) {
          expect(decide({ lockState, ageMs, deadlineMs: d, marginMs: d })).not.toBe('reap');
        }
      }
    }
  });

  it('rejects bad input with a TypeError naming the field', () => {
    expect(() =>
      decide({ lockState: 'gone' as LockState, ageMs: 0, deadlineMs, marginMs }),
    ).toThrow(/lockState: .*"gone"/);
    expect(() => decide({ lockState: 'absent', ageMs: -1, deadlineMs, marginMs })).toThrow(/ageMs/);
    expect(() =>
      decide({ lockState: 'absent', ageMs: 0, deadlineMs: Number.NaN, marginMs }),
    ).toThrow(/deadlineMs/);
    expect(() => decide({ lockState: 'absent', ageMs: 0, deadlineMs, marginMs: -5 })).toThrow(
      /marginMs/,
    );
  });
});
