import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDrone, startFakeDrone } from './fake-drone.js';

describe('fake Drone', () => {
  let drone: FakeDrone;
  beforeEach(async () => {
    drone = await startFakeDrone({ token: 'tkn', repos: ['o/ci'] });
  });
  afterEach(() => drone.close());

  const call = (path: string, method = 'GET', token = 'tkn') =>
    fetch(`${drone.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

  it('records every query parameter but branch and commit as a build parameter', async () => {
    const r = await call('/api/repos/o/ci/builds?branch=main&commit=abc&RECIPE=x&PR=3', 'POST');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      number: 1,
      status: 'pending',
      event: 'custom',
      params: { RECIPE: 'x', PR: '3' },
    });
    expect(drone.dispatched()[0]).toMatchObject({
      branch: 'main',
      commit: 'abc',
      params: { RECIPE: 'x', PR: '3' },
    });
  });

  it('needs the bearer token and an enabled repo', async () => {
    expect((await call('/api/repos/o/ci/builds?branch=main', 'POST', 'nope')).status).toBe(401);
    expect((await call('/api/repos/o/other/builds?branch=main', 'POST')).status).toBe(404);
  });

  it('cancels a pending or running build to killed, not a finished one', async () => {
    await call('/api/repos/o/ci/builds?branch=main&commit=a', 'POST');
    await call('/api/repos/o/ci/builds?branch=main&commit=b', 'POST');
    drone.setStatus(2, 'success');
    await call('/api/repos/o/ci/builds/1', 'DELETE');
    await call('/api/repos/o/ci/builds/2', 'DELETE');
    expect(drone.dispatched().map((b) => b.status)).toEqual(['killed', 'success']);
  });
});
