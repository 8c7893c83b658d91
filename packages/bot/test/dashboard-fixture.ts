import { createHash } from 'node:crypto';
import { exampleResults, type Level } from '@ccci/results';
import { openStore, type RunRecord, type RunState, type Store } from '@ccci/store';

/** 2026-11-01T00:00Z: fixtures place their runs after it. */
export const T0 = Date.parse('2026-11-01T00:00:00.000Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface SeedRun {
  recipe: string;
  pr: number | null;
  /** When the run finished (ms); it was created ten minutes before. */
  at: number;
  /** Level of a finished run; null with no results. Default: no results. */
  level?: Level | null;
  /** Default `done`. */
  state?: RunState;
  /** Default: success for a level ≥ 1, failure for 0, error without a level. */
  commitState?: string | null;
  /** A merged PR's run. Default false. */
  onDefaultBranch?: boolean;
  /** Stored as is instead of example results for `level` (tests of unreadable results). */
  resultsJson?: string | null;
  /** Rung reason to put into the example results' stopping rung (hostile text tests). */
  reason?: string;
  error?: string | null;
  /** A run.log artifact. */
  log?: string | Buffer;
}

const resultsCache = new Map<string, string>();

function resultsFor(recipe: string, level: Level, reason?: string): string {
  const key = `${recipe}/${level}/${reason ?? ''}`;
  let json = resultsCache.get(key);
  if (json === undefined) {
    const r = exampleResults({ level, recipe });
    const stop = Object.values(r.rungs).find((x) => x.status === 'fail');
    if (reason !== undefined && stop) stop.reason = reason;
    json = JSON.stringify(r);
    resultsCache.set(key, json);
  }
  return json;
}

/** A store whose timestamps come from `clock.now` (ms), so fixtures set creation times. */
export function openSeedStore(path: string): { store: Store; clock: { now: number } } {
  const clock = { now: T0 };
  return { store: openStore({ path, clock: () => new Date(clock.now) }), clock };
}

let serial = 0;

/** Inserts one run as the bot would have left it. */
export function seedRun(store: Store, clock: { now: number }, r: SeedRun): RunRecord {
  serial++;
  const id = `run${String(serial).padStart(6, '0')}`;
  clock.now = r.at - 10 * 60_000;
  store.insertRun({
    id,
    repo: `coop-cloud/${r.recipe}`,
    recipe: r.recipe,
    pr: r.pr,
    commentId: null,
    requestedBy: r.pr === null ? null : 'alice',
    headSha: createHash('sha1').update(id).digest('hex'),
    headRef: r.pr === null ? 'main' : `feature-${r.pr}`,
    baseRef: 'main',
    src: `https://git.example.org/coop-cloud/${r.recipe}.git`,
    stages: null,
    quick: false,
    executor: 'local',
    keyHash: null,
    onDefaultBranch: r.onDefaultBranch ?? false,
  });
  const state = r.state ?? 'done';
  const level = r.level ?? null;
  clock.now = r.at;
  const run =
    state === 'done'
      ? store.updateRun(id, {
          state,
          level,
          commitState:
            r.commitState !== undefined
              ? r.commitState
              : level === null
                ? 'error'
                : level >= 1
                  ? 'success'
                  : 'failure',
          resultsJson:
            r.resultsJson !== undefined
              ? r.resultsJson
              : level === null
                ? null
                : resultsFor(r.recipe, level, r.reason),
          error: r.error ?? (level === null ? 'the harness reported no results' : null),
          startedAt: new Date(r.at - 9 * 60_000).toISOString(),
          finishedAt: new Date(r.at).toISOString(),
        })
      : store.updateRun(id, {
          state,
          ...(state === 'running' ? { startedAt: new Date(r.at).toISOString() } : {}),
        });
  if (r.log !== undefined) store.putArtifact(id, 'run.log', Buffer.from(r.log));
  return run;
}

const PHASES: [string, string[]][] = [
  ['prepare', ['janitor', 'clone custom-html at refs/pull/4/head', 'load recipe settings']],
  ['install', ['abra app new', 'deploy head']],
  ['upgrade', ['deploy 1.4.0+1.27.2']],
  ['teardown', ['remove app', 'verify']],
];

/**
 * A run.log as the harness writes it (pino NDJSON: numeric levels, ms timestamps, step lines
 * with `rung` and `step`, child output as debug lines with `source`), `linesPerStep` output
 * lines after each step, a warning in upgrade and an error at its end.
 */
export function sampleLog(linesPerStep = 3, start = T0): string {
  let t = start;
  const out: string[] = [];
  const line = (o: Record<string, unknown>) => {
    t += 1234;
    out.push(JSON.stringify({ level: 30, time: t, ...o }));
  };
  for (const [rung, steps] of PHASES) {
    for (const step of steps) {
      line({ rung, step, msg: `${rung}: ${step}` });
      for (let i = 0; i < linesPerStep; i++)
        line({ level: 20, source: 'abra', msg: `output ${i} of ${step}` });
    }
    if (rung === 'upgrade') {
      line({ level: 40, msg: 'witness file checked twice' });
      line({ level: 50, msg: 'witness file missing from volume "content" after the upgrade' });
    }
  }
  return `${out.join('\n')}\n`;
}
