import { distance } from 'fastest-levenshtein';

/**
 * Nearest candidate to a misspelt name: a case-insensitive exact match first (`health_path`),
 * else the smallest edit distance within a third of the name's length (at least 2), else null.
 */
export function nearest(name: string, candidates: Iterable<string>): string | null {
  const upper = name.toUpperCase();
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const cu = c.toUpperCase();
    if (cu === upper) return c;
    const d = distance(upper, cu);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : null;
}
