// Keep leases (`!testme keep`): the janitor's sweep leaves a kept app alone until its lease
// expires and reaps it from then on — decided on a real locks dir with real domain locks, on an
// injected clock (no waiting). The swarm side is keep.docker.test.ts.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDomainLock, appDomain, KEEP_LEASE_MAX_MS, writeKeepLease } from '../src/index.js';
import { activeKeepLeases, keepLeasePath, readKeepLease } from '../src/keep.js';
import { sweepDomain } from '../src/sweep.js';
import { tempDir } from './helpers/tmp.js';

const CI = 'ci.example.org';
const T0 = Date.parse('2026-12-02T12:00:00Z');
const MIN = 60_000;

async function locksDir(): Promise<string> {
  const dir = join(await tempDir(), 'locks');
  await mkdir(dir, { recursive: true });
  return dir;
}

/** One sweep of `domain` at `at` (ms); returns the outcome and how often the reaper ran. */
async function sweepAt(dir: string, domain: string, at: number) {
  let reaps = 0;
  const result = await sweepDomain({
    locksDir: dir,
    domain,
    janitorId: 'janitor-test',
    deadlineMs: 60 * MIN,
    marginMs: 10 * MIN,
    now: () => at,
    reap: async () => {
      reaps += 1;
      return { removed: true };
    },
  });
  return { result, reaps };
}

/** run-1 takes `domain`'s lock and writes a lease of `keepMs` from `at` (ms); returns the lock. */
async function heldAndKept(dir: string, domain: string, keepMs: number, at: number) {
  const lock = await acquireDomainLock({ locksDir: dir, domain, owner: { runId: 'run-1' } });
  await writeKeepLease({
    locksDir: dir,
    domain,
    runId: 'run-1',
    keepMs,
    clock: () => new Date(at),
  });
  return lock;
}

describe('keep leases', () => {
  it('written atomically, read back; invalid options are TypeErrors naming the option', async () => {
    const dir = await locksDir();
    const domain = appDomain('custom-html', CI);
    const lease = await writeKeepLease({
      locksDir: dir,
      domain,
      runId: 'run-1',
      keepMs: 30 * MIN,
      reason: 'upgrade: fail',
      clock: () => new Date(T0),
    });
    expect(lease).toEqual({
      domain,
      runId: 'run-1',
      keptAt: '2026-12-02T12:00:00.000Z',
      expiresAt: '2026-12-02T12:30:00.000Z',
      reason: 'upgrade: fail',
    });
    expect(await readKeepLease(dir, domain)).toEqual(lease);
    expect(await readdir(dir)).toEqual([`${domain}.keep.json`]);
    const base = { locksDir: dir, domain, runId: 'r', keepMs: MIN };
    await expect(writeKeepLease({ ...base, keepMs: 0 })).rejects.toThrow(/keepMs: expected/);
    await expect(writeKeepLease({ ...base, keepMs: KEEP_LEASE_MAX_MS + 1 })).rejects.toThrow(
      TypeError,
    );
    await expect(writeKeepLease({ ...base, locksDir: 'rel' })).rejects.toThrow(/locksDir/);
    await expect(writeKeepLease({ ...base, domain: 'not a domain' })).rejects.toThrow(/domain/);
  });

  it('an unreadable lease keeps nothing', async () => {
    const dir = await locksDir();
    const domain = appDomain('custom-html', CI);
    await writeFile(keepLeasePath(dir, domain), '{"runId": "r", "expiresAt": "tomorrow"}');
    expect(await readKeepLease(dir, domain)).toBeUndefined();
    const { result, reaps } = await sweepAt(dir, domain, T0);
    expect(result.outcome).toBe('reaped');
    expect(reaps).toBe(1);
  });

  it('the sweep leaves a kept app until its lease expires, then reaps it and drops the lease', async () => {
    const dir = await locksDir();
    const domain = appDomain('custom-html', CI);
    // The run holds its lock while it writes the lease, then releases the lock (teardown's
    // last step): from then on only the lease speaks for the app.
    const lock = await heldAndKept(dir, domain, 30 * MIN, T0);
    await lock.release();

    for (const at of [T0, T0 + 29 * MIN, T0 + 30 * MIN - 1]) {
      const { result, reaps } = await sweepAt(dir, domain, at);
      expect(result).toMatchObject({
        lockState: 'absent',
        decision: 'reap',
        outcome: 'kept',
        keptUntil: '2026-12-02T12:30:00.000Z',
      });
      expect(reaps).toBe(0);
    }
    expect(await activeKeepLeases(dir, T0 + 29 * MIN)).toHaveLength(1);

    const { result, reaps } = await sweepAt(dir, domain, T0 + 30 * MIN);
    expect(result.outcome).toBe('reaped');
    expect(reaps).toBe(1);
    expect(await readKeepLease(dir, domain)).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
    expect(await activeKeepLeases(dir, T0)).toEqual([]);
  });

  it('a run that still holds its lock is left, even with an expired lease', async () => {
    const dir = await locksDir();
    const domain = appDomain('custom-html', CI);
    const lock = await heldAndKept(dir, domain, MIN, Date.now() - 10 * MIN);
    const { result, reaps } = await sweepAt(dir, domain, Date.now());
    expect(result).toMatchObject({ lockState: 'held-fresh', outcome: 'left' });
    expect(reaps).toBe(0);
    expect(await lock.verify()).toBe(true);
    await lock.release();
  });
});
