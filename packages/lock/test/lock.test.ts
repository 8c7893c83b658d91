import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { LockBusyError, type LockCompromisedError, LockIdentityError } from '../src/errors.js';
import { acquireDomainLock } from '../src/index.js';
import { lockPaths, readOwner } from '../src/lock.js';
import { probeLock } from '../src/probe.js';
import { plantDeadLock } from './helpers/locks.js';
import { tempDir } from './helpers/tmp.js';

const domain = 'cust-a1b2c3.ci.localhost';
const times = { deadlineMs: 3_600_000, marginMs: 600_000 };

// Whole seconds: read back exactly whatever the file system's timestamp precision.
const intruderMtime = new Date(Math.floor(Date.now() / 1_000) * 1_000 - 1_000);

/** Does what another holder taking the lock does: a new lock directory and owner file. */
async function replaceLock(locksDir: string): Promise<{ lockPath: string; ownerPath: string }> {
  const paths = lockPaths(locksDir, domain);
  await rm(paths.lockPath, { recursive: true });
  await mkdir(paths.lockPath);
  await utimes(paths.lockPath, intruderMtime, intruderMtime);
  await writeFile(
    paths.ownerPath,
    JSON.stringify({ runId: 'intruder', pid: 1, startedAt: new Date().toISOString(), token: 'o' }),
  );
  return paths;
}

/**
 * Run r1's lock in `locksDir` and a promise of its compromise. It refreshes every second
 * (stale after 2 s) unless `refreshes` is false (the defaults: no refresh in the test's time).
 */
async function watchedLock(locksDir: string, { refreshes = true } = {}) {
  let onCompromised!: (e: LockCompromisedError) => void;
  const compromised = new Promise<LockCompromisedError>((r) => {
    onCompromised = r;
  });
  const lock = await acquireDomainLock({
    locksDir,
    domain,
    owner: { runId: 'r1' },
    ...(refreshes ? { staleMs: 2_000, updateMs: 1_000 } : {}),
    onCompromised,
  });
  return { lock, compromised };
}

