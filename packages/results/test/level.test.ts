import { RUNG_NAMES, RUNG_STATUSES, type RungName, type RungStatus } from '@ccci/contracts';
import { describe, expect, it } from 'vitest';
import { type Level, level, verdict } from '../src/index.js';
import type { Flags } from '../src/types.js';

/** Every assignment of the 4 statuses to the 5 rungs: 4^5 = 1024. */
function allCombinations(): RungStatus[][] {
  let combos: RungStatus[][] = [[]];
  for (let i = 0; i < RUNG_NAMES.length; i++) {
    combos = combos.flatMap((c) => RUNG_STATUSES.map((s) => [...c, s]));
  }
  return combos;
}

/**
 * The definition restated independently, literally: the largest n such that rung n is `pass`
 * and every rung below it is `pass` or `skip`; 0 when there is no such n.
 */
function definition(statuses: RungStatus[]): number {
  const candidates = [1, 2, 3, 4, 5].filter(
    (n) =>
      statuses[n - 1] === 'pass' &&
      statuses.slice(0, n - 1).every((s) => s === 'pass' || s === 'skip'),
  );
  return candidates.length ? Math.max(...candidates) : 0;
}

const toRecord = (statuses: RungStatus[]) =>
  Object.fromEntries(RUNG_NAMES.map((n, i) => [n, statuses[i]!])) as Record<RungName, RungStatus>;

describe('level', () => {
  const combos = allCombinations();

  it('covers every combination of statuses exactly once', () => {
    expect(combos).toHaveLength(1024);
    expect(new Set(combos.map((c) => c.join(','))).size).toBe(1024);
  });

  it('equals the definition for all 1024 combinations, given statuses or rung objects', () => {
    const mismatches = combos.filter((c) => {
      const expected = definition(c);
      const asObjects = Object.fromEntries(
        RUNG_NAMES.map((n, i) => [n, { status: c[i]!, reason: null }]),
      ) as unknown as Record<RungName, { status: RungStatus }>;
      return level(toRecord(c)) !== expected || level(asObjects) !== expected;
    });
    expect(mismatches).toEqual([]);
  });

  it('distributes the 1024 combinations over levels as counted by hand', () => {
    const counts = [0, 0, 0, 0, 0, 0];
    for (const c of combos) counts[level(toRecord(c))]! += 1;
    // Counted by hand: f(k) = assignments of k rungs that never reach a pass = 2·4^(k-1) +
    // f(k-1), f(0) = 1 → f = 1, 3, 11, 43, 171, 683; level n ≥ 1 has 2^(n-1)·f(5-n) combinations.
    expect(counts).toEqual([683, 171, 86, 44, 24, 16]);
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1024);
  });

  it('climbs past intentional skips but not past fail or unver', () => {
    expect(
      level({
        install: 'pass',
        upgrade: 'skip',
        backup_restore: 'pass',
        functional: 'skip',
        lint: 'pass',
      }),
    ).toBe(5);
    expect(
      level({
        install: 'pass',
        upgrade: 'unver',
        backup_restore: 'pass',
        functional: 'pass',
        lint: 'pass',
      }),
    ).toBe(1);
    expect(
      level({
        install: 'pass',
        upgrade: 'pass',
        backup_restore: 'fail',
        functional: 'pass',
        lint: 'pass',
      }),
    ).toBe(2);
    expect(
      level({
        install: 'skip',
        upgrade: 'skip',
        backup_restore: 'skip',
        functional: 'skip',
        lint: 'skip',
      }),
    ).toBe(0);
    expect(
      level({
        install: 'fail',
        upgrade: 'pass',
        backup_restore: 'pass',
        functional: 'pass',
        lint: 'pass',
      }),
    ).toBe(0);
  });
});

describe('verdict (level plus flags)', () => {
  const flagValues = [true, false, null] as const;
  const levels: Level[] = [0, 1, 2, 3, 4, 5];

  it('matches its definition for every level, previous level and flag combination', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const reached of levels) {
      for (const previousLevel of [null, ...levels]) {
        for (const clean_teardown of flagValues)
          for (const no_secret_leak of flagValues)
            for (const deploy_budget_ok of flagValues)
              for (const quick of flagValues)
                for (const flaky of flagValues) {
                  const flags: Flags = {
                    clean_teardown,
                    no_secret_leak,
                    deploy_budget_ok,
                    quick,
                    flaky,
                  };
                  const guardsHold = [clean_teardown, no_secret_leak, deploy_budget_ok].every(
                    (f) => f !== false,
                  );
                  const expected =
                    guardsHold && reached >= (previousLevel ?? 1) ? 'success' : 'failure';
                  const got = verdict({ level: reached, flags, previousLevel });
                  if (got !== expected)
                    wrong.push(`${reached}/${previousLevel}/${JSON.stringify(flags)}: ${got}`);
                  checked++;
                }
      }
    }
    expect(checked).toBe(6 * 7 * 3 ** 5);
    expect(wrong).toEqual([]);
  });

  it('fails a level-5 run that leaked a secret, and passes a level-1 new recipe', () => {
    const ok: Flags = {
      clean_teardown: true,
      no_secret_leak: true,
      deploy_budget_ok: true,
      quick: false,
      flaky: false,
    };
    expect(verdict({ level: 5, flags: { ...ok, no_secret_leak: false } })).toBe('failure');
    expect(verdict({ level: 1, flags: ok })).toBe('success');
    expect(verdict({ level: 0, flags: ok })).toBe('failure');
    expect(verdict({ level: 3, flags: ok, previousLevel: 4 })).toBe('failure');
    expect(
      verdict({ level: 3, flags: { ...ok, flaky: true, quick: true }, previousLevel: 3 }),
    ).toBe('success');
  });
});
