import { RECIPE_NAME, RECIPE_NAME_RULE } from '@ccci/contracts';
import type { ResultsBuilderOptions } from './builder.js';

const fail = (message: string): never => {
  throw new TypeError(`createResultsBuilder: ${message}`);
};

/** Checks the builder's options up front, so finish() cannot fail on them later. */
export function checkBuilderOptions(options: ResultsBuilderOptions) {
  if (!options || typeof options !== 'object') fail('options must be an object');
  const pattern = (option: string, value: unknown, re: RegExp, what: string): string =>
    typeof value === 'string' && re.test(value)
      ? value
      : fail(`option ${option} must be ${what}, got ${describeOption(value)}`);
  const recipe = pattern('recipe', options.recipe, RECIPE_NAME, RECIPE_NAME_RULE);
  const runId = pattern(
    'runId',
    options.runId,
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'a run id ([A-Za-z0-9._-], up to 128)',
  );
  const sha = pattern(
    'sha',
    options.sha,
    /^([0-9a-f]{40}|[0-9a-f]{64})$/,
    'a full lowercase commit SHA',
  );
  const ref = pattern('ref', options.ref, /^\S.{0,254}$/s, 'a git ref (1–255 characters)');
  const version =
    options.version == null
      ? null
      : pattern(
          'version',
          options.version,
          /^\S.{0,127}$/s,
          'a version (1–128 characters) or null',
        );
  const executorUrl =
    options.executorUrl == null
      ? null
      : pattern(
          'executorUrl',
          options.executorUrl,
          /^https?:\/\/\S{1,1990}$/,
          'an http(s) URL or null',
        );
  const pr = options.pr ?? null;
  if (pr !== null && !(Number.isInteger(pr) && pr >= 1)) {
    fail(`option pr must be a positive integer or null, got ${describeOption(pr)}`);
  }
  checkCount('deployBudget', options.deployBudget ?? 1);
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') fail('option clock must be a function');
  const redact = options.redact ?? ((text: string) => text);
  if (typeof redact !== 'function') fail('option redact must be a function');
  return { recipe, runId, sha, ref, version, pr, executorUrl, clock, redact };
}

export function checkCount(option: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
    fail(`option ${option} must be an integer ≥ 0, got ${describeOption(value)}`);
  }
}

// Option values are identifiers, never secrets, but keep messages short anyway.
function describeOption(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
