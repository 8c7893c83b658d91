// `!testme cancel`, `!testme help`, `!testme keep` through the whole intake: the fake forge on
// loopback, real SQLite, the recording executor.
import { exampleResults } from '@ccci/results';
import { describe, expect, it } from 'vitest';
import { COMMANDS, createBotServer } from '../src/index.js';
import { ORG, REPO, sha, worldPerTest } from './helpers.js';

const w = worldPerTest();

describe('!testme cancel', () => {
  it('cancels a run still queued in the bot: never dispatched, status error naming who', async () => {
    const { bot, store, pr } = await w.startOnPull();
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    const cancel = w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme cancel' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    const [run] = store.runsOfRecipe('custom-html');
    expect(run).toMatchObject({ state: 'cancelled', commitState: 'error', notified: true });
    expect(run?.error).toBe('cancelled by @alice (!testme cancel)');
    expect(store.getComment(cancel.id)).toMatchObject({ state: 'accepted' });
    expect(w.fake.statuses(REPO, sha(1)).at(-1)).toMatchObject({
      state: 'error',
      description: 'ccci: cancelled (cancelled by @alice (!testme cancel))',
    });
  });

  it('cancels a dispatched run waiting in the executor: the executor drops it', async () => {
    const { bot, store, pr } = await w.startOnPull();
    const { runId } = await w.testme(bot, pr);
    expect(store.getRun(runId)?.state).toBe('dispatched');
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme cancel' });
    await bot.pollOnce();
    expect(w.executor.cancelled).toEqual([runId]);
    expect(store.getRun(runId)).toMatchObject({ state: 'cancelled', keyHash: null });
  });

  it('cancels a running run: executor cancel, the run comment says cancelled, status error', async () => {
    const { bot, store, pr, runId } = await w.startRunning();
    expect(store.getRun(runId)?.state).toBe('running');
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme cancel' });
    await bot.pollOnce();
    expect(w.executor.cancelled).toEqual([runId]);
    expect(store.getRun(runId)).toMatchObject({ state: 'cancelled', notified: true });
    // The run's own comment is edited; no second comment is posted.
    expect(w.botComments(pr)).toHaveLength(1);
    expect(w.botComments(pr)[0]?.body).toMatch(/cancelled the run of `custom-html`: cancelled by/);
    expect(w.fake.statuses(REPO, sha(1)).at(-1)?.state).toBe('error');
  });

  it('with nothing to cancel, replies so once', async () => {
    const { bot, pr } = await w.startOnPull();
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme cancel' });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme cancel' });
    await bot.pollOnce();
    expect(w.botComments(pr)).toHaveLength(1);
    expect(w.botComments(pr)[0]?.body).toContain(
      'there is no queued or running run on this pull request to cancel',
    );
    expect(w.executor.cancelled).toEqual([]);
  });

  it('an untrusted author gets the same refusal as for !testme; the run goes on', async () => {
    const { bot, store, pr } = await w.startOnPull();
    const { runId } = await w.testme(bot, pr);
    w.fake.addComment({ repo: REPO, pr, user: 'mallory', body: '!testme cancel' });
    await bot.pollOnce();
    expect(store.getRun(runId)?.state).toBe('dispatched');
    expect(w.executor.cancelled).toEqual([]);
    const refusal = w.botComments(pr).at(-1)?.body ?? '';
    expect(refusal).toContain(`is not starting a run: @`);
    expect(refusal).toContain(`mallory is not a member of ${ORG}`);
  });

  it('an unknown subcommand is refused with a reason naming it and the commands', async () => {
    const { bot, pr } = await w.startOnPull();
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme cancelx' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    const body = w.botComments(pr)[0]?.body ?? '';
    expect(body).toContain('unknown command');
    expect(body).toContain('cancelx');
    expect(body).toContain('!testme help');
  });
});

describe('!testme help', () => {
  it('replies with every command and option, to anyone, even after a refusal', async () => {
    const { bot, pr } = await w.startOnPull();
    w.fake.addComment({ repo: REPO, pr, user: 'mallory', body: '!testme' });
    w.fake.addComment({ repo: REPO, pr, user: 'mallory', body: '!testme help' });
    await bot.pollOnce();
    const bodies = w.botComments(pr).map((c) => c.body);
    expect(bodies).toHaveLength(2);
    const help = bodies.find((b) => b.includes('commands')) ?? '';
    for (const spec of COMMANDS) expect(help).toContain(`\`${spec.usage}\``);
    expect(help).toContain(`Only members of **${ORG}**`);
    expect(w.executor.dispatched).toHaveLength(0);
    // A second ask within the interval is not answered again.
    w.fake.addComment({ repo: REPO, pr, user: 'mallory', body: '!testme help' });
    await bot.pollOnce();
    expect(w.botComments(pr)).toHaveLength(2);
  });
});

