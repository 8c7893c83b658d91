/**
 * A deep copy of a JSON-like value in which `text` has been applied to every string (keys
 * included) and the value of every field for which `sensitive(key)` holds is replaced by
 * `mask` (booleans and null stay: they cannot carry a secret). Values with `toJSON` are
 * converted first, as `JSON.stringify` would.
 */
export function mapJson(
  value: unknown,
  text: (s: string) => string,
  sensitive: (key: string) => boolean,
  mask: string,
): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > 1000) throw new TypeError('value is nested more than 1000 levels deep');
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      return walk((v as { toJSON: () => unknown }).toJSON(), depth + 1);
    }
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) {
      const masked =
        sensitive(key) && item !== null && item !== undefined && typeof item !== 'boolean';
      // defineProperty: a key `__proto__` (JSON.parse makes one) must stay a plain key, not
      // set the copy's prototype.
      Object.defineProperty(out, freeKey(out, text(key)), {
        value: masked ? mask : walk(item, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return walk(value, 0);
}

/**
 * `key`, or `key (2)`, `key (3)`, … when the copy already has it: two keys that both held a
 * secret are both masked, and neither value may replace the other.
 */
function freeKey(out: Record<string, unknown>, key: string): string {
  if (!Object.hasOwn(out, key)) return key;
  let n = 2;
  while (Object.hasOwn(out, `${key} (${n})`)) n++;
  return `${key} (${n})`;
}
