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
      out[text(key)] = masked ? mask : walk(item, depth + 1);
    }
    return out;
  };
  return walk(value, 0);
}
