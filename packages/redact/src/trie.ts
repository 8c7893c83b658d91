import { EdgeTable } from './edges.js';

/** Node ids below this fit the packed fast-path entries (`#chain`, `#outTag`). */
const PACKED_NODES = 1 << 23;

/**
 * A byte trie that grows one pattern at a time and runs as an Aho–Corasick automaton.
 *
 * Adding a pattern costs its length: nothing is rebuilt. The failure and output links that
 * make a scan linear (each byte costs O(1) amortised, whatever the text) are computed lazily
 * when a scan first needs them and kept until the next add: an add bumps an epoch, which
 * invalidates every link at once without touching them.
 *
 * Layout: per-node typed arrays. A node's children are the root's 256-entry table, or the
 * one child of a node that has one (the usual case below the first few levels), or an
 * open-addressing table keyed by node × 256 + byte for nodes with several.
 */
export class Trie {
  /** Number of nodes; node 0 is the root. */
  size = 1;
  /** Number of nodes at which a pattern ends. */
  terminals = 0;
  readonly rootEdges = new Int32Array(256);
  parent = new Int32Array(1024);
  label = new Uint8Array(1024);
  depth = new Int32Array(1024);
  /** Index + 1 of the first pattern that ends at each node, 0 if none. */
  terminal = new Int32Array(1024);
  /** The only child of a node with one child; 0 for a leaf; −1 for several (edge table). */
  only = new Int32Array(1024);
  /** The only child and its byte in one entry (child × 256 + byte), 0 otherwise: one read. */
  #chain = new Int32Array(1024);
  #fail = new Int32Array(1024);
  #failEpoch = new Int32Array(1024);
  /**
   * The nearest node on the failure chain (the node included) where a pattern ends, 0 if
   * none, tagged with the epoch it was computed in: epoch × 2²³ + node.
   */
  #outTag = new Float64Array(1024);
  /**
   * The last step taken from each node through its failure links, tagged: epoch × 256 +
   * byte, and the node it led to. Repetitive text (a secret's own character over and over,
   * near misses of a shared prefix) takes the same few steps again and again; each then
   * costs one lookup.
   */
  #memoTag = new Float64Array(1024);
  #memoNext = new Int32Array(1024);
  #epoch = 1;
  /** Children of nodes with several. */
  readonly #edges = new EdgeTable();
  /** Scratch stack for the link computations (no recursion: depth can be thousands). */
  #stack: number[] = [];

