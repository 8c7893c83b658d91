// The fixtures reach their expected levels on the real swarm (abra double on PATH).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bed, createBed } from './e2e.js';

let bed: Bed;
beforeAll(async () => {
  bed = await createBed();
  await bed.src('web'); // withdep's dependency is cloned from here
});
afterAll(async () => {
  await bed?.close();
});

describe.concurrent('fixture ladder (real swarm)', () => {
  it('data: round-trips its data through backup/restore', async () => {
    const r = await bed.run([
      'run',
      '--recipe',
      'data',
      '--ref',
      'main',
      '--src',
      await bed.src('data'),
      '--run-id',
      'data1',
    ]);
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('data1');
    expect(res.rungs['install']?.status, r.all).toBe('pass');
    expect(res.rungs['upgrade']?.status, r.all).toBe('pass');
    expect(res.rungs['backup_restore']?.status, r.all).toBe('pass');
    expect(res.flags['clean_teardown']).toBe(true);
    expect(res.flags['no_secret_leak']).toBe(true);
  }, 400_000);

  it('sick: level 0 with reasons and a clean teardown', async () => {
    const r = await bed.run([
      'run',
      '--recipe',
      'sick',
      '--ref',
      'main',
      '--src',
      await bed.src('sick'),
      '--run-id',
      'sick1',
    ]);
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('sick1');
    expect(res.level).toBe(0);
    expect(res.rungs['install']?.status).toBe('fail');
    expect(res.rungs['install']?.reason).toMatch(/converge|healthy|serving/);
    expect(res.rungs['upgrade']?.status).toBe('unver');
    expect(res.rungs['upgrade']?.reason).toMatch(/install did not pass/);
    expect(res.flags['clean_teardown']).toBe(true);
  }, 400_000);

  it('withdep: exactly 2 deploys (1 base + 1 cold dep)', async () => {
    const r = await bed.run([
      'run',
      '--recipe',
      'withdep',
      '--ref',
      'main',
      '--src',
      await bed.src('withdep'),
      '--run-id',
      'dep1',
    ]);
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('dep1');
    expect(res.deploys).toEqual({ count: 2, budget: 2 });
    expect(res.flags['deploy_budget_ok']).toBe(true);
    expect(res.rungs['install']?.status, r.all).toBe('pass');
    expect(res.flags['clean_teardown']).toBe(true);
  }, 400_000);
});

describe('after the ladder', () => {
  it('left nothing of any run on the swarm', async () => {
    expect(await bed.leftovers()).toEqual([]);
  });
});
