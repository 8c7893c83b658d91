// What a pull request's code can put into what the dashboard shows (log lines, test names,
// screenshot names), and what a reader of the dashboard can make the bot hold.
import type { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotServer, createBotServer } from '../src/index.js';
import { openSeedStore, seedRun, T0 } from './dashboard-fixture.js';
import { until, type World, world } from './helpers.js';

let w: World;
let server: BotServer;
let base: string;
let tight: BotServer;
let tightBase: string;
const ids: Record<string, string> = {};
const EVENTS = 20_000;
const BIG_LOG = 16 * 1024 * 1024;

const FORGED_LOG = `${[
  JSON.stringify({
    level: 30,
    time: T0 + 1,
    msg: 'functional: playwright/x failed — \n12:00:02.000 INFO lint: pass',
    rung: 'functional',
  }),
  JSON.stringify({ level: 20, time: T0 + 2, source: 'abra', msg: 'a\rb\u2028c\u0085d' }),
  JSON.stringify({ level: 20, time: T0 + 3, msg: 'ok', detail: 'x\ny' }),
  JSON.stringify({ level: 20, time: T0 + 4, msg: 'hunter2\u0000hunter2 and pw\u200Bpw' }),
  'text hunter2\u0007hunter2\r in the middle',
].join('\n')}\n`;

beforeAll(async () => {
  w = await world();
  const { store, clock } = openSeedStore(w.dbPath);
  ids.forged = seedRun(store, clock, {
    recipe: 'custom-html',
    pr: 3,
    at: T0 + 3600_000,
    level: 1,
    log: FORGED_LOG,
  }).id;
  ids.shots = seedRun(store, clock, {
    recipe: 'custom-html',
    pr: 4,
    at: T0 + 7200_000,
    level: 1,
  }).id;
  store.putArtifact(ids.shots, 'playwright-spec-card.svg.png', Buffer.from('png'));
  // A running run with as many long log lines as the bot keeps (recipe output goes into them).
  ids.chatty = seedRun(store, clock, { recipe: 'custom-html', pr: 5, at: T0, state: 'running' }).id;
  const text = 'x'.repeat(2000);
  const at = new Date(T0).toISOString();
  for (let from = 1; from <= EVENTS; from += 500)
    store.addRunEvents(
      ids.chatty,
      Array.from({ length: 500 }, (_, i) => ({
        seq: from + i,
        kind: 'log',
        data: JSON.stringify({ seq: from + i, at, kind: 'log', level: 'info', text }),
      })),
      EVENTS,
    );
  ids.bigLog = seedRun(store, clock, {
    recipe: 'custom-html',
    pr: 6,
    at: T0,
    level: 1,
    log: Buffer.alloc(BIG_LOG, 'a'),
  }).id;
  store.close();
  const booted = w.boot({ publicUrl: 'http://ccci.example.org' });
  server = createBotServer({ bot: booted.bot });
  base = await server.listen(0);
  tight = createBotServer({
    bot: booted.bot,
    maxHeldResponseBytes: 2.5 * BIG_LOG,
    responseIdleMs: 500,
  });
  tightBase = await tight.listen(0);
});

afterAll(async () => {
  await tight?.close();
  await server?.close();
  await w?.close();
});

const text = async (path: string) => (await fetch(`${base}${path}`)).text();
/** The text of each log line on the page (between its line number and the end of the li). */
const lines = (html: string) =>
  [...html.matchAll(/<li id="L\d+"[^>]*>(.*?)<\/li>/gs)].map((m) => m[1] as string);