  /** Adds `bytes` (non-empty) as pattern `index`. Returns false if it was already there. */
  insert(bytes: Uint8Array, index: number): boolean {
    let node = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      const next = this.child(node, b);
      node = next === 0 ? this.#newNode(node, b) : next;
    }
    if (this.terminal[node] !== 0) return false;
    this.terminal[node] = index + 1;
    this.terminals++;
    // New nodes can be longer suffixes (failure links), a new end changes output links.
    this.#epoch++;
    return true;
  }

  /** The child of `node` on byte `b`, or 0. */
  child(node: number, b: number): number {
    if (node === 0) return this.rootEdges[b]!;
    const o = this.only[node]!;
    if (o > 0) return this.label[o] === b ? o : 0;
    return o === 0 ? 0 : this.#edges.get(node * 256 + b);
  }

  /** One automaton step: the state after reading `b` in state `state`. */
  step(state: number, b: number): number {
    if (state === 0) return this.rootEdges[b]!;
    const c = this.child(state, b);
    if (c !== 0) return c;
    const tag = this.#epoch * 256 + b;
    if (this.#memoTag[state] === tag) return this.#memoNext[state]!;
    let next = state;
    for (;;) {
      next = this.fail(next);
      const d = this.child(next, b);
      if (d !== 0 || next === 0) {
        next = d;
        break;
      }
    }
    this.#memoTag[state] = tag;
    this.#memoNext[state] = next;
    return next;
  }

  /**
   * Runs the automaton from its root at `from`, calling `found(node, p)` where a pattern ends
   * just before `p` (`node`: the longest such pattern's end), until `end` or — with
   * `shallow` — until no more than the last byte read may begin a pattern, past `from`.
   * Returns where the caller's search must go on: every start before it has been dealt with.
   * (Stopping only at the root would let text whose every byte begins some pattern — any
   * alphanumeric text, with many base64 patterns — keep the automaton running to the end.)
   */
  run(
    data: Uint8Array,
    from: number,
    end: number,
    found: (node: number, p: number) => void,
    shallow = true,
  ): number {
    const depth = this.depth;
    let state = 0;
    let p = from;
    while (p < end) {
      state = this.step(state, data[p++]!);
      const d = depth[state]!;
      if (d <= 1 && shallow && p - d > from) return p - d;
      if (state === 0) return p;
      const t = this.out(state);
      if (t !== 0) found(t, p);
    }
    return p;
  }

  /**
   * `run` for the union of matches: merges each match (the longest ending at each position)
   * into `out`, a flat list of `[start, end)` pairs with non-decreasing ends. This is the
   * loop hostile input keeps busy, so its usual steps — the only child, the remembered step,
   * a known output link — are one read each from local arrays, and a match costs no call.
   */
  runIntervals(data: Uint8Array, from: number, end: number, out: number[], shallow = true) {
    const root = this.rootEdges;
    const chain = this.#chain;
    const depth = this.depth;
    const memoTag = this.#memoTag;
    const memoNext = this.#memoNext;
    const outTag = this.#outTag;
    const memoBase = this.#epoch * 256;
    const outBase = this.#epoch * PACKED_NODES;
    // The interval being grown, flushed into `out` when a match does not touch it.
    let start = -1;
    let stop = -1;
    let state = 0;
    let p = from;
    while (p < end) {
      const b = data[p++]!;
      const before = state;
      if (state === 0) state = root[b]!;
      else {
        const c = chain[state]!;
        if (c !== 0 && (c & 255) === b) state = c >>> 8;
        else if (memoTag[state] === memoBase + b) state = memoNext[state]!;
        else state = this.step(state, b);
      }
      const d = depth[state]!;
      if (d <= 1 && shallow && p - d > from) {
        p -= d;
        break;
      }
      if (state === 0) break;
      let t = outTag[state]! - outBase;
      if (t < 0 || t >= PACKED_NODES) t = this.out(state);
      if (t === 0) continue;
      const s = p - depth[t]!;
      if (s <= stop) {
        if (s < start) start = s;
        stop = p;
      } else {
        if (stop !== -1) mergeEnd(out, start, stop);
        start = s;
        stop = p;
      }
      // A step from a matching state to itself on `b` repeats on every following `b`: the
      // same match ends at each of them (a secret made of one character, and a run of it).
      if (state === before) {
        while (p < end && data[p] === b) p++;
        stop = p;
      }
    }
    if (stop !== -1) mergeEnd(out, start, stop);
    return p;
  }

  /** The longest proper suffix of `node`'s string that is also a node. */
  fail(node: number): number {
    if (this.#failEpoch[node] === this.#epoch) return this.#fail[node]!;
    return this.#computeFail(node);
  }

  /** The nearest node on `node`'s failure chain (itself included) where a pattern ends, or 0. */
  out(node: number): number {
    const base = this.#epoch * PACKED_NODES;
    const known = this.#outTag[node]! - base;
    if (known >= 0 && known < PACKED_NODES) return known;
    const stack = this.#stack;
    const bottom = stack.length;
    let n = node;
    let found = -1;
    for (;;) {
      if (n === 0) found = 0;
      else if (this.terminal[n] !== 0) found = n;
      else {
        const k = this.#outTag[n]! - base;
        if (k >= 0 && k < PACKED_NODES) found = k;
      }
      if (found >= 0) break;
      stack.push(n);
      n = this.fail(n);
    }
    if (n !== 0) this.#setOut(n, found);
    while (stack.length > bottom) this.#setOut(stack.pop()!, found);
    return found;
  }

  #setOut(node: number, to: number): void {
    // Beyond the packed range nothing is remembered: every lookup walks (correct, slower).
    if (to < PACKED_NODES) this.#outTag[node] = this.#epoch * PACKED_NODES + to;
  }

  #computeFail(node: number): number {
    const stack = this.#stack;
    const bottom = stack.length;
    const epoch = this.#epoch;
    stack.push(node);
    // Every node pushed is shallower than the one that pushed it: the stack ends.
    while (stack.length > bottom) {
      const x = stack[stack.length - 1]!;
      const u = this.parent[x]!;
      if (u === 0) {
        this.#setFail(x, 0);
        stack.pop();
        continue;
      }
      if (this.#failEpoch[u] !== epoch) {
        stack.push(u);
        continue;
      }
      const b = this.label[x]!;
      let f = this.#fail[u]!;
      let result = -1;
      for (;;) {
        const c = this.child(f, b);
        if (c !== 0) {
          result = c;
          break;
        }
        if (f === 0) {
          result = 0;
          break;
        }
        if (this.#failEpoch[f] !== epoch) {
          stack.push(f);
          break;
        }
        f = this.#fail[f]!;
      }
      if (result >= 0) {
        this.#setFail(x, result);
        stack.pop();
      }
    }
    return this.#fail[node]!;
  }

  #setFail(node: number, to: number): void {
    this.#fail[node] = to;
    this.#failEpoch[node] = this.#epoch;
  }

  #newNode(parent: number, b: number): number {
    if (this.size === this.parent.length) this.#grow();
    const node = this.size++;
    this.parent[node] = parent;
    this.label[node] = b;
    this.depth[node] = this.depth[parent]! + 1;
    if (parent === 0) this.rootEdges[b] = node;
    else {
      const o = this.only[parent]!;
      if (o === 0) {
        this.only[parent] = node;
        if (node < PACKED_NODES) this.#chain[parent] = node * 256 + b;
      } else {
        if (o > 0) {
          this.#edges.put(parent * 256 + this.label[o]!, o);
          this.only[parent] = -1;
          this.#chain[parent] = 0;
        }
        this.#edges.put(parent * 256 + b, node);
      }
    }
    return node;
  }

  #grow(): void {
    const n = this.parent.length * 2;
    const grow32 = (a: Int32Array) => {
      const next = new Int32Array(n);
      next.set(a);
      return next;
    };
    const grow64 = (a: Float64Array) => {
      const next = new Float64Array(n);
      next.set(a);
      return next;
    };
    this.parent = grow32(this.parent);
    this.depth = grow32(this.depth);
    this.terminal = grow32(this.terminal);
    this.only = grow32(this.only);
    this.#chain = grow32(this.#chain);
    this.#fail = grow32(this.#fail);
    this.#failEpoch = grow32(this.#failEpoch);
    this.#outTag = grow64(this.#outTag);
    this.#memoTag = grow64(this.#memoTag);
    this.#memoNext = grow32(this.#memoNext);
    const label = new Uint8Array(n);
    label.set(this.label);
    this.label = label;
  }
}

/**
 * Adds `[start, end)` to a merged interval list whose ends never decrease (the automaton
 * reports ends in order; a longer pattern can start before the last interval). Touching
 * intervals join.
 */
function mergeEnd(out: number[], start: number, end: number): void {
  let n = out.length;
  if (n > 0 && start <= out[n - 1]! && start >= out[n - 2]!) {
    if (end > out[n - 1]!) out[n - 1] = end;
    return;
  }
  while (n > 0 && start <= out[n - 1]!) {
    if (out[n - 2]! < start) start = out[n - 2]!;
    if (out[n - 1]! > end) end = out[n - 1]!;
    out.pop();
    out.pop();
    n -= 2;
  }
  out.push(start, end);
}
