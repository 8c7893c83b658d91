import { DroneError, ForgeError } from '@ccci/forge';
import { COMMENT_MARKER, escapeMarkdown, renderComment } from '@ccci/results';
import type { RunRecord } from '@ccci/store';
import { type Context, rethrowCrash, runMarker, runUrl } from './context.js';
import { keepNote } from './keep.js';
import { hashKey, newRunKey } from './keys.js';
import { runLiveState } from './live.js';
import { baselineOf, finishedDescription } from './status-text.js';

const LINK_ARTIFACTS = { logUrl: 'run.log', cardUrl: 'card.png', badgeUrl: 'badge.svg' } as const;

function artifactUrl(ctx: Context, runId: string, name: string): string {
  return `${ctx.publicUrl}/runs/${runId}/artifacts/${name}`;
}

function links(ctx: Context, run: RunRecord) {
  const have = new Set(ctx.store.listArtifacts(run.id).map((a) => a.name));
  const out: Record<string, string | null> = { runUrl: runUrl(ctx, run.id) };
  for (const [key, name] of Object.entries(LINK_ARTIFACTS)) {
    out[key] = have.has(name) ? artifactUrl(ctx, run.id, name) : null;
  }
  return out;
}

/** 1 = next to start: runs not started yet, oldest first (the order every executor keeps). */
function queuePosition(ctx: Context, run: RunRecord): number | null {
  const waiting = ctx.store.activeRuns().filter((r) => r.startedAt === null);
  const i = waiting.findIndex((r) => r.id === run.id);
  return i < 0 ? null : i + 1;
}

/** The bot's comment body for a run in its current state, with the run marker for recovery. */
function commentFor(ctx: Context, run: RunRecord): string {
  let body: string;
  if (run.state === 'done' && run.resultsJson !== null) {
    body =
      renderComment({
        kind: 'result',
        results: JSON.parse(run.resultsJson),
        links: links(ctx, run),
        baseline: baselineOf(ctx, run),
      }) + keepNote(run);
  } else if (run.state === 'running') {
    const live = runLiveState(ctx, run.id);
    body = renderComment({
      kind: 'running',
      recipe: run.recipe,
      sha: run.headSha,
      currentRung: live.currentRung,
      done: live.done,
      links: { runUrl: runUrl(ctx, run.id) },
    });
  } else if (run.state === 'done' || run.state === 'cancelled' || run.state === 'replaced') {
    const what =
      run.state === 'done'
        ? 'could not finish'
        : run.state === 'cancelled'
          ? 'cancelled'
          : 'replaced';
    body = [
      COMMENT_MARKER,
      `**ccci** ${what} the run of \`${run.recipe.replaceAll('`', '')}\`: ${escapeMarkdown((run.error ?? 'no reason recorded').slice(0, 300))}`,
      '',
      ...(run.state === 'done' && run.lateReportUntil !== null && run.keyHash !== null
        ? [
            `If the harness delivers its report before ${run.lateReportUntil.slice(0, 16).replace('T', ' ')} UTC, this comment will show the result.`,
            '',
          ]
        : []),
      `[Run page](${runUrl(ctx, run.id)})`,
    ].join('\n');
  } else {
    body = renderComment({
      kind: 'queued',
      recipe: run.recipe,
      sha: run.headSha,
      position: queuePosition(ctx, run),
      links: { runUrl: runUrl(ctx, run.id) },
    });
  }
  return `${body}\n${runMarker(run.id)}`;
}

/** Finds a comment the bot posted for this run before a crash lost its id. */
async function findOwnComment(ctx: Context, run: RunRecord): Promise<number | null> {
  const since = new Date(Date.parse(run.createdAt) - 60_000);
  const marker = runMarker(run.id);
  for await (const c of ctx.forge.iterateCommentsSince(run.repo, { since })) {
    if (c.prNumber === run.pr && c.body.includes(marker)) return c.id;
  }
  return null;
}

/** When this bot last posted each run's acknowledgement (a post in doubt is not repeated soon). */
const ackAttempts = new WeakMap<Context, Map<string, number>>();
function attemptsOf(ctx: Context): Map<string, number> {
  const known = ackAttempts.get(ctx);
  if (known) return known;
  const made = new Map<string, number>();
  ackAttempts.set(ctx, made);
  return made;
}
const ACK_REPOST_AFTER_MS = 120_000;

