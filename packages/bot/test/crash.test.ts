import { describe, expect, it } from 'vitest';
import { InjectedCrash } from '../src/index.js';
import { REPO, sha, worldPerTest } from './helpers.js';

const w = worldPerTest();

const ACCEPT_STEPS = [
  'after-record',
  'after-authorize',
  'after-pull',
  'before-ack-post',
  'after-ack-post',
  'after-status',
  'before-dispatch',
  'after-dispatch',
];

/** Throws once at `step`, after the first poll cycle (which only marks what exists as seen). */
function crashOnce(step: string) {
  let fired = false;
  let calls = 0;
  return (at: string) => {
    if (at === 'after-record') calls++;
    if (at === step && !fired && calls > 1) {
      fired = true;
      throw new InjectedCrash(at);
    }
  };
}

/**
 * A bot that crashes at `step` while handling `user`'s `!testme` on a new pull request (after a
 * first poll that only marks what exists as seen); returns the crashed bot and the comment.
 */
async function crashOnComment(step: string, user: string) {
  const pr = w.fake.openPull(REPO, { headSha: sha(1) });
  const first = w.boot({ crashAt: crashOnce(step) });
  await first.bot.pollOnce(); // first poll: nothing to trigger
  const comment = w.fake.addComment({ repo: REPO, pr, user, body: '!testme' });
  await expect(first.bot.pollOnce()).rejects.toBeInstanceOf(InjectedCrash);
  return { first, comment, pr };
}

describe('crash and restart between every step of handling a comment', () => {
  it.each(ACCEPT_STEPS)('crash at %s: the comment triggers exactly once', async (step) => {
    const { first, comment, pr } = await crashOnComment(step, 'alice');
    await first.bot.stop();

    const { bot, store } = w.boot(); // a fresh process on the same DB file
    await bot.pollOnce();
    await bot.pollOnce();
    const dispatched = w.executor.dispatched.filter((d) => d.pr === pr);
    expect(dispatched).toHaveLength(1);
    const run = store.runOfComment(comment.id);
    expect(run?.state).toBe('dispatched');
    expect(store.getComment(comment.id)?.state).toBe('accepted');
    const acks = w.fake.comments(REPO).filter((c) => c.user === w.fake.botUser);
    expect(acks).toHaveLength(1);
    expect(acks[0]?.body).toContain(`ccci-run:${run?.id}`);
  });

  it('crash after a refusal reply was posted: the comment is handled, no run', async () => {
    const { comment } = await crashOnComment('after-refusal-post', 'mallory');
    const { bot, store } = w.boot();
    await bot.pollOnce();
    expect(store.getComment(comment.id)?.state).toBe('refused');
    expect(w.executor.dispatched).toHaveLength(0);
    // At-least-once for replies: a crash in this window may repeat the reply, never a run.
    const replies = w.fake.comments(REPO).filter((c) => c.user === w.fake.botUser);
    expect(replies.length).toBeGreaterThanOrEqual(1);
    expect(replies.length).toBeLessThanOrEqual(2);
  });

  it('a run dispatched by an executor that cannot be asked is ended, not started twice', async () => {
    const { comment } = await crashOnComment('after-dispatch', 'alice');
    w.executor.lookup = async () => ({ kind: 'unknown', reason: 'cannot ask' });
    const { bot, store } = w.boot();
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(1);
    const run = store.runOfComment(comment.id);
    expect(run).toMatchObject({ state: 'done', commitState: 'error', notified: true });
    expect(w.fake.statuses(REPO, sha(1)).at(-1)?.state).toBe('error');
  });
});
