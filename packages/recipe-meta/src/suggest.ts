import { distance } from 'fastest-levenshtein';

/**
 * Nearest candidate to a misspelt name: a case-insensitive exact match first (`health_path`),
 * else the smallest edit distance within a third of the name's length (at least 2), else the
 * shortest candidate containing the name (4+ characters: `backup` → `backup_restore`), else null.
 */
export function nearest(name: string, candidates: Iterable<string>): string | null {
  const list = [...candidates];
  const upper = name.toUpperCase();
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of list) {
    const cu = c.toUpperCase();
    if (cu === upper) return c;
    const d = distance(upper, cu);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  if (bestDistance <= limit) return best;
  if (upper.length < 4) return null;
  const containing = list.filter((c) => c.toUpperCase().includes(upper));
  containing.sort((a, b) => a.length - b.length);
  return containing[0] ?? null;
}
