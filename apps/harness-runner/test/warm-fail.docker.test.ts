// WARM_CANONICAL when the warm deploy fails (real swarm, abra double): the run keeps its own
// results and nothing of the warm instance is left. Its own bed (ci domain), so it runs beside
// the warm suite's chain of runs instead of after it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bed, createBed, enrolWarm, runArgs, type WarmEnrolment } from './e2e.js';

let bed: Bed;
let warm: WarmEnrolment;
beforeAll(async () => {
  bed = await createBed({ screenshots: false });
  warm = await enrolWarm(bed, 'data');
});
afterAll(async () => {
  if (bed) {
    await warm?.remove();
    await bed.close();
  }
}, 180_000);

describe('WARM_CANONICAL, a warm deploy that fails (real swarm)', () => {
  it('leaves the run as it was and nothing of the warm instance', async () => {
    // The double fails only the deploy of a `-warm.` domain: the run's own deploy goes through.
    const r = await bed.run(runArgs('data', join(bed.root, 'src', 'data'), 'warmfail'), {
      ABRA_DOUBLE_FAULT: 'deploy-fail~-warm.',
    });
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('warmfail');
    expect(res.rungs['install']?.status, r.all).toBe('pass');
    expect(res.rungs['backup_restore']?.status, r.all).toBe('pass');
    expect(r.all).toMatch(/keeping warm failed, no warm instance of data is kept: .*injected/);
    expect(await warm.services()).toEqual([]);
    expect(existsSync(join(bed.root, 'abra', 'ccci-warm', warm.domain))).toBe(false);
    expect(await bed.leftovers()).toEqual([]);
  }, 400_000);
});
