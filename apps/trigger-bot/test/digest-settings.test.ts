import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type FakeForge, startFakeForge } from '@ccci/testbed';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings, start } from '../src/index.js';
import { maskingDestination } from '../src/main.js';
import { baseEnv, expectProblemsNaming, problems } from './settings-env.js';

const TOKEN = 'syt_matrix-access-token_0123456789';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-digest-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = () => baseEnv(dir);

describe('schedule and digest settings', () => {
  it('defaults: no scheduled runs, a daily digest kept on the dashboard only', () => {
    expect(loadSettings(base())).toMatchObject({
      schedule: { everyMs: 0, maxActive: 1 },
      digest: { everyMs: 86_400_000, outdatedMs: 7 * 86_400_000, webhookUrl: null, matrix: null },
    });
  });

  it('reads every knob; the webhook URL and the Matrix token from *_FILE', () => {
    writeFileSync(join(dir, 'hook'), 'https://hooks.example.org/T000/B000/XXXXSECRET\n');
    writeFileSync(join(dir, 'matrix'), `${TOKEN}\n`);
    const s = loadSettings({
      ...base(),
      SCHEDULE_EVERY_HOURS: '24',
      SCHEDULE_MAX_ACTIVE: '2',
      DIGEST_EVERY_HOURS: '168',
      DIGEST_OUTDATED_DAYS: '14',
      DIGEST_WEBHOOK_URL_FILE: join(dir, 'hook'),
      MATRIX_HOMESERVER: 'https://matrix.example.org/',
      MATRIX_ROOM_ID: '!ccci:example.org',
      MATRIX_ACCESS_TOKEN_FILE: join(dir, 'matrix'),
    });
    expect(s.schedule).toEqual({ everyMs: 24 * 3_600_000, maxActive: 2 });
    expect(s.digest).toEqual({
      everyMs: 168 * 3_600_000,
      outdatedMs: 14 * 86_400_000,
      webhookUrl: 'https://hooks.example.org/T000/B000/XXXXSECRET',
      matrix: {
        homeserver: 'https://matrix.example.org',
        roomId: '!ccci:example.org',
        accessToken: TOKEN,
      },
    });
  });

  it('refuses a partial Matrix setup, an alias for a room, bad numbers; never echoes secrets', () => {
    expectProblemsNaming(
      {
        ...base(),
        SCHEDULE_EVERY_HOURS: '-1',
        DIGEST_OUTDATED_DAYS: '0',
        DIGEST_WEBHOOK_URL: 'ftp://user:pw@hooks.example.org/SECRETPATH',
        MATRIX_ROOM_ID: '#ccci:example.org',
        MATRIX_ACCESS_TOKEN: TOKEN,
      },
      [
        'SCHEDULE_EVERY_HOURS',
        'DIGEST_OUTDATED_DAYS',
        'DIGEST_WEBHOOK_URL',
        'MATRIX_HOMESERVER is required',
        'MATRIX_ROOM_ID: expected a room ID',
      ],
      ['SECRETPATH', TOKEN],
    );
    expect(
      problems({ ...base(), MATRIX_HOMESERVER: 'https://m.example.org', MATRIX_ROOM_ID: '!a:b' }),
    ).toEqual(['MATRIX_ACCESS_TOKEN (or MATRIX_ACCESS_TOKEN_FILE) is required']);
  });
});

describe('log masking', () => {
  it('masks the secrets the bot holds by value, also JSON-escaped, in whole lines', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const { destination, unmaskable } = maskingDestination(
      { MATRIX_ACCESS_TOKEN: TOKEN, SHORT: 'abc', NONE: null },
      out,
    );
    destination.write(
      `${JSON.stringify({ msg: `PUT …?access_token=${TOKEN}`, err: `"${TOKEN}"` })}\n`,
    );
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('[redacted]');
    expect(unmaskable).toEqual(['SHORT']);
  });
});

describe('start', () => {
  let fake: FakeForge;
  beforeEach(async () => {
    fake = await startFakeForge({ dialect: 'gitea' });
    fake.addRepo('coop-cloud/custom-html');
  });
  afterEach(() => fake.close());

  it('a failing Matrix room and a working webhook: the digest reaches the webhook, the log names the failure, not the token', async () => {
    const got: { url: string; body: string; auth: string | undefined }[] = [];
    const receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        got.push({ url: req.url ?? '', body, auth: req.headers.authorization });
        if (req.url?.startsWith('/_matrix/')) {
          res.writeHead(403, { 'content-type': 'application/json' });
          res.end(`{"errcode":"M_FORBIDDEN","error":"token ${TOKEN} not in room"}`);
          return;
        }
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const log = new PassThrough();
    let logText = '';
    log.on('data', (d: Buffer) => {
      logText += d.toString();
    });
    const running = await start({
      env: {
        ...base(),
        FORGE_URL: fake.apiUrl,
        FORGE_TOKEN: fake.token,
        LISTEN: '127.0.0.1:0',
        POLL_INTERVAL_SECONDS: '1',
        DIGEST_WEBHOOK_URL: `${at}/hook/SECRETPATH`,
        MATRIX_HOMESERVER: at,
        MATRIX_ROOM_ID: '!ccci:example.org',
        MATRIX_ACCESS_TOKEN: TOKEN,
      },
      logStream: log,
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!logText.includes('digest delivered') || !logText.includes('given up')) {
        if (Date.now() > deadline) throw new Error(`no delivery outcome in the log: ${logText}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const hook = got.find((g) => g.url === '/hook/SECRETPATH');
      expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
        type: 'ccci.digest',
        summary: { recipes: 1 },
      });
      expect(got.find((g) => g.url.startsWith('/_matrix/'))?.auth).toBe(`Bearer ${TOKEN}`);
      const digest = (await (await fetch(`${running.url}/digest.json`)).json()) as { id: string };
      expect(digest.id).toBe(JSON.parse(hook?.body ?? '{}').id);
    } finally {
      await running.stop();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
    expect(logText).toMatch(/"target":"matrix".*"status":403.*given up/);
    expect(logText).not.toContain(TOKEN);
    expect(logText).not.toContain('SECRETPATH');
  });
});
