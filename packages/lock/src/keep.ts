import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { assertCiDomain } from './domain.js';

/** The longest a kept app may stay: a day (the bot asks for at most a few hours). */
export const KEEP_LEASE_MAX_MS = 24 * 60 * 60_000;

/**
 * A kept app's lease, `<locksDir>/<domain>.keep.json`: a failed run asked (`!testme keep`) that
 * its app stay deployed for debugging. Until `expiresAt` the janitor leaves the domain's stack
 * alone although no run holds its lock; from then on it reaps it like a dead run's, and removes
 * the lease with it.
 */
export interface KeepLease {
  domain: string;
  /** The run whose app is kept. */
  runId: string;
  /** When the lease was written (ISO 8601). */
  keptAt: string;
  /** From when the janitor removes the app (ISO 8601). */
  expiresAt: string;
  /** Why the app was kept, for humans (e.g. `upgrade: fail`). */
  reason: string;
}

/** Where a domain's keep lease lives. */
export function keepLeasePath(locksDir: string, domain: string): string {
  return join(locksDir, `${domain}.keep.json`);
}

export interface WriteKeepLeaseOptions {
  /** The domain locks directory (absolute), the one the janitor sweeps. */
  locksDir: string;
  /** The kept app's domain. */
  domain: string;
  runId: string;
  /** How long to keep the app, ms: 1 … {@link KEEP_LEASE_MAX_MS}. */
  keepMs: number;
  /** Why, for humans. Default ''. */
  reason?: string;
  /** Time source. Default `() => new Date()`. */
  clock?: () => Date;
}

/**
 * Writes a domain's keep lease atomically (a janitor never reads half of one). Write it while
 * still holding the domain lock: a janitor that then finds the lock gone finds the lease.
 */
export async function writeKeepLease(options: WriteKeepLeaseOptions): Promise<KeepLease> {
  const { locksDir, domain, runId, keepMs } = options;
  if (typeof locksDir !== 'string' || !isAbsolute(locksDir)) {
    throw new TypeError(`locksDir: expected an absolute path, found ${JSON.stringify(locksDir)}`);
  }
  assertCiDomain(domain, 'domain');
  if (typeof runId !== 'string' || runId === '') {
    throw new TypeError(`runId: expected a run id, found ${JSON.stringify(runId)}`);
  }
  if (!Number.isInteger(keepMs) || keepMs < 1 || keepMs > KEEP_LEASE_MAX_MS) {
    throw new TypeError(
      `keepMs: expected whole milliseconds from 1 to ${KEEP_LEASE_MAX_MS}, found ${JSON.stringify(keepMs)}`,
    );
  }
  const now = (options.clock ?? (() => new Date()))();
  const lease: KeepLease = {
    domain,
    runId,
    keptAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + keepMs).toISOString(),
    reason: options.reason ?? '',
  };
  const path = keepLeasePath(locksDir, domain);
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(lease, null, 2)}\n`, { mode: 0o644 });
  await rename(tmp, path);
  return lease;
}

/** A domain's keep lease; `undefined` when there is none or it cannot be read (then: not kept). */
export async function readKeepLease(
  locksDir: string,
  domain: string,
): Promise<KeepLease | undefined> {
  let value: Partial<KeepLease>;
  try {
    value = JSON.parse(await readFile(keepLeasePath(locksDir, domain), 'utf8'));
  } catch {
    return undefined;
  }
  if (
    typeof value?.runId !== 'string' ||
    typeof value.expiresAt !== 'string' ||
    !Number.isFinite(Date.parse(value.expiresAt))
  ) {
    return undefined;
  }
  return {
    domain,
    runId: value.runId,
    keptAt: typeof value.keptAt === 'string' ? value.keptAt : '',
    expiresAt: value.expiresAt,
    reason: typeof value.reason === 'string' ? value.reason : '',
  };
}

/** Whether a lease still keeps its app at `now` (ms). */
export function leaseActive(lease: KeepLease, now: number): boolean {
  return Date.parse(lease.expiresAt) > now;
}

/** Removes a domain's keep lease (no error when it is gone). */
export async function removeKeepLease(locksDir: string, domain: string): Promise<void> {
  await rm(keepLeasePath(locksDir, domain), { force: true });
}

/** The leases in `locksDir` still active at `now` (ms), soonest expiry first. */
export async function activeKeepLeases(locksDir: string, now: number): Promise<KeepLease[]> {
  const names = await readdir(locksDir).catch(() => [] as string[]);
  const leases: KeepLease[] = [];
  for (const name of names) {
    const domain = /^(.+)\.keep\.json$/.exec(name)?.[1];
    if (domain === undefined) continue;
    const lease = await readKeepLease(locksDir, domain);
    if (lease && leaseActive(lease, now)) leases.push(lease);
  }
  return leases.sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
}
