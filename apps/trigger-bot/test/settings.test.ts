import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../src/index.js';
import { baseEnv, expectProblemsNaming, problems } from './settings-env.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = () => baseEnv(dir, 'coop-cloud/custom-html, coop-cloud/traefik');

describe('loadSettings', () => {
  it('has working defaults: local executor, MAX_TESTS 2, 30 s polls, loopback', () => {
    const s = loadSettings(base());
    expect(s).toMatchObject({
      forge: { dialect: 'gitea', token: 'forge-token-123456' },
      repos: ['coop-cloud/custom-html', 'coop-cloud/traefik'],
      executor: { kind: 'local', maxTests: 2, command: ['harness-runner'] },
      pollIntervalMs: 30_000,
      listen: { host: '127.0.0.1', port: 8080 },
      publicUrl: 'http://127.0.0.1:8080',
      dbPath: join(dir, 'bot.sqlite'),
      webhookSecret: null,
      keepMax: 2,
      dashboardOutdatedDays: 30,
    });
  });

  it('DASHBOARD_OUTDATED_DAYS sets when the dashboard calls a level outdated; 0 is a problem naming it', () => {
    expect(loadSettings({ ...base(), DASHBOARD_OUTDATED_DAYS: '90' }).dashboardOutdatedDays).toBe(
      90,
    );
    expect(problems({ ...base(), DASHBOARD_OUTDATED_DAYS: '0' }).join('\n')).toContain(
      'DASHBOARD_OUTDATED_DAYS',
    );
  });

  it('KEEP_MAX bounds the kept apps (0 turns keep off); out of range is a problem naming it', () => {
    expect(loadSettings({ ...base(), KEEP_MAX: '0' }).keepMax).toBe(0);
    expect(loadSettings({ ...base(), KEEP_MAX: '5' }).keepMax).toBe(5);
    expect(problems({ ...base(), KEEP_MAX: '33' }).join('\n')).toContain('KEEP_MAX');
    expect(problems({ ...base(), KEEP_MAX: 'many' }).join('\n')).toContain('KEEP_MAX');
  });

  it('reads secrets from *_FILE', () => {
    writeFileSync(join(dir, 'token'), 'from-file-token\n');
    writeFileSync(join(dir, 'hook'), 'a-long-webhook-secret\n');
    const { FORGE_TOKEN: _t, ...env } = base();
    const s = loadSettings({
      ...env,
      FORGE_TOKEN_FILE: join(dir, 'token'),
      WEBHOOK_SECRET_FILE: join(dir, 'hook'),
    });
    expect(s.forge.token).toBe('from-file-token');
    expect(s.webhookSecret).toBe('a-long-webhook-secret');
  });

  it('lists every problem, each naming its variable, never echoing a secret', () => {
    expectProblemsNaming(
      {
        ...base(),
        FORGE_TOKEN_FILE: join(dir, 'missing'),
        FORGE_URL: 'ftp://x',
        REPOS: 'not-a-repo',
        MAX_TESTS: '0',
        EXECUTOR: 'drone',
        DRONE_URL: 'http://127.0.0.1:1',
        LISTEN: 'nope',
      },
      [
        'FORGE_TOKEN and FORGE_TOKEN_FILE',
        'FORGE_URL',
        'REPOS',
        'MAX_TESTS',
        'DRONE_TOKEN',
        'LISTEN',
      ],
      ['forge-token-123456'],
    );
  });

  it('Drone: DRONE_REPO is required and must not be a recipe repository; DRONE_BRANCH defaults to main', () => {
    const drone = {
      ...base(),
      EXECUTOR: 'drone',
      DRONE_URL: 'http://127.0.0.1:1',
      DRONE_TOKEN: 'tok-0123456789',
    };
    expect(problems(drone)).toEqual([
      expect.stringMatching(/^DRONE_REPO is required with EXECUTOR=drone: the operator-owned/),
    ]);
    expect(problems({ ...drone, DRONE_REPO: 'coop-cloud/traefik' })).toEqual([
      expect.stringMatching(/^DRONE_REPO: coop-cloud\/traefik is also in REPOS/),
    ]);
    expect(problems({ ...drone, DRONE_REPO: 'ops/ccci', DRONE_BRANCH: '-x' })).toEqual([
      'DRONE_BRANCH: expected a branch name, found "-x"',
    ]);
    expect(loadSettings({ ...drone, DRONE_REPO: 'ops/ccci' }).executor).toMatchObject({
      kind: 'drone',
      repo: 'ops/ccci',
      branch: 'main',
    });
  });

  it('requires ORG or ALLOWLIST, and a readable token file', () => {
    const { ORG: _o, FORGE_TOKEN: _t, ...env } = base();
    const found = problems({ ...env, FORGE_TOKEN_FILE: join(dir, 'missing') });
    expect(found).toEqual([
      expect.stringMatching(/^FORGE_TOKEN_FILE: cannot read .*missing \(ENOENT\)$/),
      'ORG or ALLOWLIST: set at least one, or nobody can start a run',
    ]);
  });
});
