import { Matcher, type Pattern } from '@ccci/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const raw = (s: string): Pattern => ({ bytes: bytes(s), kind: 'raw' });

/** The longest pattern at each start, merged into a union of touching/overlapping spans. */
function naiveIntervals(text: string, patterns: readonly string[]): number[] {
  const out: number[] = [];
  for (let p = 0; p < text.length; p++) {
    const len = Math.max(0, ...patterns.filter((q) => text.startsWith(q, p)).map((q) => q.length));
    if (len === 0) continue;
    const last = out.length - 1;
    if (last > 0 && p <= out[last]!) out[last] = Math.max(out[last]!, p + len);
    else out.push(p, p + len);
  }
  return out;
}

/** `[start, length]` of the longest pattern at each start where one starts. */
function naiveStarts(text: string, patterns: readonly string[]): number[][] {
  const out: number[][] = [];
  for (let p = 0; p < text.length; p++) {
    const len = Math.max(0, ...patterns.filter((q) => text.startsWith(q, p)).map((q) => q.length));
    if (len > 0) out.push([p, len]);
  }
  return out;
}

function naiveHoldFrom(text: string, patterns: readonly string[]): number {
  for (let p = 0; p < text.length; p++) {
    const rest = text.slice(p);
    if (patterns.some((q) => q.length > rest.length && q.startsWith(rest))) return p;
  }
  return text.length;
}

// A three-letter alphabet makes overlaps, shared prefixes and near misses the rule.
const small = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: min, maxLength: max });

/** 1 to `count` distinct patterns of `min` to `max` letters. */
const patternSet = (min: number, max: number, count: number) =>
  fc.uniqueArray(small(min, max), { minLength: 1, maxLength: count });

/** `check` holds for `numRuns` pattern sets (as `patternSet`) and texts of up to `textMax` letters. */
function forPatternsAndText(
  [min, max, count]: [number, number, number],
  textMax: number,
  numRuns: number,
  check: (ps: string[], text: string) => void,
) {
  fc.assert(fc.property(patternSet(min, max, count), small(0, textMax), check), { numRuns });
}

describe('Matcher', () => {
  it('finds the same union of occurrences as a naive search', () => {
    forPatternsAndText([4, 9, 6], 120, 400, (ps, text) => {
      const m = new Matcher(ps.map(raw));
      expect([...m.intervals(bytes(text))]).toEqual(naiveIntervals(text, ps));
    });
  });

  it('finds the same occurrences in long chunks (two-lane scan), also across the midpoint', () => {
    fc.assert(
      fc.property(
        patternSet(4, 12, 6),
        fc.integer({ min: 2048, max: 5000 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -14, max: 14 })), { maxLength: 8 }),
        fc.nat(),
        (ps, length, plants, seed) => {
          // Long filler from the same alphabet, with patterns planted near the midpoint
          // (where lane A stops and lane B starts) and near both ends.
          let x = seed;
          const filler = Array.from({ length }, () => {
            x = (Math.imul(x, 1103515245) + 12345) >>> 0;
            return 'abcd'[x >>> 30]!;
          });
          const text = filler.join('').split('');
          for (const [which, delta] of plants) {
            const p = ps[which % ps.length]!;
            const anchor = [length >> 1, 0, length - p.length][which % 3]!;
            const at = Math.max(0, Math.min(length - p.length, anchor + delta));
            text.splice(at, p.length, ...p.split(''));
          }
          const t = text.join('');
          const m = new Matcher(ps.map(raw));
          expect([...m.intervals(bytes(t))]).toEqual(naiveIntervals(t, ps));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports the longest pattern at each start, with its kind', () => {
    const m = new Matcher([raw('abcd'), { bytes: bytes('abcdef'), kind: 'json' }, raw('cdefgh')]);
    expect(m.occurrences(bytes('xxabcdefgh abcd'))).toEqual([
      { offset: 2, length: 6, kind: 'json' },
      { offset: 4, length: 6, kind: 'raw' },
      { offset: 11, length: 4, kind: 'raw' },
    ]);
    expect([...m.intervals(bytes('xxabcdefgh abcd'))]).toEqual([2, 10, 11, 15]);
  });

  it('holds back exactly the longest tail that could still grow into a pattern', () => {
    forPatternsAndText([4, 9, 6], 40, 400, (ps, text) => {
      const m = new Matcher(ps.map(raw));
      const from = m.holdFrom(bytes(text));
      expect(from).toBe(naiveHoldFrom(text, ps));
      expect(text.length - from).toBeLessThanOrEqual(m.maxLength - 1);
    });
  });

  it('grows one pattern at a time: after each add, the same as a naive search', () => {
    forPatternsAndText([1, 10, 8], 300, 300, (ps, text) => {
      // Lengths 1 and 2 as well: the skip loop's window shrinks as shorter patterns come.
      const m = new Matcher();
      ps.forEach((p, i) => {
        expect(m.add(raw(p))).toBe(true);
        expect(m.add(raw(p))).toBe(false);
        const known = ps.slice(0, i + 1);
        expect([...m.intervals(bytes(text))]).toEqual(naiveIntervals(text, known));
        expect(m.occurrences(bytes(text)).map((o) => [o.offset, o.length])).toEqual(
          naiveStarts(text, known),
        );
        const tail = text.slice(-12);
        expect(m.holdFrom(bytes(tail))).toBe(naiveHoldFrom(tail, known));
      });
    });
  });

  it('matches nothing when it has no patterns', () => {
    const m = new Matcher([]);
    expect([...m.intervals(bytes('anything at all'))]).toEqual([]);
    expect(m.holdFrom(bytes('abc'))).toBe(3);
  });
});
