import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { assertCiDomain } from './domain.js';
import { LockBusyError, LockCompromisedError, LockIdentityError } from './errors.js';
import { holdLockDir } from './lock-dir.js';
import { assertPid } from './run-state.js';
import { dirChangeOrTimeout } from './wait.js';

/** A lock not refreshed for this long is stale (default). proper-lockfile's minimum is 2 000. */
export const DEFAULT_STALE_MS = 30_000;

/** Who holds a domain lock; written next to the lock as `<domain>.owner.json`. */
export interface LockOwner {
  /** Run id of the holder (`janitor-…` for a janitor). */
  readonly runId: string;
  /** Process id of the holder. */
  readonly pid: number;
  /** Host name of the holder (locks are per host; this is for humans). */
  readonly host: string;
  /** When the lock was taken (ISO 8601). */
  readonly startedAt: string;
  /** Random token identifying this one acquisition; compared by the janitor before reaping. */
  readonly token: string;
}

/** The lock directory and owner file of a domain under `locksDir`. */
export function lockPaths(
  locksDir: string,
  domain: string,
): { lockPath: string; ownerPath: string } {
  return {
    lockPath: join(locksDir, `${domain}.lock`),
    ownerPath: join(locksDir, `${domain}.owner.json`),
  };
}

/** Reads the owner file; `undefined` when it is missing or unreadable (a half-written file). */
export async function readOwner(ownerPath: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = await readFile(ownerPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (
      typeof value.runId === 'string' &&
      typeof value.pid === 'number' &&
      typeof value.token === 'string' &&
      typeof value.startedAt === 'string'
    ) {
      return {
        runId: value.runId,
        pid: value.pid,
        host: typeof value.host === 'string' ? value.host : '',
        startedAt: value.startedAt,
        token: value.token,
      };
    }
  } catch {
    // Unparsable: treated as no owner.
  }
  return undefined;
}

async function writeOwner(ownerPath: string, owner: LockOwner): Promise<void> {
  const tmp = `${ownerPath}.${owner.token}.tmp`;
  await writeFile(tmp, `${JSON.stringify(owner, null, 2)}\n`);
  await rename(tmp, ownerPath);
}

export interface AcquireDomainLockOptions {
  /** Directory of all domain locks (absolute; created when missing). */
  locksDir: string;
  /** The app domain to lock. */
  domain: string;
  /** Who takes the lock: the run id and the harness pid (default `process.pid`). */
  owner: { runId: string; pid?: number };
  /** A lock not refreshed for this long counts as stale (default 30 000, minimum 2 000). */
  staleMs?: number;
  /** Refresh interval (default `staleMs / 3`, clamped by proper-lockfile to [1 000, staleMs / 2]). */
  updateMs?: number;
  /** How long to wait for a busy lock before throwing {@link LockBusyError} (default 0). */
  waitMs?: number;
  /** Called once when the lock is found busy and the call starts waiting. */
  onWait?: (holder: LockOwner | undefined) => void;
  /**
   * Called once if the lock is lost while held: the refresh failed, or the lock directory was
   * removed or replaced. The run must go straight to teardown and report `unver`.
   * Default: nothing (check {@link DomainLock.isHeld}).
   */
  onCompromised?: (error: LockCompromisedError) => void;
  /**
   * Identity check for the janitor: the owner token it saw when probing (`null`: no owner
   * file). Right after taking the lock, before writing its own owner file, the token on disk
   * is compared; if it differs the lock is given back untouched and {@link LockIdentityError}
   * is thrown. Default: no check.
   */
  expectOwnerToken?: string | null;
}

/** A held domain lock. */
export interface DomainLock {
  readonly domain: string;
  readonly lockPath: string;
  readonly ownerPath: string;
  /** The identity written to the owner file. */
  readonly owner: LockOwner;
  /** False once released or compromised. */
  isHeld(): boolean;
  /** The compromise, if it happened. */
  readonly compromised: LockCompromisedError | undefined;
  /** Checks the disk: still held, the lock directory exists and the owner file is ours. */
  verify(): Promise<boolean>;
  /** Removes the owner file (if still ours) and the lock. Idempotent; never throws on a lost lock. */
  release(): Promise<void>;
}

