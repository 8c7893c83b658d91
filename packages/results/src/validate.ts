import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { describe, type ResultsIssue, ResultsSchemaError } from './errors.js';
import { resultsSchema } from './schema.js';
import type { Results } from './types.js';

export type ValidationOutcome =
  | { ok: true; value: Results }
  | { ok: false; issues: ResultsIssue[] };

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
      // Formats are annotations for readers of the exported schema; `pattern` does the checking.
      formats: { 'date-time': true, uri: true },
    });
    compiled = ajv.compile(resultsSchema);
  }
  return compiled;
}

/** Check a value against the current results schema; never throws. */
export function validateResults(value: unknown): ValidationOutcome {
  const validate = validator();
  if (validate(value)) return { ok: true, value: value as Results };
  return { ok: false, issues: toIssues(validate.errors ?? []) };
}

/** Like validateResults, but throws a ResultsSchemaError naming each bad field. */
export function assertResults(value: unknown, what = 'results'): Results {
  const outcome = validateResults(value);
  if (!outcome.ok) throw new ResultsSchemaError(what, outcome.issues);
  return outcome.value;
}

/** Turn ajv's errors into one issue per field: path, expected, found. */
export function toIssues(errors: readonly ErrorObject[]): ResultsIssue[] {
  const byPath = new Map<string, { expected: string[]; found: string; nullable: boolean }>();
  for (const e of errors) {
    if (e.keyword === 'anyOf') continue; // its branches are reported on their own
    let path = e.instancePath || '';
    let expected: string;
    let found = describe(e.data);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        path = `${path}/${String(p.missingProperty)}`;
        expected = 'a value';
        found = 'nothing';
        break;
      case 'additionalProperties':
        path = `${path}/${String(p.additionalProperty)}`;
        expected = 'no such field';
        found = 'a field';
        break;
      case 'enum':
        expected = `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'const':
        expected = JSON.stringify(p.allowedValue);
        break;
      case 'type':
        expected = `type ${Array.isArray(p.type) ? p.type.join(' or ') : String(p.type)}`;
        found = typeof e.data === 'object' && e.data !== null ? describe(e.data) : found;
        break;
      case 'pattern':
        expected = `a string matching ${String(p.pattern)}`;
        break;
      default:
        expected = `a value that ${e.message ?? `satisfies ${e.keyword}`}`;
    }
    const key = path || '/';
    const entry = byPath.get(key) ?? { expected: [], found, nullable: false };
    if (e.keyword === 'type' && p.type === 'null') entry.nullable = true;
    else if (!entry.expected.includes(expected)) entry.expected.push(expected);
    byPath.set(key, entry);
  }
  return [...byPath].map(([path, { expected, found, nullable }]) => ({
    path,
    expected:
      (expected.length ? expected.join(' and ') : 'null') +
      (nullable && expected.length ? ' (or null)' : ''),
    found,
  }));
}
