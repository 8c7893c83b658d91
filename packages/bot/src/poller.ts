import type { ForgeComment } from '@ccci/forge';
import { type Context, errorMessage, rethrowCrash } from './context.js';

const EPOCH = '1970-01-01T00:00:00Z';

/**
 * Polls one repository's comments since its cursor and records the new ones in one
 * transaction with the advanced cursor. The first poll records everything that exists as
 * seen, without triggering. Listing is inclusive at one-second resolution, so the newest
 * comment comes back next time: ids dedupe it, and an edited old comment (new `updatedAt`,
 * known id) never triggers. Returns how many new comments are to be handled.
 */
export async function pollRepo(ctx: Context, repo: string): Promise<number> {
  const cursor = ctx.store.getCursor(repo);
  const first = cursor === undefined;
  // Until a repository has any comment the cursor stays at the epoch: never the bot's own clock,
  // which may run ahead of the forge's and would skip comments.
  const since = cursor?.since ?? EPOCH;
  const comments: ForgeComment[] = await ctx.forge.listCommentsSince(repo, { since });
  let fresh = 0;
  ctx.store.transaction(() => {
    let newest = since;
    for (const c of comments) {
      if (Date.parse(c.updatedAt) > Date.parse(newest)) newest = c.updatedAt;
      const isNew = ctx.store.recordComment({
        commentId: c.id,
        repo,
        pr: c.prNumber,
        user: c.user,
        body: c.body,
        createdAt: c.createdAt,
        source: 'poll',
        ...(first ? { state: 'ignored' as const, reason: 'existed before the first poll' } : {}),
      });
      if (isNew && !first) {
        fresh++;
        ctx.metrics.commentsSeen.inc({ source: 'poll' });
      }
    }
    ctx.store.setCursor(repo, newest);
  });
  ctx.step('after-record');
  return fresh;
}

/** Polls every configured repository; a failing one is logged and retried next cycle. */
export async function pollAll(ctx: Context): Promise<number> {
  let fresh = 0;
  for (const repo of ctx.repos) {
    try {
      fresh += await pollRepo(ctx, repo);
    } catch (error) {
      rethrowCrash(error);
      ctx.metrics.pollErrors.inc({ repo });
      ctx.log.warn?.({ repo, err: errorMessage(error) }, 'poll failed; will retry next cycle');
    }
  }
  return fresh;
}
