import { describe, expect, it } from 'vitest';
import { memoryLog, ORG, REPO, sha, until, worldPerTest } from './helpers.js';

const w = worldPerTest();

describe('authorization', () => {
  it('a member starts a run: ack comment, pending status, dispatch with a run key', async () => {
    const { bot, store, pr } = await w.startOnPull();
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme --quick' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(1);
    const d = w.executor.dispatched[0];
    expect(d).toMatchObject({
      recipe: 'custom-html',
      pr,
      headSha: sha(1),
      quick: true,
      stages: null,
    });
    expect(d?.reportKey).toMatch(/^[0-9a-f]{64}$/);
    const run = store.getRun(d?.runId as string);
    expect(run?.state).toBe('dispatched');
    expect(run?.keyHash).not.toContain(d?.reportKey);
    expect(w.botComments(pr)).toHaveLength(1);
    expect(w.botComments(pr)[0]?.body).toContain(`ccci-run:${run?.id}`);
    expect(w.fake.statuses(REPO, sha(1)).map((s) => s.state)).toEqual(['pending']);
  });

  it('a non-member is refused with a reply saying why', async () => {
    const { bot, pr } = await w.startOnPull();
    w.fake.addComment({ repo: REPO, pr, user: 'mallory', body: '!testme' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    expect(
      w
        .botComments(pr)
        .map((c) => c.body)
        .join(),
    ).toContain(`not a member of ${ORG}`);
  });

  it('an allowlisted non-member starts a run without a membership request', async () => {
    const { bot, pr } = await w.startOnPull({ allowlist: ['Bob'] });
    w.fake.clearRequests();
    w.fake.addComment({ repo: REPO, pr, user: 'bob', body: '!testme' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(1);
    expect(w.fake.requests.some((r) => r.path.startsWith('/orgs/'))).toBe(false);
  });

  it('a membership redirect (bot not in the org) denies and logs why', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    w.fake.botIsMember(false);
    const { lines, log } = memoryLog();
    const { bot } = await w.start({ log });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    expect(w.botComments(pr)[0]?.body).toContain('could not be checked');
    const why = lines.find((l) => l.message.includes('membership unknown'));
    expect(String(why?.fields.why)).toMatch(/redirect/);
  });
});

describe('what does not trigger', () => {
  it('!testmexyz, comments before the first poll, and edited old comments', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const old = w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    const ancient = w.oldComment(pr, 'lgtm');
    const { bot, store } = await w.start();
    expect(store.getComment(old.id)?.state).toBe('ignored');
    // Older than the first poll's look-back: not even listed.
    expect(store.getComment(ancient.id)).toBeUndefined();
    w.fake.editComment(ancient.id, '!testme', { at: new Date(Date.now() + 5000) });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testmexyz' });
    const chatter = w.fake.addComment({ repo: REPO, pr, user: 'alice', body: 'looks good' });
    await bot.pollOnce();
    w.fake.editComment(old.id, '!testme --quick', { at: new Date(Date.now() + 5000) });
    w.fake.editComment(chatter.id, '!testme', { at: new Date(Date.now() + 5000) });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    expect(w.botComments(pr)).toHaveLength(0);
    expect(store.getComment(ancient.id)?.state).toBe('ignored');
  });

  it('an idle poll costs one request per repository', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: 'hello' });
    const { bot } = await w.start();
    w.fake.clearRequests();
    await bot.pollOnce();
    await bot.pollOnce();
    expect(w.fake.requests.map((r) => r.path)).toEqual([
      `/repos/${REPO}/issues/comments`,
      `/repos/${REPO}/issues/comments`,
    ]);
  });
});

