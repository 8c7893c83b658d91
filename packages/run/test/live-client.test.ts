import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LiveEvent, parseLiveBody } from '@ccci/results';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveFeed } from '../src/live-client.js';

/** A loopback bot: stores events once by number, answers with the highest, as trigger-bot does. */
async function fakeBot(answer: (n: number) => number = () => 200) {
  const stored = new Map<number, LiveEvent>();
  const auth: string[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      auth.push(String(req.headers.authorization));
      const status = answer(requests);
      if (status !== 200) {
        res.writeHead(status).end('{}');
        return;
      }
      const parsed = parseLiveBody(JSON.parse(Buffer.concat(chunks).toString()), 'r1');
      if (!parsed.ok) {
        res.writeHead(400).end(JSON.stringify({ error: parsed.error }));
        return;
      }
      for (const e of parsed.events) if (!stored.has(e.seq)) stored.set(e.seq, e);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, acked: Math.max(0, ...stored.keys()) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url, stored, auth, requests: () => requests };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function until(fn: () => boolean, what: string) {
  const end = Date.now() + 10_000;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('createLiveFeed', () => {
  it('delivers every event once, in order, with the run key, across failures of the bot', async () => {
    // Two failures (a restarting bot), then answers.
    const bot = await fakeBot((n) => (n <= 2 ? 503 : 200));
    const feed = createLiveFeed({
      url: bot.url,
      key: 'k'.repeat(32),
      runId: 'r1',
      flushMs: 5,
      retryMs: 5,
    });
    feed.push({ kind: 'step', phase: 'install', step: 'deploy' });
    for (let i = 0; i < 20; i++) feed.push({ kind: 'log', level: 'info', text: `line ${i}` });
    feed.push({ kind: 'rung', rung: 'install', status: 'pass', reason: '' });
    await until(() => bot.stored.size === 22, 'delivery');
    await feed.close();
    expect(bot.requests()).toBeGreaterThanOrEqual(3);
    expect([...bot.stored.keys()]).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(bot.auth.every((a) => a === `Bearer ${'k'.repeat(32)}`)).toBe(true);
  });

  it('cuts what the bot would refuse: long text, odd phase names', async () => {
    const bot = await fakeBot();
    const feed = createLiveFeed({ url: bot.url, key: 'k', runId: 'r1', flushMs: 5 });
    feed.push({ kind: 'log', level: 'info', text: 'y'.repeat(10_000) });
    feed.push({ kind: 'step', phase: 'Not A Phase!', step: 'z'.repeat(1000) });
    await until(() => bot.stored.size === 2, 'both events');
    await feed.close();
    expect(bot.stored.get(2)).toMatchObject({ kind: 'step', phase: 'other' });
  });

  it('stops for good on a refusal (run over) and never throws', async () => {
    const bot = await fakeBot(() => 409);
    const said: string[] = [];
    const feed = createLiveFeed({
      url: bot.url,
      key: 'secret-key',
      runId: 'r1',
      flushMs: 5,
      log: (m) => said.push(m),
    });
    feed.push({ kind: 'log', level: 'info', text: 'a' });
    await until(() => said.length === 1, 'the stop');
    feed.push({ kind: 'log', level: 'info', text: 'b' });
    await feed.close();
    expect(bot.requests()).toBe(1);
    expect(said[0]).toContain('HTTP 409');
    expect(said.join()).not.toContain('secret-key');
  });

  it('keeps steps and counts log lines beyond its buffer while the bot is away', async () => {
    let up = false;
    const bot = await fakeBot(() => (up ? 200 : 503));
    const feed = createLiveFeed({
      url: bot.url,
      key: 'k',
      runId: 'r1',
      flushMs: 5,
      retryMs: 5,
      maxBuffered: 3,
    });
    for (let i = 0; i < 5; i++) feed.push({ kind: 'log', level: 'info', text: `l${i}` });
    feed.push({ kind: 'step', phase: 'upgrade', step: 'redeploy' });
    up = true;
    await until(() => bot.stored.size === 4, 'delivery of what was kept');
    // The last word says how many were not streamed.
    await feed.close();
    const texts = [...bot.stored.values()].map((e) => (e.kind === 'log' ? e.text : e.kind));
    expect(texts).toEqual([
      'l0',
      'l1',
      'l2',
      'step',
      '2 log lines were not streamed while the bot was unreachable; run.log has them',
    ]);
  });
});