describe('acquireDomainLock', () => {
  it('writes an owner file next to the lock, and release leaves nothing', async () => {
    const locksDir = await tempDir();
    const lock = await acquireDomainLock({ locksDir, domain, owner: { runId: 'r1', pid: 1234 } });
    expect(lock.isHeld()).toBe(true);
    expect(await lock.verify()).toBe(true);
    const owner = await readOwner(lockPaths(locksDir, domain).ownerPath);
    expect(owner).toMatchObject({ runId: 'r1', pid: 1234, token: lock.owner.token });
    expect(owner?.token).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(owner?.startedAt ?? '')).toBeGreaterThan(0);
    await lock.release();
    await lock.release(); // idempotent
    expect(lock.isHeld()).toBe(false);
    expect(await readdir(locksDir)).toEqual([]);
  });

  it('refuses a second holder with LockBusyError naming the holder', async () => {
    const locksDir = await tempDir();
    const first = await acquireDomainLock({ locksDir, domain, owner: { runId: 'r1' } });
    const second = acquireDomainLock({ locksDir, domain, owner: { runId: 'r2' } });
    await expect(second).rejects.toBeInstanceOf(LockBusyError);
    await expect(second).rejects.toThrow(/held by run r1/);
    await first.release();
  });

  it('waits for the holder when given waitMs (serializes)', async () => {
    const locksDir = await tempDir();
    const first = await acquireDomainLock({ locksDir, domain, owner: { runId: 'r1' } });
    let waited = false;
    const second = acquireDomainLock({
      locksDir,
      domain,
      owner: { runId: 'r2' },
      waitMs: 20_000,
      onWait: (holder) => {
        waited = holder?.runId === 'r1';
        void first.release();
      },
    });
    const lock = await second;
    expect(waited).toBe(true);
    expect(lock.owner.runId).toBe('r2');
    await lock.release();
  });

  it('reports compromise when the lock directory is removed', async () => {
    const locksDir = await tempDir();
    const { lock, compromised } = await watchedLock(locksDir);
    await rm(lockPaths(locksDir, domain).lockPath, { recursive: true });
    const error = await compromised;
    expect(error.code).toBe('LOCK_COMPROMISED');
    expect(lock.isHeld()).toBe(false);
    expect(await lock.verify()).toBe(false);
    await lock.release();
  });

  it('reports compromise when the lock is replaced by another holder, and never refreshes theirs', async () => {
    const locksDir = await tempDir();
    const { lock, compromised } = await watchedLock(locksDir);
    const { lockPath, ownerPath } = await replaceLock(locksDir);
    // The next refresh sees it, wherever the replacement fell between its stat and its utimes.
    expect((await compromised).code).toBe('LOCK_COMPROMISED');
    expect(lock.isHeld()).toBe(false);
    expect((await stat(lockPath)).mtimeMs).toBe(intruderMtime.getTime());
    await lock.release();
    // The new holder's lock and owner file are left alone.
    expect((await readOwner(ownerPath))?.runId).toBe('intruder');
    expect(await readdir(locksDir)).toContain(`${domain}.lock`);
  });

  it('verify reports a replaced lock at once', async () => {
    const locksDir = await tempDir();
    const { lock, compromised } = await watchedLock(locksDir, { refreshes: false });
    await replaceLock(locksDir);
    expect(await lock.verify()).toBe(false);
    expect(lock.isHeld()).toBe(false);
    expect((await compromised).message).toMatch(/was replaced/);
    await lock.release();
    expect(await readdir(locksDir)).toContain(`${domain}.lock`);
  });

  it('reports compromise when its mtime was made stale (someone else may take it)', async () => {
    const locksDir = await tempDir();
    const { lock, compromised } = await watchedLock(locksDir);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPaths(locksDir, domain).lockPath, old, old);
    expect((await probeLock({ locksDir, domain, staleMs: 2_000, ...times })).lockState).toBe(
      'stale',
    );
    await compromised;
    expect(lock.isHeld()).toBe(false);
    await lock.release();
  });

  it('takes over a stale lock, and checks the identity it was told to expect', async () => {
    const locksDir = await tempDir();
    const { ownerPath } = await plantDeadLock(locksDir, domain, 'T-dead');
    const refused = acquireDomainLock({
      locksDir,
      domain,
      owner: { runId: 'j' },
      staleMs: 2_000,
      expectOwnerToken: 'T-other',
    });
    await expect(refused).rejects.toBeInstanceOf(LockIdentityError);
    // Refusing gave the lock back and left the dead owner's file untouched.
    expect((await readOwner(ownerPath))?.token).toBe('T-dead');
    const lock = await acquireDomainLock({
      locksDir,
      domain,
      owner: { runId: 'j' },
      staleMs: 2_000,
      expectOwnerToken: 'T-dead',
    });
    expect(lock.isHeld()).toBe(true);
    await lock.release();
  });

  it('rejects invalid options with a TypeError naming the option', async () => {
    await expect(
      acquireDomainLock({ locksDir: 'rel', domain, owner: { runId: 'r' } }),
    ).rejects.toThrow(/locksDir: .*"rel"/);
    await expect(
      acquireDomainLock({ locksDir: '/tmp', domain: 'Bad_Domain', owner: { runId: 'r' } }),
    ).rejects.toThrow(/domain: /);
    await expect(
      acquireDomainLock({ locksDir: '/tmp', domain, owner: { runId: 'r' }, staleMs: 500 }),
    ).rejects.toThrow(/staleMs: .*2000/);
    await expect(
      acquireDomainLock({ locksDir: '/tmp', domain, owner: { runId: '' } }),
    ).rejects.toThrow(/owner.runId/);
  });
});

describe('probeLock', () => {
  it('tells absent, held-fresh, held-old and stale apart', async () => {
    const locksDir = await tempDir();
    expect(await probeLock({ locksDir, domain, ...times })).toMatchObject({
      lockState: 'absent',
      ownerToken: null,
    });
    const lock = await acquireDomainLock({ locksDir, domain, owner: { runId: 'r1' } });
    expect(await probeLock({ locksDir, domain, ...times })).toMatchObject({
      lockState: 'held-fresh',
      ownerToken: lock.owner.token,
      owner: { runId: 'r1' },
    });
    // Held for longer than deadline + margin (here both 0).
    await new Promise((r) => setTimeout(r, 5));
    expect((await probeLock({ locksDir, domain, deadlineMs: 0, marginMs: 0 })).lockState).toBe(
      'held-old',
    );
    await lock.release();
    const { lockPath } = lockPaths(locksDir, domain);
    await mkdir(lockPath);
    const old = new Date(Date.now() - 120_000);
    await utimes(lockPath, old, old);
    expect(await probeLock({ locksDir, domain, staleMs: 60_000, ...times })).toMatchObject({
      lockState: 'stale',
      ownerToken: null,
    });
  });
});
