import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ResultsSchemaError, ResultsVersionError } from '../src/errors.js';
import { exampleResults, normalizeResults, validateResults } from '../src/index.js';

const v0 = JSON.parse(readFileSync(new URL('fixtures/results-v0.json', import.meta.url), 'utf8'));

describe('normalizeResults', () => {
  it('returns current results unchanged', () => {
    const r = exampleResults({ level: 4 });
    expect(normalizeResults(r)).toEqual(r);
  });

  it('upgrades a v0 document (no schema_version, tiers list, no flags or skips) to valid v1', () => {
    const r = normalizeResults(v0);
    expect(validateResults(r).ok).toBe(true);
    expect(r).toMatchObject({
      schema_version: 1,
      recipe: 'keycloak',
      version: '10.1.0+24.0.5',
      pr: 17,
      sha: v0.commit,
      run_id: v0.run,
      executor_url: v0.drone_url,
      started_at: '2025-06-11T12:03:01.000Z',
      level: 2,
      deploys: { count: 2, budget: null },
      flags: {
        clean_teardown: null,
        no_secret_leak: null,
        deploy_budget_ok: null,
        quick: null,
        flaky: null,
      },
      artifacts: {
        card_png: 'card.png',
        screenshot: 'screenshot.png',
        log: 'run.log',
        card_svg: null,
      },
    });
    expect(r.rungs.install).toEqual({
      status: 'pass',
      reason: null,
      duration_ms: 142_500,
      tests: [],
    });
    expect(r.rungs.backup_restore).toMatchObject({
      status: 'fail',
      reason: 'backupbot: no backup-bot labels on service app',
      tests: [{ name: 'test_backup.sh', status: 'fail', ms: 11_800, reason: null }],
    });
    // A tier v0 never recorded is unverified, and counted as an unintentional skip.
    expect(r.rungs.functional).toMatchObject({
      status: 'unver',
      reason: 'not recorded (results v0)',
    });
    expect(r.skips.unintentional).toEqual([
      { rung: 'functional', test: null, reason: 'not recorded (results v0)' },
    ]);
  });

  it('recomputes the level from the rungs rather than trusting v0', () => {
    expect(normalizeResults({ ...v0, level: 5 }).level).toBe(2);
  });

  it('refuses a newer schema version with a typed error saying what to do', () => {
    expect(() => normalizeResults({ ...exampleResults({ level: 1 }), schema_version: 2 })).toThrow(
      ResultsVersionError,
    );
    expect(() => normalizeResults({ schema_version: 2 })).toThrow(
      /schema_version 2 is not one of 0, 1.*upgrade @ccci\/results/,
    );
  });

  it('names the bad field of a broken v0 or v1 document', () => {
    expect(() => normalizeResults({ ...v0, tiers: [{ name: 'install', result: 'ok' }] })).toThrow(
      /results \(v0\) does not match the results schema: \/tiers\/0\/result: expected one of/,
    );
    expect(() => normalizeResults([])).toThrow(ResultsSchemaError);
    expect(() => normalizeResults(null)).toThrow(/\/: expected type object, found null/);
    const { flags: _, ...noFlags } = exampleResults({ level: 2 });
    expect(() => normalizeResults(noFlags)).toThrow(/\/flags: expected a value, found nothing/);
  });
});
