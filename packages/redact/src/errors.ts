import { CcciError } from '@ccci/contracts';

/** Stable error codes of `@ccci/redact`. Messages name paths and options, never secret values. */
export type RedactErrorCode = 'REDACT_SECRETS_DIR' | 'REDACT_SCAN_FILE';

/** Base class of every error this package throws (option errors are `TypeError`s). */
export class RedactError extends CcciError<RedactErrorCode> {}

/** The secrets directory exists but cannot be listed, or one of its files cannot be read. */
export class SecretsDirError extends RedactError {
  readonly path: string;
  constructor(path: string, what: string, cause: unknown) {
    super(
      'REDACT_SECRETS_DIR',
      `cannot read secrets ${what} ${path}: ${codeOf(cause)}; fix its permissions or point secretsDir elsewhere`,
      { cause },
    );
    this.path = path;
  }
}

/** A file handed to `scanFile` cannot be read. */
export class ScanFileError extends RedactError {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super('REDACT_SCAN_FILE', `cannot scan ${path} for secrets: ${codeOf(cause)}`, { cause });
    this.path = path;
  }
}

function codeOf(cause: unknown): string {
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') {
    return cause.code;
  }
  return 'unreadable';
}
