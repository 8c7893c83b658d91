import type { Pattern, PatternKind } from './encodings.js';

/** One occurrence of a pattern: where it starts, how long it is, which encoding. */
export interface Occurrence {
  readonly offset: number;
  readonly length: number;
  readonly kind: PatternKind;
}

const GOLDEN = 0x9e3779b1;
/** Shared empty result: most chunks hold no secret, and need no array of their own. */
const NONE: number[] = [];
/** Chunks at least this long are scanned in two interleaved lanes. */
const TWO_LANES = 2048;

/**
 * All patterns compiled into one multi-pattern matcher over bytes.
 *
 * Finding: a Wu–Manber skip loop over 3-byte grams of the shortest pattern length `m` jumps
 * up to m−2 bytes at a time over text where no pattern can start, and at each candidate
 * start a walk down a byte trie finds the longest pattern starting there. The trie is the
 * goto graph of an Aho–Corasick automaton; no failure links are needed because the skip
 * loop proposes every possible start. The hand-written matcher (instead of an npm one) is
 * there because the published ones work on UTF-16 strings, not bytes, and cannot report
 * which tail of a chunk may still become a match.
 */
export class Matcher {
  /** Length of the shortest pattern (0 when there are none). */
  readonly minLength: number;
  /** Length of the longest pattern (0 when there are none). */
  readonly maxLength: number;
  readonly patternCount: number;

  private readonly rootEdges = new Int32Array(256);
  /** Keys are node × 256 + byte: a Float64Array keeps them exact past 2³¹ (huge secret sets). */
  private readonly edgeKeys: Float64Array;
  private readonly edgeValues: Int32Array;
  private readonly edgeShift: number;
  private readonly edgeMask: number;
  /** Pattern index + 1 of the pattern ending at each node, 0 if none. */
  private readonly terminal: Int32Array;
  private readonly hasChild: Uint8Array;
  private readonly kinds: PatternKind[];
  /** 1 for each byte value that occurs in some pattern before its last byte. */
  private readonly inPattern = new Uint8Array(256);
  /** 1 for each pair of bytes that begins some pattern. */
  private readonly prefixPairs = new Uint8Array(65536);
  private readonly skip: Uint8Array;

  constructor(patterns: readonly Pattern[]) {
    this.patternCount = patterns.length;
    this.kinds = patterns.map((p) => p.kind);
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    let total = 0;
    for (const p of patterns) {
      min = Math.min(min, p.bytes.length);
      max = Math.max(max, p.bytes.length);
      total += p.bytes.length;
    }
    this.minLength = patterns.length === 0 ? 0 : min;
    this.maxLength = max;

    // Trie: build with a Map, then freeze into an open-addressing table of typed arrays so a
    // walk step is two typed-array reads, not a Map lookup.
    const edges = new Map<number, number>();
    const terminal = new Int32Array(total + 1);
    const hasChild = new Uint8Array(total + 1);
    let nodes = 1;
    patterns.forEach((p, index) => {
      let node = 0;
      for (let j = 0; j < p.bytes.length - 1; j++) this.inPattern[p.bytes[j]!] = 1;
      if (p.bytes.length >= 2) this.prefixPairs[(p.bytes[0]! << 8) | p.bytes[1]!] = 1;
      for (const b of p.bytes) {
        let next = node === 0 ? this.rootEdges[b]! : (edges.get(node * 256 + b) ?? 0);
        if (next === 0) {
          next = nodes++;
          if (node === 0) this.rootEdges[b] = next;
          else edges.set(node * 256 + b, next);
          hasChild[node] = 1;
        }
        node = next;
      }
      if (terminal[node] === 0) terminal[node] = index + 1;
    });
    this.terminal = terminal.slice(0, nodes);
    this.hasChild = hasChild.slice(0, nodes);
    const edgeBits = Math.max(4, Math.ceil(Math.log2(edges.size * 2 + 1)));
    this.edgeShift = 32 - edgeBits;
    this.edgeMask = (1 << edgeBits) - 1;
    this.edgeKeys = new Float64Array(1 << edgeBits).fill(-1);
    this.edgeValues = new Int32Array(1 << edgeBits);
    for (const [key, value] of edges) {
      let slot = Math.imul(key, GOLDEN) >>> this.edgeShift;
      while (this.edgeKeys[slot] !== -1) slot = (slot + 1) & this.edgeMask;
      this.edgeKeys[slot] = key;
      this.edgeValues[slot] = value;
    }

    // Wu–Manber shift table over 3-grams of each pattern's first m bytes. A gram indexes the
    // table directly by its three bytes' low 7 bits: no hashing in the hot loop; bytes ≥ 0x80
    // share slots with ASCII ones, which only makes some shifts smaller than they could be.
    const m = this.minLength;
    this.skip = new Uint8Array(1 << 21).fill(Math.min(255, Math.max(1, m - 2)));
    if (m >= 3) {
      for (const p of patterns) {
        const b = p.bytes;
        for (let j = 2; j < m; j++) {
          const g = ((b[j - 2]! & 127) << 14) | ((b[j - 1]! & 127) << 7) | (b[j]! & 127);
          const s = Math.min(255, m - 1 - j);
          if (s < this.skip[g]!) this.skip[g] = s;
        }
      }
    }
  }

