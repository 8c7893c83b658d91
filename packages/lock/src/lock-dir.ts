import * as nodeFs from 'node:fs';

type Callback = (error: NodeJS.ErrnoException | null) => void;
type StatCallback = (error: NodeJS.ErrnoException | null, stats?: nodeFs.Stats) => void;

/** What the lock path points at, seen from the holder of the directory it created. */
type LockDirState = 'ours' | 'gone' | 'replaced';

/** The file system calls proper-lockfile makes (its `fs` option; graceful-fs by default). */
export interface LockfileFs {
  mkdir(path: string, callback: Callback): void;
  stat(path: string, callback: StatCallback): void;
  utimes(path: string, atime: Date, mtime: Date, callback: Callback): void;
  rmdir(path: string, callback: Callback): void;
  rmdirSync(path: string): void;
}

/** The lock directory this process created, held open so that it can be told from a new one. */
export interface HeldLockDir {
  /** Passed to proper-lockfile as `fs`. */
  readonly fs: LockfileFs;
  /** Whether the lock path is still the directory this process created. */
  state(): Promise<LockDirState>;
  /** Closes the held descriptor (idempotent). */
  close(): void;
}

function replacedError(lockPath: string): NodeJS.ErrnoException {
  // ENOENT is the code proper-lockfile reads as "lost at once" (any other code is retried).
  return Object.assign(new Error(`lock directory ${lockPath} was replaced by another holder`), {
    code: 'ENOENT',
  });
}

/**
 * proper-lockfile refreshes its lock as `stat(path)` (is the mtime still ours?) then
 * `utimes(path)`. A replacement (another process removes the directory and makes its own) that
 * lands between the two is refreshed as if it were ours and never reported (proper-lockfile
 * 4.1.2, lib/lockfile.js `updateLock`). Through this file system the directory is opened right
 * after `mkdir` and kept open: refreshes go to that descriptor (`futimes`), so a newcomer's
 * directory is never touched, and every `stat` compares the path's device and inode with the
 * held one. The held descriptor also keeps the inode allocated, so the newcomer cannot be given
 * the same inode number.
 */
export function holdLockDir(lockPath: string): HeldLockDir {
  let fd: number | undefined;
  let ours: { dev: number; ino: number } | undefined;
  const isOurs = (s: nodeFs.Stats) =>
    ours !== undefined && s.dev === ours.dev && s.ino === ours.ino;
  const close = () => {
    if (fd === undefined) return;
    const open = fd;
    fd = undefined;
    nodeFs.close(open, () => {});
  };
  const held = (path: string) => path === lockPath && ours !== undefined;

  const fs: LockfileFs = {
    mkdir(path, callback) {
      nodeFs.mkdir(path, (error) => {
        if (error || path !== lockPath) return callback(error);
        nodeFs.open(path, nodeFs.constants.O_RDONLY | nodeFs.constants.O_DIRECTORY, (e, opened) => {
          if (e) return nodeFs.rmdir(path, () => callback(e));
          nodeFs.fstat(opened, (e2, s) => {
            if (e2) return nodeFs.close(opened, () => nodeFs.rmdir(path, () => callback(e2)));
            fd = opened;
            ours = { dev: s.dev, ino: s.ino };
            callback(null);
          });
        });
      });
    },
    stat(path, callback) {
      nodeFs.stat(path, (error, s) => {
        if (error || !held(path)) return callback(error, s);
        if (!isOurs(s)) return callback(replacedError(lockPath));
        callback(null, s);
      });
    },
    utimes(path, atime, mtime, callback) {
      if (!held(path) || fd === undefined) return nodeFs.utimes(path, atime, mtime, callback);
      nodeFs.futimes(fd, atime, mtime, callback);
    },
    rmdir(path, callback) {
      if (!held(path)) return nodeFs.rmdir(path, callback);
      // A directory that is not ours any more belongs to the new holder: leave it. (Between
      // this stat and the rmdir nobody can take a lock refreshed within the stale time.)
      nodeFs.stat(path, (error, s) => {
        if (error || !isOurs(s)) {
          close();
          return callback(error);
        }
        nodeFs.rmdir(path, (e) => {
          close();
          callback(e);
        });
      });
    },
    rmdirSync(path) {
      // proper-lockfile's exit handler.
      if (!held(path)) return nodeFs.rmdirSync(path);
      if (isOurs(nodeFs.statSync(path))) nodeFs.rmdirSync(path);
      close();
    },
  };

  return {
    fs,
    close,
    async state() {
      try {
        return isOurs(await nodeFs.promises.stat(lockPath)) ? 'ours' : 'replaced';
      } catch {
        return 'gone';
      }
    },
  };
}
