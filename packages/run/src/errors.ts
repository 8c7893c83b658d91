import { CcciError } from '@ccci/contracts';

/** Stable codes of {@link RunError}. */
type RunErrorCode =
  | 'RUN_USAGE'
  | 'RUN_REFUSED'
  | 'RUN_ASSERTION'
  | 'RUN_INFRA'
  | 'RUN_SKIP'
  | 'RUN_HOOK_LOAD'
  | 'RUN_REPORT_NOT_TAKEN';

/** Base of the run engine's errors: a stable `code`, secrets never in the message. */
export class RunError extends CcciError<RunErrorCode> {}

/** Bad command line or environment settings: exit 2, nothing changed. */
export class UsageError extends RunError {
  constructor(message: string) {
    super('RUN_USAGE', message);
  }
}

/** The run was refused before any deploy (compose policy, recipe settings, clone): exit 3. */
export class RefusedError extends RunError {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super('RUN_REFUSED', message);
  }
}

/** A generic assertion of a rung did not hold: the rung is `fail`. */
export class AssertionFailed extends RunError {
  constructor(message: string) {
    super('RUN_ASSERTION', message);
  }
}

/** Something outside the recipe went wrong (tool missing, crash, timeout): the rung is `unver`. */
export class InfraError extends RunError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RUN_INFRA', message, options);
  }
}
