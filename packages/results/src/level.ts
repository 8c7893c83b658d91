import { RUNG_NAMES, type RungName, type RungStatus } from '@ccci/contracts';
import type { Level } from './rungs.js';
import type { Flags } from './types.js';

/** Per rung, a status or anything carrying one (e.g. a RungResult). */
export type RungStatuses = Readonly<Record<RungName, RungStatus | { readonly status: RungStatus }>>;

/**
 * The ladder: the largest n such that rung n is `pass` and every rung below it is `pass` or
 * `skip`. `fail` and `unver` block the climb; intentional skips are climbed past. 0 = does not
 * install. Pure.
 */
export function level(rungs: RungStatuses): Level {
  let reached: Level = 0;
  for (const [i, name] of RUNG_NAMES.entries()) {
    const entry = rungs[name];
    const status = typeof entry === 'string' ? entry : entry.status;
    if (status === 'fail' || status === 'unver') break;
    if (status === 'pass') reached = (i + 1) as Level;
  }
  return reached;
}

/** The four commit-status states GitHub and Gitea share. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface VerdictInput {
  level: Level;
  flags: Flags;
  /** The recipe's previous level on its default branch; `null`/absent for a new recipe. */
  previousLevel?: Level | null;
}

/**
 * The commit status of a finished run: `success` when the level is at least the recipe's
 * previous level (at least 1 for a new recipe) and no guard flag is `false` (a dirty teardown,
 * a secret leak or a blown deploy budget fail the run whatever the level). `quick` and `flaky`
 * are informational. A flag that is `null` (not determined) does not fail the run.
 */
export function verdict({
  level: reached,
  flags,
  previousLevel = null,
}: VerdictInput): CommitState {
  const guardsBroken =
    flags.clean_teardown === false ||
    flags.no_secret_leak === false ||
    flags.deploy_budget_ok === false;
  if (guardsBroken) return 'failure';
  return reached >= (previousLevel ?? 1) ? 'success' : 'failure';
}
