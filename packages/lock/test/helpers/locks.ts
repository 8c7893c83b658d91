import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { lockPaths } from '../../src/lock.js';

/**
 * Leaves `domain`'s lock the way a killed run leaves it: the lock directory with an owner file
 * (`token`; by default run `dead-run` with a pid that is not running) and an mtime `ageMs` old
 * (default a minute: stale).
 */
export async function plantDeadLock(
  locksDir: string,
  domain: string,
  token: string,
  { runId = 'dead-run', pid = 999_999, ageMs = 60_000 } = {},
): Promise<{ lockPath: string; ownerPath: string }> {
  const { lockPath, ownerPath } = lockPaths(locksDir, domain);
  await mkdir(lockPath, { recursive: true });
  await writeFile(
    ownerPath,
    JSON.stringify({ runId, pid, startedAt: new Date(0).toISOString(), token }),
  );
  const old = new Date(Date.now() - ageMs);
  await utimes(lockPath, old, old);
  return { lockPath, ownerPath };
}