  private child(node: number, b: number): number {
    if (node === 0) return this.rootEdges[b]!;
    const key = node * 256 + b;
    const keys = this.edgeKeys;
    let slot = Math.imul(key, GOLDEN) >>> this.edgeShift;
    for (;;) {
      const k = keys[slot]!;
      if (k === key) return this.edgeValues[slot]!;
      if (k === -1) return 0;
      slot = (slot + 1) & this.edgeMask;
    }
  }

  /** Length of the longest pattern starting at `at`, or 0. */
  private longestAt(data: Uint8Array, at: number, end: number): number {
    let node = this.rootEdges[data[at]!]!;
    let best = 0;
    let i = at + 1;
    while (node !== 0) {
      if (this.terminal[node] !== 0) best = i - at;
      if (i >= end || this.hasChild[node] === 0) break;
      node = this.child(node, data[i]!);
      i++;
    }
    return best;
  }

  private kindAt(data: Uint8Array, at: number, length: number): PatternKind {
    let node = 0;
    for (let i = at; i < at + length; i++) node = this.child(node, data[i]!);
    return this.kinds[this.terminal[node]! - 1]!;
  }

  /**
   * Calls `found(start, length)` for the longest pattern starting at each position of
   * `data[0, end)` where one starts, in increasing order of start.
   */
  private each(data: Uint8Array, end: number, found: (start: number, length: number) => void) {
    const m = this.minLength;
    if (m === 0 || end < m) return;
    if (m < 3) {
      for (let p = 0; p + m <= end; p++) {
        const len = this.longestAt(data, p, end);
        if (len > 0) found(p, len);
      }
      return;
    }
    const skip = this.skip;
    let i = m - 1;
    while (i < end) {
      const s =
        skip[((data[i - 2]! & 127) << 14) | ((data[i - 1]! & 127) << 7) | (data[i]! & 127)]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      const start = i - m + 1;
      if (this.rootEdges[data[start]!] !== 0) {
        const len = this.longestAt(data, start, end);
        if (len > 0) found(start, len);
      }
      i++;
    }
  }

  /**
   * The union of all pattern occurrences in `data[0, end)`, as a flat list of
   * `[start, end)` pairs in order; overlapping or touching occurrences are merged.
   * This is the hot loop: the skip scan is inlined here rather than shared through `each`.
   */
  intervals(data: Uint8Array, end = data.length): readonly number[] {
    const m = this.minLength;
    if (m < 3) {
      const out: number[] = [];
      this.each(data, end, (start, length) => merge(out, start, start + length));
      return out;
    }
    if (end >= TWO_LANES) return this.#intervalsTwoLanes(data, end, m);
    let out: number[] = NONE;
    const skip = this.skip;
    const root = this.rootEdges;
    let i = m - 1;
    while (i < end) {
      const s =
        skip[((data[i - 2]! & 127) << 14) | ((data[i - 1]! & 127) << 7) | (data[i]! & 127)]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      const start = i - m + 1;
      if (root[data[start]!] !== 0) {
        const len = this.longestAt(data, start, end);
        if (len > 0) {
          if (out === NONE) out = [];
          merge(out, start, start + len);
        }
      }
      i++;
    }
    return out;
  }

