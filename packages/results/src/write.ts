import { rename, rm, writeFile } from 'node:fs/promises';
import { ResultsError, ResultsSchemaError } from './errors.js';
import type { Results } from './types.js';
import { validateResults } from './validate.js';

export type WriteOutcome = { ok: true; path: string } | { ok: false; error: ResultsError };

/**
 * Validates and writes results.json atomically (temp file + rename). NEVER throws and never
 * rejects: writing results must not change a run's exit code. `source` may be a thunk such as
 * `() => builder.finish()` so that a failing finish is caught too. Results that fail the schema
 * are not written to `path`; they go to `<path>.invalid` for a post-mortem, and the error says
 * which fields are wrong.
 */
export async function safeWriteResults(
  path: string,
  source: Results | (() => Results),
): Promise<WriteOutcome> {
  try {
    const results = typeof source === 'function' ? source() : source;
    const outcome = validateResults(results);
    if (!outcome.ok) {
      const error = new ResultsSchemaError(`results for ${String(path)}`, outcome.issues);
      await writeAtomic(`${path}.invalid`, results).catch(() => undefined);
      return { ok: false, error };
    }
    await writeAtomic(path, outcome.value);
    return { ok: true, path };
  } catch (cause) {
    const error =
      cause instanceof ResultsError
        ? cause
        : new ResultsError(
            'RESULTS_WRITE_FAILED',
            `could not write results to ${String(path)}: ${reasonOf(cause)}`,
            {
              cause,
            },
          );
    return { ok: false, error };
  }
}

async function writeAtomic(path: string, value: unknown): Promise<void> {
  const body = `${JSON.stringify(value, null, 2)}\n`;
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, body, { mode: 0o644 });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}

function reasonOf(cause: unknown): string {
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  if (cause instanceof Error) return cause.name;
  return 'unknown error';
}
