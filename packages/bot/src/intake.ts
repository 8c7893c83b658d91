import { ForgeError } from '@ccci/forge';
import { COMMENT_MARKER, escapeMarkdown, renderComment } from '@ccci/results';
import type { RefusalRecord, ReplyKind, SeenComment } from '@ccci/store';
import { parseCommand, renderHelp } from './command.js';
import { type Context, errorMessage, rethrowCrash } from './context.js';
import { keepRefusal } from './keep.js';
import { newRunId } from './keys.js';

type Decision =
  | { kind: 'ignore'; reason: string }
  | { kind: 'refuse'; reason: string; logReason?: string; metric: string }
  | { kind: 'accept' };

async function authorize(ctx: Context, user: string): Promise<Decision> {
  if (ctx.allowlist.has(user.toLowerCase())) return { kind: 'accept' };
  if (ctx.org === null) {
    return { kind: 'refuse', reason: `@${user} is not on the allowlist`, metric: 'not-allowed' };
  }
  const answer = await ctx.forge.isOrgMember(ctx.org, user);
  if (answer.result === 'member') return { kind: 'accept' };
  if (answer.result === 'not-member') {
    return {
      kind: 'refuse',
      reason: `@${user} is not a member of ${ctx.org}`,
      metric: 'not-member',
    };
  }
  // 'unknown' denies: e.g. a redirect because the bot itself is not in the org.
  return {
    kind: 'refuse',
    reason: `membership of @${user} in ${ctx.org} could not be checked`,
    logReason: answer.reason,
    metric: 'membership-unknown',
  };
}

/** Refuses a comment's command: the reply is queued (rate-limited), the comment is done. */
export function refuseComment(
  ctx: Context,
  c: { commentId: number; repo: string; pr: number; user: string },
  reason: string,
  metric: string,
): void {
  ctx.store.transaction(() => {
    ctx.store.insertRefusal({
      commentId: c.commentId,
      repo: c.repo,
      pr: c.pr,
      user: c.user,
      reason,
    });
    ctx.store.markComment(c.commentId, 'refused', reason);
  });
  ctx.metrics.refusals.inc({ kind: metric });
  ctx.log.info?.(
    { comment: c.commentId, repo: c.repo, pr: c.pr, user: c.user, reason },
    'refused !testme',
  );
}

/**
 * Handles one recorded comment, each outcome committed in one transaction: ignored, refused
 * (a reply queued), or accepted (a queued run, a queued run of the same PR replaced; a cancel;
 * the help reply queued). Forge errors leave the comment pending for the next pass.
 */
export async function handleComment(ctx: Context, c: SeenComment): Promise<void> {
  const command = parseCommand(c.body);
  if (command.kind === 'none' || c.pr === null) {
    ctx.store.markComment(
      c.commentId,
      'ignored',
      command.kind === 'none' ? 'not a command' : 'not on a pull request',
    );
    return;
  }
  const pr = c.pr;
  const refuse = (reason: string, metric: string) =>
    refuseComment(ctx, { ...c, pr }, reason, metric);
  /** A reply that is not a refusal (the help, a notice); rate-limited per kind like refusals. */
  const reply = (kind: Exclude<ReplyKind, 'refused'>, reason: string, note: string) => {
    ctx.store.transaction(() => {
      ctx.store.insertRefusal({
        commentId: c.commentId,
        kind,
        repo: c.repo,
        pr,
        user: c.user,
        reason,
      });
      ctx.store.markComment(c.commentId, 'accepted', note);
    });
    ctx.log.info?.({ comment: c.commentId, repo: c.repo, pr, user: c.user, kind }, note);
  };
  if (command.kind === 'invalid') return refuse(command.reason, 'bad-command');
  // The list of commands is no secret: anyone who asks gets it (rate-limited per user and PR).
  if (command.kind === 'help') return reply('help', '', '!testme help answered');

  const auth = await authorize(ctx, c.user);
  ctx.step('after-authorize');
  if (auth.kind === 'refuse') {
    if (auth.logReason) {
      ctx.log.warn?.(
        { user: c.user, org: ctx.org, why: auth.logReason },
        'membership unknown; denying',
      );
    }
    return refuse(auth.reason, auth.metric);
  }
  if (command.kind === 'cancel') {
    // The runs' end and the comment's handling in one transaction: a crash between them would
    // otherwise answer the same comment "nothing to cancel" on the next pass.
    const cancelled = ctx.store.transaction(() => {
      const ids = cancelRuns(ctx, c.repo, pr, `cancelled by @${c.user} (!testme cancel)`);
      if (ids.length === 0) {
        reply(
          'notice',
          'there is no queued or running run on this pull request to cancel',
          'nothing to cancel',
        );
      } else ctx.store.markComment(c.commentId, 'accepted', `cancelled ${ids.join(', ')}`);
      return ids;
    });
    if (cancelled.length > 0) {
      ctx.log.info?.(
        { comment: c.commentId, repo: c.repo, pr, user: c.user, runs: cancelled },
        'cancelled by !testme cancel',
      );
    }
    return;
  }
  if (command.keepMinutes !== null) {
    const why = keepRefusal(ctx, c.repo, pr);
    if (why !== null) return refuse(why, 'keep-limit');
  }
  let pull: Awaited<ReturnType<typeof ctx.forge.getPull>>;
  try {
    pull = await ctx.forge.getPull(c.repo, pr);
  } catch (error) {
    // A deleted PR would otherwise be retried every cycle; other errors are transient.
    if (error instanceof ForgeError && error.code === 'FORGE_NOT_FOUND') {
      ctx.store.markComment(c.commentId, 'ignored', 'pull request not found');
      return;
    }
    throw error;
  }
  ctx.step('after-pull');
  if (pull.state !== 'open') return refuse('the pull request is closed', 'closed');
  if (pull.headCloneUrl === null) {
    return refuse('the head repository (fork) of this pull request was deleted', 'fork-gone');
  }
  // The run tests the head read now, which must be the head the commenter approved: a push
  // between the comment and this read (the poll interval, a bot restart) would otherwise run
  // code nobody trusted. The forges keep seconds: a push in the comment's own second cannot be
  // ordered and counts as before it.
  if (pull.headPushedAt !== null && Date.parse(pull.headPushedAt) > Date.parse(c.createdAt)) {
    return refuse(
      `the pull request's head repository was pushed to after this !testme (at ${pull.headPushedAt}), so the head may not be the one you approved; comment !testme again to test ${pull.headSha.slice(0, 12)}`,
      'pushed-after',
    );
  }
  const runId = newRunId();
  ctx.store.transaction(() => {
    const replaced = ctx.store
      .activeRuns()
      .filter(
        (r) =>
          r.repo === c.repo &&
          r.pr === pr &&
          (r.state === 'queued' || r.state === 'dispatched') &&
          r.startedAt === null,
      );
    for (const old of replaced) {
      ctx.store.updateRun(old.id, {
        state: 'replaced',
        error: `replaced by a newer !testme (run ${runId})`,
        keyHash: null,
        finishedAt: ctx.clock().toISOString(),
        notified: false,
      });
    }
    ctx.store.insertRun({
      id: runId,
      repo: c.repo,
      recipe: ctx.recipeOf(c.repo),
      pr,
      commentId: c.commentId,
      requestedBy: c.user,
      headSha: pull.headSha,
      headRef: pull.headRef,
      baseRef: pull.baseRef,
      src: pull.headCloneUrl as string,
      stages: command.stages?.join(',') ?? null,
      quick: command.quick,
      keepMinutes: command.keepMinutes,
      executor: ctx.executor.name,
      keyHash: null,
    });
    ctx.store.markComment(c.commentId, 'accepted', `run ${runId}`);
  });
  ctx.log.info?.(
    { comment: c.commentId, repo: c.repo, pr, user: c.user, runId },
    'accepted !testme',
  );
}