  /**
   * `intervals` for a large chunk: the skip loop is bound by the latency of its chain of
   * dependent reads (byte → table → next position), so two independent chains — the first
   * half's starts and the second half's — advance side by side and the CPU overlaps them
   * (about 1.5× the speed of one). Candidate starts are collected, then verified in order.
   */
  #intervalsTwoLanes(data: Uint8Array, end: number, m: number): readonly number[] {
    const skip = this.skip;
    const root = this.rootEdges;
    const half = end >>> 1;
    // Lane A proposes the starts before `half`, lane B those from `half` on.
    const endA = half + m - 1;
    let i = m - 1;
    let j = half + m - 1;
    let candidates: number[] = NONE;
    let laterB: number[] = NONE;
    while (i < endA && j < end) {
      const a =
        skip[((data[i - 2]! & 127) << 14) | ((data[i - 1]! & 127) << 7) | (data[i]! & 127)]!;
      const b =
        skip[((data[j - 2]! & 127) << 14) | ((data[j - 1]! & 127) << 7) | (data[j]! & 127)]!;
      if (a === 0) {
        if (root[data[i - m + 1]!] !== 0) {
          if (candidates === NONE) candidates = [];
          candidates.push(i - m + 1);
        }
        i++;
      } else i += a;
      if (b === 0) {
        if (root[data[j - m + 1]!] !== 0) {
          if (laterB === NONE) laterB = [];
          laterB.push(j - m + 1);
        }
        j++;
      } else j += b;
    }
    candidates = this.#laneRest(data, i, endA, m, candidates);
    laterB = this.#laneRest(data, j, end, m, laterB);
    if (candidates === NONE && laterB === NONE) return NONE;
    let out: number[] = NONE;
    for (const list of [candidates, laterB]) {
      for (const start of list) {
        const len = this.longestAt(data, start, end);
        if (len > 0) {
          if (out === NONE) out = [];
          merge(out, start, start + len);
        }
      }
    }
    return out;
  }

  /** One lane on its own from position `i` (a skip position) to `stop`: its candidate starts. */
  #laneRest(data: Uint8Array, i: number, stop: number, m: number, into: number[]): number[] {
    const skip = this.skip;
    const root = this.rootEdges;
    let list = into;
    while (i < stop) {
      const s =
        skip[((data[i - 2]! & 127) << 14) | ((data[i - 1]! & 127) << 7) | (data[i]! & 127)]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      if (root[data[i - m + 1]!] !== 0) {
        if (list === NONE) list = [];
        list.push(i - m + 1);
      }
      i++;
    }
    return list;
  }

  /** Every position where a pattern starts, with the longest pattern there. */
  occurrences(data: Uint8Array, end = data.length): Occurrence[] {
    const out: Occurrence[] = [];
    this.each(data, end, (offset, length) => {
      out.push({ offset, length, kind: this.kindAt(data, offset, length) });
    });
    return out;
  }

  /**
   * Start of the longest suffix of `data[0, end)` that is a proper prefix of some pattern —
   * the bytes that might still become a secret when more input arrives — or `end`.
   */
  holdFrom(data: Uint8Array, end = data.length): number {
    // Quick exit for the usual end of a log chunk (a newline): a byte no pattern contains.
    if (end === 0 || this.inPattern[data[end - 1]!] === 0) return end;
    const pairs = this.prefixPairs;
    const last = end - 1;
    for (let p = Math.max(0, end - this.maxLength + 1); p < last; p++) {
      // Most positions fail on their first two bytes: one table read rejects them.
      if (pairs[(data[p]! << 8) | data[p + 1]!] === 0) continue;
      let node = this.rootEdges[data[p]!]!;
      let i = p + 1;
      while (node !== 0 && i < end) {
        node = this.child(node, data[i]!);
        i++;
      }
      if (node !== 0 && this.hasChild[node] === 1) return p;
    }
    const node = this.rootEdges[data[last]!]!;
    return node !== 0 && this.hasChild[node] === 1 ? last : end;
  }
}

function merge(out: number[], start: number, end: number): void {
  const last = out.length - 1;
  if (last > 0 && start <= out[last]!) {
    if (end > out[last]!) out[last] = end;
  } else {
    out.push(start, end);
  }
}
