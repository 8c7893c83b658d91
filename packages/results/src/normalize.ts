import { ResultsVersionError } from './errors.js';
import type { Results } from './types.js';
import { upgradeV0 } from './v0.js';
import { assertResults } from './validate.js';

/** Schema versions normalizeResults reads (0 = the prototype's, without `schema_version`). */
const READABLE_SCHEMA_VERSIONS = [0, 1] as const;

/**
 * Any results document this package has ever written → current Results, validated. Every
 * renderer goes through it, so results stored by older versions keep rendering. Throws
 * ResultsSchemaError (names each bad field) or ResultsVersionError (a newer/unknown version).
 */
export function normalizeResults(input: unknown): Results {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return assertResults(input);
  }
  const version = (input as { schema_version?: unknown }).schema_version;
  if (version === undefined) return assertResults(upgradeV0(input), 'results (upgraded from v0)');
  if (version === 1) return assertResults(input);
  throw new ResultsVersionError(version, [...READABLE_SCHEMA_VERSIONS]);
}
