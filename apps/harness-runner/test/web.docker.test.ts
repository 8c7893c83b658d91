import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBed, runArgs, statuses } from './e2e.js';

const bed = await createBed();
afterAll(() => bed.close());

describe('web fixture end to end (real swarm, abra double)', () => {
  it('climbs past install and upgrade, tears down clean', async () => {
    const r = await bed.run(runArgs('web', await bed.src('web'), 'web1'));
    if (process.env['E2E_DEBUG']) console.log(r.all);
    expect(r.exitCode, r.all).toBe(0);
    const results = bed.results('web1');
    expect(statuses(results), r.all).toMatchObject({ install: 'pass', upgrade: 'pass' });
    expect(results.level).toBeGreaterThanOrEqual(2);
    expect(results.flags['clean_teardown']).toBe(true);
    expect(results.deploys).toEqual({ count: 1, budget: 1 });
    expect(await bed.leftovers()).toEqual([]);
    // The landing page, taken with the Chromium started while the deploy ran.
    if (existsSync('/usr/bin/chromium')) {
      const shot = readFileSync(join(bed.artifactsDir('web1'), 'screenshot.png'));
      expect(shot.subarray(1, 4).toString()).toBe('PNG');
      // Taken after the upgrade: the card shows (and says it shows) the head, not the base.
      expect(r.all).toMatch(/upgrade: screenshot/);
      const card = readFileSync(join(bed.artifactsDir('web1'), 'card.svg'), 'utf8');
      expect(card).toMatch(/Screenshot: the head \([0-9a-f]{8}\)/);
    }
  }, 300_000);

  it('a Chromium that cannot start costs the screenshot only, with a warning', async () => {
    const r = await bed.run([...runArgs('web', await bed.src('web'), 'web2'), '--quick'], {
      CCCI_CHROMIUM: join(bed.root, 'no-such-chromium'),
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/warning: screenshot not taken: /);
    const results = bed.results('web2');
    expect(results.rungs['install']?.status, r.all).toBe('pass');
    expect(existsSync(join(bed.artifactsDir('web2'), 'screenshot.png'))).toBe(false);
    expect(await bed.leftovers()).toEqual([]);
  }, 300_000);
});