describe('log page against forged lines', () => {
  it('shows a line break inside a message as a mark, never as a new line', async () => {
    const shown = lines(await text(`/runs/${ids.forged}/log`));
    expect(shown).toHaveLength(5);
    for (const l of shown) expect(l).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
    expect(shown[0]).toContain('failed — ␤12:00:02.000 INFO lint: pass');
    expect(shown[1]).toContain('a␤b␤c␤d');
    expect(shown[2]).toContain('detail=x␤y');
  });

  it('shows controls and invisible characters instead of joining what they separate', async () => {
    const shown = lines(await text(`/runs/${ids.forged}/log`));
    expect(shown[3]).toContain('hunter2\uFFFDhunter2 and pw\uFFFDpw');
    expect(shown[4]).toContain('text hunter2\uFFFDhunter2␤ in the middle');
  });
});

describe('run page', () => {
  it('shows the card only when there is a card.svg, not a screenshot named like one', async () => {
    const html = await text(`/runs/${ids.shots}`);
    expect(html).toContain('playwright-spec-card.svg.png');
    expect(html).not.toContain('artifacts/card.svg"');
  });
});

/** Sends a GET on a raw socket and never reads the answer; resolves with the server's response. */
async function getWithoutReading(
  path: string,
  on: { server: BotServer; base: string } = { server, base },
): Promise<{
  res: ServerResponse;
  readAll(until: (text: string) => boolean): Promise<string>;
  close(): void;
}> {
  const { port } = new URL(on.base);
  const answered = new Promise<ServerResponse>((resolve) =>
    on.server.server.once('request', (_req, res: ServerResponse) => resolve(res)),
  );
  const socket = connect(Number(port), '127.0.0.1');
  socket.pause();
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  const res = await answered;
  const readAll = (until: (text: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const chunks: string[] = [];
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        chunks.push(chunk);
        // The end of what came so far (a check of all of it at every chunk would be quadratic).
        if (until(chunks.slice(-2).join(''))) resolve(chunks.join(''));
      });
      socket.once('close', () => reject(new Error(`closed after ${chunks.length} chunks`)));
      socket.resume();
    });
  return { res, readAll, close: () => socket.destroy() };
}

describe('a reader that does not read', () => {
  it('is sent a run’s events as it takes them, not all at once into memory', async () => {
    const { res, readAll, close } = await getWithoutReading(`/runs/${ids.chatty}/events`);
    try {
      // The stream has written what it writes before it waits for its reader ('drain').
      await until(() => res.writableNeedDrain, 5000, 'the stream waits for its reader');
      // 20 000 events of 2 kB are 40 MB: what waits for the reader stays near one batch.
      expect(res.writableLength).toBeLessThan(4 * 1024 * 1024);
      // Once it reads, it gets every event, in order, once.
      const got = await readAll((t) => t.includes(`id: ${EVENTS}\n`));
      const seqs = [...got.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(seqs).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    } finally {
      close();
    }
  });
});

describe('readers of large answers', () => {
  it('hold a bounded amount of memory: past it, 503; a reader that takes nothing is cut off', async () => {
    const path = `/runs/${ids.bigLog}/artifacts/run.log`;
    const on = { server: tight, base: tightBase };
    const first = await getWithoutReading(path, on);
    const second = await getWithoutReading(`/runs/${ids.bigLog}/log?format=ndjson`, on);
    try {
      expect([first.res.statusCode, second.res.statusCode]).toEqual([200, 200]);
      const third = await fetch(`${tightBase}${path}`);
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('10');
      expect(await third.json()).toMatchObject({ error: expect.stringMatching(/busy/) });
      // Small answers are not held back.
      expect((await fetch(`${tightBase}/runs/${ids.bigLog}`)).status).toBe(200);
      // The two readers that take nothing are cut off; then the log is served again, whole.
      await until(() => first.res.destroyed && second.res.destroyed, 5000, 'idle readers cut off');
      // Answers taken whole give their share back: one after another, each is served.
      for (let i = 0; i < 4; i++) {
        const again = await fetch(`${tightBase}${path}`);
        expect(again.status).toBe(200);
        expect((await again.arrayBuffer()).byteLength).toBe(BIG_LOG);
      }
    } finally {
      for (const c of [first, second]) c.close();
    }
  });
});
