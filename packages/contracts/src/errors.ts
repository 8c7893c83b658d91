/**
 * Base of every error a ccci package throws: a stable `code` in `<AREA>_<WHAT>` upper snake case
 * (`LOCK_BUSY`, `RESULTS_INVALID`), the class name as `name`, the original error in `cause`, and a
 * one-line message that never holds a secret value. Callers branch on `code` or the class, never
 * on the message.
 */
export class CcciError<Code extends string = string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}