/**
 * Ends the PR's queued and running runs as `cancelled` (call inside a transaction); the notify
 * step then stops them through the executor, edits their comments and sets the `error` status.
 * Returns their ids.
 */
function cancelRuns(ctx: Context, repo: string, pr: number, why: string): string[] {
  const active = ctx.store.activeRuns().filter((r) => r.repo === repo && r.pr === pr);
  for (const r of active) {
    ctx.store.updateRun(r.id, {
      state: 'cancelled',
      commitState: 'error',
      error: why,
      keyHash: null,
      finishedAt: ctx.clock().toISOString(),
      notified: false,
    });
  }
  return active.map((r) => r.id);
}

function replyBody(ctx: Context, r: RefusalRecord): string {
  if (r.kind === 'help') return renderHelp({ org: ctx.org, keepMax: ctx.keepMax });
  if (r.kind === 'notice')
    return `${COMMENT_MARKER}\nℹ️ **ccci**: ${escapeMarkdown(r.reason.slice(0, 500))}\n`;
  return renderComment({ kind: 'refused', reason: r.reason });
}

/**
 * Sends queued replies (refusals, the help, notices), at most one of each kind per user and PR
 * per interval (the rest are logged).
 */
export async function sendRefusal(ctx: Context, commentId: number): Promise<void> {
  const r = ctx.store.getRefusal(commentId);
  if (!r || r.replied) return;
  const since = new Date(ctx.clock().getTime() - ctx.refusalIntervalMs).toISOString();
  if (ctx.store.repliesSince(r.repo, r.pr, r.user, since, r.kind) > 0) {
    ctx.store.markRefusalReplied(commentId, null);
    ctx.log.info?.(
      { comment: commentId, user: r.user, pr: r.pr },
      'refusal reply rate-limited; not posted',
    );
    return;
  }
  try {
    const posted = await ctx.forge.createComment(r.repo, r.pr, replyBody(ctx, r));
    ctx.step('after-refusal-post');
    ctx.store.markRefusalReplied(commentId, posted.id);
  } catch (error) {
    rethrowCrash(error);
    if (
      error instanceof ForgeError &&
      (error.code === 'FORGE_LOCKED' || error.code === 'FORGE_NOT_FOUND')
    ) {
      ctx.store.markRefusalReplied(commentId, null);
      ctx.log.warn?.(
        { comment: commentId, code: error.code },
        'refusal reply not possible; dropped',
      );
      return;
    }
    ctx.log.warn?.(
      { comment: commentId, err: errorMessage(error) },
      'refusal reply failed; will retry',
    );
  }
}
