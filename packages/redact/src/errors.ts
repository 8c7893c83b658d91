/** Stable error codes of `@ccci/redact`. Messages name paths and options, never secret values. */
export type RedactErrorCode = 'ERR_REDACT_SECRETS_DIR' | 'ERR_REDACT_SCAN_FILE';

/** Base class of every error this package throws (option errors are `TypeError`s). */
export class RedactError extends Error {
  readonly code: RedactErrorCode;
  constructor(code: RedactErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedactError';
    this.code = code;
  }
}

/** The secrets directory exists but cannot be listed, or one of its files cannot be read. */
export class SecretsDirError extends RedactError {
  readonly path: string;
  constructor(path: string, what: string, cause: unknown) {
    super(
      'ERR_REDACT_SECRETS_DIR',
      `cannot read secrets ${what} ${path}: ${codeOf(cause)}; fix its permissions or point secretsDir elsewhere`,
      { cause },
    );
    this.name = 'SecretsDirError';
    this.path = path;
  }
}

/** A file handed to `scanFile` cannot be read. */
export class ScanFileError extends RedactError {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super('ERR_REDACT_SCAN_FILE', `cannot scan ${path} for secrets: ${codeOf(cause)}`, { cause });
    this.name = 'ScanFileError';
    this.path = path;
  }
}

function codeOf(cause: unknown): string {
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') {
    return cause.code;
  }
  return 'unreadable';
}
