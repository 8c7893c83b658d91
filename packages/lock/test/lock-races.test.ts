import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPaths, readOwner } from '../src/lock.js';
import { probeLock } from '../src/probe.js';
import { waitFor } from '../src/wait.js';
import { plantDeadLock } from './helpers/locks.js';
import { Fixture } from './helpers/proc.js';
import { tempDir } from './helpers/tmp.js';

// Races of CONCURRENCY.md, each with real processes: `sweep` is one janitor pass over one
// domain (its reaper appends a line to a marker file), `holder` is a run holding the lock.

const domain = 'cust-a1b2c3.ci.localhost';
const staleMs = '2000';

function sweep(locksDir: string, marker: string, pause: boolean): Fixture {
  return new Fixture('sweep', [
    '--locksDir',
    locksDir,
    '--domain',
    domain,
    '--marker',
    marker,
    '--staleMs',
    staleMs,
    '--pause',
    pause ? '1' : '0',
  ]);
}

function holder(locksDir: string, runId: string, extra: string[] = []): Fixture {
  return new Fixture('holder', [
    '--locksDir',
    locksDir,
    '--domain',
    domain,
    '--runId',
    runId,
    '--staleMs',
    staleMs,
    '--updateMs',
    '1000',
    ...extra,
  ]);
}

async function reaps(marker: string): Promise<number> {
  const text = await readFile(marker, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

async function untilStale(locksDir: string): Promise<void> {
  await waitFor(
    async () =>
      (
        await probeLock({
          locksDir,
          domain,
          staleMs: Number(staleMs),
          deadlineMs: 3_600_000,
          marginMs: 0,
        })
      ).lockState === 'stale',
    { timeoutMs: 15_000, what: 'the lock to go stale' },
  );
}

describe('lock races (real processes)', { timeout: 90_000 }, () => {
  it('a run starting while the janitor probes: the janitor loses the lock and leaves the run alone', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'reaped');
    await plantDeadLock(dir, domain, 'T-dead');
    const janitor = sweep(dir, marker, true);
    expect(await janitor.next('probed')).toMatchObject({
      lockState: 'stale',
      decision: 'reap',
      ownerToken: 'T-dead',
    });
    const run = holder(dir, 'new-run');
    await run.next('held');
    janitor.send('go');
    expect(await janitor.next('result')).toMatchObject({ outcome: 'lost-race', decision: 'reap' });
    expect((await janitor.exited).code).toBe(0);
    expect(await reaps(marker)).toBe(0);
    run.send('verify');
    expect(await run.next('verified')).toMatchObject({ ok: true, held: true });
    run.send('release');
    expect((await run.exited).code).toBe(0);
    expect(run.events.some((e) => e.event === 'compromised')).toBe(false);
  });

  it('two janitors at once: exactly one reaps, neither errors', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = await tempDir();
      const marker = join(dir, 'reaped');
      const janitors = [sweep(dir, marker, true), sweep(dir, marker, true)];
      for (const j of janitors)
        expect(await j.next('probed')).toMatchObject({ lockState: 'absent', decision: 'reap' });
      for (const j of janitors) j.send('go');
      const outcomes = (await Promise.all(janitors.map((j) => j.next('result'))))
        .map((r) => r.outcome)
        .sort();
      expect(outcomes.filter((o) => o === 'reaped')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'reaped')[0]).toMatch(/^(lost-race|already-gone)$/);
      for (const j of janitors) expect(await j.exited).toMatchObject({ code: 0, stderr: '' });
      expect(await reaps(marker)).toBe(1);
      expect((await readdir(dir)).sort()).toEqual(['reaped']); // lock and owner file gone
    }
  });

  it('the lock replaced between probe and reap: the identity check stops the reap', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'reaped');
    await plantDeadLock(dir, domain, 'T-dead');
    const janitor = sweep(dir, marker, true);
    await janitor.next('probed');
    // Another run takes the stale lock, then dies without a trace; its lock goes stale too.
    const run = holder(dir, 'other-run');
    const held = await run.next('held');
    run.kill('SIGKILL');
    await run.exited;
    await untilStale(dir);
    janitor.send('go');
    expect(await janitor.next('result')).toMatchObject({ outcome: 'identity-changed' });
    expect(await reaps(marker)).toBe(0);
    expect((await readOwner(lockPaths(dir, domain).ownerPath))?.token).toBe(held.token);
  });

  it('a SIGKILLed holder: left alone while fresh, reaped once its lock is stale', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'reaped');
    const run = holder(dir, 'doomed-run');
    await run.next('held');
    const first = sweep(dir, marker, false);
    expect(await first.next('result')).toMatchObject({ lockState: 'held-fresh', outcome: 'left' });
    run.kill('SIGKILL');
    await run.exited;
    await untilStale(dir);
    const second = sweep(dir, marker, false);
    expect(await second.next('result')).toMatchObject({
      lockState: 'stale',
      outcome: 'reaped',
      owner: { runId: 'doomed-run' },
    });
    expect(await reaps(marker)).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(['reaped']);
  });

  it('a waiting run gets the lock the moment the holder releases it', async () => {
    const dir = await tempDir();
    const a = holder(dir, 'run-a');
    await a.next('held');
    const b = holder(dir, 'run-b', ['--waitMs', '30000']);
    await b.next('waiting-for-lock');
    a.send('release');
    const released = await a.next('releasing');
    const bHeld = await b.next('held');
    expect(bHeld.at).toBeGreaterThanOrEqual(released.at);
    b.send('release');
    await Promise.all([a.exited, b.exited]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('SIGTERM with a teardown handler keeps the lock until teardown releases it; without one, exit releases it', async () => {
    const dir = await tempDir();
    const trapped = holder(dir, 'run-a', ['--trapTerm', '1']);
    await trapped.next('held');
    trapped.kill('SIGTERM');
    expect(await trapped.next('term')).toMatchObject({ ok: true });
    expect((await trapped.exited).code).toBe(143);
    expect(await readdir(dir)).toEqual([]);
    const plain = holder(dir, 'run-b');
    await plain.next('held');
    plain.kill('SIGTERM');
    expect((await plain.exited).signal).toBe('SIGTERM');
    expect(await readdir(dir)).toEqual([`${domain}.owner.json`]); // lock dir gone, no owner cleanup
  });
});
