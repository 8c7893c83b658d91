// Apart from swarm.ts, which the janitor bench imports too: vitest only loads inside a worker.
import { afterAll, beforeAll } from 'vitest';
import { stackName } from '../../src/index.js';
import { ensureBusyboxImage, removeAllContaining, uniqueCiDomain } from './swarm.js';

/**
 * Set-up of a suite on the real swarm: the busybox image before it, and a ci domain of its own
 * whose every object is removed after it.
 */
export function swarmSuiteDomain(): string {
  const ciDomain = uniqueCiDomain();
  beforeAll(async () => {
    await ensureBusyboxImage();
  });
  afterAll(async () => {
    await removeAllContaining(stackName(ciDomain));
  });
  return ciDomain;
}
