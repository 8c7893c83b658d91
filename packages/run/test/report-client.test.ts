import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDirPerTest } from '@ccci/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { resendSpool, sendReport } from '../src/index.js';

/** Each test's folder: the artifacts and spool folders below are made in it. */
const tmp = tempDirPerTest('report-client-');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function bot(answers: number[], answer = '') {
  const seen: { auth: string | undefined; url: string | undefined; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, url: req.url, body });
      res.statusCode = answers.shift() ?? 200;
      res.end(res.statusCode === 200 ? '{"ok":true}' : answer);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function artifacts() {
  const dir = mkdtempSync(join(tmp.path, 'report-'));
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ level: 2 }));
  writeFileSync(join(dir, 'badge.svg'), '<svg/>');
  writeFileSync(join(dir, 'unrelated.txt'), 'not an artifact');
  return dir;
}

/** A new empty spool folder. */
function spoolDir() {
  return mkdtempSync(join(tmp.path, 'spool-'));
}

describe('sendReport (loopback trigger-bot)', () => {
  it('POSTs results and artifacts with the run-scoped key as a Bearer token', async () => {
    const b = await bot([200]);
    const out = await sendReport({
      url: b.url,
      key: 'run-key-123456',
      runId: 'r1',
      artifactsDir: artifacts(),
      spoolDir: spoolDir(),
    });
    expect(out).toEqual({ sent: true, attempts: 1 });
    expect(b.seen[0]?.auth).toBe('Bearer run-key-123456');
    expect(b.seen[0]?.url).toBe('/api/runs/r1/report');
    const body = JSON.parse(b.seen[0]?.body ?? '{}');
    expect(body.results).toEqual({ level: 2 });
    expect(body.artifacts.map((a: { name: string }) => a.name).sort()).toEqual([
      'badge.svg',
      'results.json',
    ]);
    expect(
      Buffer.from(
        body.artifacts.find((a: { name: string }) => a.name === 'badge.svg').base64,
        'base64',
      ).toString(),
    ).toBe('<svg/>');
  });

  it('retries 5xx and 429 with backoff, then succeeds', async () => {
    const b = await bot([503, 429, 200]);
    const out = await sendReport({
      url: b.url,
      key: 'k'.repeat(16),
      runId: 'r2',
      artifactsDir: artifacts(),
      spoolDir: spoolDir(),
      backoffMs: 1,
    });
    expect(out).toEqual({ sent: true, attempts: 3 });
    expect(b.seen).toHaveLength(3);
  });

  it('does not retry a 401; spools the report', async () => {
    const b = await bot([401, 200]);
    const spool = spoolDir();
    const out = await sendReport({
      url: b.url,
      key: 'k'.repeat(16),
      runId: 'r3',
      artifactsDir: artifacts(),
      spoolDir: spool,
      backoffMs: 1,
    });
    expect(out).toMatchObject({ sent: false, reason: 'HTTP 401' });
    expect(b.seen).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(spool, 'r3', 'report.json'), 'utf8')).run_id).toBe('r3');
  });

  it('spools when the bot is unreachable, and never puts the key in the spool', async () => {
    const b = await bot([]);
    await new Promise((r) => servers.pop()?.close(r));
    const spool = spoolDir();
    const key = 'secret-run-key-abcdef';
    const out = await sendReport({
      url: b.url,
      key,
      runId: 'r4',
      artifactsDir: artifacts(),
      spoolDir: spool,
      attempts: 2,
      backoffMs: 1,
    });
    expect(out.sent).toBe(false);
    const spooled =
      readFileSync(join(spool, 'r4', 'report.json'), 'utf8') +
      readFileSync(join(spool, 'r4', 'endpoint'), 'utf8');
    expect(spooled).not.toContain(key);
  });
});

/** A report spooled by sendReport against a bot that is not listening, then the bot's URL. */
async function spoolOne(spool: string, runId: string, key: string) {
  const gone = await bot([]);
  await new Promise((r) => servers.pop()?.close(r));
  const out = await sendReport({
    url: gone.url,
    key,
    runId,
    artifactsDir: artifacts(),
    spoolDir: spool,
    attempts: 1,
  });
  expect(out.sent).toBe(false);
  return gone.url;
}

