import { exampleResults } from '@ccci/results';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, sha, until, type World, world } from './helpers.js';

let w: World;
let base: string;

async function boot() {
  const booted = await w.serve({ progressEditIntervalMs: 0 });
  base = booted.base;
  await booted.bot.pollOnce();
  return booted;
}

beforeEach(async () => {
  w = await world();
});
afterEach(() => w.close());

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, s)).toISOString();
const progress = (runId: string, key: string, events: unknown[]) =>
  fetch(`${base}/api/runs/${runId}/progress`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ run_id: runId, events }),
  });

/** Reads a Server-Sent Events stream until `stop` says so; returns the raw events. */
async function readStream(
  url: string,
  stop: (events: { id?: string; event?: string; data: string }[]) => boolean,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, { headers });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: { id?: string; event?: string; data: string }[] = [];
  while (!stop(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
      const ev: { id?: string; event?: string; data: string } = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) ev.id = line.slice(4);
        else if (line.startsWith('event: ')) ev.event = line.slice(7);
        else if (line.startsWith('data: ')) ev.data += line.slice(6);
      }
      if (ev.data || ev.event) events.push(ev);
    }
  }
  await reader.cancel();
  return events;
}

describe('live progress', () => {
  it('stores events once, acknowledges the highest, streams them, and the comment follows the rung', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(1) });
    const { bot, store } = await boot();
    const d = await w.testme(bot, pr);
    // Wrong key: refused before the body is read; nothing stored.
    expect((await progress(d.runId, 'f'.repeat(64), [])).status).toBe(401);
    const bad = await progress(d.runId, d.reportKey, [{ seq: 1, at: at(1), kind: 'html' }]);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringContaining('events[0].kind') });
    expect(store.runEvents(d.runId)).toHaveLength(0);

    const first = [
      { seq: 1, at: at(1), kind: 'step', phase: 'prepare', step: 'clone' },
      { seq: 2, at: at(2), kind: 'step', phase: 'install', step: 'deploy' },
      { seq: 3, at: at(3), kind: 'log', level: 'info', text: 'deploying <b>app</b>' },
    ];
    const ok = await progress(d.runId, d.reportKey, first);
    expect(await ok.json()).toEqual({ ok: true, acked: 3 });
    // The first events mark the run running (an executor that never says so, like Drone's
    // queue, still shows it), and the comment shows the rung being climbed.
    expect(store.getRun(d.runId)?.state).toBe('running');
    const comment = () =>
      w.fake.comments(REPO).find((c) => c.user === w.fake.botUser && c.body.includes(d.runId));
    await until(() => /install/i.test(comment()?.body ?? '') && comment(), 5000, 'running comment');

    // A resend of 3 with new 4 and 5: 3 kept as first sent, 5 acknowledged.
    const again = await progress(d.runId, d.reportKey, [
      { ...first[2], text: 'changed' },
      { seq: 4, at: at(4), kind: 'rung', rung: 'install', status: 'pass', reason: '' },
      { seq: 5, at: at(5), kind: 'step', phase: 'upgrade', step: 'redeploy' },
    ]);
    expect(await again.json()).toEqual({ ok: true, acked: 5 });
    const stream = await readStream(`${base}/runs/${d.runId}/events`, (evs) => evs.length >= 5);
    expect(stream.map((e) => e.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(JSON.parse(stream[2]?.data ?? '{}')).toMatchObject({ text: 'deploying <b>app</b>' });
    await until(
      () => /upgrade/i.test(comment()?.body ?? '') && /pass|✅/.test(comment()?.body ?? ''),
      5000,
      'comment at upgrade with install passed',
    );

    // The page shows it escaped, with the live script; Last-Event-ID resumes after 4.
    const page = await fetch(`${base}/runs/${d.runId}`);
    const html = await page.text();
    expect(html).toContain('deploying &lt;b&gt;app&lt;/b&gt;');
    expect(html).toContain('/static/live.js');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const resumed = await readStream(`${base}/runs/${d.runId}/events`, (evs) => evs.length >= 1, {
      'last-event-id': '4',
    });
    expect(resumed.map((e) => e.id)).toEqual(['5']);

    // A listener open when the report lands gets the rest and `end`.
    const ending = readStream(`${base}/runs/${d.runId}/events?after=5`, (evs) =>
      evs.some((e) => e.event === 'end'),
    );
    await progress(d.runId, d.reportKey, [
      { seq: 6, at: at(6), kind: 'log', level: 'warn', text: 'last words' },
    ]);
    const report = await fetch(`${base}/api/runs/${d.runId}/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${d.reportKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        results: {
          ...exampleResults({ level: 3, recipe: 'custom-html' }),
          run_id: d.runId,
          sha: sha(1),
          pr: 1,
        },
        artifacts: [{ name: 'run.log', base64: Buffer.from('all\n').toString('base64') }],
      }),
    });
    expect(report.status).toBe(200);
    const tail = await ending;
    expect(tail.at(-1)).toMatchObject({ event: 'end' });
    // Log lines are in run.log now; steps and rung outcomes stay.
    expect(store.runEvents(d.runId).map((e) => e.kind)).toEqual(['step', 'step', 'rung', 'step']);
    // The finished run's page links the readable log.
    expect(await (await fetch(`${base}/runs/${d.runId}`)).text()).toContain(
      `href="/runs/${d.runId}/log"`,
    );
    // A finished run takes no more progress.
    expect((await progress(d.runId, d.reportKey, [])).status).toBe(409);
  });

  it('a run waiting behind others shows its place in the queue', async () => {
    const { bot } = await boot();
    const prs = [1, 2].map((n) => w.fake.openPull(REPO, { headSha: sha(n) }));
    for (const pr of prs) w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    const bodies = w.fake
      .comments(REPO)
      .filter((c) => c.user === w.fake.botUser)
      .map((c) => c.body);
    expect(bodies.some((b) => b.includes('position 1 in the queue'))).toBe(true);
    expect(bodies.some((b) => b.includes('position 2 in the queue'))).toBe(true);
  });
});
