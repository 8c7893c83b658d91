import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
} from 'yaml';

/** A key/value of a mapping with aliases resolved and merge keys (`<<`) flattened in. */
export interface Entry {
  key: string;
  value: Node | null;
  /** Node used for the line number: the value, or the key when the value is empty. */
  at: Node | null;
}

export class Nav {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  resolve(node: unknown): Node | null {
    let n = node as Node | null | undefined;
    for (let i = 0; i < 50 && n && isAlias(n); i++) n = n.resolve(this.doc) as Node | undefined;
    return n ?? null;
  }

  line(node: Node | null | undefined, fallback = 1): number {
    const start = node?.range?.[0];
    return start === undefined ? fallback : this.lines.linePos(start).line;
  }

  /** Entries of a mapping; explicit keys win over merged ones, as in compose-go. */
  // Memoised per mapping: merge keys fanning out over shared anchors would otherwise cost
  // exponential time (a 700-byte file could keep the check busy for minutes).
  readonly #entries = new WeakMap<object, Entry[]>();

  entries(node: unknown, depth = 0): Entry[] {
    const map = this.resolve(node);
    if (!isMap(map) || depth > 20) return [];
    const known = this.#entries.get(map);
    if (known) return known;
    const own: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of map.items as Pair<unknown, unknown>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const value = this.resolve(pair.value);
      if (key === '<<') {
        const sources = isSeq(value) ? value.items : [value];
        for (const src of sources) merged.push(...this.entries(src, depth + 1));
        continue;
      }
      own.push({ key, value, at: value ?? (pair.key as Node | null) });
    }
    const seen = new Set(own.map((e) => e.key));
    const out = [...own];
    for (const e of merged) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      out.push(e);
    }
    this.#entries.set(map, out);
    return out;
  }

  get(node: unknown, key: string): Entry | undefined {
    return this.entries(node).find((e) => e.key === key);
  }

  items(node: unknown): Node[] {
    const seq = this.resolve(node);
    if (!isSeq(seq)) return [];
    return seq.items.map((i) => this.resolve(i)).filter((i): i is Node => i !== null);
  }

  /** Scalar value as a string; null for collections and empty values. */
  scalar(node: unknown): string | null {
    const n = this.resolve(node);
    if (!isScalar(n) || n.value === null || n.value === undefined) return null;
    return String(n.value);
  }
}
