import { describe, expect, it } from 'vitest';
import { ResultsSchemaError } from '../src/errors.js';
import {
  exampleResults,
  normalizeResults,
  type Results,
  renderCardSvg,
  renderComment,
  validateResults,
} from '../src/index.js';
import { assertResults } from '../src/validate.js';

const issuesOf = (value: unknown) => {
  const outcome = validateResults(value);
  return outcome.ok ? [] : outcome.issues;
};

/** The error a reader gets, without a stack trace in its message. */
function refusal(value: unknown): ResultsSchemaError {
  try {
    normalizeResults(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ResultsSchemaError);
    expect((error as Error).message).not.toMatch(/\n|\bat .+:\d+:\d+/);
    return error as ResultsSchemaError;
  }
  throw new Error('expected the document to be refused');
}

describe('the level is recomputed on every read', () => {
  const forged = (): Results => {
    const r = structuredClone(exampleResults({ level: 0 }));
    for (const rung of Object.values(r.rungs)) rung.status = 'fail';
    r.level = 5;
    return r;
  };

  it('refuses a document claiming level 5 with every rung failed, naming the field', () => {
    expect(issuesOf(forged())).toEqual([
      { path: '/level', expected: '0, the level its rungs reach', found: '5' },
    ]);
    expect(refusal(forged()).message).toContain(
      '/level: expected 0, the level its rungs reach, found 5',
    );
  });

  it('so no comment or card says "level 5" for it', () => {
    expect(() => renderComment({ kind: 'result', results: forged() })).toThrow(ResultsSchemaError);
    expect(() => renderCardSvg(forged())).toThrow(/\/level: expected 0/);
  });

  it('accepts a level that matches (skips climbed past)', () => {
    const r = structuredClone(exampleResults({ level: 5 }));
    r.rungs.upgrade.status = 'skip';
    r.rungs.upgrade.tests = [];
    r.skips.intentional.push({ rung: 'upgrade', test: null, reason: 'EXPECTED_NA' });
    expect(issuesOf(r)).toEqual([]);
  });
});

describe('timestamps and durations', () => {
  const at = (started_at: string, finished_at: string) => ({
    ...exampleResults({ level: 3 }),
    started_at,
    finished_at,
  });

  const REAL_DATE = 'a real UTC date and time from 1970 on, e.g. 2026-11-22T03:00:00.000Z';
  it.each([
    ['2026-99-99T99:99:99Z', 'a UTC date and time, e.g. 2026-11-22T03:00:00.000Z'],
    ['2026-02-30T03:00:00Z', REAL_DATE],
    ['1969-12-31T23:59:59Z', REAL_DATE],
  ])('refuses started_at %s with what was expected (no "took NaN h")', (started, expected) => {
    // Refused alone: finished_at is not compared with a start that is not a time.
    expect(issuesOf(at(started, '1970-01-01T00:00:01Z'))).toEqual([
      { path: '/started_at', expected, found: JSON.stringify(started) },
    ]);
  });

  it.each([
    ['2026-11-22T02:59:59.999Z', 'a time at or after started_at (2026-11-22T03:00:00Z)'],
    ['2026-11-29T03:00:01Z', 'a time at most 7 days after started_at'],
  ])('refuses finished_at %s: no negative duration, no run over a week', (finished, expected) => {
    expect(issuesOf(at('2026-11-22T03:00:00Z', finished))).toEqual([
      { path: '/finished_at', expected, found: JSON.stringify(finished) },
    ]);
  });

  it('accepts a leap day, a real date', () => {
    expect(issuesOf(at('2028-02-29T03:00:00Z', '2028-02-29T03:30:00Z'))).toEqual([]);
  });

  it('refuses durations past a week (1e300 would overflow the card)', () => {
    const r = structuredClone(exampleResults({ level: 3 })) as unknown as Record<string, unknown>;
    const rungs = r.rungs as Results['rungs'];
    rungs.install.duration_ms = 1e300;
    rungs.install.tests = [{ name: 't', status: 'pass', ms: 604_800_001, reason: null }];
    expect(issuesOf(r)).toEqual([
      {
        path: '/rungs/install/duration_ms',
        expected: 'a value that must be <= 604800000 (or null)',
        found: '1e+300',
      },
      {
        path: '/rungs/install/tests/0/ms',
        expected: 'a value that must be <= 604800000',
        found: '604800001',
      },
    ]);
    expect(() => assertResults(r)).toThrow(/\/rungs\/install\/duration_ms: expected a value/);
  });
});

describe('a v0 document', () => {
  it('with one unreadable time gets a run of unknown length, not one from 1970', () => {
    const v0 = {
      recipe: 'keycloak',
      commit: '4f2a9c0d1e3b5a7c9e1f3a5c7e9b1d3f5a7c9e1b',
      run: 'r1',
      started: 'yesterday-ish',
      finished: '2025-06-11T12:21:44Z',
      tiers: [{ name: 'install', result: 'passed', seconds: 1 }],
    };
    const r = normalizeResults(v0);
    expect(r.started_at).toBe('2025-06-11T12:21:44.000Z');
    expect(r.finished_at).toBe('2025-06-11T12:21:44.000Z');
  });
});
