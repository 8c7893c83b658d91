import type { PatternKind } from './encodings.js';
import { NONE, type Occurrence, Scanner, union } from './scanner.js';

/** Value of each hex digit (either case), −1 for other bytes. */
const DIGIT = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  DIGIT['0123456789abcdef'.charCodeAt(d)] = d;
  DIGIT['0123456789ABCDEF'.charCodeAt(d)] = d;
}

/**
 * Secrets written in hex, in either case. Hex text is where a pattern search is weakest: its
 * 16 characters make every 3-gram of normal hex text a gram of some hex pattern, so a skip
 * loop stops everywhere. Instead, runs of hex digits long enough to hold a secret are found
 * by looking at every (shortest hex form)th byte only, decoded at both byte alignments, and
 * the secret values themselves are searched in the decoded bytes, which look random.
 */
export class HexView {
  /** The secret values (not their hex): what decoded runs are searched for. */
  readonly #values = new Scanner();
  #scratch = Buffer.allocUnsafe(1024);

  /** Adds the value whose hex form is `hex` (either case); false if it was there. */
  add(hex: Uint8Array): boolean {
    const value = Buffer.from(Buffer.from(hex).toString('latin1'), 'hex');
    return this.#values.add({ bytes: value, kind: 'hex' });
  }

  get patternCount(): number {
    return this.#values.patternCount;
  }

  /** Length of the shortest hex form (0 when there are none). */
  get minLength(): number {
    return 2 * this.#values.minLength;
  }

  /** Length of the longest hex form (0 when there are none). */
  get maxLength(): number {
    return 2 * this.#values.maxLength;
  }

  /** The union of hex-form occurrences in `data[0, end)`, merged `[start, end)` pairs. */
  intervals(data: Uint8Array, end = data.length): readonly number[] {
    let out: readonly number[] = NONE;
    this.#eachRun(data, end, (start, stop) => {
      for (let q = 0; q < 2; q++) {
        const n = this.#decode(data, start + q, stop);
        const found = this.#values.intervals(this.#scratch, n);
        if (found.length === 0) continue;
        const mapped = found.map((k) => start + q + 2 * k);
        out = union(out, mapped);
      }
    });
    return out;
  }

  /** Every position where a hex form starts, with the longest there. */
  occurrences(data: Uint8Array, end = data.length): Occurrence[] {
    const out: Occurrence[] = [];
    this.#eachRun(data, end, (start, stop) => {
      for (let q = 0; q < 2; q++) {
        const n = this.#decode(data, start + q, stop);
        for (const o of this.#values.occurrences(this.#scratch, n)) {
          const offset = start + q + 2 * o.offset;
          const length = 2 * o.length;
          out.push({ offset, length, kind: caseOf(data, offset, offset + length) });
        }
      }
    });
    return out.sort((a, b) => a.offset - b.offset || b.length - a.length);
  }

  /**
   * Start of the tail of `data[0, end)` that may still become a hex form: at either
   * alignment, decoded bytes ending in a proper prefix of a value, or a last lone digit that
   * may begin a byte of one — or `end`.
   */
  holdFrom(data: Uint8Array, end = data.length): number {
    if (this.patternCount === 0 || end === 0 || DIGIT[data[end - 1]!]! < 0) return end;
    let start = end;
    while (start > 0 && end - start < this.maxLength && DIGIT[data[start - 1]!]! >= 0) start--;
    let hold = end;
    for (let q = 0; q < 2; q++) {
      const from = start + q;
      if (from >= end) continue;
      const n = this.#decode(data, from, end);
      const h = this.#values.holdFrom(this.#scratch, n);
      if (h < n) hold = Math.min(hold, from + 2 * h);
      // A lone digit after the whole bytes: the first half of a value's byte, maybe.
      if ((end - from) % 2 === 1) hold = Math.min(hold, end - 1);
    }
    return hold;
  }

  /**
   * Calls `visit(start, stop)` for each run of hex digits at least as long as the shortest
   * hex form. Looking at every (shortest)th byte finds each such run: it holds one of them.
   */
  #eachRun(data: Uint8Array, end: number, visit: (start: number, stop: number) => void) {
    const shortest = this.minLength;
    if (shortest === 0) return;
    let done = 0;
    for (let i = shortest - 1; i < end; i += shortest) {
      if (DIGIT[data[i]!]! < 0) continue;
      let start = i;
      while (start > done && DIGIT[data[start - 1]!]! >= 0) start--;
      let stop = i + 1;
      while (stop < end && DIGIT[data[stop]!]! >= 0) stop++;
      if (stop - start >= shortest) visit(start, stop);
      done = stop;
      // The next look is a whole shortest length after this run.
      i = stop;
    }
  }

  /**
   * Decodes the whole bytes of hex digits `data[from, to)` (a lone last digit dropped) into
   * the scratch space; returns how many.
   */
  #decode(data: Uint8Array, from: number, to: number): number {
    const n = (to - from) >> 1;
    if (this.#scratch.length < n) this.#scratch = Buffer.allocUnsafe(2 * n);
    const out = this.#scratch;
    for (let k = 0, i = from; k < n; k++, i += 2) {
      out[k] = (DIGIT[data[i]!]! << 4) | DIGIT[data[i + 1]!]!;
    }
    return n;
  }
}

/** `hex-upper` when the text has upper-case digits and no lower-case ones, else `hex`. */
function caseOf(data: Uint8Array, from: number, to: number): PatternKind {
  let upper = false;
  for (let i = from; i < to; i++) {
    const c = data[i]!;
    if (c >= 0x61) return 'hex';
    if (c >= 0x41) upper = true;
  }
  return upper ? 'hex-upper' : 'hex';
}
