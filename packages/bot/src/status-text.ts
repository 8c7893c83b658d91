import { type Level, normalizeResults, regressionOf, regressionText } from '@ccci/results';
import type { RunRecord } from '@ccci/store';
import type { Context } from './context.js';

/** Forges cut commit status descriptions at 140 characters (GitHub's limit, see @ccci/forge). */
const STATUS_MAX = 140;
const PREFIX = 'ccci: ';

/** The recipe's default-branch level a finished run is judged against (its own run excluded). */
export function baselineOf(ctx: Context, run: RunRecord): Level | null {
  return ctx.store.defaultBranchLevel(run.recipe, run.id) as Level | null;
}

/**
 * The final commit status description of a run: `ccci: level 3`; for a run below its default
 * branch `ccci: level 2, default branch 3: upgrade fails: <reason>`, within the forge's limit;
 * `ccci: cancelled (…)` or `ccci: <error>` for runs without a level.
 */
export function finishedDescription(ctx: Context, run: RunRecord): string {
  if (run.state === 'cancelled') return clip(`${PREFIX}cancelled (${run.error ?? ''})`);
  if (run.level === null) return clip(`${PREFIX}${run.error ?? 'error'}`);
  if (run.resultsJson !== null) {
    const regression = regressionOf(
      normalizeResults(JSON.parse(run.resultsJson)),
      baselineOf(ctx, run),
    );
    if (regression) return PREFIX + regressionText(regression, STATUS_MAX - PREFIX.length);
  }
  return `${PREFIX}level ${run.level}`;
}

function clip(text: string): string {
  const chars = [...text];
  return chars.length <= STATUS_MAX ? text : `${chars.slice(0, STATUS_MAX - 1).join('')}…`;
}
