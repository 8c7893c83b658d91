// Apart from swarm.ts, which the janitor bench imports too: vitest only loads inside a worker.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { appDomain, stackName } from '../../src/index.js';
import {
  deployFakeStack,
  ensureBusyboxImage,
  removeAllContaining,
  uniqueCiDomain,
} from './swarm.js';
import { tempDir } from './tmp.js';

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

/**
 * A custom-html app of `ciDomain` as a run leaves it deployed: its fake stack on the swarm and
 * its env file in an abra server dir (`envDir`); `locksDir` is where its lock would be (empty).
 */
export async function deployedApp(ciDomain: string) {
  const root = await tempDir();
  const locksDir = join(root, 'locks');
  const envDir = join(root, 'abra', 'servers', 'default');
  await mkdir(envDir, { recursive: true });
  const domain = appDomain('custom-html', ciDomain);
  const stack = await deployFakeStack(domain);
  await writeFile(join(envDir, `${domain}.env`), 'TYPE=custom-html\n');
  return { locksDir, envDir, domain, stack };
}