function assertLockOptions(options: AcquireDomainLockOptions): void {
  if (typeof options.locksDir !== 'string' || !isAbsolute(options.locksDir)) {
    throw new TypeError(
      `locksDir: expected an absolute path, found ${JSON.stringify(options.locksDir)}`,
    );
  }
  assertCiDomain(options.domain, 'domain');
  if (typeof options.owner?.runId !== 'string' || options.owner.runId === '') {
    throw new TypeError(
      `owner.runId: expected a run id, found ${JSON.stringify(options.owner?.runId)}`,
    );
  }
  if (options.owner.pid !== undefined) assertPid(options.owner.pid, 'owner.pid');
  for (const key of ['staleMs', 'updateMs', 'waitMs'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new TypeError(
        `${key}: expected a non-negative number of milliseconds, found ${JSON.stringify(v)}`,
      );
    }
  }
  if (options.staleMs !== undefined && options.staleMs < 2_000) {
    throw new TypeError(
      `staleMs: expected at least 2000 (proper-lockfile's minimum), found ${options.staleMs}`,
    );
  }
}

/**
 * Takes the lock of one app domain (a proper-lockfile directory `<locksDir>/<domain>.lock`,
 * refreshed every `updateMs`) and writes the owner file next to it. Throws
 * {@link LockBusyError} when another holder keeps it for longer than `waitMs`.
 */
export async function acquireDomainLock(options: AcquireDomainLockOptions): Promise<DomainLock> {
  assertLockOptions(options);
  const { locksDir, domain, staleMs = DEFAULT_STALE_MS, waitMs = 0 } = options;
  const updateMs = options.updateMs ?? Math.floor(staleMs / 3);
  const { lockPath, ownerPath } = lockPaths(locksDir, domain);
  await mkdir(locksDir, { recursive: true });

  let compromised: LockCompromisedError | undefined;
  let released = false;
  const dir = holdLockDir(lockPath);
  const onLost = (cause: Error) => {
    dir.close();
    if (released || compromised) return;
    compromised = new LockCompromisedError(
      domain,
      `lock of ${domain} was lost (${cause.message}): another process removed, replaced or took it`,
      { cause },
    );
    options.onCompromised?.(compromised);
  };

  const deadline = Date.now() + waitMs;
  let waited = false;
  let releaseLock: () => Promise<void>;
  for (;;) {
    try {
      releaseLock = await lockfile.lock(join(locksDir, domain), {
        realpath: false,
        lockfilePath: lockPath,
        stale: staleMs,
        update: updateMs,
        retries: 0,
        onCompromised: onLost,
        fs: dir.fs,
      });
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED') throw error;
      const holder = await readOwner(ownerPath);
      const left = deadline - Date.now();
      if (left <= 0) {
        const who = holder
          ? `run ${holder.runId} (pid ${holder.pid} on ${holder.host})`
          : 'another process';
        throw new LockBusyError(domain, `lock of ${domain} is held by ${who}`, { cause: error });
      }
      if (!waited) {
        waited = true;
        options.onWait?.(holder);
      }
      // Woken by a release (the lock dir disappears) or, for a lock going stale, by time.
      await dirChangeOrTimeout(locksDir, Math.min(left, Math.max(250, staleMs / 4)));
    }
  }

  if (options.expectOwnerToken !== undefined) {
    const found = (await readOwner(ownerPath))?.token ?? null;
    if (found !== options.expectOwnerToken) {
      released = true;
      await releaseLock().catch(() => {});
      throw new LockIdentityError(domain, options.expectOwnerToken, found);
    }
  }

  const owner: LockOwner = {
    runId: options.owner.runId,
    pid: options.owner.pid ?? process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(16).toString('hex'),
  };
  try {
    await writeOwner(ownerPath, owner);
  } catch (error) {
    released = true;
    await releaseLock().catch(() => {});
    throw error;
  }

  return {
    domain,
    lockPath,
    ownerPath,
    owner,
    get compromised() {
      return compromised;
    },
    isHeld: () => !released && compromised === undefined,
    async verify() {
      if (released || compromised) return false;
      const [state, current] = await Promise.all([dir.state(), readOwner(ownerPath)]);
      // Lost for good: reported now rather than at the next refresh.
      if (state !== 'ours') onLost(new Error(`lock directory ${lockPath} was ${state}`));
      return state === 'ours' && current?.token === owner.token;
    },
    async release() {
      if (released) return;
      released = true;
      const current = await readOwner(ownerPath);
      if (current?.token === owner.token) {
        await rm(ownerPath, { force: true });
      }
      // The directory is removed only while it is still the one this lock made (lock-dir.ts):
      // a lock taken over meanwhile stays with its new holder. ERELEASED: proper-lockfile saw
      // the loss first and has nothing left to release.
      await releaseLock().catch(() => {});
      dir.close();
    },
  };
}
