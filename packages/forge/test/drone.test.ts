import { type FakeDrone, startFakeDrone } from '@ccci/testbed';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDrone, type Drone, DroneError } from '../src/index.js';

const SHA = 'b'.repeat(40);
const REPO = 'coop-cloud/ci';
const PARAMS = {
  RECIPE: 'custom-html',
  PR: '12',
  SRC: 'https://git.example.org/someone/custom-html.git',
  STAGES: 'install,upgrade',
  RUN_ID: 'r-0123abcd',
};

describe('Drone client against the fake Drone', () => {
  let fake: FakeDrone;
  let drone: Drone;
  beforeEach(async () => {
    fake = await startFakeDrone({ token: 'drone-SECRET-token' });
    drone = createDrone({
      baseUrl: fake.url,
      token: fake.token,
      retry: { minDelayMs: 1, maxDelayMs: 2, sleep: async () => {} },
    });
  });
  afterEach(() => fake.close());

  it('without commit, sends no commit parameter: Drone builds the branch tip', async () => {
    await drone.createBuild({ repo: REPO, branch: 'main', params: { SHA } });
    expect(fake.dispatched()[0]).toMatchObject({ branch: 'main', commit: '', params: { SHA } });
    expect(fake.dispatched()[0]?.params).not.toHaveProperty('commit');
  });

  it('creates a custom build with branch, commit and parameters', async () => {
    const build = await drone.createBuild({
      repo: REPO,
      branch: 'main',
      commit: SHA,
      params: PARAMS,
    });
    expect(build).toMatchObject({ number: 1, status: 'pending' });
    expect(fake.dispatched()).toEqual([
      expect.objectContaining({
        repo: REPO,
        number: 1,
        branch: 'main',
        commit: SHA,
        params: PARAMS,
      }),
    ]);
  });

  it('follows status, cancels (killed) and reads step logs', async () => {
    const { number } = await drone.createBuild({ repo: REPO, branch: 'main', commit: SHA });
    fake.setStatus(number, 'running');
    expect((await drone.getBuild(REPO, number)).status).toBe('running');
    await drone.cancelBuild(REPO, number);
    expect((await drone.getBuild(REPO, number)).status).toBe('killed');
    fake.setLogs(number, 1, 2, ['+ ccci-run', 'level 2']);
    expect(await drone.logs(REPO, number, 1, 2)).toEqual([
      { pos: 0, out: '+ ccci-run', time: 0 },
      { pos: 1, out: 'level 2', time: 1 },
    ]);
    await expect(drone.logs(REPO, number, 1, 9)).rejects.toMatchObject({ code: 'DRONE_NOT_FOUND' });
  });

  it('refuses DRONE_* keys, bad keys and shell-ish values before sending anything', () => {
    const base = { repo: REPO, branch: 'main', commit: SHA };
    expect(() => drone.createBuild({ ...base, params: { DRONE_COMMIT: SHA } })).toThrow(
      /reserved by Drone/,
    );
    expect(() => drone.createBuild({ ...base, params: { recipe: 'x' } })).toThrow(
      /upper snake case/,
    );
    expect(() => drone.createBuild({ ...base, params: { RECIPE: 'x; rm -rf /' } })).toThrow(
      /params.RECIPE/,
    );
    expect(() => drone.createBuild({ ...base, params: { RECIPE: '$(id)' } })).toThrow(
      /no spaces, quotes/,
    );
    expect(() => drone.createBuild({ ...base, branch: '--upload-pack=x' })).toThrow(
      /branch must be/,
    );
    expect(() => drone.createBuild({ ...base, branch: 'a..b' })).toThrow(/branch must be/);
    expect(() => drone.createBuild({ ...base, commit: 'main' })).toThrow(/commit must be/);
    expect(fake.requests).toEqual([]);
  });

  it('maps a wrong token to DRONE_AUTH without showing it', async () => {
    const bad = createDrone({ baseUrl: fake.url, token: 'drone-WRONG-token' });
    const error = (await bad.getBuild(REPO, 1).catch((e: unknown) => e)) as DroneError;
    expect(error).toBeInstanceOf(DroneError);
    expect(error.code).toBe('DRONE_AUTH');
    expect(error.message).not.toContain('WRONG');
  });

  it('retries reads on 5xx but never repeats a build creation', async () => {
    const { number } = await drone.createBuild({ repo: REPO, branch: 'main', commit: SHA });
    fake.inject({ path: '/builds/1', method: 'GET', kind: '5xx' });
    expect((await drone.getBuild(REPO, number)).number).toBe(1);
    fake.inject({ path: '/builds', method: 'POST', kind: '5xx' });
    await expect(
      drone.createBuild({ repo: REPO, branch: 'main', commit: SHA }),
    ).rejects.toMatchObject({
      code: 'DRONE_HTTP',
      status: 503,
      attempts: 1,
    });
    expect(fake.dispatched()).toHaveLength(1);
  });

  it('turns a malformed answer into DRONE_MALFORMED', async () => {
    fake.inject({ path: '/builds', kind: 'malformed' });
    await expect(drone.getBuild(REPO, 1)).rejects.toMatchObject({ code: 'DRONE_MALFORMED' });
  });
});
