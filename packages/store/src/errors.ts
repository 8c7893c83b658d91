import { CcciError } from '@ccci/contracts';

export type StoreErrorCode = 'STORE_OPEN' | 'STORE_MIGRATION' | 'STORE_NEWER_SCHEMA';

/** A store failure with a stable `code`; the SQLite error is in `cause`. */
export class StoreError extends CcciError<StoreErrorCode> {}
