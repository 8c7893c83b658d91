import type { ForgeComment } from '@ccci/forge';
import { parseCommand } from './command.js';
import { type Context, errorMessage, rethrowCrash } from './context.js';
import { refuseComment } from './intake.js';

/**
 * How far back the first poll of a repository looks. Comments created earlier are never
 * listed; if one is edited later (it comes back with a new `updatedAt` and an unknown id) its
 * creation time, before this bound, marks it as old. A day dwarfs any clock skew between the
 * bot and the forge, and keeps the first poll to a few pages on a busy repository.
 */
const FIRST_POLL_LOOKBACK_MS = 24 * 60 * 60 * 1000;

const EDITED_BEFORE_READ =
  'this comment was edited before the bot read it, and a comment can be edited by others than its author (anyone with write access to the repository); write !testme in a new comment';

/**
 * A command in a comment edited before the bot first read it (an unedited comment has its
 * creation time as its update time, on both forges). The comment's author is not necessarily
 * who wrote the command: Gitea and GitHub let anyone with write access edit any comment, so a
 * writer who may not start runs could otherwise put `!testme` into a member's fresh comment.
 */
function editedCommand(c: ForgeComment): boolean {
  return Date.parse(c.updatedAt) > Date.parse(c.createdAt) && parseCommand(c.body).kind !== 'none';
}

/**
 * Polls one repository's comments since its cursor and records the new ones in one
 * transaction with the advanced cursor. The first poll records what exists as seen, without
 * triggering. Listing is inclusive at one-second resolution, so the newest comment comes back
 * next time: ids dedupe it, and an edited old comment (new `updatedAt`, known id, or created
 * before the first poll) never triggers. Returns how many new comments are to be handled.
 */
export async function pollRepo(ctx: Context, repo: string): Promise<number> {
  const cursor = ctx.store.getCursor(repo);
  const first = cursor === undefined;
  const firstBound =
    cursor?.firstPolledAt ??
    new Date(ctx.clock().getTime() - FIRST_POLL_LOOKBACK_MS)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  const since = cursor?.since ?? firstBound;
  const comments: ForgeComment[] = await ctx.forge.listCommentsSince(repo, { since });
  let fresh = 0;
  ctx.store.transaction(() => {
    let newest = since;
    for (const c of comments) {
      if (Date.parse(c.updatedAt) > Date.parse(newest)) newest = c.updatedAt;
      const old = first || Date.parse(c.createdAt) < Date.parse(firstBound);
      const isNew = ctx.store.recordComment({
        commentId: c.id,
        repo,
        pr: c.prNumber,
        user: c.user,
        body: c.body,
        createdAt: c.createdAt,
        source: 'poll',
        ...(old ? { state: 'ignored' as const, reason: 'existed before the first poll' } : {}),
      });
      if (isNew && !old) {
        fresh++;
        ctx.metrics.commentsSeen.inc({ source: 'poll' });
        if (c.prNumber !== null && editedCommand(c)) {
          const seen = { commentId: c.id, repo, pr: c.prNumber, user: c.user };
          refuseComment(ctx, seen, EDITED_BEFORE_READ, 'edited');
        }
      }
    }
    ctx.store.setCursor(repo, newest, firstBound);
  });
  ctx.step('after-record');
  return fresh;
}

/** Repositories polled at once: a cycle's time stays short without bursting the forge. */
const POLL_CONCURRENCY = 4;

/** Polls every configured repository; a failing one is logged and retried next cycle. */
export async function pollAll(ctx: Context): Promise<number> {
  let fresh = 0;
  const queue = [...ctx.repos];
  const worker = async () => {
    for (let repo = queue.shift(); repo !== undefined; repo = queue.shift()) {
      try {
        fresh += await pollRepo(ctx, repo);
      } catch (error) {
        rethrowCrash(error);
        ctx.metrics.pollErrors.inc({ repo });
        ctx.log.warn?.({ repo, err: errorMessage(error) }, 'poll failed; will retry next cycle');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(POLL_CONCURRENCY, queue.length) }, worker));
  return fresh;
}
