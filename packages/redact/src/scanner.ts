import type { Pattern, PatternKind } from './encodings.js';
import { Trie } from './trie.js';

/** One occurrence of a pattern: where it starts, how long it is, which encoding. */
export interface Occurrence {
  readonly offset: number;
  readonly length: number;
  readonly kind: PatternKind;
}

/** Shared empty result: most chunks hold no secret, and need no array of their own. */
export const NONE: readonly number[] = [];
/** Chunks at least this long are scanned in two interleaved lanes. */
const TWO_LANES = 2048;
/**
 * Skip-loop window sizes. The window is the largest that fits in the shortest pattern; a
 * shorter pattern moves it down a level, so the skip table is rebuilt at most once per level
 * however many patterns arrive one by one.
 */
const WINDOWS = [3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

/**
 * Patterns in one growing multi-pattern scanner over bytes.
 *
 * Finding: a Wu–Manber skip loop over 3-byte grams of the window (the first w bytes of every
 * pattern) jumps up to w−2 bytes at a time over text where no pattern can start. From a
 * candidate start the Aho–Corasick automaton of a byte trie takes over and runs until it is
 * back at its root — no pattern is then under way — and the skip loop resumes there. Text
 * that keeps the automaton busy (a secret's own character repeated, near misses of a shared
 * prefix) thus costs one automaton step per byte, never a walk per start.
 */
export class Scanner {
  readonly trie = new Trie();
  readonly kinds: PatternKind[] = [];
  /** Length of the shortest pattern (0 when there are none). */
  minLength = 0;
  /** Length of the longest pattern (0 when there are none). */
  maxLength = 0;
  readonly #patterns: Uint8Array[] = [];
  #window = 0;
  /** Wu–Manber table: how far the window may move on, by the gram at its end. */
  #skip: Uint8Array | undefined;
  /**
   * How a gram indexes the table: the low 5 bits of each of its three bytes (a 32 KiB table)
   * up to 32 patterns, so a redactor with a few secrets is cheap to make; 6 bits (256 KiB)
   * up to 128; 7 bits (2 MiB) beyond, where fewer grams share a slot. Bytes that differ only
   * in the dropped bits share slots, which only makes some shifts smaller than they could be.
   */
  #gram: readonly [mask: number, shift1: number, shift2: number] = [31, 5, 10];
  /** 1 for each byte value that occurs in some pattern before its last byte. */
  readonly #inPattern = new Uint8Array(256);
  /** 1 for each pair of bytes that begins some pattern. */
  readonly #prefixPairs = new Uint8Array(65536);

  /**
   * With `grams`, which 4-grams occur anywhere in the patterns: a 2²⁴-bit set (2 MiB) indexed
   * by `gram(a, b, c, d)`; 4-grams that share a bit only admit more.
   */
  readonly grams: Uint8Array;
  readonly #gramIndex: ((a: number, b: number, c: number, d: number) => number) | undefined;

  constructor(options: { gram?: (a: number, b: number, c: number, d: number) => number } = {}) {
    this.#gramIndex = options.gram;
    this.grams = new Uint8Array(options.gram === undefined ? 0 : 1 << 21);
  }

  /** Records the 4-grams of `bytes` in the gram set (with the `gram` option). */
  noteGrams(bytes: Uint8Array): void {
    const gram = this.#gramIndex;
    if (gram === undefined) return;
    for (let j = 3; j < bytes.length; j++) {
      const h = gram(bytes[j - 3]!, bytes[j - 2]!, bytes[j - 1]!, bytes[j]!);
      this.grams[h >>> 3]! |= 1 << (h & 7);
    }
  }

  get patternCount(): number {
    return this.trie.terminals;
  }

  /** Adds a pattern; false (and nothing changes) when it is empty or already there. */
  add(pattern: Pattern): boolean {
    const b = pattern.bytes;
    if (b.length === 0 || !this.trie.insert(b, this.kinds.length)) return false;
    this.kinds.push(pattern.kind);
    this.#patterns.push(b);
    for (let j = 0; j < b.length - 1; j++) this.#inPattern[b[j]!] = 1;
    this.noteGrams(b);
    if (b.length >= 2) this.#prefixPairs[(b[0]! << 8) | b[1]!] = 1;
    this.minLength = this.patternCount === 1 ? b.length : Math.min(this.minLength, b.length);
    this.maxLength = Math.max(this.maxLength, b.length);
    const window = windowFor(this.minLength);
    const bits = this.patternCount <= 32 ? 5 : this.patternCount <= 128 ? 6 : 7;
    if (window !== this.#window || bits !== this.#gram[1]) {
      this.#window = window;
      this.#gram = [(1 << bits) - 1, bits, 2 * bits];
      this.#rebuildSkip();
    } else this.#addGrams(b);
    return true;
  }

  #rebuildSkip(): void {
    const w = this.#window;
    if (w < 3) {
      this.#skip = undefined;
      return;
    }
    this.#skip = new Uint8Array(1 << (3 * this.#gram[1])).fill(Math.min(255, w - 2));
    for (const b of this.#patterns) this.#addGrams(b);
  }

  /**
   * Shift entries for the grams of the pattern's window. A gram indexes the table by its
   * three bytes' low 7 bits: no hashing in the hot loop; bytes ≥ 0x80 share slots with ASCII
   * ones, which only makes some shifts smaller than they could be.
   */
  #addGrams(b: Uint8Array): void {
    const skip = this.#skip;
    const w = this.#window;
    if (skip === undefined) return;
    const [m, s1, s2] = this.#gram;
    for (let j = 2; j < w; j++) {
      const g = ((b[j - 2]! & m) << s2) | ((b[j - 1]! & m) << s1) | (b[j]! & m);
      const shift = w - 1 - j;
      if (shift < skip[g]!) skip[g] = shift;
    }
  }

  /**
   * Runs `episode(from, lane)` — the automaton from its root at `from`; it returns where the
   * search goes on — at every candidate start in `data[0, end)`, in order within each lane
   * (lane 0, or in a large chunk lanes 0 and 1, which may overlap).
   */
  #scan(data: Uint8Array, end: number, episode: (from: number, lane: number) => number): void {
    if (this.patternCount === 0 || end < this.minLength) return;
    const w = this.#window;
    if (this.#skip === undefined) {
      // No skip loop to hand back to: the automaton reads everything (lane −1: it does not
      // stop early, only at the root).
      for (let p = 0; p < end; ) p = episode(p, -1);
      return;
    }
    if (end < TWO_LANES) {
      this.#lane(data, w - 1, end, episode, 0);
      return;
    }
    // The skip loop is bound by the latency of its chain of dependent reads (byte → table →
    // next position), so two independent chains — the first half's starts and the second
    // half's — advance side by side and the CPU overlaps them (about 1.5× the speed of one).
    const skip = this.#skip;
    const root = this.trie.rootEdges;
    const [m, s1, s2] = this.#gram;
    const half = end >>> 1;
    // Lane A proposes the starts before `half`, lane B those from `half` on.
    const endA = half + w - 1;
    let i = w - 1;
    let j = half + w - 1;
    while (i < endA && j < end) {
      const a = skip[((data[i - 2]! & m) << s2) | ((data[i - 1]! & m) << s1) | (data[i]! & m)]!;
      const b = skip[((data[j - 2]! & m) << s2) | ((data[j - 1]! & m) << s1) | (data[j]! & m)]!;
      if (a !== 0) i += a;
      else if (root[data[i - w + 1]!] !== 0) i = episode(i - w + 1, 0) + w - 1;
      else i++;
      if (b !== 0) j += b;
      else if (root[data[j - w + 1]!] !== 0) j = episode(j - w + 1, 1) + w - 1;
      else j++;
    }
    i = this.#lane(data, i, endA, episode, 0);
    // An automaton run from lane A does not stop at the halfway point: what it covered, lane
    // B need not scan again.
    this.#lane(data, Math.max(i, j), end, episode, 1);
  }

  /**
   * The skip loop from window end `i` while it is before `stop`, the automaton taking over
   * at each candidate start. Returns the window end where it stopped.
   */
  #lane(
    data: Uint8Array,
    i: number,
    stop: number,
    episode: (from: number, lane: number) => number,
    lane: number,
  ): number {
    const skip = this.#skip!;
    const w = this.#window;
    const root = this.trie.rootEdges;
    const [m, s1, s2] = this.#gram;
    while (i < stop) {
      const s = skip[((data[i - 2]! & m) << s2) | ((data[i - 1]! & m) << s1) | (data[i]! & m)]!;
      if (s !== 0) i += s;
      else if (root[data[i - w + 1]!] !== 0) i = episode(i - w + 1, lane) + w - 1;
      else i++;
    }
    return i;
  }

  /**
   * The union of all pattern occurrences in `data[0, end)`, as a flat list of `[start, end)`
   * pairs in order; overlapping or touching occurrences are merged.
   */
  intervals(data: Uint8Array, end = data.length): readonly number[] {
    const trie = this.trie;
    // Made on the first match: most chunks have none.
    let out: number[] | undefined;
    let later: number[] | undefined;
    this.#scan(data, end, (from, lane) => {
      if (lane === 1) {
        later ??= [];
        return trie.runIntervals(data, from, end, later);
      }
      out ??= [];
      return trie.runIntervals(data, from, end, out, lane === 0);
    });
    if (later !== undefined && later.length > 0) return union(out ?? NONE, later);
    return out === undefined || out.length === 0 ? NONE : out;
  }

  /** Every position where a pattern starts, with the longest pattern there, in order. */
  occurrences(data: Uint8Array, end = data.length): Occurrence[] {
    const trie = this.trie;
    const found: Array<[start: number, length: number, index: number]> = [];
    this.#scan(data, end, (from, lane) =>
      trie.run(
        data,
        from,
        end,
        (node, p) => {
          // Every pattern ending here: the output chain through the failure links.
          for (let t = node; t !== 0; t = trie.out(trie.fail(t))) {
            const length = trie.depth[t]!;
            found.push([p - length, length, trie.terminal[t]! - 1]);
          }
        },
        lane >= 0,
      ),
    );
    found.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
    const out: Occurrence[] = [];
    for (const [offset, length, index] of found) {
      if (out.length > 0 && out[out.length - 1]!.offset === offset) continue;
      out.push({ offset, length, kind: this.kinds[index]! });
    }
    return out;
  }

  /**
   * Start of the longest suffix of `data[0, end)` that is a proper prefix of some pattern —
   * the bytes that might still become a secret when more input arrives — or `end`.
   */
  holdFrom(data: Uint8Array, end = data.length): number {
    // Quick exit for the usual end of a log chunk (a newline): a byte no pattern contains.
    if (end === 0 || this.#inPattern[data[end - 1]!] === 0) return end;
    const last = end - 1;
    let p = Math.max(0, end - this.maxLength + 1);
    // A suffix of two bytes or more starts with a pair that begins some pattern.
    const pairs = this.#prefixPairs;
    while (p < last && pairs[(data[p]! << 8) | data[p + 1]!] === 0) p++;
    const trie = this.trie;
    let state = 0;
    for (let q = p; q < end; q++) state = trie.step(state, data[q]!);
    // The automaton's state is the longest suffix that is a node; the longest proper prefix
    // among the suffixes is the first node with children on its failure chain.
    while (state !== 0 && trie.only[state] === 0) state = trie.fail(state);
    return state === 0 ? end : end - trie.depth[state]!;
  }
}

function windowFor(minLength: number): number {
  if (minLength < 3) return minLength;
  let w = WINDOWS[0]!;
  for (const candidate of WINDOWS) if (candidate <= minLength) w = candidate;
  return w;
}

/** The union of two merged interval lists, merged (touching intervals join). */
export function union(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const fromA = j >= b.length || (i < a.length && a[i]! <= b[j]!);
    const start = fromA ? a[i]! : b[j]!;
    const end = fromA ? a[i + 1]! : b[j + 1]!;
    if (fromA) i += 2;
    else j += 2;
    const n = out.length;
    if (n > 0 && start <= out[n - 1]!) {
      if (end > out[n - 1]!) out[n - 1] = end;
    } else out.push(start, end);
  }
  return out;
}
