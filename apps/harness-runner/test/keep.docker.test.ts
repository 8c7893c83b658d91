// `--keep-on-failure` end to end on the real swarm: a failing run leaves its app deployed under
// a keep lease; the janitor leaves it until the lease expires (injected clock) and then removes
// every swarm object and the env file of it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJanitor } from '@ccci/lock';
import { afterAll, describe, expect, it } from 'vitest';
import { createBed, runArgs } from './e2e.js';

const bed = await createBed({ screenshots: false });
afterAll(() => bed.close());

describe('keep on failure (real swarm)', () => {
  it('a failed run keeps its app until the lease expires; then the janitor removes all of it', async () => {
    const r = await bed.run([
      ...runArgs('sick', await bed.src('sick'), 'keep1'),
      ...['--keep-on-failure', '30'],
    ]);
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('keep1');
    expect(res.rungs['install']?.status).toBe('fail');
    // Kept on purpose: the teardown is not judged.
    expect(res.flags['clean_teardown']).toBeNull();
    expect(r.all).toMatch(/kept for debugging \(--keep-on-failure 30\): sick-[0-9a-f]{6}\./);
    const left = await bed.leftovers();
    expect(left.length, r.all).toBeGreaterThan(0);

    const locksDir = join(bed.root, 'locks');
    const envDir = join(bed.root, 'abra', 'servers', 'default');
    const leases = readdirSync(locksDir).filter((n) => n.endsWith('.keep.json'));
    expect(leases).toHaveLength(1);
    const lease = JSON.parse(readFileSync(join(locksDir, leases[0] as string), 'utf8'));
    expect(lease).toMatchObject({ runId: 'keep1', reason: expect.stringContaining('install') });
    const domain = lease.domain as string;
    expect(existsSync(join(envDir, `${domain}.env`))).toBe(true);
    const expires = Date.parse(lease.expiresAt);
    expect(expires - Date.parse(lease.keptAt)).toBe(30 * 60_000);

    const janitor = (at: number) =>
      runJanitor({
        ciDomain: bed.ciDomain,
        locksDir,
        runsDir: join(bed.root, 'runs'),
        envDir,
        clock: () => new Date(at),
      });
    const before = await janitor(expires - 60_000);
    expect(before.entries.map((e) => e.outcome)).toEqual(['kept']);
    expect(await bed.leftovers()).toEqual(left);

    const after = await janitor(expires + 1);
    expect(after.entries.map((e) => e.outcome)).toEqual(['reaped']);
    expect(await bed.leftovers()).toEqual([]);
    expect(existsSync(join(envDir, `${domain}.env`))).toBe(false);
    expect(readdirSync(locksDir)).toEqual([]);
  }, 400_000);

  it('a run that passes keeps nothing', async () => {
    const r = await bed.run([
      ...runArgs('web', await bed.src('web'), 'keep2'),
      ...['--keep-on-failure', '30', '--stages', 'install'],
    ]);
    expect(r.exitCode, r.all).toBe(0);
    expect(bed.results('keep2').rungs['install']?.status, r.all).toBe('pass');
    expect(r.all).toMatch(/not keeping the app: every rung asked for passed or was skipped/);
    expect(bed.results('keep2').flags['clean_teardown']).toBe(true);
    expect(await bed.leftovers()).toEqual([]);
  }, 400_000);
});
