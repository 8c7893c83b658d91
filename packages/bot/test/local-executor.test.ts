import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsxArgs } from '@ccci/test-support';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLocalExecutor,
  type DispatchRequest,
  type LocalExecutorOptions,
} from '../src/index.js';
import { REPO, sha, until, type World, world } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../..');
const FAKE_HARNESS = [process.execPath, ...tsxArgs(join(here, 'fixtures', 'fake-harness.ts'))];

let dir: string;
/** FAKE_HARNESS_DIR of the runs: the fake harness's concurrency probe (see the fixture). */
let probe: string;
let w: World | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-local-'));
  probe = join(dir, 'probe');
});
afterEach(async () => {
  await w?.close();
  w = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A local executor running the fake harness from the repository root, its state under `dir`;
 * `exited` lists each run that ended, with the executor's detail (until a bot takes the events).
 */
function fakeHarnessExecutor(options: Partial<LocalExecutorOptions> = {}) {
  const exec = createLocalExecutor({
    command: FAKE_HARNESS,
    stateDir: join(dir, 'state'),
    cwd: ROOT,
    ...options,
  });
  const exited: [runId: string, detail: string][] = [];
  exec.setEvents({ started: () => {}, exited: (id, detail) => exited.push([id, detail]) });
  return Object.assign(exec, { exited });
}

const request = (i: number, reportUrl: string): DispatchRequest => ({
  runId: `r${i}`,
  recipe: 'custom-html',
  repo: REPO,
  pr: i,
  headSha: sha(i),
  headRef: 'feature',
  baseRef: 'main',
  src: 'http://127.0.0.1:9/x.git',
  stages: null,
  quick: false,
  keepMinutes: null,
  reportUrl,
  reportKey: 'k'.repeat(64),
});

describe('local executor (real child processes)', () => {
  it('never runs more than MAX_TESTS at once; the rest wait in order', async () => {
    const exec = fakeHarnessExecutor({
      maxTests: 2,
      // The report goes nowhere (port 9): the probe only counts concurrency.
      env: { FAKE_HARNESS_DIR: probe, FAKE_HARNESS_HOLD: '1' },
    });
    const exited = () => exec.exited.map(([id]) => id);
    for (let i = 1; i <= 5; i++) await exec.dispatch(request(i, 'http://127.0.0.1:9'));
    const counts: number[] = [];
    const running = () => {
      try {
        return readdirSync(join(probe, 'running')).length;
      } catch {
        return 0;
      }
    };
    for (let released = 1; released <= 5; released++) {
      await until(
        () => readdirSync(dir).length > 0 && started(`r${released}`),
        20_000,
        `r${released} to start`,
      );
      counts.push(running(), exec.running().length);
      expect(exec.running().length).toBeLessThanOrEqual(2);
      writeFileSync(join(probe, `release-r${released}`), '');
      await until(() => exited().includes(`r${released}`), 90_000, `r${released} to exit`);
    }
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    const seen = [1, 2, 3, 4, 5].map((i) =>
      Number(readFileSync(join(probe, `seen-r${i}`), 'utf8')),
    );
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    expect(exited()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    await exec.close();
  }, 240_000);

  it('cancel drops a waiting run and terminates a running one (its process group)', async () => {
    const exec = fakeHarnessExecutor({
      maxTests: 1,
      killGraceMs: 2000,
      env: { FAKE_HARNESS_DIR: probe, FAKE_HARNESS_HOLD: '1' },
    });
    await exec.dispatch(request(1, 'http://127.0.0.1:9'));
    await exec.dispatch(request(2, 'http://127.0.0.1:9'));
    await until(() => started('r1'), 90_000, 'r1 to start');
    expect(exec.waiting()).toEqual(['r2']);
    await exec.cancel('r2', null);
    expect(exec.waiting()).toEqual([]);
    expect(await exec.lookup('r1')).toEqual({ kind: 'present', ref: 'local:r1' });
    await exec.cancel('r1', null);
    expect(exec.exited).toEqual([['r1', 'harness ended by SIGTERM']]);
    expect(await exec.lookup('r1')).toEqual({ kind: 'absent' });
    await exec.close();
  }, 240_000);

  it('passes `!testme keep=<minutes>` as --keep-on-failure <minutes>, and nothing without it', async () => {
    const exec = fakeHarnessExecutor({ maxTests: 2, env: { FAKE_HARNESS_DIR: probe } });
    await exec.dispatch({ ...request(1, 'http://127.0.0.1:9'), keepMinutes: 45 });
    await exec.dispatch(request(2, 'http://127.0.0.1:9'));
    await until(() => exec.exited.length === 2, 90_000, 'both runs to end');
    const args = (id: string) => JSON.parse(readFileSync(join(probe, `args-${id}`), 'utf8'));
    expect(args('r1')).toEqual(expect.arrayContaining(['--keep-on-failure', '45']));
    expect(args('r1').indexOf('--keep-on-failure')).toBe(args('r1').indexOf('45') - 1);
    expect(args('r2')).not.toContain('--keep-on-failure');
    await exec.close();
  }, 240_000);

  it('end to end: !testme → local harness → report → comment edited, status set', async () => {
    w = await world();
    const pr = w.fake.openPull(REPO, { headSha: sha(7) });
    const exec = fakeHarnessExecutor({ maxTests: 2, env: { FAKE_HARNESS_LEVEL: '2' } });
    const booted = await w.serve({ executor: exec });
    // The harness reports to the bot's real address.
    (booted.bot.context as { reportUrl: string }).reportUrl = booted.base;
    await booted.bot.pollOnce();
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await booted.bot.pollOnce();
    const run = await until(
      () => booted.store.latestPerRecipe()[0]?.run,
      30_000,
      'the run to be reported',
    );
    await until(() => booted.store.getRun(run.id)?.notified, 10_000, 'notification');
    expect(booted.store.getRun(run.id)).toMatchObject({
      state: 'done',
      level: 2,
      commitState: 'success',
    });
    expect(w.fake.statuses(REPO, sha(7)).map((s) => s.state)).toEqual(['pending', 'success']);
    const ack = w.fake.comments(REPO).find((c) => c.user === w?.fake.botUser);
    expect(ack?.body).toMatch(/[Ll]evel 2/);
    expect(booted.store.listArtifacts(run.id).map((a) => a.name)).toContain('card.svg');
    await exec.close();
  }, 240_000);
});

describe('local executor across a restart (graceful stop, then a fresh bot)', () => {
  it('a run that never started is dispatched again; an interrupted one ends as an infra error', async () => {
    w = await world();
    const pr1 = w.fake.openPull(REPO, { headSha: sha(1) });
    const pr2 = w.fake.openPull(REPO, { headSha: sha(2) });
    const held = fakeHarnessExecutor({
      maxTests: 1,
      killGraceMs: 2000,
      env: { FAKE_HARNESS_DIR: probe, FAKE_HARNESS_HOLD: '1' },
    });
    const first = w.boot({ executor: held });
    await first.bot.pollOnce();
    w.fake.addComment({ repo: REPO, pr: pr1, user: 'alice', body: '!testme' });
    w.fake.addComment({ repo: REPO, pr: pr2, user: 'alice', body: '!testme' });
    await first.bot.pollOnce();
    const [r1, r2] = first.store.activeRuns();
    if (!r1 || !r2) throw new Error('expected two runs');
    await until(() => started(r1.id), 90_000, 'r1 to start');
    expect(first.store.getRun(r1.id)?.state).toBe('running');
    expect(first.store.getRun(r2.id)?.state).toBe('dispatched');
    // SIGTERM path of the app: stop handling, terminate local runs, close.
    await first.bot.stop();
    await held.close({ terminate: true, graceMs: 2000 });

    const exec = fakeHarnessExecutor({ maxTests: 1 });
    const second = await w.serve({ executor: exec });
    (second.bot.context as { reportUrl: string }).reportUrl = second.base;
    await second.bot.pollOnce();
    expect(second.store.getRun(r1.id)).toMatchObject({
      state: 'done',
      commitState: 'error',
      notified: true,
    });
    await until(() => second.store.getRun(r2.id)?.notified, 30_000, 'r2 to be reported');
    expect(second.store.getRun(r2.id)).toMatchObject({ state: 'done', level: 3 });
    expect(w.fake.statuses(REPO, sha(1)).at(-1)?.state).toBe('error');
    expect(w.fake.statuses(REPO, sha(2)).at(-1)?.state).toBe('success');
    const acks = w.fake.comments(REPO).filter((c) => c.user === w?.fake.botUser);
    expect(acks).toHaveLength(2);
    await exec.close();
  }, 240_000);
});

/** Whether the fake harness of a run has started (it writes <probe>/seen-<runId>). */
function started(runId: string): boolean {
  return existsSync(join(probe, `seen-${runId}`));
}

describe('a run is the bot’s guest, not its child', () => {
  it("the harness's environment holds none of the bot's secrets", async () => {
    const dump = join(dir, 'env.json');
    const secrets = {
      FORGE_TOKEN: 'forge-token-of-the-bot',
      WEBHOOK_SECRET: 'webhook-secret-of-the-bot',
      DRONE_TOKEN: 'drone-token-of-the-bot',
      CCCI_REPORT_KEY: 'a-stale-key-from-the-bot-env',
    };
    Object.assign(process.env, secrets, { CCCI_CI_DOMAIN: 'ci.example.test' });
    try {
      const exec = fakeHarnessExecutor({ env: { FAKE_HARNESS_ENV_DUMP: dump } });
      await exec.dispatch(request(1, 'http://127.0.0.1:9'));
      await until(() => exec.exited.length > 0, 90_000, 'r1 to exit');
      const env = JSON.parse(readFileSync(dump, 'utf8')) as Record<string, string>;
      const text = JSON.stringify(env);
      for (const value of Object.values(secrets)) expect(text).not.toContain(value);
      // Its own key, the host settings it needs, the basics.
      expect(env['CCCI_REPORT_KEY']).toBe('k'.repeat(64));
      expect(env['CCCI_CI_DOMAIN']).toBe('ci.example.test');
      expect(env['PATH']).toBe(process.env['PATH']);
      await exec.close();
    } finally {
      for (const k of [...Object.keys(secrets), 'CCCI_CI_DOMAIN']) delete process.env[k];
    }
  }, 240_000);

  it('a run goes on when the process that started it is killed (no pipe through it)', async () => {
    const host = execa(
      process.execPath,
      tsxArgs(
        join(here, 'fixtures', 'executor-host.ts'),
        join(dir, 'state'),
        probe,
        JSON.stringify(FAKE_HARNESS),
      ),
      { cwd: ROOT, reject: false },
    );
    await until(() => started('outlive1'), 90_000, 'the run to start');
    host.kill('SIGKILL');
    await host;
    // The "bot" is gone; the run is released and logs on, then finishes its work.
    writeFileSync(join(probe, 'release-outlive1'), '');
    await until(() => existsSync(join(probe, 'done-outlive1')), 90_000, 'the run to finish');
    const log = readFileSync(join(dir, 'state', 'outlive1.log'), 'utf8');
    expect(log).toContain('fake harness: after the report 49');
  }, 240_000);

  it('a bot restarted while its run goes on notices when that run ends without a report', async () => {
    w = await world();
    const pr = w.fake.openPull(REPO, { headSha: sha(3) });
    const options = { env: { FAKE_HARNESS_DIR: probe, FAKE_HARNESS_HOLD: '1' } };
    const first = w.boot({ executor: fakeHarnessExecutor(options) });
    await first.bot.pollOnce();
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await first.bot.pollOnce();
    const [run] = first.store.activeRuns();
    if (!run) throw new Error('expected a run');
    await until(() => started(run.id), 90_000, 'the run to start');
    // The bot stops without terminating its run (a crash); a new bot adopts it.
    await first.bot.stop();
    const second = w.boot({ executor: fakeHarnessExecutor(options) });
    await second.bot.pollOnce();
    expect(second.store.getRun(run.id)?.state).toBe('running');
    // The run ends without reporting (its report URL answers nothing).
    writeFileSync(join(probe, `release-${run.id}`), '');
    await until(() => existsSync(join(probe, `done-${run.id}`)), 90_000, 'the run to end');
    await until(
      async () => {
        await second.bot.pollOnce();
        return second.store.getRun(run.id)?.state === 'done';
      },
      20_000,
      'the bot to notice',
    );
    expect(second.store.getRun(run.id)).toMatchObject({ commitState: 'error' });
    expect(second.store.getRun(run.id)?.error).toMatch(/harness process ended/);
  }, 240_000);
});
