import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS } from '@ccci/store';
import { type FakeForge, startFakeForge } from '@ccci/testbed';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/trigger-bot');
let dir: string;
let fake: FakeForge;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-cli-'));
  fake = await startFakeForge({ dialect: 'gitea' });
  fake.addRepo('coop-cloud/custom-html');
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bin's whole environment: the fake forge, its repository, alice allowed, and `extra`. */
const env = (extra: Record<string, string>) => ({
  FORGE_URL: fake.apiUrl,
  FORGE_TOKEN: fake.token,
  REPOS: 'coop-cloud/custom-html',
  ALLOWLIST: 'alice',
  DATA_DIR: dir,
  ...extra,
});

describe('trigger-bot bin', () => {
  it('bad settings: exit 2, one message per variable, no stack trace', async () => {
    const r = await execa(BIN, [], {
      reject: false,
      env: { FORGE_URL: 'nope', DATA_DIR: dir },
      extendEnv: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('FORGE_URL: expected an http(s) URL');
    expect(r.stderr).toContain('FORGE_TOKEN (or FORGE_TOKEN_FILE) is required');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('EXECUTOR=drone without DRONE_REPO: exit 2 naming DRONE_REPO, nothing started', async () => {
    const r = await execa(BIN, [], {
      reject: false,
      env: env({
        EXECUTOR: 'drone',
        DRONE_URL: 'http://127.0.0.1:9',
        DRONE_TOKEN: 'drone-token-0123456789',
      }),
      extendEnv: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DRONE_REPO is required with EXECUTOR=drone');
    expect(r.stderr).not.toContain('drone-token-0123456789');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fake.requests).toEqual([]);
  });

  it('serves /healthz, and SIGTERM stops it cleanly (exit 0, database closed)', async () => {
    const child = execa(BIN, [], {
      reject: false,
      env: env({
        LISTEN: '127.0.0.1:0',
        PUBLIC_URL: 'http://127.0.0.1:9',
        POLL_INTERVAL_SECONDS: '1',
      }),
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const deadline = Date.now() + 20_000;
    while (!/"url":"(http:[^"]+)"/.test(out)) {
      if (Date.now() > deadline) throw new Error(`no start line: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = (/"url":"(http:[^"]+)"/.exec(out) as RegExpExecArray)[1];
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toMatchObject({ ok: true, schema: MIGRATIONS.at(-1)?.version });
    while (!fake.requests.some((r) => r.path.endsWith('/issues/comments'))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(out).toContain('"msg":"stopped"');
    expect(out).not.toContain(fake.token);
  });
});
