import { CcciError } from '@ccci/contracts';

/** Stable codes of {@link LockPackageError}. */
export type LockErrorCode =
  | 'LOCK_BUSY'
  | 'LOCK_COMPROMISED'
  | 'LOCK_RUN_STATE_ENV'
  | 'LOCK_DOCKER'
  | 'LOCK_WAIT_TIMEOUT'
  | 'LOCK_IDENTITY'
  | 'LOCK_REAP_ABORTED'
  | 'LOCK_REAP_INCOMPLETE';

/** Base class: every error of this package carries a stable `code`. */
export class LockPackageError extends CcciError<LockErrorCode> {}

/** The domain lock is held by someone else (a live run or a janitor). */
export class LockBusyError extends LockPackageError {
  readonly domain: string;
  constructor(domain: string, message: string, options?: { cause?: unknown }) {
    super('LOCK_BUSY', message, options);
    this.domain = domain;
  }
}

/** A held lock was lost: its refresh failed, or the lock directory was removed or replaced. */
export class LockCompromisedError extends LockPackageError {
  readonly domain: string;
  constructor(domain: string, message: string, options?: { cause?: unknown }) {
    super('LOCK_COMPROMISED', message, options);
    this.domain = domain;
  }
}

/** A `CCCI_*` run-state variable handed to a child is missing or malformed. */
export class RunStateEnvError extends LockPackageError {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super('LOCK_RUN_STATE_ENV', message);
    this.variable = variable;
  }
}

/** A docker command the janitor needed failed. Carries the arguments, exit code and stderr. */
export class DockerCommandError extends LockPackageError {
  readonly args: readonly string[];
  readonly exitCode: number | undefined;
  readonly stderr: string;
  constructor(args: readonly string[], exitCode: number | undefined, stderr: string) {
    super(
      'LOCK_DOCKER',
      `docker ${args.join(' ')} exited with ${exitCode ?? 'no code'}: ${stderr.trim().split('\n')[0] ?? ''}`,
    );
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** A condition the janitor awaited (tasks gone, volume released) did not come true in time. */
export class WaitTimeoutError extends LockPackageError {
  constructor(what: string, timeoutMs: number) {
    super('LOCK_WAIT_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

/** The lock changed hands between the janitor's probe and its attempt to take it. */
export class LockIdentityError extends LockPackageError {
  readonly domain: string;
  readonly expected: string | null;
  readonly found: string | null;
  constructor(domain: string, expected: string | null, found: string | null) {
    super(
      'LOCK_IDENTITY',
      `lock of ${domain} changed hands since it was probed (owner token ${expected ?? 'none'} → ${found ?? 'none'})`,
    );
    this.domain = domain;
    this.expected = expected;
    this.found = found;
  }
}

/** A reap stopped because the janitor no longer held the domain lock. */
export class ReapAbortedError extends LockPackageError {
  readonly domain: string;
  constructor(domain: string, step: string) {
    super(
      'LOCK_REAP_ABORTED',
      `reap of ${domain} stopped before ${step}: the janitor lost the lock`,
    );
    this.domain = domain;
  }
}
