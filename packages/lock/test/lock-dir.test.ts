import { mkdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdLockDir, type LockfileFs } from '../src/lock-dir.js';
import { tempDir } from './helpers/tmp.js';

// proper-lockfile's refresh, driven by hand: `stat`, then `utimes` (lib/lockfile.js updateLock).
const call = (f: (cb: (e: NodeJS.ErrnoException | null) => void) => void) =>
  new Promise<NodeJS.ErrnoException | null>((resolve) => f(resolve));
const statOf = (fs: LockfileFs, path: string) =>
  new Promise<NodeJS.ErrnoException | null>((resolve) => fs.stat(path, (e) => resolve(e)));

const old = new Date(Math.floor(Date.now() / 1_000) * 1_000 - 60_000);

describe('holdLockDir', () => {
  it('a replacement between the refresh stat and utimes: theirs untouched, reported next stat', async () => {
    const lockPath = join(await tempDir(), 'd.lock');
    const held = holdLockDir(lockPath);
    expect(await call((cb) => held.fs.mkdir(lockPath, cb))).toBeNull();
    expect(await statOf(held.fs, lockPath)).toBeNull();
    expect(await held.state()).toBe('ours');
    // Another holder removes the directory and makes its own, right after the stat.
    await rm(lockPath, { recursive: true });
    await mkdir(lockPath);
    await utimes(lockPath, old, old);
    const now = new Date();
    expect(await call((cb) => held.fs.utimes(lockPath, now, now, cb))).toBeNull();
    expect((await stat(lockPath)).mtimeMs).toBe(old.getTime());
    expect(await statOf(held.fs, lockPath)).toMatchObject({
      code: 'ENOENT',
      message: expect.stringMatching(/replaced/),
    });
    expect(await held.state()).toBe('replaced');
    // Releasing leaves the new holder's directory.
    expect(await call((cb) => held.fs.rmdir(lockPath, cb))).toBeNull();
    expect((await stat(lockPath)).isDirectory()).toBe(true);
  });

  it('its own directory is refreshed and removed; a removed one is gone', async () => {
    const lockPath = join(await tempDir(), 'd.lock');
    const held = holdLockDir(lockPath);
    await call((cb) => held.fs.mkdir(lockPath, cb));
    await call((cb) => held.fs.utimes(lockPath, old, old, cb));
    expect((await stat(lockPath)).mtimeMs).toBe(old.getTime());
    expect(await call((cb) => held.fs.rmdir(lockPath, cb))).toBeNull();
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await held.state()).toBe('gone');
  });
});
