import type { Pattern } from './encodings.js';
import { HexView } from './hex.js';
import { gramIndex } from './line-breaks.js';
import { type Occurrence, Scanner, union } from './scanner.js';
import {
  type JoinedScanner,
  wrappedHoldFrom,
  wrappedIntervals,
  wrappedOccurrences,
  wrappedSpan,
} from './wrapped.js';

export type { Occurrence } from './scanner.js';

/**
 * All patterns in one multi-pattern matcher over bytes, which grows as patterns are added
 * (nothing is rebuilt). Hex forms are found by decoding runs of hex digits (`hex.ts`), in
 * either case; base64 and hex forms also where line breaks cut them (`wrapped.ts`).
 *
 * The hand-written matcher (instead of an npm one) is there because the published ones work
 * on UTF-16 strings, not bytes, and cannot report which tail of a chunk may still become a
 * match.
 */
export class Matcher {
  /** Every pattern but the hex forms. */
  readonly #plain = new Scanner();
  readonly #wrappable = new Wrappable();

  constructor(patterns: readonly Pattern[] = []) {
    for (const p of patterns) this.add(p);
  }

  /** Adds a pattern; false when it is empty or already there. */
  add(pattern: Pattern): boolean {
    if (pattern.kind === 'hex' || pattern.kind === 'hex-upper') {
      return this.#wrappable.addHex(pattern.bytes);
    }
    if (!this.#plain.add(pattern)) return false;
    if (pattern.kind === 'base64' || pattern.kind === 'base64url') {
      this.#wrappable.base64.add(pattern);
    }
    return true;
  }

  /** Length of the shortest pattern (0 when there are none). */
  get minLength(): number {
    return shortest(this.#plain.minLength, this.#wrappable.hex.minLength);
  }

  /** Length of the longest pattern (0 when there are none). */
  get maxLength(): number {
    return Math.max(this.#plain.maxLength, this.#wrappable.hex.maxLength);
  }

  /** The most input bytes one match can cover (a wrapped one covers its line breaks too). */
  get maxSpan(): number {
    return Math.max(this.maxLength, wrappedSpan(this.#wrappable.maxLength));
  }

  /** How many patterns there are (a value's hex forms in both cases count once). */
  get patternCount(): number {
    return this.#plain.patternCount + this.#wrappable.hex.patternCount;
  }

  /**
   * The union of all pattern occurrences in `data[0, end)`, as a flat list of `[start, end)`
   * pairs in order; overlapping or touching occurrences are merged.
   */
  intervals(data: Uint8Array, end = data.length): readonly number[] {
    const plain = this.#plain.intervals(data, end);
    const hex = this.#wrappable.hex.intervals(data, end);
    const wrapped = wrappedIntervals(this.#wrappable, data, end);
    return union(union(plain, hex), wrapped);
  }

  /** Every position where a pattern starts, with the longest pattern there. */
  occurrences(data: Uint8Array, end = data.length): Occurrence[] {
    return longestPerStart([
      ...this.#plain.occurrences(data, end),
      ...this.#wrappable.hex.occurrences(data, end),
      ...wrappedOccurrences(this.#wrappable, data, end),
    ]);
  }

  /**
   * Start of the longest tail of `data[0, end)` that might still become a match when more
   * input arrives — a proper prefix of some pattern, or of a wrapped one — or `end`.
   */
  holdFrom(data: Uint8Array, end = data.length): number {
    const plain = this.#plain.holdFrom(data, end);
    if (this.#wrappable.base64.patternCount + this.#wrappable.hex.patternCount === 0) {
      return plain;
    }
    const hex = this.#wrappable.hex.holdFrom(data, end);
    return Math.min(plain, hex, wrappedHoldFrom(this.#wrappable, data, end));
  }
}

/**
 * The encodings a tool may wrap over several lines — base64 patterns and hex forms — for
 * the joined text of wrapped blobs. The grams of the hex forms go into the base64 scanner's
 * gram table, which decides which line breaks may join.
 */
class Wrappable implements JoinedScanner {
  readonly base64 = new Scanner({ gram: gramIndex });
  readonly hex = new HexView();

  addHex(hex: Uint8Array): boolean {
    const text = Buffer.from(hex).toString('latin1');
    this.base64.noteGrams(Buffer.from(text.toLowerCase(), 'latin1'));
    this.base64.noteGrams(Buffer.from(text.toUpperCase(), 'latin1'));
    return this.hex.add(hex);
  }

  get minLength(): number {
    return shortest(this.base64.minLength, this.hex.minLength);
  }

  get maxLength(): number {
    return Math.max(this.base64.maxLength, this.hex.maxLength);
  }

  get patternCount(): number {
    return this.base64.patternCount + this.hex.patternCount;
  }

  get grams(): Uint8Array {
    return this.base64.grams;
  }

  intervals(data: Uint8Array, end: number): readonly number[] {
    return union(this.base64.intervals(data, end), this.hex.intervals(data, end));
  }

  occurrences(data: Uint8Array, end: number): Occurrence[] {
    return longestPerStart([
      ...this.base64.occurrences(data, end),
      ...this.hex.occurrences(data, end),
    ]);
  }

  holdFrom(data: Uint8Array, end: number): number {
    return Math.min(this.base64.holdFrom(data, end), this.hex.holdFrom(data, end));
  }
}

/** The smaller of two lengths where 0 means "no patterns". */
function shortest(a: number, b: number): number {
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}

/** Occurrences in order of offset, the longest at each offset only. */
function longestPerStart(all: Occurrence[]): Occurrence[] {
  all.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return all.filter((o, k) => k === 0 || all[k - 1]!.offset !== o.offset);
}
