import { exampleResults } from '@ccci/results';
import { describe, expect, it } from 'vitest';
import { type BotServer, InjectedCrash } from '../src/index.js';
import { memoryLog, REPO, sha, until, type World, worldPerTest } from './helpers.js';

const SECRET = 'webhook-secret-for-tests';
const w = worldPerTest();
let server: BotServer;
let base: string;

async function boot(extra: Parameters<World['boot']>[0] = {}) {
  const booted = await w.serve(extra, { webhookSecret: SECRET, maxWebhookBytes: 64 * 1024 });
  ({ server, base } = booted);
  await booted.bot.pollOnce();
  return booted;
}

/** The fake forge delivers a webhook for `event`, signed with the bot's secret. */
const signedWebhook = (event: Parameters<World['fake']['deliverWebhook']>[1]) =>
  w.fake.deliverWebhook(`${base}/webhook`, event, { secret: SECRET });

const report = (runId: string, key: string, body: unknown) =>
  fetch(`${base}/api/runs/${runId}/report`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

function resultsFor(runId: string, level: 0 | 1 | 2 | 3 | 4 | 5) {
  return { ...exampleResults({ level, recipe: 'custom-html' }), run_id: runId, sha: sha(1), pr: 1 };
}

describe('webhook', () => {
  it('the same comment by poll and webhook makes one run', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot } = await boot();
    const c = w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    const delivered = await signedWebhook({ commentId: c.id });
    expect(delivered.status).toBe(202);
    await until(() => w.executor.dispatched.length === 1, 5000, 'webhook dispatch');
    await bot.pollOnce();
    const again = await signedWebhook({ commentId: c.id });
    expect(again.status).toBe(202);
    await bot.process();
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(1);
  });

  it('a webhook is a hint: a signed comment the forge does not list, or an old one, starts nothing', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot, store } = await boot();
    // Days old, never seen by a poll (before the bot's look-back): the forge lists it as old.
    const old = w.oldComment(pr, '!testme');
    const r = await signedWebhook({ commentId: old.id });
    expect(r.status).toBe(202);
    await bot.process();
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    expect(store.getComment(old.id)?.state ?? 'not recorded').not.toBe('handled');
  });

  it('bad signature → 401, oversized → 413, malformed → 400, edited → ignored; nothing recorded', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { store } = await boot();
    const c = w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    const hook = `${base}/webhook`;
    const deliveries = [
      ['wrong signature', { signature: 'wrong' }, 401],
      ['no signature', { signature: 'none' }, 401],
      ['oversized', { appendAfterSigning: ' '.repeat(70_000) }, 413],
    ] as const;
    for (const [what, fault, status] of deliveries) {
      const event = { commentId: c.id };
      const res = await w.fake.deliverWebhook(hook, event, { secret: SECRET, ...fault });
      expect(res.status, what).toBe(status);
    }
    const edited = await signedWebhook({ commentId: c.id, action: 'edited' });
    expect(edited.status).toBe(202);
    const { createHmac } = await import('node:crypto');
    const body = '{"action":';
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    const res = await fetch(hook, {
      method: 'POST',
      headers: { 'x-gitea-event': 'issue_comment', 'x-gitea-signature': sig },
      body,
    });
    expect(res.status).toBe(400);
    expect(store.getComment(c.id)).toBeUndefined();
  });
});

