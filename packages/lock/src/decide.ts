/**
 * State of a domain lock as the janitor sees it:
 * - `held-fresh`: refreshed within the stale threshold, held for at most deadline + margin;
 * - `held-old`: refreshed, but held for longer than deadline + margin (no run lives that long);
 * - `stale`: the lock directory exists but was not refreshed within the stale threshold;
 * - `absent`: no lock directory.
 */
export type LockState = 'held-fresh' | 'held-old' | 'stale' | 'absent';

/** What the janitor does with one CI stack. */
export type Decision = 'leave' | 'warn-leaked' | 'reap';

export interface DecideInput {
  lockState: LockState;
  /** How long the lock has been held (ms); ignored for `stale` and `absent`. */
  ageMs: number;
  /** The run deadline (ms), default 60 min in production. */
  deadlineMs: number;
  /** Slack on top of the deadline before a held lock is suspicious (ms). */
  marginMs: number;
}

export const LOCK_STATES: readonly LockState[] = ['held-fresh', 'held-old', 'stale', 'absent'];

function assertMs(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `${name}: expected a non-negative number of milliseconds, found ${JSON.stringify(value)}`,
    );
  }
}

/** Classifies a held lock by how long it has been held. */
export function heldState(ageMs: number, deadlineMs: number, marginMs: number): LockState {
  return ageMs > deadlineMs + marginMs ? 'held-old' : 'held-fresh';
}

/**
 * The janitor table (docs/concurrency.md). Pure. For a held lock the measured age is
 * authoritative: a `held-fresh` label with an age past deadline + margin still warns, and
 * neither held state is ever reaped — a live holder refreshes its lock, so only a human may
 * decide that a refreshed lock belongs to a leaked run.
 *
 * | lock state                                  | decision      |
 * | ------------------------------------------- | ------------- |
 * | held, age ≤ deadline + margin               | `leave`       |
 * | held, age > deadline + margin (`held-old`)  | `warn-leaked` |
 * | stale or absent                             | `reap`        |
 *
 * (Taking the lock failing — another janitor or a new run won — is the executor's `leave`.)
 */
export function decide(input: DecideInput): Decision {
  const { lockState, ageMs, deadlineMs, marginMs } = input;
  if (!LOCK_STATES.includes(lockState)) {
    throw new TypeError(
      `lockState: expected one of ${LOCK_STATES.join(', ')}, found ${JSON.stringify(lockState)}`,
    );
  }
  assertMs('ageMs', ageMs);
  assertMs('deadlineMs', deadlineMs);
  assertMs('marginMs', marginMs);
  switch (lockState) {
    case 'stale':
    case 'absent':
      return 'reap';
    case 'held-old':
      return 'warn-leaked';
    case 'held-fresh':
      return heldState(ageMs, deadlineMs, marginMs) === 'held-old' ? 'warn-leaked' : 'leave';
  }
}
