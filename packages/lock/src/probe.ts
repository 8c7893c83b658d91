import { stat } from 'node:fs/promises';
import { heldState, type LockState } from './decide.js';
import { DEFAULT_STALE_MS, type LockOwner, lockPaths, readOwner } from './lock.js';

export interface ProbeLockOptions {
  locksDir: string;
  domain: string;
  /** Same threshold the runs use (default 30 000 ms). */
  staleMs?: number;
  /** Run deadline (ms) for telling `held-old` from `held-fresh`. */
  deadlineMs: number;
  /** Slack on top of the deadline (ms). */
  marginMs: number;
  /** Clock (default `Date.now`). */
  now?: () => number;
}

/** What one look at a domain lock found. */
export interface LockProbe {
  lockState: LockState;
  /** How long the lock has been held (ms); 0 when absent. */
  ageMs: number;
  /** The owner file's content, if any (may belong to a dead holder). */
  owner: LockOwner | undefined;
  /** The owner token seen now: the identity the janitor compares again before reaping. */
  ownerToken: string | null;
}

/** Looks at a domain lock without touching it. */
export async function probeLock(options: ProbeLockOptions): Promise<LockProbe> {
  const { locksDir, domain, staleMs = DEFAULT_STALE_MS, deadlineMs, marginMs } = options;
  const now = (options.now ?? Date.now)();
  const { lockPath, ownerPath } = lockPaths(locksDir, domain);
  const [dir, owner] = await Promise.all([
    stat(lockPath).catch(() => undefined),
    readOwner(ownerPath),
  ]);
  const ownerToken = owner?.token ?? null;
  if (dir === undefined) return { lockState: 'absent', ageMs: 0, owner, ownerToken };
  // Held since the lock directory was made (its birth time); file systems without birth times
  // report 0, then the owner file's start time stands in.
  const since = dir.birthtimeMs > 0 ? dir.birthtimeMs : owner ? Date.parse(owner.startedAt) : now;
  const ageMs = Math.max(0, now - since);
  if (dir.mtimeMs < now - staleMs) return { lockState: 'stale', ageMs, owner, ownerToken };
  return { lockState: heldState(ageMs, deadlineMs, marginMs), ageMs, owner, ownerToken };
}
