import { RUNG_NAMES, type RungName, type RungStatus } from '@ccci/contracts';
import { type Level, RUNG_LABELS } from './rungs.js';
import { BIDI_CONTROLS, clipText } from './text.js';
import type { Results } from './types.js';

/** A run that reached a lower level than the recipe's default branch, and where it stopped. */
export interface Regression {
  level: Level;
  /** The default branch's level (the verdict's baseline). */
  baseline: Level;
  /** The rung that stopped the climb (the first neither passed nor skipped), if any. */
  rung: RungName | null;
  status: Exclude<RungStatus, 'pass' | 'skip'> | null;
  /** That rung's reason as the results have it (untrusted text), or null. */
  reason: string | null;
}

/**
 * The regression of a run against its default branch: null when there is no baseline or the
 * run is not below it. Pure.
 */
export function regressionOf(results: Results, baseline: Level | null): Regression | null {
  if (baseline === null || results.level >= baseline) return null;
  for (const name of RUNG_NAMES) {
    const rung = results.rungs[name];
    if (rung.status === 'fail' || rung.status === 'unver') {
      return {
        level: results.level,
        baseline,
        rung: name,
        status: rung.status,
        reason: rung.reason,
      };
    }
  }
  return { level: results.level, baseline, rung: null, status: null, reason: null };
}

const VERB = { fail: 'fails', unver: 'unverified' } as const;

/**
 * One plain-text line for a commit status description: `level 2, default branch 3: upgrade
 * fails: <reason>`, at most `max` code points (the reason is clipped first, then the line).
 * Plain text, not markdown: forges show descriptions verbatim.
 */
export function regressionText(regression: Regression, max = 140): string {
  const head = `level ${regression.level}, default branch ${regression.baseline}`;
  if (regression.rung === null || regression.status === null) return clipText(head, max);
  const what = `${head}: ${RUNG_LABELS[regression.rung]} ${VERB[regression.status]}`;
  const reason = regression.reason?.replace(BIDI_CONTROLS, '').trim();
  if (!reason) return clipText(what, max);
  const room = max - what.length - 2;
  return room >= 12 ? `${what}: ${clipText(reason, room)}` : clipText(what, max);
}