describe('report intake', () => {
  it('run key checked; results edit the comment in place and set the final status', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot, store } = await boot();
    const d = await w.testme(bot, pr);
    expect(
      (await report(d.runId, 'f'.repeat(64), { results: resultsFor(d.runId, 3) })).status,
    ).toBe(401);
    expect((await report('rnope', d.reportKey, {})).status).toBe(404);
    // Results of another commit than the run's: refused, no verdict lands on the head.
    const other = await report(d.runId, d.reportKey, {
      results: { ...resultsFor(d.runId, 5), sha: sha(9) },
    });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ error: expect.stringContaining(`not ${sha(1)}`) });
    expect(w.fake.statuses(REPO, sha(1)).map((s) => s.state)).not.toContain('success');
    expect((await report(d.runId, d.reportKey, { results: { nope: 1 } })).status).toBe(422);
    // Invalid results end the run as an infra error; a new run for the valid case:
    const d2 = await w.testme(bot, pr);
    const ok = await report(d2.runId, d2.reportKey, {
      run_id: d2.runId,
      results: resultsFor(d2.runId, 3),
      artifacts: [
        { name: 'run.log', base64: Buffer.from('all good\n').toString('base64') },
        {
          name: 'card.svg',
          base64: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64'),
        },
      ],
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ level: 3, commit_state: 'success' });
    await until(() => store.getRun(d2.runId)?.notified, 5000, 'notified');
    expect(
      (await report(d2.runId, d2.reportKey, { results: resultsFor(d2.runId, 3) })).status,
    ).toBe(409);
    const acks = w.fake
      .comments(REPO)
      .filter((c) => c.user === w.fake.botUser && c.body.includes(d2.runId));
    expect(acks).toHaveLength(1);
    expect(acks[0]?.body).toMatch(/[Ll]evel 3/);
    expect(acks[0]?.body).toContain(`/runs/${d2.runId}/artifacts/run.log`);
    expect(w.fake.statuses(REPO, sha(1)).at(-1)).toMatchObject({ state: 'success' });

    const log = await fetch(`${base}/runs/${d2.runId}/artifacts/run.log`);
    expect(await log.text()).toBe('all good\n');
    const svg = await fetch(`${base}/runs/${d2.runId}/artifacts/card.svg`);
    expect(svg.headers.get('content-security-policy')).toContain("default-src 'none'");
    const api = (await (await fetch(`${base}/api/results`)).json()) as {
      recipes: { level: number }[];
    };
    expect(api.recipes[0]).toMatchObject({ recipe: 'custom-html', level: 3, run_id: d2.runId });
    expect(await (await fetch(`${base}/`)).text()).toContain('custom-html');
    expect(await (await fetch(`${base}/recipes/custom-html`)).text()).toContain('Level trend');
    expect(await (await fetch(`${base}/runs/${d2.runId}`)).text()).toContain('run.log');
    expect((await fetch(`${base}/badge/custom-html.svg`)).headers.get('content-type')).toBe(
      'image/svg+xml',
    );
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('ccci_reports_total');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('a crash before the final notification is recorded is made good after restart', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    let armed = false;
    const { bot, store } = await boot({
      crashAt: (step) => {
        if (armed && step === 'before-notified') throw new InjectedCrash(step);
      },
    });
    const d = await w.testme(bot, pr);
    armed = true;
    expect((await report(d.runId, d.reportKey, { results: resultsFor(d.runId, 0) })).status).toBe(
      200,
    );
    await expect(bot.process()).rejects.toBeInstanceOf(InjectedCrash);
    expect(store.getRun(d.runId)?.notified).toBe(false);
    await server.close();
    const again = w.boot();
    await again.bot.process();
    expect(again.store.getRun(d.runId)).toMatchObject({
      state: 'done',
      commitState: 'failure',
      notified: true,
    });
    expect(w.fake.statuses(REPO, sha(1)).at(-1)?.state).toBe('failure');
  });
  it('a result comment the forge refuses does not hold the status back', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot, store } = await boot();
    const d = await w.testme(bot, pr);
    // Every comment edit fails from here (a forge answering 422 to a body it will not take).
    w.fake.inject({ path: /comments/, method: 'PATCH', kind: '5xx', status: 422, times: 1000 });
    expect((await report(d.runId, d.reportKey, { results: resultsFor(d.runId, 3) })).status).toBe(
      200,
    );
    await bot.process().catch(() => {});
    expect(w.fake.statuses(REPO, sha(1)).at(-1)?.state).toBe('success');
    expect(store.getRun(d.runId)?.notified).toBe(false);
  });
});