describe('!testme keep', () => {
  it('passes the minutes to the executor (default 60); plain !testme passes none', async () => {
    const a = w.fake.openPull(REPO, { headSha: sha(1) });
    const b = w.fake.openPull(REPO, { headSha: sha(2) });
    const c = w.fake.openPull(REPO, { headSha: sha(3) });
    const { bot, store } = await w.start({ keepMax: 5 });
    w.fake.addComment({ repo: REPO, pr: a, user: 'alice', body: '!testme keep=30 --quick' });
    w.fake.addComment({ repo: REPO, pr: b, user: 'alice', body: '!testme keep' });
    w.fake.addComment({ repo: REPO, pr: c, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    const byPr = (pr: number) => w.executor.dispatched.find((d) => d.pr === pr);
    expect(byPr(a)).toMatchObject({ keepMinutes: 30, quick: true });
    expect(byPr(b)?.keepMinutes).toBe(60);
    expect(byPr(c)?.keepMinutes).toBeNull();
    expect(store.getRun(byPr(a)?.runId as string)?.keepMinutes).toBe(30);
  });

  it('at most KEEP_MAX runs hold a keep slot; a slot frees when its run succeeds', async () => {
    const a = w.fake.openPull(REPO, { headSha: sha(1) });
    const b = w.fake.openPull(REPO, { headSha: sha(2) });
    const { bot, store } = await w.start({ keepMax: 1 });
    w.fake.addComment({ repo: REPO, pr: a, user: 'alice', body: '!testme keep' });
    await bot.pollOnce();
    w.fake.addComment({ repo: REPO, pr: b, user: 'alice', body: '!testme keep=10' });
    await bot.pollOnce();
    expect(w.executor.dispatched.map((d) => d.pr)).toEqual([a]);
    expect(w.botComments(b)[0]?.body).toContain('at most 1 failed run(s) keep their app at once');
    // Without keep, the same PR is tested at once.
    w.fake.addComment({ repo: REPO, pr: b, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    expect(w.executor.dispatched.map((d) => d.pr)).toEqual([a, b]);
    // The kept run succeeds: nothing is kept, the slot is free again.
    const first = w.executor.dispatched[0]?.runId as string;
    store.updateRun(first, {
      state: 'done',
      commitState: 'success',
      level: 5,
      finishedAt: new Date().toISOString(),
    });
    w.fake.updatePull(REPO, b, { headSha: sha(4) });
    w.fake.addComment({ repo: REPO, pr: b, user: 'bob', body: '!testme keep=10' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(2);
    w.fake.addComment({ repo: REPO, pr: b, user: 'alice', body: '!testme keep=10' });
    await bot.pollOnce();
    expect(w.executor.dispatched.at(-1)).toMatchObject({ pr: b, keepMinutes: 10 });
  });

  it('a failed kept run holds its slot for its minutes, then frees it', async () => {
    let offset = 0;
    const a = w.fake.openPull(REPO, { headSha: sha(1) });
    const b = w.fake.openPull(REPO, { headSha: sha(2) });
    const { bot, store } = await w.start({
      keepMax: 1,
      clock: () => new Date(Date.now() + offset),
    });
    w.fake.addComment({ repo: REPO, pr: a, user: 'alice', body: '!testme keep=20' });
    await bot.pollOnce();
    const first = w.executor.dispatched[0]?.runId as string;
    store.updateRun(first, {
      state: 'done',
      commitState: 'failure',
      level: 1,
      finishedAt: new Date(Date.now()).toISOString(),
    });
    w.fake.addComment({ repo: REPO, pr: b, user: 'alice', body: '!testme keep' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(1);
    expect(w.botComments(b).at(-1)?.body).toMatch(/ask again after \d\d:\d\d UTC/);
    offset = 21 * 60_000;
    w.fake.addComment({
      repo: REPO,
      pr: b,
      user: 'alice',
      body: '!testme keep',
      at: new Date(Date.now() + offset),
    });
    await bot.pollOnce();
    expect(w.executor.dispatched.at(-1)).toMatchObject({ pr: b, keepMinutes: 60 });
  });

  it('the result comment of a failed keep run says until when its app may stay', async () => {
    const { bot, pr } = await w.startOnPull({ keepMax: 1 });
    const server = createBotServer({ bot });
    const base = await server.listen(0);
    try {
      const d = await w.testme(bot, pr, '!testme keep=30');
      const res = await fetch(`${base}/api/runs/${d.runId}/report`, {
        method: 'POST',
        headers: { authorization: `Bearer ${d.reportKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          run_id: d.runId,
          results: { ...exampleResults({ level: 0 }), run_id: d.runId, sha: sha(1), pr },
        }),
      });
      expect(res.status).toBe(200);
      await bot.process();
      const body = w.botComments(pr)[0]?.body ?? '';
      expect(body).toMatch(
        /🔧 Asked with `keep`: a failed run's app stays deployed on the CI host for debugging until about \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
      );
      expect(body).toContain('Its secrets stay on the host');
    } finally {
      await server.close();
    }
  });

  it('KEEP_MAX 0 turns keep off with a reply saying so', async () => {
    const { bot, pr } = await w.startOnPull({ keepMax: 0 });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme keep' });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    expect(w.botComments(pr)[0]?.body).toContain('is turned off on this bot');
  });
});