/** Posts the acknowledgement comment exactly once, even across a crash mid-post. */
async function ensureAck(ctx: Context, run: RunRecord): Promise<void> {
  if (run.pr === null) return;
  const existing = ctx.store.getBotComment(run.id);
  if (existing?.state === 'posted') return;
  if (existing?.state === 'posting') {
    const found = await findOwnComment(ctx, run);
    if (found !== null) {
      ctx.store.setBotComment({
        runId: run.id,
        repo: run.repo,
        pr: run.pr,
        commentId: found,
        state: 'posted',
      });
      return;
    }
    // A post that timed out may still be saved by the forge after our request gave up: look
    // again for a while before posting a second acknowledgement.
    const tried = attemptsOf(ctx).get(run.id);
    if (tried !== undefined && ctx.clock().getTime() - tried < ACK_REPOST_AFTER_MS)
      throw new Error(`the acknowledgement of run ${run.id} may still appear; looking again`);
  }
  ctx.store.setBotComment({
    runId: run.id,
    repo: run.repo,
    pr: run.pr,
    commentId: null,
    state: 'posting',
  });
  ctx.step('before-ack-post');
  let id: number | null = null;
  try {
    attemptsOf(ctx).set(run.id, ctx.clock().getTime());
    id = (await ctx.forge.createComment(run.repo, run.pr, commentFor(ctx, run))).id;
  } catch (error) {
    // Only a post without an answer is in doubt; one the forge refused was not saved.
    if (
      error instanceof ForgeError &&
      error.code !== 'FORGE_TIMEOUT' &&
      error.code !== 'FORGE_NETWORK' &&
      error.code !== 'FORGE_ABORTED'
    )
      attemptsOf(ctx).delete(run.id);
    if (!(error instanceof ForgeError && error.code === 'FORGE_LOCKED')) throw error;
    ctx.log.warn?.(
      { runId: run.id },
      'pull request is locked or archived; running without a comment',
    );
  }
  ctx.step('after-ack-post');
  ctx.store.setBotComment({
    runId: run.id,
    repo: run.repo,
    pr: run.pr,
    commentId: id,
    state: 'posted',
  });
}

/** Ends a run in one transaction; the comment and status go out in the notify step. */
export function finishRun(
  ctx: Context,
  runId: string,
  patch: {
    error?: string;
    commitState: 'success' | 'failure' | 'error';
    level?: number | null;
    resultsJson?: string | null;
    /**
     * The run ended without a report (harness gone, bot unreachable): keep the key for
     * `ctx.lateReportMs` so a spooled report can still be delivered. Default false: key cleared.
     */
    awaitLateReport?: boolean;
  },
): void {
  const now = ctx.clock();
  const before = ctx.store.getRun(runId);
  const late = patch.awaitLateReport === true && ctx.lateReportMs > 0;
  const keep = late && (before?.keyHash ?? null) !== null;
  ctx.store.updateRun(runId, {
    state: 'done',
    commitState: patch.commitState,
    level: patch.level ?? null,
    resultsJson: patch.resultsJson ?? null,
    error: patch.error ?? null,
    ...(keep ? {} : { keyHash: null }),
    lateReportUntil: keep ? new Date(now.getTime() + ctx.lateReportMs).toISOString() : null,
    // A late report's run ended when its harness did, not when the report came: newest-first
    // lists and the default-branch level go by that time, so results of an older commit
    // delivered after a newer run's do not pass for the newest.
    finishedAt:
      before?.state === 'done' && before.finishedAt !== null
        ? before.finishedAt
        : now.toISOString(),
    notified: false,
  });
}

