// A harness that could not reach the bot spools its report and resends it later (harness-runner
// resend). The run meanwhile ended as "no report"; within the late-report window the same key
// still delivers, and the comment and status then show the real result.
import { exampleResults } from '@ccci/results';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotServer } from '../src/index.js';
import { REPO, sha, until, type World, world } from './helpers.js';

let w: World;
let server: BotServer | undefined;
let base: string;
let offsetMs = 0;
const HOUR = 3_600_000;

async function boot(extra: Parameters<World['boot']>[0] = {}) {
  const booted = await w.serve({ clock: () => new Date(Date.now() + offsetMs), ...extra });
  ({ server, base } = booted);
  await booted.bot.pollOnce();
  return booted;
}

beforeEach(async () => {
  offsetMs = 0;
  w = await world();
});
afterEach(() => w.close());

const report = (runId: string, key: string, level: 0 | 1 | 2 | 3 | 4 | 5) =>
  fetch(`${base}/api/runs/${runId}/report`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      run_id: runId,
      results: {
        ...exampleResults({ level, recipe: 'custom-html' }),
        run_id: runId,
        sha: sha(1),
        pr: 1,
      },
    }),
  });

/** Starts a run and lets its harness exit without reporting; returns its id and key. */
async function runEndedWithoutReport(bot: Awaited<ReturnType<typeof boot>>['bot'], pr: number) {
  const d = await w.testme(bot, pr);
  w.executor.events()?.exited(d.runId, 'harness exited with code 1');
  await bot.process();
  return d;
}

const botComment = (runId: string) =>
  w.fake.comments(REPO).filter((c) => c.user === w.fake.botUser && c.body.includes(runId));

describe('late reports', () => {
  it('a report resent within the window edits the comment and status to the real result', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot, store } = await boot({ lateReportMs: 2 * HOUR });
    const d = await runEndedWithoutReport(bot, pr);
    expect(store.getRun(d.runId)).toMatchObject({ state: 'done', commitState: 'error' });
    expect(w.fake.statuses(REPO, sha(1)).map((s) => s.state)).toEqual(['pending', 'error']);
    const before = botComment(d.runId);
    expect(before).toHaveLength(1);
    expect(before[0]?.body).toMatch(/without reporting results/);
    expect(before[0]?.body).toMatch(
      /If the harness delivers its report before \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );

    offsetMs = HOUR; // an hour later the bot is reachable again and the harness resends
    expect((await report(d.runId, 'f'.repeat(64), 3)).status).toBe(401);
    const late = await report(d.runId, d.reportKey, 3);
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ level: 3, commit_state: 'success' });
    await until(() => store.getRun(d.runId)?.notified, 5000, 'notified');
    expect(store.getRun(d.runId)).toMatchObject({
      state: 'done',
      level: 3,
      commitState: 'success',
      error: null,
      keyHash: null,
      lateReportUntil: null,
    });
    const after = botComment(d.runId);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(before[0]?.id);
    expect(after[0]?.body).toMatch(/level 3/);
    expect(after[0]?.body).not.toMatch(/If the harness delivers/);
    expect(w.fake.statuses(REPO, sha(1)).map((s) => s.state)).toEqual([
      'pending',
      'error',
      'success',
    ]);
    // Delivered once: the key is spent.
    expect((await report(d.runId, d.reportKey, 3)).status).toBe(409);
  });

  it('a late report keeps the run where it ended: a run that ended after it stays the newest', async () => {
    // Run A (PR 1) ends without a report; run B (PR 2) ends with one; then A's report arrives.
    // A's results are of an older state of the recipe: they must not pass for the newest.
    const prA = w.fake.openPull(REPO, { headSha: sha(1) });
    const prB = w.fake.openPull(REPO, { headSha: sha(2) });
    const { bot, store } = await boot({ lateReportMs: 2 * HOUR });
    const a = await runEndedWithoutReport(bot, prA);
    const endedAt = store.getRun(a.runId)?.finishedAt;
    offsetMs = 10 * 60_000;
    const b = await w.testme(bot, prB);
    const results = { ...exampleResults({ level: 2, recipe: 'custom-html' }), run_id: b.runId };
    const answer = await fetch(`${base}/api/runs/${b.runId}/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.reportKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ results: { ...results, sha: sha(2), pr: prB } }),
    });
    expect(answer.status).toBe(200);
    offsetMs = HOUR;
    expect((await report(a.runId, a.reportKey, 5)).status).toBe(200);
    expect(store.getRun(a.runId)).toMatchObject({ level: 5, finishedAt: endedAt });
    const recipes = (await (await fetch(`${base}/api/recipes`)).json()) as {
      recipes: { recipe: string; last_run: { run_id: string } | null }[];
    };
    expect(recipes.recipes.find((r) => r.recipe === 'custom-html')?.last_run?.run_id).toBe(b.runId);
  });

  it('after the window the report is refused with why, and the key hash is dropped', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot, store } = await boot({ lateReportMs: 2 * HOUR });
    const d = await runEndedWithoutReport(bot, pr);
    offsetMs = 3 * HOUR;
    const res = await report(d.runId, d.reportKey, 3);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/late-report window closed/);
    expect(store.getRun(d.runId)).toMatchObject({ commitState: 'error', keyHash: null });
  });

  it('lateReportMs 0 and cancelled runs take no late report', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot, store } = await boot({ lateReportMs: 0 });
    const d = await runEndedWithoutReport(bot, pr);
    expect(store.getRun(d.runId)?.keyHash).toBeNull();
    expect((await report(d.runId, d.reportKey, 3)).status).toBe(409);

    const pr2 = w.fake.openPull(REPO, { headSha: sha(2) });
    await server?.close();
    const second = await boot({ lateReportMs: HOUR });
    const d2 = await w.testme(second.bot, pr2);
    w.fake.closePull(REPO, pr2);
    await second.bot.pollOnce();
    expect(second.store.getRun(d2.runId)?.state).toBe('cancelled');
    expect((await report(d2.runId, d2.reportKey, 3)).status).toBe(409);
  });

  it('rejects a bad lateReportMs', async () => {
    expect(() => w.boot({ lateReportMs: -1 })).toThrow(/options\.lateReportMs must be an integer/);
  });
});
