import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@ccci/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../src/digest.js';
import { createBotServer } from '../src/index.js';
import { createNotifier, type DigestTargets, matrixTxnId } from '../src/notify.js';
import { memoryLog, REPO, sha, until, worldPerTest } from './helpers.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback HTTP receiver; `answer` decides each response (it may leave one hanging). */
async function receiver(
  answer: (req: Received, n: number, res: ServerResponse) => void = answerJson(200, '{}'),
) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      answer(r, received.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An answer for receiver(): `status` with a JSON body. */
function answerJson(status: number, body: string) {
  return (_req: Received, _n: number, res: ServerResponse): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
}

const TOKEN = 'syt_bWF0cml4LXRva2Vu_SECRETSECRET_0a1b2c';
const ROOM = '!ccciRoom:example.org';
/** The Matrix target pointed at a receiver. */
const matrixAt = (homeserver: string): DigestTargets => ({
  matrix: { homeserver, roomId: ROOM, accessToken: TOKEN },
});
const DIGEST: Digest = {
  type: 'ccci.digest',
  version: 1,
  id: 'digest-20261202T0000Z',
  created_at: '2026-12-02T00:00:05.000Z',
  since: '2026-12-01T00:00:00.000Z',
  dashboard_url: 'https://ci.example.org/digest',
  outdated_days: 7,
  summary: { recipes: 2, regressed: 1, improved: 0, failing: 0, outdated: 0, passing: 2 },
  regressed: [
    {
      recipe: 'keycloak',
      repo: 'coop-cloud/keycloak',
      run_id: 'r1',
      run_url: 'https://ci.example.org/runs/r1',
      level: 2,
      previous_level: 4,
      sha: 'c'.repeat(40),
      finished_at: '2026-12-01T12:00:00.000Z',
      error: null,
    },
  ],
  improved: [],
  failing: [],
  outdated: [],
};

let dir: string;
let store: Store;
let now: number;
const clock = () => new Date(now);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-notify-'));
  store = openStore({ path: join(dir, 'bot.sqlite') });
  now = Date.parse('2026-12-02T00:00:10.000Z');
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function notifier(targets: DigestTargets, extra: Record<string, unknown> = {}) {
  const { lines, log } = memoryLog();
  const n = createNotifier({
    store,
    targets,
    clock,
    log,
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2, timeoutMs: 5_000, sleep: async () => {} },
    ...extra,
  });
  store.insertDigest(
    { id: DIGEST.id, createdAt: DIGEST.created_at, json: JSON.stringify(DIGEST) },
    n.targetNames,
  );
  return { n, lines };
}

describe('webhook target', () => {
  it('receives the digest JSON once, with its id as Idempotency-Key', async () => {
    const r = await receiver();
    try {
      const { n } = notifier({ webhook: { url: `${r.url}/hooks/ccci` } });
      await n.flush();
      expect(r.received).toHaveLength(1);
      const [got] = r.received;
      expect(got?.method).toBe('POST');
      expect(got?.url).toBe('/hooks/ccci');
      expect(got?.headers['content-type']).toBe('application/json');
      expect(got?.headers['idempotency-key']).toBe(DIGEST.id);
      expect(JSON.parse(got?.body ?? '')).toEqual(DIGEST);
      expect(store.deliveries(DIGEST.id)[0]).toMatchObject({ state: 'sent', attempts: 1 });
      await n.flush();
      expect(r.received).toHaveLength(1);
    } finally {
      await r.close();
    }
  });
});

