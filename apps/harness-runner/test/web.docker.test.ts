import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bed, createBed } from './e2e.js';

let bed: Bed;
beforeAll(async () => {
  bed = await createBed();
});
afterAll(async () => {
  await bed?.close();
});

describe('web fixture end to end (real swarm, abra double)', () => {
  it('climbs past install and upgrade, tears down clean', async () => {
    const src = await bed.src('web');
    const r = await bed.run([
      'run',
      '--recipe',
      'web',
      '--ref',
      'main',
      '--src',
      src,
      '--run-id',
      'web1',
    ]);
    if (process.env['E2E_DEBUG']) console.log(r.all);
    expect(r.exitCode, r.all).toBe(0);
    const results = bed.results('web1');
    expect(results.rungs['install']?.status, r.all).toBe('pass');
    expect(results.rungs['upgrade']?.status, r.all).toBe('pass');
    expect(results.level).toBeGreaterThanOrEqual(2);
    expect(results.flags['clean_teardown']).toBe(true);
    expect(results.deploys).toEqual({ count: 1, budget: 1 });
    expect(await bed.leftovers()).toEqual([]);
  }, 300_000);
});
