import { createDrone } from '@ccci/forge';
import { type FakeDrone, startFakeDrone } from '@ccci/testbed';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDroneExecutor } from '../src/index.js';
import { REPO, sha, type World, world } from './helpers.js';

let w: World;
let drone: FakeDrone;
beforeEach(async () => {
  w = await world();
  drone = await startFakeDrone({});
});
afterEach(async () => {
  await drone.close();
  await w.close();
});

const PIPELINE = 'ops/ccci-pipeline';

function client() {
  return createDrone({
    baseUrl: drone.url,
    token: drone.token,
    retry: { retries: 1, minDelayMs: 5 },
  });
}

function executor(branch?: string) {
  return createDroneExecutor({
    drone: client(),
    repo: PIPELINE,
    ...(branch === undefined ? {} : { branch }),
  });
}

describe('Drone executor', () => {
  it('builds the operator pipeline at its branch tip, never the PR commit; the head goes as SHA and REF', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(3), headRef: 'feature/x' });
    const { bot, store } = await w.start({ executor: executor() });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme --stages=install,upgrade' });
    await bot.pollOnce();
    const [build] = drone.dispatched();
    const run = store.activeRuns()[0];
    // No commit: Drone reads .drone.yml from the operator's branch, not from the PR.
    expect(build).toMatchObject({ repo: PIPELINE, branch: 'main', commit: '' });
    expect(build?.params).not.toHaveProperty('commit');
    expect(build?.params).toMatchObject({
      RECIPE: 'custom-html',
      PR: String(pr),
      REF: sha(3),
      SHA: sha(3),
      STAGES: 'install,upgrade',
      QUICK: 'false',
      KEEP_ON_FAILURE: '',
      RUN_ID: run?.id,
      CCCI_REPORT_URL: 'http://127.0.0.1:9',
    });
    expect(build?.params.CCCI_REPORT_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(build?.params ?? {})).not.toContain(w.fake.token);
    expect(run?.executorRef).toBe(`${PIPELINE}#${build?.number}`);

    drone.setStatus(build?.number as number, 'running', PIPELINE);
    await bot.pollOnce();
    expect(store.getRun(run?.id as string)?.state).toBe('running');
    // Killed without a report: an infra error.
    drone.setStatus(build?.number as number, 'killed', PIPELINE);
    await bot.pollOnce();
    await bot.process();
    expect(store.getRun(run?.id as string)).toMatchObject({ state: 'done', commitState: 'error' });
    expect(w.fake.statuses(REPO, sha(3)).at(-1)?.state).toBe('error');
  });

  it('a closed PR kills its Drone build', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(4) });
    const { bot } = await w.start({ executor: executor() });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    w.fake.closePull(REPO, pr);
    await bot.pollOnce();
    expect(drone.dispatched()[0]?.status).toBe('killed');
  });

  it('`!testme keep=<minutes>` reaches the pipeline as KEEP_ON_FAILURE; `!testme cancel` kills the build', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(6) });
    const { bot } = await w.start({ executor: executor() });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme keep=45' });
    await bot.pollOnce();
    expect(drone.dispatched()[0]?.params).toMatchObject({ KEEP_ON_FAILURE: '45' });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme cancel' });
    await bot.pollOnce();
    expect(drone.dispatched()[0]?.status).toBe('killed');
  });

  it('uses the configured pipeline branch', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(5) });
    const { bot } = await w.start({ executor: executor('ci/stable') });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    await bot.pollOnce();
    expect(drone.dispatched()[0]).toMatchObject({
      repo: PIPELINE,
      branch: 'ci/stable',
      commit: '',
    });
  });

  it('refuses to start without an operator pipeline repository', () => {
    expect(() =>
      createDroneExecutor({ drone: client() } as unknown as Parameters<
        typeof createDroneExecutor
      >[0]),
    ).toThrow(
      /options\.repo must be the operator's pipeline repository owner\/name, found undefined/,
    );
    expect(() => createDroneExecutor({ drone: client(), repo: PIPELINE, branch: '-bad' })).toThrow(
      /options\.branch must be a branch name/,
    );
  });
});
