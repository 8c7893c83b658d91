const GOLDEN = 0x9e3779b1;

/**
 * An open-addressing hash table from numbers (a trie node × 256 + a byte) to numbers (the
 * child), in two typed arrays: a lookup is a multiply and a probe or two, no Map. Keys are
 * kept as doubles, exact past 2³¹ (huge secret sets). Grows by doubling at half full.
 */
export class EdgeTable {
  #keys = new Float64Array(16).fill(-1);
  #values = new Int32Array(16);
  #count = 0;
  #shift = 28;
  #mask = 15;

  /** The value under `key`, or 0. */
  get(key: number): number {
    const keys = this.#keys;
    let slot = Math.imul(key, GOLDEN) >>> this.#shift;
    for (;;) {
      const k = keys[slot]!;
      if (k === key) return this.#values[slot]!;
      if (k === -1) return 0;
      slot = (slot + 1) & this.#mask;
    }
  }

  /** Sets `key` (not there yet) to `value`. */
  put(key: number, value: number): void {
    if ((this.#count + 1) * 2 > this.#keys.length) this.#grow();
    this.#place(key, value);
    this.#count++;
  }

  #place(key: number, value: number): void {
    let slot = Math.imul(key, GOLDEN) >>> this.#shift;
    while (this.#keys[slot] !== -1) slot = (slot + 1) & this.#mask;
    this.#keys[slot] = key;
    this.#values[slot] = value;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const n = keys.length * 2;
    this.#keys = new Float64Array(n).fill(-1);
    this.#values = new Int32Array(n);
    this.#mask = n - 1;
    this.#shift = 32 - Math.log2(n);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== -1) this.#place(keys[i]!, values[i]!);
    }
  }
}
