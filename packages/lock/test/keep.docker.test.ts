// A kept app on the real swarm: the janitor leaves its stack, volume, secret, config, network
// and env file alone until the keep lease expires, and removes all of them from then on. The
// clock is injected: no waiting for the lease.
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { acquireDomainLock, execaDocker, runJanitor, writeKeepLease } from '../src/index.js';
import { inventory } from '../src/stack-objects.js';
import { objectsContaining } from './helpers/swarm.js';
import { deployedApp, swarmSuiteDomain } from './helpers/swarm-suite.js';

const ciDomain = swarmSuiteDomain();
const MIN = 60_000;

describe('keep lease on the real swarm', { timeout: 180_000 }, () => {
  it('the janitor leaves a kept app until its lease expires, then reaps all of it', async () => {
    const { locksDir, envDir, domain, stack } = await deployedApp(ciDomain);
    // What a failed `!testme keep=30` run's teardown does: lease under its lock, then release.
    const t0 = Date.now();
    const lock = await acquireDomainLock({ locksDir, domain, owner: { runId: 'kept-run' } });
    await writeKeepLease({ locksDir, domain, runId: 'kept-run', keepMs: 30 * MIN });
    await lock.release();

    for (const at of [t0, t0 + 29 * MIN]) {
      const report = await runJanitor({
        ciDomain,
        locksDir,
        envDir,
        clock: () => new Date(at),
      });
      expect(report.entries).toEqual([
        expect.objectContaining({ stack, lockState: 'absent', outcome: 'kept' }),
      ]);
      expect(await objectsContaining(stack)).toHaveLength(5);
      expect(await readdir(envDir)).toEqual([`${domain}.env`]);
    }

    const after = await runJanitor({
      ciDomain,
      locksDir,
      envDir,
      clock: () => new Date(t0 + 31 * MIN),
    });
    expect(after.entries).toEqual([
      expect.objectContaining({ stack, lockState: 'absent', outcome: 'reaped' }),
    ]);
    expect(after.entries[0]?.reaped).toMatchObject({
      services: [`${stack}_app`],
      volumes: [`${stack}_data`],
      secrets: [`${stack}_s1_v1`],
      configs: [`${stack}_c1`],
      networks: [`${stack}_default`],
    });
    expect((await inventory(execaDocker, ciDomain)).size).toBe(0);
    expect(await readdir(envDir)).toEqual([]);
    // Lease, lock and owner file are all gone.
    expect(await readdir(locksDir)).toEqual([]);
  });
});