/** Moves a queued (or interrupted) run forward: ack comment, pending status, dispatch. */
export async function advanceRun(ctx: Context, run: RunRecord): Promise<void> {
  if (run.state === 'dispatching') {
    const found = await ctx.executor.lookup(run.id);
    if (found.kind === 'present') {
      ctx.store.updateRun(run.id, {
        state: 'dispatched',
        executorRef: found.ref,
        dispatchedAt: ctx.clock().toISOString(),
      });
      return;
    }
    if (found.kind === 'unknown') {
      finishRun(ctx, run.id, {
        commitState: 'error',
        error: `the bot stopped while starting this run and cannot tell whether it started (${found.reason}); comment !testme again`,
        awaitLateReport: true,
      });
      return;
    }
    ctx.store.updateRun(run.id, { state: 'queued', keyHash: null });
    run = ctx.store.getRun(run.id) as RunRecord;
  }
  if (run.state !== 'queued') return;
  await ensureAck(ctx, run);
  await ctx.forge.setStatus(run.repo, run.headSha, {
    state: 'pending',
    context: ctx.statusContext,
    description: 'ccci: queued',
    targetUrl: runUrl(ctx, run.id),
  });
  ctx.step('after-status');
  const key = newRunKey();
  ctx.store.updateRun(run.id, { state: 'dispatching', keyHash: hashKey(key) });
  ctx.step('before-dispatch');
  let ref: string;
  try {
    ({ ref } = await ctx.executor.dispatch({
      runId: run.id,
      recipe: run.recipe,
      repo: run.repo,
      pr: run.pr,
      headSha: run.headSha,
      headRef: run.headRef,
      baseRef: run.baseRef,
      src: run.src,
      stages: run.stages === null ? null : run.stages.split(','),
      quick: run.quick,
      keepMinutes: run.keepMinutes,
      reportUrl: ctx.reportUrl,
      reportKey: key,
    }));
  } catch (error) {
    rethrowCrash(error);
    // A timeout may have created the build: never dispatch twice. Otherwise it did not start.
    if (error instanceof DroneError && error.code === 'DRONE_TIMEOUT') {
      finishRun(ctx, run.id, {
        commitState: 'error',
        error: `dispatch timed out: ${error.message}`,
      });
      return;
    }
    ctx.store.updateRun(run.id, { state: 'queued', keyHash: null });
    throw error;
  }
  ctx.step('after-dispatch');
  // The executor may already have moved the run on (a local harness starts inside dispatch).
  const still = ctx.store.getRun(run.id)?.state === 'dispatching';
  ctx.store.updateRun(run.id, {
    ...(still ? { state: 'dispatched' as const } : {}),
    executorRef: ref,
    dispatchedAt: ctx.clock().toISOString(),
  });
  ctx.metrics.runsDispatched.inc({ executor: ctx.executor.name });
  const seen = run.commentId === null ? undefined : ctx.store.getComment(run.commentId);
  // From the comment's creation on the forge (what a maintainer waits), not from when the bot
  // recorded it; a forge clock ahead of ours counts as 0.
  const since = seen ? Date.parse(seen.createdAt) : Number.NaN;
  if (seen && Number.isFinite(since))
    ctx.metrics.seenToDispatch.observe(Math.max(0, ctx.clock().getTime() - since) / 1000);
  ctx.log.info?.({ runId: run.id, ref }, 'run dispatched');
}

export async function editComment(ctx: Context, run: RunRecord): Promise<void> {
  const c = ctx.store.getBotComment(run.id);
  if (!c || c.commentId === null) return;
  try {
    await ctx.forge.editComment(run.repo, c.commentId, commentFor(ctx, run));
  } catch (error) {
    if (
      error instanceof ForgeError &&
      (error.code === 'FORGE_LOCKED' || error.code === 'FORGE_NOT_FOUND')
    ) {
      ctx.log.warn?.({ runId: run.id, code: error.code }, 'cannot edit the run comment; skipped');
      return;
    }
    throw error;
  }
}

/** Sends what a finished, cancelled or replaced run owes: executor cancel, comment, status. */
export async function notifyRun(ctx: Context, run: RunRecord): Promise<void> {
  if (run.state === 'cancelled' || run.state === 'replaced') {
    if (run.executorRef !== null || run.dispatchedAt !== null)
      await ctx.executor.cancel(run.id, run.executorRef);
  }
  // The status first: it is what a merge waits for, and a comment the forge will not take must
  // not leave it pending (both are retried until they land; setting a status again is harmless).
  if (run.state === 'done' || run.state === 'cancelled') {
    const state = (run.commitState ?? 'error') as 'success' | 'failure' | 'error';
    await ctx.forge.setStatus(run.repo, run.headSha, {
      state,
      context: ctx.statusContext,
      description: finishedDescription(ctx, run),
      targetUrl: runUrl(ctx, run.id),
    });
  }
  await editComment(ctx, run);
  ctx.step('before-notified');
  ctx.store.updateRun(run.id, { notified: true });
}
