import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendReport } from '../src/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function bot(answers: number[]) {
  const seen: { auth: string | undefined; url: string | undefined; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, url: req.url, body });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function artifacts() {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ level: 2 }));
  writeFileSync(join(dir, 'badge.svg'), '<svg/>');
  writeFileSync(join(dir, 'unrelated.txt'), 'not an artifact');
  return dir;
}

describe('sendReport (loopback trigger-bot)', () => {
  it('POSTs results and artifacts with the run-scoped key as a Bearer token', async () => {
    const b = await bot([200]);
    const out = await sendReport({
      url: b.url,
      key: 'run-key-123456',
      runId: 'r1',
      artifactsDir: artifacts(),
      spoolDir: mkdtempSync(join(tmpdir(), 'spool-')),
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
      spoolDir: tmpdir(),
      backoffMs: 1,
    });
    expect(out).toEqual({ sent: true, attempts: 3 });
    expect(b.seen).toHaveLength(3);
  });

  it('does not retry a 401; spools the report', async () => {
    const b = await bot([401, 200]);
    const spool = mkdtempSync(join(tmpdir(), 'spool-'));
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
    const spool = mkdtempSync(join(tmpdir(), 'spool-'));
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
