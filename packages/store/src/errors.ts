export type StoreErrorCode = 'STORE_OPEN' | 'STORE_MIGRATION' | 'STORE_NEWER_SCHEMA';

/** A store failure with a stable `code`; the SQLite error is in `cause`. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