describe('Matrix target', () => {
  it('PUTs an m.room.message to the room with the digest transaction id and the token', async () => {
    const r = await receiver(answerJson(200, '{"event_id":"$e1"}'));
    try {
      const { n } = notifier(matrixAt(r.url));
      await n.flush();
      expect(r.received).toHaveLength(1);
      const [got] = r.received;
      expect(got?.method).toBe('PUT');
      expect(got?.url).toBe(
        `/_matrix/client/v3/rooms/${encodeURIComponent(ROOM)}/send/m.room.message/${matrixTxnId(DIGEST.id)}`,
      );
      // encodeURIComponent leaves `!` (a path sub-delimiter) and encodes the `:`.
      expect(got?.url).toContain('/rooms/!ccciRoom%3Aexample.org/');
      expect(got?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      const body = JSON.parse(got?.body ?? '');
      expect(Object.keys(body).sort()).toEqual(['body', 'format', 'formatted_body', 'msgtype']);
      expect(body.msgtype).toBe('m.text');
      expect(body.format).toBe('org.matrix.custom.html');
      expect(body.body).toContain('1 regressed');
      expect(body.body).toContain('- keycloak: level 4 → 2');
      expect(body.formatted_body).toContain(
        '<li><a href="https://ci.example.org/runs/r1">keycloak</a>: level 4 → 2',
      );
    } finally {
      await r.close();
    }
  });

  it('failing twice then succeeding: the same transaction id each time, one message', async () => {
    // Like a homeserver: an event is stored once per transaction id; the first two answers are
    // lost (a 502 after storing, then a 503) so the bot repeats the request.
    const events = new Map<string, string>();
    const r = await receiver((req, n, res) => {
      const txn = req.url.split('/').at(-1) ?? '';
      if (!events.has(txn)) events.set(txn, req.body);
      if (n <= 2) {
        res.writeHead(n === 1 ? 502 : 503);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"event_id":"$e1"}');
    });
    try {
      const { n, lines } = notifier(matrixAt(r.url));
      await n.flush();
      expect(r.received).toHaveLength(3);
      expect(new Set(r.received.map((x) => x.url)).size).toBe(1);
      expect(events.size).toBe(1);
      expect(store.deliveries(DIGEST.id)[0]).toMatchObject({ state: 'sent', attempts: 1 });
      expect(lines.filter((l) => l.message === 'digest delivery failed; retrying')).toHaveLength(2);
      await n.flush();
      expect(r.received).toHaveLength(3);
    } finally {
      await r.close();
    }
  });

  it('a round that fails is tried again after its backoff, then given up; the token is never logged', async () => {
    const r = await receiver((_req, _n, res) => {
      res.writeHead(500);
      res.end(`internal error for token ${TOKEN}`);
    });
    try {
      const { n, lines } = notifier(matrixAt(r.url), {
        retry: { retries: 0, timeoutMs: 5_000, sleep: async () => {} },
        maxRounds: 2,
        roundDelayMs: 60_000,
      });
      await n.flush();
      expect(store.deliveries(DIGEST.id)[0]).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: 'HTTP 500',
        nextAttemptAt: new Date(now + 60_000).toISOString(),
      });
      await n.flush();
      expect(r.received).toHaveLength(1);
      now += 60_000;
      await n.flush();
      expect(r.received).toHaveLength(2);
      expect(store.deliveries(DIGEST.id)[0]).toMatchObject({ state: 'failed', attempts: 2 });
      expect(lines.at(-1)?.message).toBe('digest delivery failed; given up');
      expect(JSON.stringify(lines)).not.toContain(TOKEN);
      expect(JSON.stringify(lines)).not.toContain(r.url);
    } finally {
      await r.close();
    }
  });

  it('a 4xx (the token refused) is final: no repeat', async () => {
    const r = await receiver(answerJson(401, '{"errcode":"M_UNKNOWN_TOKEN"}'));
    try {
      const { n, lines } = notifier(matrixAt(r.url));
      await n.flush();
      expect(r.received).toHaveLength(1);
      expect(store.deliveries(DIGEST.id)[0]).toMatchObject({
        state: 'failed',
        lastError: 'HTTP 401',
      });
      expect(JSON.stringify(lines)).not.toContain(TOKEN);
    } finally {
      await r.close();
    }
  });
});

