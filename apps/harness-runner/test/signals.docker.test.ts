// Cancel a run at distinct points: nothing of it is left and the exit status says why.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_STALE_MS, stackName } from '@ccci/lock';
import { afterAll, describe, expect, it } from 'vitest';
import { createBed, runArgs } from './e2e.js';

const bed = await createBed();
afterAll(() => bed.close());
const src = await bed.src('web');

const run = (id: string, env: Record<string, string> = {}) => bed.run(runArgs('web', src, id), env);

describe.concurrent('cancel a run (real swarm)', () => {
  it.each([
    ['during the base deploy', 'sigdeploy', /install: deploy 1\.0\.0/],
    ['during a rung (the upgrade)', 'sigrung', /upgrade: redeploy/],
    ['during teardown', 'sigteardown', /teardown: remove/],
  ])(
    'SIGTERM %s → exit 143, nothing left',
    async (_when, id, point) => {
      const child = run(id);
      await child.waitOutput(point);
      child.kill('SIGTERM');
      const r = await child;
      expect(r.exitCode, r.all).toBe(143);
      const res = bed.results(id);
      expect(res.flags['clean_teardown'], r.all).toBe(true);
      if (id !== 'sigteardown') {
        expect(JSON.stringify(res.rungs)).toMatch(/SIGTERM received/);
      }
    },
    400_000,
  );

  // The hand-over from one child to the next (the end of `abra app new`, the start of the
  // first deploy) is where a signal once ended a run with exit 0, no results and a deploy still
  // in flight. Each point is a delay after a line of the run's output.
  it.each([
    [/install: abra app new/, 0],
    [/install: abra app new/, 250],
    [/install: abra app new/, 600],
    [/install: abra app new/, 1000],
    [/install: abra app new/, 1400],
    [/install: deploy /, 0],
    [/install: deploy /, 80],
    [/install: deploy /, 160],
  ])(
    'SIGTERM %s + %i ms → 143, results.json, nothing left',
    async (point, delayMs) => {
      const id = `hand${delayMs}${point.source.includes('new') ? 'n' : 'd'}`;
      const child = run(id);
      await child.waitOutput(point);
      // The delay is the point under test, not a wait for a condition.
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGTERM');
      const r = await child;
      expect(r.exitCode, r.all).toBe(143);
      expect(r.all).toMatch(/exiting with status 143/);
      const res = bed.results(id);
      expect(res.flags['clean_teardown'], r.all).toBe(true);
      expect(JSON.stringify(res)).toMatch(/SIGTERM received/);
    },
    400_000,
  );

  it('deadline → the same funnel, exit 124, nothing left', async () => {
    const child = run('deadline', { CCCI_DEADLINE_MIN: '0.15' });
    const r = await child;
    expect(r.exitCode, r.all).toBe(124);
    const res = bed.results('deadline');
    expect(JSON.stringify(res.rungs)).toMatch(/deadline reached/);
    expect(res.flags['clean_teardown']).toBe(true);
  }, 400_000);

  it('SIGKILL → the janitor of the next start reaps what the run left', async () => {
    const child = run('sigkill');
    const domain = (await child.waitOutput(/run sigkill: web at main as (\S+)/))[1] ?? '';
    await child.waitOutput(/install: converged/);
    // Its temporary folders (Chromium's profile among them) live in the run's own folder.
    const runDir = dirname(bed.artifactsDir('sigkill'));
    const profiles = () =>
      existsSync(join(runDir, 'tmp'))
        ? readdirSync(join(runDir, 'tmp')).filter((n) => n.startsWith('ccci-chromium-'))
        : [];
    expect(profiles()).toHaveLength(1);
    child.kill('SIGKILL');
    await child;
    const stack = (await bed.leftovers()).filter((n) => n.startsWith(`${stackName(domain)}_`));
    expect(stack.length).toBeGreaterThan(0);
    // The dead run's lock goes stale DEFAULT_STALE_MS after its last refresh; until then the
    // janitor leaves its stack (the lock package's janitor suite asserts that part). Wait for
    // the lock directory to age past the threshold, then one janitor pass reaps it.
    await lockStale(join(bed.env['CCCI_LOCKS_DIR'] as string, `${domain}.lock`));
    const j = await bed.run(['janitor']);
    expect(j.exitCode, j.all).toBe(0);
    const now = await bed.leftovers();
    const left = stack.filter((n) => now.includes(n));
    expect(left).toEqual([]);
    // …and with the stack, the dead run's folder: nothing of it is left in any temp folder.
    expect(existsSync(runDir)).toBe(false);
  }, 400_000);
});

/** Resolves once the lock directory has gone unrefreshed for longer than the stale threshold. */
async function lockStale(lockPath: string): Promise<void> {
  while (Date.now() - statSync(lockPath).mtimeMs <= DEFAULT_STALE_MS + 1_000) {
    await new Promise((r) => setTimeout(r, 500));
  }
}
