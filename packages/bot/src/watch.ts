import { ForgeError } from '@ccci/forge';
import { type Context, errorMessage, rethrowCrash } from './context.js';

/** New heads already marked "not tested" (once each). */
const marked = new WeakMap<Context, Set<string>>();

/**
 * A push after `!testme`: a run not started yet is superseded (it would test a commit that is no
 * longer the head); a run already going finishes and reports on the commit it tests. Either
 * way the new head gets a `pending` status "not tested" (documented in docs/trigger-bot.md): a
 * required check stays unmet until someone comments `!testme` again.
 */
async function followPush(ctx: Context, repo: string, pr: number, head: string): Promise<void> {
  const moved = ctx.store
    .activeRuns()
    .filter((r) => r.repo === repo && r.pr === pr && r.headSha !== head);
  if (moved.length === 0) return;
  ctx.store.transaction(() => {
    for (const r of moved.filter((x) => x.state === 'queued')) {
      ctx.store.updateRun(r.id, {
        state: 'cancelled',
        commitState: 'error',
        error: `superseded: the pull request's head moved to ${head.slice(0, 12)} before the run started; comment !testme to test it`,
        keyHash: null,
        finishedAt: ctx.clock().toISOString(),
        notified: false,
      });
    }
  });
  const seen = marked.get(ctx) ?? new Set<string>();
  marked.set(ctx, seen);
  const key = `${repo}@${head}`;
  if (seen.has(key)) return;
  await ctx.forge.setStatus(repo, head, {
    state: 'pending',
    context: ctx.statusContext,
    description: 'ccci: not tested: pushed after !testme; comment !testme to test this commit',
  });
  seen.add(key);
  ctx.log.info?.({ repo, pr, head }, 'push after !testme: the new head is marked not tested');
}

/**
 * Cancels active runs of pull requests that were closed, and follows pushes to open ones (one PR
 * request per PR with runs).
 */
export async function cancelClosedPulls(ctx: Context): Promise<void> {
  const prs = new Map<string, { repo: string; pr: number }>();
  for (const r of ctx.store.activeRuns()) {
    if (r.pr !== null) prs.set(`${r.repo}#${r.pr}`, { repo: r.repo, pr: r.pr });
  }
  for (const { repo, pr } of prs.values()) {
    try {
      const pull = await ctx.forge.getPull(repo, pr);
      if (pull.state === 'open') {
        await followPush(ctx, repo, pr, pull.headSha);
        continue;
      }
      ctx.store.transaction(() => {
        for (const r of ctx.store.activeRuns().filter((x) => x.repo === repo && x.pr === pr)) {
          ctx.store.updateRun(r.id, {
            state: 'cancelled',
            commitState: 'error',
            error: pull.merged ? 'pull request merged' : 'pull request closed',
            keyHash: null,
            finishedAt: ctx.clock().toISOString(),
            notified: false,
          });
        }
      });
      ctx.log.info?.({ repo, pr }, 'pull request closed; its runs are cancelled');
    } catch (error) {
      rethrowCrash(error);
      ctx.log.warn?.(
        { repo, pr, err: errorMessage(error) },
        'pull request check failed; will retry',
      );
    }
  }
}

/**
 * Looks at PRs whose newest run finished: merged at the tested head → that run's level becomes
 * the recipe's default-branch level (badge, verdict baseline); merged at another head →
 * superseded; closed → closed. One request per such PR; callers run this now and then.
 */
export async function checkMerges(ctx: Context): Promise<void> {
  for (const run of ctx.store.runsAwaitingMerge()) {
    try {
      const pull = await ctx.forge.getPull(run.repo, run.pr as number);
      if (pull.state === 'open') continue;
      const outcome = !pull.merged
        ? 'closed'
        : pull.headSha === run.headSha
          ? 'merged'
          : 'superseded';
      ctx.store.setPrOutcome(run.id, outcome);
      ctx.log.info?.({ runId: run.id, pr: run.pr, outcome }, 'pull request outcome recorded');
    } catch (error) {
      rethrowCrash(error);
      if (error instanceof ForgeError && error.code === 'FORGE_NOT_FOUND') {
        ctx.store.setPrOutcome(run.id, 'closed');
        continue;
      }
      ctx.log.warn?.({ runId: run.id, err: errorMessage(error) }, 'merge check failed; will retry');
    }
  }
}