describe('refusals', () => {
  it('unknown flag and closed PR say why; replies are rate-limited per user and PR', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const closed = w.fake.openPull(REPO, { headSha: sha(2) });
    w.fake.closePull(REPO, closed);
    const { bot } = await w.start();
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme --fast' });
    w.fake.addComment({ repo: REPO, pr: closed, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    expect(w.botComments(pr)[0]?.body).toContain('unknown flag');
    expect(w.botComments(closed)[0]?.body).toContain('closed');
    for (let i = 0; i < 5; i++)
      w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme --nope' });
    await bot.pollOnce();
    expect(w.botComments(pr)).toHaveLength(1);
    expect(w.executor.dispatched).toHaveLength(0);
  });
});

describe('replacement and cancellation', () => {
  it('a new !testme replaces a queued run of the same PR', async () => {
    const { bot, store, pr } = await w.startOnPull();
    const { runId: first } = await w.testme(bot, pr);
    w.fake.updatePull(REPO, pr, { headSha: sha(2) });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    expect(store.getRun(first)?.state).toBe('replaced');
    expect(w.executor.cancelled).toEqual([first]);
    const second = w.executor.dispatched[1];
    expect(second?.headSha).toBe(sha(2));
    const bodies = w.botComments(pr).map((c) => c.body);
    expect(bodies.some((b) => b.includes('replaced'))).toBe(true);
  });

  it('a closed PR cancels its running run: executor cancel, comment, error status', async () => {
    const { bot, store, pr, runId } = await w.startRunning();
    expect(store.getRun(runId)?.state).toBe('running');
    w.fake.closePull(REPO, pr);
    await bot.pollOnce();
    expect(store.getRun(runId)).toMatchObject({
      state: 'cancelled',
      notified: true,
      keyHash: null,
    });
    expect(w.executor.cancelled).toEqual([runId]);
    expect(w.fake.statuses(REPO, sha(1)).at(-1)?.state).toBe('error');
    expect(w.botComments(pr)[0]?.body).toContain('cancelled');
  });
});

describe('metrics', () => {
  it('comment-to-dispatch is measured from the comment’s creation on the forge', async () => {
    // The bot reads the comment 40 s after it was written (its clock runs 40 s ahead of the
    // forge's; a comment older than the PR's last push would be refused): the maintainer has
    // waited 40 s, not 0.
    const { bot, pr } = await w.startOnPull({ clock: () => new Date(Date.now() + 40_000) });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(1);
    const text = await bot.metrics.registry.metrics();
    const sum = Number(/ccci_comment_to_dispatch_seconds_sum (\S+)/.exec(text)?.[1]);
    expect(sum).toBeGreaterThanOrEqual(39);
    expect(sum).toBeLessThan(120);
  });
});

describe('one acknowledgement per run', () => {
  it('a post the forge saves after the bot gave up is found, not posted again', async () => {
    const { bot, pr } = await w.startOnPull();
    // The forge answers the comment POST after the bot's 2 s timeout, and saves it then.
    w.fake.inject({ method: 'POST', path: '/comments', kind: 'late-answer', ms: 3_000 });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    // The next passes come before the forge has saved it: no second post.
    await bot.pollOnce();
    expect(w.botComments(pr)).toHaveLength(0);
    await until(() => w.botComments(pr).length === 1, 10_000, 'the forge to save the post');
    await bot.pollOnce();
    expect(w.botComments(pr)).toHaveLength(1);
    expect(w.executor.dispatched).toHaveLength(1);
  }, 30_000);
});

describe('a push after !testme', () => {
  it('a run going on goes on for its commit; the new head is marked not tested, once', async () => {
    const { bot, store, pr } = await w.startOnPull();
    const d = await w.testme(bot, pr);
    w.fake.updatePull(REPO, pr, { headSha: sha(2) });
    await bot.pollOnce();
    await bot.pollOnce();
    expect(store.getRun(d.runId)?.state).toBe('dispatched');
    expect(store.getRun(d.runId)?.headSha).toBe(sha(1));
    const marks = w.fake.statuses(REPO, sha(2));
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ state: 'pending' });
    expect(marks[0]?.description).toMatch(/not tested: pushed after !testme/);
  });
});

describe('a push between !testme and the bot reading it', () => {
  it('is refused: the run never tests a head pushed after the approval', async () => {
    const { bot, store, pr } = await w.startOnPull();
    // alice approves the head she saw (sha 1); the author pushes sha 2 before the next poll.
    const approval = w.fake.addComment({
      repo: REPO,
      pr,
      user: 'alice',
      body: '!testme',
      at: new Date(Date.now() - 5_000),
    });
    w.fake.updatePull(REPO, pr, { headSha: sha(2) });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    expect(store.getComment(approval.id)?.state).toBe('refused');
    expect(w.botComments(pr)[0]?.body).toMatch(/pushed to after/);
    expect(w.fake.statuses(REPO, sha(2))).toHaveLength(0);
    // A !testme written after the push tests what is there now.
    const d = await w.testme(bot, pr);
    expect(d.headSha).toBe(sha(2));
  });
});

describe('a comment edited before the bot read it', () => {
  it('is refused: its author is not who wrote the command (writers may edit any comment)', async () => {
    const { bot, store, pr } = await w.startOnPull();
    // alice (a member) writes a remark; before the next poll someone with write access to the
    // repository (Gitea and GitHub let them edit any comment) turns it into a command.
    const remark = w.fake.addComment({ repo: REPO, pr, user: 'alice', body: 'nice work' });
    w.fake.editComment(remark.id, '!testme', { at: new Date(Date.now() + 2_000) });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    expect(store.getComment(remark.id)?.state).toBe('refused');
    expect(w.botComments(pr)[0]?.body).toMatch(/edited before/);
  });
});

describe('no run stays running forever', () => {
  it('a run past the deadline is stopped through its executor and ends as an error', async () => {
    let offset = 0;
    const { bot, store, pr } = await w.startOnPull({
      runDeadlineMs: 60_000,
      clock: () => new Date(Date.now() + offset),
    });
    const d = await w.testme(bot, pr);
    await bot.pollOnce();
    expect(store.getRun(d.runId)?.state).toBe('dispatched');
    offset = 61_000;
    await bot.pollOnce();
    expect(store.getRun(d.runId)).toMatchObject({ state: 'done', commitState: 'error' });
    expect(store.getRun(d.runId)?.error).toMatch(/past its deadline \(1 min\)/);
    expect(w.executor.cancelled).toContain(d.runId);
  });
});
