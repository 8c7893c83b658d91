import { CcciError } from '@ccci/contracts';

/** One schema violation: where (JSON pointer into the document), what was expected, what was found. */
export interface ResultsIssue {
  /** JSON pointer, `/` for the document itself, e.g. `/rungs/install/status`. */
  path: string;
  expected: string;
  found: string;
}

export type ResultsErrorCode =
  | 'RESULTS_INVALID'
  | 'RESULTS_UNSUPPORTED_VERSION'
  | 'RESULTS_BUILDER_MISUSE'
  | 'RESULTS_WRITE_FAILED';

/** Base of every error this package throws or returns; `code` is stable. */
export class ResultsError extends CcciError<ResultsErrorCode> {}

/** A document does not match the results schema (for the builder's own output: a bug). */
export class ResultsSchemaError extends ResultsError {
  readonly issues: readonly ResultsIssue[];
  constructor(what: string, issues: readonly ResultsIssue[]) {
    const shown = issues
      .slice(0, 5)
      .map((i) => `${i.path}: expected ${i.expected}, found ${i.found}`);
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
    super(
      'RESULTS_INVALID',
      `${what} does not match the results schema: ${shown.join('; ')}${more}`,
    );
    this.issues = issues;
  }
}

/** A results document of a schema version this package does not know. */
export class ResultsVersionError extends ResultsError {
  readonly found: unknown;
  constructor(found: unknown, supported: readonly number[]) {
    super(
      'RESULTS_UNSUPPORTED_VERSION',
      `results schema_version ${describe(found)} is not one of ${supported.join(', ')} (or a v0 ` +
        'document without schema_version); upgrade @ccci/results to render it',
    );
    this.found = found;
  }
}

/** The builder was used out of order (e.g. finishRung with no rung started): a harness bug. */
export class ResultsBuilderError extends ResultsError {
  constructor(message: string) {
    super('RESULTS_BUILDER_MISUSE', message);
  }
}

/** Short, secret-free description of a found value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    // Values are not echoed in full: a string in the wrong place might be a secret.
    return value.length > 24 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  return String(value);
}
