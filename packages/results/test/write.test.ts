import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResultsSchemaError } from '../src/errors.js';
import { type Results, safeWriteResults, validateResults } from '../src/index.js';
import { fullyFilled, manualBuilder } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-results-'));
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

describe('safeWriteResults', () => {
  it('writes valid results as pretty JSON that validates when read back, leaving no temp file', async () => {
    const path = join(dir, 'results.json');
    const results = fullyFilled();
    expect(await safeWriteResults(path, results)).toEqual({ ok: true, path });
    const back = JSON.parse(readFileSync(path, 'utf8'));
    expect(validateResults(back).ok).toBe(true);
    expect(back).toEqual(results);
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('accepts a thunk, so a failing finish() becomes an error value', async () => {
    const { builder } = manualBuilder();
    builder.finish();
    const outcome = await safeWriteResults(join(dir, 'results.json'), () => builder.finish());
    expect(outcome).toMatchObject({ ok: false, error: { code: 'RESULTS_BUILDER_MISUSE' } });
    expect(existsSync(join(dir, 'results.json'))).toBe(false);
  });

  it('does not write invalid results to the path; keeps them beside it as .invalid', async () => {
    const path = join(dir, 'results.json');
    const bad = { ...fullyFilled(), level: 7 } as unknown as Results;
    const outcome = await safeWriteResults(path, bad);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toBeInstanceOf(ResultsSchemaError);
    expect(outcome.error.message).toContain('/level');
    expect(existsSync(path)).toBe(false);
    expect(JSON.parse(readFileSync(`${path}.invalid`, 'utf8')).level).toBe(7);
  });

  it('never throws: unwritable folder, missing folder, circular and BigInt values, odd paths', async () => {
    chmodSync(dir, 0o500);
    const isRoot = process.getuid?.() === 0;
    const unwritable = await safeWriteResults(join(dir, 'results.json'), fullyFilled());
    // root ignores directory permissions; the other cases below still exercise the failure path.
    if (!isRoot)
      expect(unwritable).toMatchObject({ ok: false, error: { code: 'RESULTS_WRITE_FAILED' } });
    chmodSync(dir, 0o755);

    const missing = await safeWriteResults(join(dir, 'no', 'such', 'results.json'), fullyFilled());
    expect(missing).toMatchObject({ ok: false, error: { code: 'RESULTS_WRITE_FAILED' } });
    if (!missing.ok) expect(missing.error.message).toContain('ENOENT');

    const circular = fullyFilled() as Results & { manifest: Record<string, unknown> };
    circular.manifest.self = circular.manifest;
    expect((await safeWriteResults(join(dir, 'c.json'), circular)).ok).toBe(false);

    const big = { ...fullyFilled(), manifest: { n: 1n } } as unknown as Results;
    expect((await safeWriteResults(join(dir, 'b.json'), big)).ok).toBe(false);

    const thrower = () => {
      throw new Error('boom');
    };
    expect(await safeWriteResults(join(dir, 't.json'), thrower)).toMatchObject({
      ok: false,
      error: { code: 'RESULTS_WRITE_FAILED' },
    });
    expect((await safeWriteResults('', fullyFilled())).ok).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
