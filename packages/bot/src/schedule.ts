import { createHash } from 'node:crypto';
import { ForgeError } from '@ccci/forge';
import { type Context, errorMessage, rethrowCrash } from './context.js';
import { newRunId } from './keys.js';

export interface ScheduleOptions {
  /** Time between two scheduled default-branch runs of a recipe, ms. Required, > 0. */
  everyMs: number;
  /**
   * Scheduled runs active at once (queued to running), so catalogue runs never fill the
   * executor ahead of the `!testme` runs people wait for. Default 1.
   */
  maxActive?: number;
}

/**
 * Where in each period a recipe's runs fall: a hash of its name, so the catalogue is spread
 * over the period (jitter), the same after every restart.
 */
export function slotOffset(recipe: string, everyMs: number): number {
  const h = createHash('sha256').update(recipe).digest();
  return h.readUIntBE(0, 6) % everyMs;
}

/** The first slot of `recipe` strictly after `afterMs` (slots: k × everyMs + offset). */
export function nextSlot(recipe: string, everyMs: number, afterMs: number): number {
  const offset = slotOffset(recipe, everyMs);
  const k = Math.floor((afterMs - offset) / everyMs) + 1;
  return k * everyMs + offset;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One scheduler pass: every enrolled recipe whose due time has come gets a default-branch run
 * (`pr: null`) of its default branch's current head, at most one active per recipe and at most
 * `maxActive` in all; the next due time is recorded in the same transaction as the run, so a
 * restart neither doubles nor skips a period. A recipe seen for the first time is due at its
 * next slot. Returns the ids of the runs made.
 */
export async function scheduleRuns(ctx: Context, options: ScheduleOptions): Promise<string[]> {
  const every = options.everyMs;
  const maxActive = options.maxActive ?? 1;
  const now = ctx.clock().getTime();
  const due: { repo: string; recipe: string; dueAt: number }[] = [];
  for (const repo of [...ctx.repos].sort()) {
    const recipe = ctx.recipeOf(repo);
    const row = ctx.store.getSchedule(recipe);
    const dueAt = row ? Date.parse(row.dueAt) : Number.NaN;
    // New, or the period was shortened since the due time was set: the next slot.
    if (!row || !Number.isFinite(dueAt) || dueAt > now + every || row.repo !== repo) {
      ctx.store.setScheduleDue(recipe, repo, iso(nextSlot(recipe, every, now)));
      continue;
    }
    if (dueAt <= now) due.push({ repo, recipe, dueAt });
  }
  const made: string[] = [];
  if (due.length === 0) return made;
  const defaultRuns = () => ctx.store.activeRuns().filter((r) => r.pr === null);
  for (const { repo, recipe } of due.sort((a, b) => a.dueAt - b.dueAt)) {
    const active = defaultRuns();
    if (active.length >= maxActive) break;
    // One at a time per recipe: a run still going keeps the recipe due until it ends.
    if (active.some((r) => r.recipe === recipe)) continue;
    let head: { branch: string; sha: string; cloneUrl: string };
    try {
      const info = await ctx.forge.getRepo(repo);
      if (info.archived) {
        ctx.store.setScheduleDue(recipe, repo, iso(nextSlot(recipe, every, now)));
        ctx.log.info?.({ repo }, 'scheduled run skipped: the repository is archived');
        continue;
      }
      const branch = await ctx.forge.getBranch(repo, info.defaultBranch);
      head = { branch: info.defaultBranch, sha: branch.sha, cloneUrl: info.cloneUrl };
    } catch (error) {
      rethrowCrash(error);
      // A repository or branch that is gone would be asked for every cycle: wait a period.
      if (error instanceof ForgeError && error.code === 'FORGE_NOT_FOUND')
        ctx.store.setScheduleDue(recipe, repo, iso(nextSlot(recipe, every, now)));
      ctx.log.warn?.(
        { repo, err: errorMessage(error) },
        'scheduled run: default branch lookup failed',
      );
      continue;
    }
    ctx.step('before-schedule-insert');
    const runId = newRunId();
    const inserted = ctx.store.transaction(() => {
      if (defaultRuns().some((r) => r.recipe === recipe)) return false;
      ctx.store.insertRun({
        id: runId,
        repo,
        recipe,
        pr: null,
        commentId: null,
        requestedBy: null,
        headSha: head.sha,
        headRef: head.branch,
        baseRef: head.branch,
        src: head.cloneUrl,
        stages: null,
        quick: false,
        executor: ctx.executor.name,
        keyHash: null,
        onDefaultBranch: true,
      });
      // Half a period ahead at least: a run held back by `maxActive` does not run twice in a row.
      ctx.store.markScheduled(
        recipe,
        runId,
        iso(now),
        iso(nextSlot(recipe, every, now + every / 2)),
      );
      return true;
    });
    if (!inserted) continue;
    made.push(runId);
    ctx.log.info?.(
      { repo, recipe, runId, branch: head.branch, sha: head.sha },
      'scheduled default-branch run queued',
    );
  }
  return made;
}
