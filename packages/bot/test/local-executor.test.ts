import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BotServer,
  createBotServer,
  createLocalExecutor,
  type DispatchRequest,
} from '../src/index.js';
import { REPO, sha, until, type World, world } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../..');
export const FAKE_HARNESS = [
  process.execPath,
  '--conditions=source',
  '--import',
  'tsx',
  join(here, 'fixtures', 'fake-harness.ts'),
];

let dir: string;
let w: World | undefined;
let server: BotServer | undefined;
afterEach(async () => {
  await server?.close();
  await w?.close();
  rmSync(dir, { recursive: true, force: true });
});

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
  reportUrl,
  reportKey: 'k'.repeat(64),
});

describe('local executor (real child processes)', () => {
  it('never runs more than MAX_TESTS at once; the rest wait in order', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccci-local-'));
    const probe = join(dir, 'probe');
    const exec = createLocalExecutor({
      command: FAKE_HARNESS,
      maxTests: 2,
      stateDir: join(dir, 'state'),
      cwd: ROOT,
      // The report goes nowhere (port 9): the probe only counts concurrency.
      env: { FAKE_HARNESS_DIR: probe, FAKE_HARNESS_HOLD: '1' },
    });
    const exited: string[] = [];
    exec.setEvents({ started: () => {}, exited: (id) => exited.push(id) });
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
        () => readdirSync(dir).length > 0 && existsSeen(probe, `r${released}`),
        20_000,
        `r${released} to start`,
      );
      counts.push(running(), exec.running().length);
      expect(exec.running().length).toBeLessThanOrEqual(2);
      writeFileSync(join(probe, `release-r${released}`), '');
      await until(() => exited.includes(`r${released}`), 20_000, `r${released} to exit`);
    }
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    const seen = [1, 2, 3, 4, 5].map((i) =>
      Number(readFileSync(join(probe, `seen-r${i}`), 'utf8')),
    );
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    expect(exited).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    await exec.close();
  }, 60_000);

  it('cancel drops a waiting run and terminates a running one (its process group)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccci-local-'));
    const probe = join(dir, 'probe');
    const exec = createLocalExecutor({
      command: FAKE_HARNESS,
      maxTests: 1,
      stateDir: join(dir, 'state'),
      cwd: ROOT,
      killGraceMs: 2000,
      env: { FAKE_HARNESS_DIR: probe, FAKE_HARNESS_HOLD: '1' },
    });
    const exited: [string, string][] = [];
    exec.setEvents({ started: () => {}, exited: (id, detail) => exited.push([id, detail]) });
    await exec.dispatch(request(1, 'http://127.0.0.1:9'));
    await exec.dispatch(request(2, 'http://127.0.0.1:9'));
    await until(() => existsSeen(probe, 'r1'), 20_000, 'r1 to start');
    expect(exec.waiting()).toEqual(['r2']);
    await exec.cancel('r2', null);
    expect(exec.waiting()).toEqual([]);
    expect(await exec.lookup('r1')).toEqual({ kind: 'present', ref: 'local:r1' });
    await exec.cancel('r1', null);
    expect(exited).toEqual([['r1', 'harness ended by SIGTERM']]);
    expect(await exec.lookup('r1')).toEqual({ kind: 'absent' });
    await exec.close();
  }, 60_000);

  it('end to end: !testme → local harness → report → comment edited, status set', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccci-local-'));
    w = await world();
    const pr = w.fake.openPull(REPO, { headSha: sha(7) });
    const exec = createLocalExecutor({
      command: FAKE_HARNESS,
      maxTests: 2,
      stateDir: join(dir, 'state'),
      cwd: ROOT,
      env: { FAKE_HARNESS_LEVEL: '2' },
    });
    const booted = w.boot({ executor: exec, publicUrl: 'http://127.0.0.1:9' });
    server = createBotServer({ bot: booted.bot });
    const base = await server.listen(0);
    // The harness reports to the bot's real address.
    (booted.bot.context as { reportUrl: string }).reportUrl = base;
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
  }, 60_000);
});

describe('local executor across a restart (graceful stop, then a fresh bot)', () => {
  it('a run that never started is dispatched again; an interrupted one ends as an infra error', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccci-local-'));
    w = await world();
    const pr1 = w.fake.openPull(REPO, { headSha: sha(1) });
    const pr2 = w.fake.openPull(REPO, { headSha: sha(2) });
    const probe = join(dir, 'probe');
    const held = createLocalExecutor({
      command: FAKE_HARNESS,
      maxTests: 1,
      stateDir: join(dir, 'state'),
      cwd: ROOT,
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
    await until(() => existsSeen(probe, r1.id), 20_000, 'r1 to start');
    expect(first.store.getRun(r1.id)?.state).toBe('running');
    expect(first.store.getRun(r2.id)?.state).toBe('dispatched');
    // SIGTERM path of the app: stop handling, terminate local runs, close.
    await first.bot.stop();
    await held.close({ terminate: true, graceMs: 2000 });

    const exec = createLocalExecutor({
      command: FAKE_HARNESS,
      maxTests: 1,
      stateDir: join(dir, 'state'),
      cwd: ROOT,
    });
    const second = w.boot({ executor: exec });
    server = createBotServer({ bot: second.bot });
    (second.bot.context as { reportUrl: string }).reportUrl = await server.listen(0);
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
  }, 60_000);
});

function existsSeen(probe: string, runId: string): boolean {
  try {
    readFileSync(join(probe, `seen-${runId}`));
    return true;
  } catch {
    return false;
  }
}