describe('in the bot', () => {
  const w = worldPerTest();

  it('a dead receiver does not block runs; stop() ends the hanging delivery', async () => {
    const hanging: ServerResponse[] = [];
    const r = await receiver((_req, _n, res) => {
      hanging.push(res);
    });
    try {
      const { lines, log } = memoryLog();
      const { bot, store } = w.boot({
        log,
        digest: {
          everyMs: 86_400_000,
          targets: matrixAt(r.url),
          delivery: { retry: { retries: 0, timeoutMs: 60_000 } },
        },
      });
      const pr = w.fake.openPull(REPO, { headSha: sha(1) });
      await bot.pollOnce();
      // The first cycle made this period's digest and started sending it: the receiver holds it.
      await until(() => r.received.length === 1, 10_000, 'the Matrix request');
      const digest = store.latestDigest();
      expect(digest?.id).toMatch(/^digest-\d{8}T0000Z$/);

      w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
      await bot.pollOnce();
      expect(w.executor.dispatched).toHaveLength(1);
      expect(hanging).toHaveLength(1);

      await bot.stop();
      // Aborted, not failed: a restart sends it again.
      expect(store.deliveries(digest?.id ?? '')[0]).toMatchObject({
        state: 'pending',
        attempts: 0,
      });
      expect(JSON.stringify(lines)).not.toContain(TOKEN);
    } finally {
      await r.close();
    }
  });

  it('the digest is made once per period, also across a restart', async () => {
    let now2 = Date.parse('2026-12-02T10:00:00.000Z');
    const clock2 = () => new Date(now2);
    let { bot, store } = w.boot({ clock: clock2, digest: { everyMs: 86_400_000 } });
    await bot.pollOnce();
    await bot.pollOnce();
    await bot.stop();
    ({ bot, store } = w.boot({ clock: clock2, digest: { everyMs: 86_400_000 } }));
    await bot.pollOnce();
    expect(store.latestDigest()?.id).toBe('digest-20261202T0000Z');
    now2 += 86_400_000;
    await bot.pollOnce();
    const latest = store.latestDigest();
    expect(latest?.id).toBe('digest-20261203T0000Z');
    expect(JSON.parse(latest?.json ?? '{}').since).toBe('2026-12-02T10:00:00.000Z');
  });

  it('GET /digest shows the latest digest escaped; /digest.json is what the webhook gets', async () => {
    const { bot, store } = w.boot({ digest: { everyMs: 86_400_000 } });
    const server = createBotServer({ bot });
    const base = await server.listen(0);
    try {
      expect((await fetch(`${base}/digest.json`)).status).toBe(404);
      expect(await (await fetch(`${base}/digest`)).text()).toContain('No digest yet');
      store.insertRun({
        id: 'r-evil',
        repo: REPO,
        recipe: 'custom-html',
        pr: null,
        commentId: null,
        requestedBy: null,
        headSha: sha(1),
        headRef: 'main',
        baseRef: 'main',
        src: 'http://x/y.git',
        stages: null,
        quick: false,
        executor: 'recording',
        keyHash: null,
        onDefaultBranch: true,
      });
      store.updateRun('r-evil', {
        state: 'done',
        error: '<img src=x onerror=alert(1)>',
        finishedAt: new Date().toISOString(),
      });
      await bot.pollOnce();
      const page = await fetch(`${base}/digest`);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const text = await page.text();
      expect(text).toContain('custom-html');
      expect(text).not.toContain('<img src=x');
      expect(text).toContain('&lt;img src=x');
      const json = (await (await fetch(`${base}/digest.json`)).json()) as { id: string };
      expect(json).toMatchObject({ type: 'ccci.digest', summary: { recipes: 1, failing: 1 } });
      expect(json.id).toBe(store.latestDigest()?.id);
    } finally {
      await server.close();
    }
  });
});
