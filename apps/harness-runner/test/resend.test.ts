// `harness-runner resend`: the real CLI (child process) against a loopback trigger-bot.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sendReport } from '@ccci/run';
import { tempDirPerTest } from '@ccci/test-support';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from './e2e.js';

const KEY = 'cli-late-key-fedcba9876543210';
/** Each test's folder: the spool and artifacts folders below are made in it. */
const tmp = tempDirPerTest('resend-');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A bot that answers each run id with the given status. */
async function bot(answers: Record<string, number>) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      const runId = /\/api\/runs\/([^/]+)\/report$/.exec(req.url ?? '')?.[1] ?? '';
      res.statusCode = answers[runId] ?? 404;
      res.setHeader('content-type', 'application/json');
      res.end(res.statusCode === 200 ? '{"ok":true}' : `{"error":"status ${res.statusCode}"}`);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Spools each run id the way a run does when the bot is down, pointed at `url`. */
async function spool(runIds: string[], url: string): Promise<string> {
  const dir = mkdtempSync(join(tmp.path, 'spool-'));
  const artifacts = mkdtempSync(join(tmp.path, 'artifacts-'));
  writeFileSync(join(artifacts, 'results.json'), JSON.stringify({ level: 1 }));
  for (const runId of runIds) {
    const out = await sendReport({
      url: 'http://127.0.0.1:9', // discard port: nothing listens
      key: KEY,
      runId,
      artifactsDir: artifacts,
      spoolDir: dir,
      attempts: 1,
    });
    expect(out.sent).toBe(false);
    writeFileSync(join(dir, runId, 'endpoint'), `${url}/api/runs/${runId}/report\n`);
  }
  return dir;
}

const cli = (args: string[], env: Record<string, string> = {}) =>
  execa(BIN, args, {
    reject: false,
    all: true,
    env: { ...env, CCCI_SPOOL_DIR: env.CCCI_SPOOL_DIR ?? '' },
  });

describe('harness-runner resend', () => {
  it('delivers and drops final reports: one line each, exit 0, no key printed', async () => {
    const b = await bot({ a1: 200, a2: 409 });
    const dir = await spool(['a1', 'a2'], b.url);
    const r = await cli(['resend', '--spool-dir', dir]);
    expect(r.all).not.toContain(KEY);
    expect(r.all.split('\n')).toEqual(['a1: delivered', 'a2: final (HTTP 409: status 409)']);
    expect(r.exitCode).toBe(0);
    expect(b.seen).toEqual([
      `/api/runs/a1/report Bearer ${KEY}`,
      `/api/runs/a2/report Bearer ${KEY}`,
    ]);
    expect(existsSync(join(dir, 'a1'))).toBe(false);
    expect(existsSync(join(dir, 'a2'))).toBe(false);
  });

  it('exits 1 when a report stays spooled (503); takes CCCI_SPOOL_DIR by default', async () => {
    const b = await bot({ b1: 200, b2: 503 });
    const dir = await spool(['b1', 'b2'], b.url);
    const r = await cli(['resend'], { CCCI_SPOOL_DIR: dir });
    expect(r.all).not.toContain(KEY);
    expect(r.all.split('\n')).toEqual(['b1: delivered', 'b2: kept (HTTP 503: status 503)']);
    expect(r.exitCode).toBe(1);
    expect(existsSync(join(dir, 'b2', 'report.json'))).toBe(true);
    expect(existsSync(join(dir, 'b2', 'key'))).toBe(true);
  });

  it('an empty spool says so and exits 0; a bad option exits 2 with the usage', async () => {
    const empty = mkdtempSync(join(tmp.path, 'spool-'));
    const r = await cli(['resend', '--spool-dir', empty]);
    expect(r.all).toBe(`no spooled reports in ${empty}`);
    expect(r.exitCode).toBe(0);
    const bad = await cli(['resend', '--spool', empty]);
    expect(bad.exitCode).toBe(2);
    expect(bad.all).toMatch(/^harness-runner: resend: .*--spool/);
    expect(bad.all).toContain('harness-runner resend [--spool-dir <dir>]');
  });
});
