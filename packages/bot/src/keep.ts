import type { RunRecord } from '@ccci/store';
import { KEEP_MAX_MINUTES } from './command.js';
import type { Context } from './context.js';

/**
 * Runs that hold a keep slot at `now`: asked for `keep` and still going (they may fail and be
 * kept), or ended without success less than their keep minutes ago (their app may still be
 * deployed; the harness keeps a failed run's app, the janitor removes it at expiry).
 */
function keepSlotsHeld(ctx: Context, now: number): RunRecord[] {
  const since = new Date(now - KEEP_MAX_MINUTES * 60_000).toISOString();
  return ctx.store.keepRequests(since).filter((r) => {
    if (r.state !== 'done') return true;
    if (r.commitState === 'success' || r.finishedAt === null || r.keepMinutes === null)
      return false;
    return Date.parse(r.finishedAt) + r.keepMinutes * 60_000 > now;
  });
}

/**
 * Why `!testme keep` cannot be granted on this PR now (`KEEP_MAX` reached, or keep turned off),
 * or null. A run of the same PR that a new `!testme` replaces frees its slot.
 */
export function keepRefusal(ctx: Context, repo: string, pr: number): string | null {
  if (ctx.keepMax === 0) {
    return '`!testme keep` is turned off on this bot; comment `!testme` without `keep`';
  }
  const now = ctx.clock().getTime();
  const held = keepSlotsHeld(ctx, now).filter(
    (r) =>
      !(
        r.repo === repo &&
        r.pr === pr &&
        (r.state === 'queued' || r.state === 'dispatched') &&
        r.startedAt === null
      ),
  );
  if (held.length < ctx.keepMax) return null;
  const ends = held
    .filter((r) => r.state === 'done' && r.finishedAt !== null && r.keepMinutes !== null)
    .map((r) => Date.parse(r.finishedAt as string) + (r.keepMinutes as number) * 60_000);
  const free =
    ends.length > 0
      ? `, or ask again after ${new Date(Math.min(...ends)).toISOString().slice(11, 16)} UTC`
      : '';
  return `at most ${ctx.keepMax} failed run(s) keep their app at once, and ${held.length} do or may; comment \`!testme\` without \`keep\`${free}`;
}

/**
 * The comment's line about a kept app: for a run that asked for `keep` and did not succeed,
 * until when its app may stay deployed. Empty for every other run.
 */
export function keepNote(run: RunRecord): string {
  if (run.keepMinutes === null || run.state !== 'done' || run.commitState === 'success') return '';
  if (run.finishedAt === null || run.resultsJson === null) return '';
  const until = new Date(Date.parse(run.finishedAt) + run.keepMinutes * 60_000);
  return `\n🔧 Asked with \`keep\`: a failed run's app stays deployed on the CI host for debugging until about ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC, then the janitor removes it. Its secrets stay on the host; the run log says whether the app was kept. Ask an operator for access.\n`;
}
