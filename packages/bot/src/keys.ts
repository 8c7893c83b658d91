import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** A fresh run-scoped report key: 32 random bytes, hex. Only its hash is stored. */
export function newRunKey(): string {
  return randomBytes(32).toString('hex');
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time check of a presented key against a stored hash (both hashed to 32 bytes). */
export function keyMatches(presented: string, storedHash: string | null): boolean {
  if (storedHash === null || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  const given = createHash('sha256').update(presented).digest();
  return timingSafeEqual(given, Buffer.from(storedHash, 'hex'));
}

/** Run id: `r` + 12 hex; short enough for URLs and stack names, random enough not to collide. */
export function newRunId(): string {
  return `r${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