describe('spool and resendSpool (loopback trigger-bot)', () => {
  const key = 'late-run-key-0123456789abcdef';

  it('keeps the run key in a 0600 key file beside the report, and logs no key', async () => {
    const spool = spoolDir();
    const lines: string[] = [];
    const gone = await bot([]);
    await new Promise((r) => servers.pop()?.close(r));
    await sendReport({
      url: gone.url,
      key,
      runId: 'r5',
      artifactsDir: artifacts(),
      spoolDir: spool,
      attempts: 2,
      backoffMs: 1,
      log: (m) => lines.push(m),
    });
    const keyFile = join(spool, 'r5', 'key');
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(spool, 'r5', 'report.json')).mode & 0o777).toBe(0o600);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(key);
  });

  it('resends with the kept key to the spooled endpoint, then deletes the entry', async () => {
    const spool = spoolDir();
    await spoolOne(spool, 'r6', key);
    const b = await bot([200]);
    // The bot came back on another port: point the entry at it, as a restarted bot would be.
    writeFileSync(join(spool, 'r6', 'endpoint'), `${b.url}/api/runs/r6/report\n`);
    const lines: string[] = [];
    const out = await resendSpool({ spoolDir: spool, log: (m) => lines.push(m) });
    expect(out).toEqual({
      delivered: 1,
      final: 0,
      kept: 0,
      items: [{ runId: 'r6', status: 'delivered', reason: '' }],
    });
    expect(b.seen[0]?.auth).toBe(`Bearer ${key}`);
    expect(b.seen[0]?.url).toBe('/api/runs/r6/report');
    expect(JSON.parse(b.seen[0]?.body ?? '{}').results).toEqual({ level: 2 });
    expect(existsSync(join(spool, 'r6'))).toBe(false);
    expect(lines).toEqual(['r6: delivered']);
  });

  it('a 409 is final: the entry is deleted and the line says why, without the key', async () => {
    const spool = spoolDir();
    await spoolOne(spool, 'r7', key);
    const b = await bot([409], JSON.stringify({ error: 'the late-report window has passed' }));
    writeFileSync(join(spool, 'r7', 'endpoint'), `${b.url}/api/runs/r7/report\n`);
    const lines: string[] = [];
    const out = await resendSpool({ spoolDir: spool, log: (m) => lines.push(m) });
    expect(out.items).toEqual([
      { runId: 'r7', status: 'final', reason: 'HTTP 409: the late-report window has passed' },
    ]);
    expect(existsSync(join(spool, 'r7'))).toBe(false);
    expect(lines).toEqual(['r7: final (HTTP 409: the late-report window has passed)']);
  });

  it('a 503 or an unreachable bot keeps the entry for a later resend', async () => {
    const spool = spoolDir();
    const goneUrl = await spoolOne(spool, 'r8', key);
    await spoolOne(spool, 'r9', key);
    const b = await bot([503], `upstream down, key ${key}`);
    writeFileSync(join(spool, 'r8', 'endpoint'), `${b.url}/api/runs/r8/report\n`);
    writeFileSync(join(spool, 'r9', 'endpoint'), `${goneUrl}/api/runs/r9/report\n`);
    const lines: string[] = [];
    const out = await resendSpool({ spoolDir: spool, log: (m) => lines.push(m) });
    expect(out).toMatchObject({ delivered: 0, final: 0, kept: 2 });
    expect(out.items.map((i) => [i.runId, i.status])).toEqual([
      ['r8', 'kept'],
      ['r9', 'kept'],
    ]);
    expect(b.seen).toHaveLength(1);
    expect(readFileSync(join(spool, 'r8', 'key'), 'utf8').trim()).toBe(key);
    expect(existsSync(join(spool, 'r9', 'report.json'))).toBe(true);
    // Even a bot that echoes the key does not get it into the log or the summary.
    expect(lines[0]).toBe('r8: kept (HTTP 503: upstream down, key ***)');
    expect(lines.join('\n') + JSON.stringify(out)).not.toContain(key);
  });

  it('an entry without a key file (spooled before keys were kept) stays and is reported', async () => {
    const spool = spoolDir();
    await spoolOne(spool, 'r10', key);
    rmSync(join(spool, 'r10', 'key'));
    const out = await resendSpool({ spoolDir: spool });
    expect(out.items).toEqual([
      { runId: 'r10', status: 'kept', reason: 'incomplete spool entry: no key file' },
    ]);
    expect(existsSync(join(spool, 'r10', 'report.json'))).toBe(true);
  });

  it('a missing spool folder is an empty spool', async () => {
    const out = await resendSpool({ spoolDir: join(tmp.path, 'no-such-spool') });
    expect(out).toEqual({ delivered: 0, final: 0, kept: 0, items: [] });
  });
});
