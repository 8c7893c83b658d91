import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { MAX_DURATION_MS } from './bounds.js';
import { describe, type ResultsIssue, ResultsSchemaError } from './errors.js';
import { level } from './level.js';
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

/**
 * Check a value against the current results schema, then what a schema cannot say: the level is
 * the one the rungs reach (recomputed, never trusted), the timestamps are real dates from 1970
 * on, `finished_at` is not before `started_at` and at most a week after. Never throws.
 */
export function validateResults(value: unknown): ValidationOutcome {
  const validate = validator();
  if (!validate(value)) return { ok: false, issues: toIssues(validate.errors ?? []) };
  const issues = meaningIssues(value as Results);
  return issues.length ? { ok: false, issues } : { ok: true, value: value as Results };
}

const DATE_EXAMPLE = 'e.g. 2026-11-22T03:00:00.000Z';

/** Checks of a document that has the schema's shape. */
function meaningIssues(r: Results): ResultsIssue[] {
  const issues: ResultsIssue[] = [];
  const reached = level(r.rungs);
  if (r.level !== reached) {
    issues.push({
      path: '/level',
      expected: `${reached}, the level its rungs reach`,
      found: String(r.level),
    });
  }
  const started = utcMs(r.started_at);
  const finished = utcMs(r.finished_at);
  for (const [path, at, text] of [
    ['/started_at', started, r.started_at],
    ['/finished_at', finished, r.finished_at],
  ] as const) {
    if (at === null) {
      issues.push({
        path,
        expected: `a real UTC date and time from 1970 on, ${DATE_EXAMPLE}`,
        found: describe(text),
      });
    }
  }
  if (started !== null && finished !== null) {
    if (finished < started) {
      issues.push({
        path: '/finished_at',
        expected: `a time at or after started_at (${r.started_at})`,
        found: describe(r.finished_at),
      });
    } else if (finished - started > MAX_DURATION_MS) {
      issues.push({
        path: '/finished_at',
        expected: 'a time at most 7 days after started_at',
        found: describe(r.finished_at),
      });
    }
  }
  return issues;
}

/** Milliseconds of a schema-shaped timestamp, or null when the day does not exist or is pre-1970. */
function utcMs(text: string): number | null {
  const [year, month, day] = [text.slice(0, 4), text.slice(5, 7), text.slice(8, 10)].map(Number);
  const at = Date.parse(text);
  // Date.parse rolls 2026-02-30 over to March 2; a real date reads back as itself.
  const back = new Date(at);
  const real =
    Number.isFinite(at) &&
    back.getUTCFullYear() === year &&
    back.getUTCMonth() + 1 === month &&
    back.getUTCDate() === day;
  return real && at >= 0 ? at : null;
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
        expected =
          (e.parentSchema as { format?: string } | undefined)?.format === 'date-time'
            ? `a UTC date and time, ${DATE_EXAMPLE}`
            : `a string matching ${String(p.pattern)}`;
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
