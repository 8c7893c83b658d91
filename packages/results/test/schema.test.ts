import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ResultsSchemaError } from '../src/errors.js';
import { exampleResults, validateResults } from '../src/index.js';
import { resultsSchema } from '../src/schema.js';
import { resultsSchemaJson } from '../src/schema-json.js';
import { assertResults } from '../src/validate.js';
import { fullyFilled } from './helpers.js';

const exported = new URL('../../../machine-docs/results.schema.json', import.meta.url);

/** Every object schema in the tree, with its path. */
function objectSchemas(
  node: unknown,
  path = '#',
): { path: string; schema: Record<string, unknown> }[] {
  if (!node || typeof node !== 'object') return [];
  const here = node as Record<string, unknown>;
  const found = here.type === 'object' && here.properties ? [{ path, schema: here }] : [];
  return [...found, ...Object.entries(here).flatMap(([k, v]) => objectSchemas(v, `${path}/${k}`))];
}

describe('results schema', () => {
  it('machine-docs/results.schema.json is up to date (run `pnpm --filter @ccci/results generate`)', () => {
    expect(readFileSync(exported, 'utf8')).toBe(resultsSchemaJson());
  });

  it('requires every property and forbids others in every object, so types and schema stay in lockstep', () => {
    const objects = objectSchemas(resultsSchema);
    expect(objects.length).toBeGreaterThanOrEqual(10);
    for (const { path, schema } of objects) {
      expect({ path, additional: schema.additionalProperties }).toEqual({
        path,
        additional: false,
      });
      expect({ path, required: [...(schema.required as string[])].sort() }).toEqual({
        path,
        required: Object.keys(schema.properties as object).sort(),
      });
    }
  });

  it('accepts a fully filled builder output, with every field present and non-default', () => {
    const results = fullyFilled();
    expect(validateResults(results)).toEqual({ ok: true, value: results });
    // Non-default everywhere, so a field the schema does not know would have been rejected.
    expect(results.pr).toBe(7);
    expect(results.version).toBe('1.2.0+3.4.5');
    expect(results.executor_url).toBe('https://drone.example.org/x/y/3');
    expect(Object.values(results.artifacts).every((a) => a !== null)).toBe(true);
    expect(Object.values(results.flags).every((f) => f !== null)).toBe(true);
    expect(results.lint.rules_failed).toHaveLength(2);
    expect(results.skips.intentional).toHaveLength(1);
    expect(results.skips.unintentional).toHaveLength(2);
    expect(results.manifest).toEqual({ overlays: ['compose.ci.yml'], nested: { ok: true } });
  });

  it('accepts the examples for every level', () => {
    for (const level of [0, 1, 2, 3, 4, 5] as const) {
      expect(validateResults(exampleResults({ level })).ok).toBe(true);
    }
  });

  it('names each bad field with expected and found', () => {
    const results = structuredClone(fullyFilled()) as unknown as Record<string, unknown>;
    (results.rungs as Record<string, Record<string, unknown>>).install!.status = 'ok';
    results.level = 9;
    results.sha = 'nothex';
    delete results.run_id;
    results.surprise = 1;
    (results.flags as Record<string, unknown>).quick = 'yes';
    const outcome = validateResults(results);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues).toEqual(
      expect.arrayContaining([
        {
          path: '/rungs/install/status',
          expected: 'one of "pass", "fail", "skip", "unver"',
          found: '"ok"',
        },
        { path: '/level', expected: 'a value that must be <= 5', found: '9' },
        {
          path: '/sha',
          expected: 'a string matching ^([0-9a-f]{40}|[0-9a-f]{64})$',
          found: '"nothex"',
        },
        { path: '/run_id', expected: 'a value', found: 'nothing' },
        { path: '/surprise', expected: 'no such field', found: 'a field' },
        { path: '/flags/quick', expected: 'type boolean or null', found: '"yes"' },
      ]),
    );
    expect(outcome.issues).toHaveLength(6);
  });

  it('reports a nullable field once, as "… (or null)"', () => {
    const results = { ...fullyFilled(), version: 42 };
    const outcome = validateResults(results);
    expect(outcome.ok ? [] : outcome.issues).toEqual([
      { path: '/version', expected: 'type string (or null)', found: '42' },
    ]);
  });

  it('assertResults throws a typed error whose message lists the fields, never long values', () => {
    const secretish = 'x'.repeat(30);
    const bad = { ...fullyFilled(), ref: 5, recipe: secretish.toUpperCase() };
    let caught: unknown;
    try {
      assertResults(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResultsSchemaError);
    const error = caught as ResultsSchemaError;
    expect(error.code).toBe('RESULTS_INVALID');
    expect(error.message).toContain('/ref: expected type string, found 5');
    expect(error.message).toContain('/recipe: expected a string matching');
    expect(error.message).toContain('a string of 30 characters');
    expect(error.message).not.toContain(secretish.toUpperCase());
  });
});
