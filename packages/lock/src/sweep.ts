import { type Decision, decide, type LockState } from './decide.js';
import { LockBusyError, LockIdentityError, ReapAbortedError } from './errors.js';
import { leaseActive, readKeepLease, removeKeepLease } from './keep.js';
import { acquireDomainLock, DEFAULT_STALE_MS, type DomainLock, type LockOwner } from './lock.js';
import { type LockProbe, probeLock } from './probe.js';

/**
 * What happened to one domain:
 * - `left`: held and fresh, a live run;
 * - `warned`: held past deadline + margin, "possible leaked run", left alone;
 * - `kept`: not held, but a keep lease (`!testme keep`) has not expired: left alone;
 * - `reaped`: lock taken, objects removed, lock released;
 * - `already-gone`: lock taken, but nothing of the stack was left (another janitor reaped it);
 * - `lost-race`: taking the lock failed (another janitor or a new run won);
 * - `identity-changed`: the lock changed hands between probe and reap, nothing touched;
 * - `lock-lost`: the janitor's own lock was compromised mid-reap, it stopped;
 * - `failed`: an error during the reap (in `error`).
 */
type SweepOutcome =
  | 'left'
  | 'warned'
  | 'kept'
  | 'reaped'
  | 'already-gone'
  | 'lost-race'
  | 'identity-changed'
  | 'lock-lost'
  | 'failed';

export interface SweepResult<T> {
  domain: string;
  lockState: LockState;
  ageMs: number;
  decision: Decision;
  outcome: SweepOutcome;
  /** The holder recorded at probe time (possibly dead). */
  owner?: LockOwner;
  /** What the reaper returned. */
  reaped?: T;
  /** `kept`: when the keep lease expires (ISO 8601). */
  keptUntil?: string;
  /** One-line reason for `failed`, `lost-race`, `identity-changed`, `lock-lost`. */
  error?: string;
}

/** Given to the reaper: the janitor's lock and a check to run before each destructive step. */
export interface ReapContext {
  domain: string;
  lock: DomainLock;
  /** True while the janitor still holds the lock (checked on disk). */
  stillHeld: () => Promise<boolean>;
  /** The holder recorded at probe time (the dead run), if any. */
  owner: LockOwner | undefined;
}

export interface SweepDomainOptions<T> {
  locksDir: string;
  domain: string;
  /** Run id written to the owner file while the janitor holds the lock. */
  janitorId: string;
  deadlineMs: number;
  marginMs: number;
  /** Same as the runs' (default 30 000 ms). */
  staleMs?: number;
  /** Clock for lock ages and keep-lease expiry, ms. Default `Date.now`. */
  now?: () => number;
  /** Called between probe and reap (instrumentation; tests use it to interleave races). */
  afterProbe?: (probe: LockProbe, decision: Decision) => Promise<void> | void;
  /** Removes the domain's objects; returns `'gone'` when nothing was left to remove. */
  reap: (context: ReapContext) => Promise<T | 'gone'>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The janitor protocol for one domain: probe the lock, decide, and for a stale or absent
 * lock — unless an unexpired keep lease keeps the app — take it (failing → leave), check its
 * identity is the one probed, reap, remove the lease, release. Never throws for a per-domain
 * problem; the outcome says what happened.
 */
export async function sweepDomain<T>(options: SweepDomainOptions<T>): Promise<SweepResult<T>> {
  const { locksDir, domain, deadlineMs, marginMs, staleMs = DEFAULT_STALE_MS } = options;
  const now = options.now ?? Date.now;
  const probe = await probeLock({ locksDir, domain, staleMs, deadlineMs, marginMs, now });
  const decision = decide({ lockState: probe.lockState, ageMs: probe.ageMs, deadlineMs, marginMs });
  const base = {
    domain,
    lockState: probe.lockState,
    ageMs: probe.ageMs,
    decision,
    ...(probe.owner ? { owner: probe.owner } : {}),
  };
  await options.afterProbe?.(probe, decision);
  if (decision === 'leave') return { ...base, outcome: 'left' };
  if (decision === 'warn-leaked') return { ...base, outcome: 'warned' };
  // A kept app's run released its lock after writing the lease: no lock, yet not a dead run's.
  const lease = await readKeepLease(locksDir, domain);
  if (lease && leaseActive(lease, now())) {
    return { ...base, outcome: 'kept', keptUntil: lease.expiresAt };
  }

  let lock: DomainLock;
  try {
    lock = await acquireDomainLock({
      locksDir,
      domain,
      staleMs,
      owner: { runId: options.janitorId },
      expectOwnerToken: probe.ownerToken,
    });
  } catch (error) {
    if (error instanceof LockBusyError)
      return { ...base, outcome: 'lost-race', error: error.message };
    if (error instanceof LockIdentityError) {
      return { ...base, outcome: 'identity-changed', error: error.message };
    }
    return { ...base, outcome: 'failed', error: message(error) };
  }
  try {
    const reaped = await options.reap({
      domain,
      lock,
      stillHeld: () => lock.verify(),
      owner: probe.owner,
    });
    // The app is gone: its expired lease goes with it (under the lock, so no run's new lease).
    if (lease) await removeKeepLease(locksDir, domain);
    if (reaped === 'gone') return { ...base, outcome: 'already-gone' };
    return { ...base, outcome: 'reaped', reaped };
  } catch (error) {
    if (error instanceof ReapAbortedError || !lock.isHeld()) {
      return { ...base, outcome: 'lock-lost', error: message(error) };
    }
    return { ...base, outcome: 'failed', error: message(error) };
  } finally {
    await lock.release();
  }
}
