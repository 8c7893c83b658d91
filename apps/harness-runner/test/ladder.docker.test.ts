// The fixtures reach their expected levels on the real swarm (abra double on PATH).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBed, runArgs, statuses } from './e2e.js';

// The screenshot is the web and signals suites' subject, not the ladder's: no Chromium here.
const bed = await createBed({ screenshots: false });
afterAll(() => bed.close());
await bed.src('web'); // withdep's dependency is cloned from here

const THREE_TIERS_PASS = { install: 'pass', upgrade: 'pass', backup_restore: 'pass' };

describe.concurrent('fixture ladder (real swarm)', () => {
  it('data: round-trips its data through backup/restore', async () => {
    const r = await bed.run(runArgs('data', await bed.src('data'), 'data1'));
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('data1');
    expect(statuses(res), r.all).toMatchObject(THREE_TIERS_PASS);
    expect(res.flags['clean_teardown']).toBe(true);
    expect(res.flags['no_secret_leak']).toBe(true);
  }, 400_000);

  it('rich (shaped like a real recipe): every path takes its chained overlay, anchors and defaults', async () => {
    const r = await bed.run(runArgs('rich', await bed.src('rich'), 'rich1'));
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('rich1');
    // The only backupbot.backup label is `${ENABLE_BACKUPS:-true}` in map form, in the overlay
    // that .env.sample chains into COMPOSE_FILE from a subfolder.
    expect(statuses(res), r.all).toMatchObject(THREE_TIERS_PASS);
    expect(res.rungs['lint']?.status, r.all).not.toBe('fail');
    expect(res.deploys).toEqual({ count: 1, budget: 1 });
    expect(res.flags['clean_teardown']).toBe(true);
    expect(r.all).toMatch(/compose policy: the deploy of rich-\S+ is clean/);
  }, 400_000);

  it('sick: level 0 with reasons and a clean teardown', async () => {
    const r = await bed.run(runArgs('sick', await bed.src('sick'), 'sick1'));
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
    // An abra dir of its own, where nothing has added the server yet: the dependency is the
    // run's first `abra app new` (it once failed with "server default not found").
    const r = await bed.run(runArgs('withdep', await bed.src('withdep'), 'dep1'), {
      CCCI_ABRA_DIR: join(bed.root, 'abra-withdep'),
    });
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('dep1');
    expect(res.deploys).toEqual({ count: 2, budget: 2 });
    expect(res.flags['deploy_budget_ok']).toBe(true);
    expect(res.rungs['install']?.status, r.all).toBe('pass');
    expect(res.flags['clean_teardown']).toBe(true);
  }, 400_000);

  it('an upgrade that moves the data to a new volume fails with the volume named', async () => {
    const repo = await bed.changedSrc({
      from: 'data',
      as: 'lossy',
      edit: (c) =>
        c
          .replace('      - data:/data\n', '      - fresh:/data\n')
          .replace('volumes:\n  data:\n', 'volumes:\n  fresh:\n'),
      message: 'feat: move the data to a fresh volume',
    });
    const r = await bed.run([...runArgs('lossy', repo, 'lossy1'), '--stages', 'install,upgrade']);
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('lossy1');
    expect(res.rungs['install']?.status, r.all).toBe('pass');
    expect(res.rungs['upgrade']?.status, r.all).toBe('fail');
    expect(res.rungs['upgrade']?.reason).toMatch(
      /data written before the upgrade is not there afterwards: volume data/,
    );
    expect(res.level).toBe(1);
    expect(res.flags['clean_teardown']).toBe(true);
  }, 400_000);
});

describe('after the ladder', () => {
  it('left nothing of any run on the swarm', async () => {
    expect(await bed.leftovers()).toEqual([]);
  });
});
