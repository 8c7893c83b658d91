// Figures for the lock and the janitor: lock take+release, one janitor pass with nothing to
// do, and deploy → reap of one fake CI stack on the real swarm. Prints; asserts nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDomainLock, appDomain, runJanitor, stackName } from '../src/index.js';
import {
  deployFakeStack,
  ensureBusyboxImage,
  removeAllContaining,
  uniqueCiDomain,
} from '../test/helpers/swarm.js';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const dir = await mkdtemp(join(tmpdir(), 'ccci-lock-bench-'));
const ciDomain = uniqueCiDomain();
try {
  const takes: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = process.hrtime.bigint();
    const lock = await acquireDomainLock({
      locksDir: dir,
      domain: 'cust-a1b2c3.ci.localhost',
      owner: { runId: 'bench' },
    });
    await lock.release();
    takes.push(ms(t0));
  }
  console.log(`lock take+release: median ${median(takes).toFixed(2)} ms over ${takes.length}`);

  const passes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    await runJanitor({ ciDomain, locksDir: dir });
    passes.push(ms(t0));
  }
  console.log(
    `janitor pass, nothing to reap: median ${median(passes).toFixed(0)} ms over ${passes.length}`,
  );

  await ensureBusyboxImage();
  const t0 = process.hrtime.bigint();
  await deployFakeStack(appDomain('bench', ciDomain));
  const deployed = ms(t0);
  const t1 = process.hrtime.bigint();
  const report = await runJanitor({ ciDomain, locksDir: dir });
  console.log(`fake stack deploy until its task runs: ${deployed.toFixed(0)} ms`);
  console.log(
    `janitor pass reaping 1 stack (service, volume, secret, config, network): ${ms(t1).toFixed(0)} ms → ${report.entries.map((e) => e.outcome + (e.error ? ` (${e.error})` : '')).join(',')}`,
  );
} finally {
  await removeAllContaining(stackName(ciDomain));
  await rm(dir, { recursive: true, force: true });
}