describe('routes', () => {
  it('unknown path → 404, wrong method → 405, unknown run page and artifact → 404, no key hash in the API', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot } = await boot();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/runs/rmissing`)).status).toBe(404);
    expect((await fetch(`${base}/runs/rmissing/artifacts/run.log`)).status).toBe(404);
    expect((await fetch(`${base}/runs/r1/artifacts/..%2Fetc`)).status).toBe(404);
    const { runId } = await w.testme(bot, pr);
    const api = await (await fetch(`${base}/api/runs/${runId}`)).json();
    expect(api).toMatchObject({ id: runId, state: 'dispatched' });
    expect(JSON.stringify(api)).not.toMatch(/keyHash|[0-9a-f]{64}/);
  });

  it('a webhook for a repository that is not configured is ignored', async () => {
    w.fake.addRepo('someone/else');
    const pr = w.fake.openPull('someone/else', { headSha: sha(1) });
    const { store } = await boot();
    const c = w.fake.addComment({ repo: 'someone/else', pr, user: 'alice', body: '!testme' });
    const d = await signedWebhook({ commentId: c.id });
    expect(d.status).toBe(202);
    expect(d.body).toContain('not configured');
    expect(store.getComment(c.id)).toBeUndefined();
  });
});

describe('default-branch level', () => {
  it('a PR merged at the tested head sets the baseline: badge and the next verdict', async () => {
    const pr1 = w.fake.openPull(REPO, { headSha: sha(1) });
    const pr2 = w.fake.openPull(REPO, { headSha: sha(2) });
    const { bot, store } = await boot({ mergeCheckIntervalMs: 0 });
    const d1 = await w.testme(bot, pr1);
    expect(
      (await report(d1.runId, d1.reportKey, { results: resultsFor(d1.runId, 3) })).status,
    ).toBe(200);
    await bot.process();
    expect(await (await fetch(`${base}/badge/custom-html.svg`)).text()).toContain('unknown');
    w.fake.closePull(REPO, pr1, { merged: true });
    await bot.pollOnce();
    expect(store.defaultBranchLevel('custom-html')).toBe(3);
    expect(await (await fetch(`${base}/badge/custom-html.svg`)).text()).toContain('level 3');
    const d2 = await w.testme(bot, pr2);
    const res = await report(d2.runId, d2.reportKey, {
      results: { ...resultsFor(d2.runId, 2), sha: sha(2) },
    });
    expect(await res.json()).toMatchObject({ level: 2, commit_state: 'failure' });
  });
});

describe('forge faults never crash the bot', () => {
  it.each([
    ['5xx', { kind: '5xx' as const, times: 2 }],
    ['429 with Retry-After', { kind: '429' as const, retryAfter: 1, times: 1 }],
    ['timeout', { kind: 'slow' as const, ms: 2500, times: 1 }],
    ['malformed JSON', { kind: 'malformed' as const, times: 1 }],
    ['reset', { kind: 'reset' as const, times: 1 }],
  ])('%s while polling: retried or skipped with a log line', async (_name, fault) => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { lines, log } = memoryLog();
    const { bot } = await boot({ log });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    w.fake.inject({ path: '/issues/comments', method: 'GET', ...fault });
    await bot.pollOnce();
    if (w.executor.dispatched.length === 0) {
      expect(lines.some((l) => l.level === 'warn' && l.message.includes('poll failed'))).toBe(true);
      await bot.pollOnce();
    }
    expect(w.executor.dispatched).toHaveLength(1);
  });

  it('a failing ack comment leaves the run queued and it goes out next cycle', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { lines, log } = memoryLog();
    const { bot } = await boot({ log });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    w.fake.inject({ path: '/issues/', method: 'POST', kind: '5xx', times: 10 });
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(0);
    expect(lines.some((l) => l.message.includes('dispatching a run failed'))).toBe(true);
    w.fake.clearFaults();
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(1);
    expect(w.fake.comments(REPO).filter((c) => c.user === w.fake.botUser)).toHaveLength(1);
  });
});
