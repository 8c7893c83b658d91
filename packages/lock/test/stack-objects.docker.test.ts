import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ReapAbortedError } from '../src/errors.js';
import {
  appDomain,
  type DockerRunner,
  execaDocker,
  listStackObjects,
  objectNames,
  removeStack,
} from '../src/index.js';
import { deployFakeStack, IMAGE, objectsContaining } from './helpers/swarm.js';
import { swarmSuiteDomain } from './helpers/swarm-suite.js';

const ciDomain = swarmSuiteDomain();

/** execaDocker, recording the verb of every removal (`service rm`, `rm`, `volume rm`, …). */
function recording(): { docker: DockerRunner; removals: string[] } {
  const removals: string[] = [];
  const docker: DockerRunner = (args) => {
    const verb = args[0] === 'rm' ? 'rm' : args[1] === 'rm' ? `${args[0]} rm` : undefined;
    if (verb && removals.at(-1) !== verb) removals.push(verb);
    return execaDocker(args);
  };
  return { docker, removals };
}

describe('removeStack on the real swarm', { timeout: 180_000 }, () => {
  it('lists and removes a stack whole, services first and networks last, and nothing else', async () => {
    const stack = await deployFakeStack(appDomain('custom-html', ciDomain));
    // A service made without `docker stack deploy` (no namespace label) and a look-alike.
    await execa('docker', [
      'service',
      'create',
      '--detach',
      '--no-resolve-image',
      '--name',
      `${stack}_extra`,
      '--stop-grace-period',
      '1s',
      IMAGE,
      'sleep',
      '3600',
    ]);
    await execa('docker', ['volume', 'create', `${stack}x_data`]);
    const before = await listStackObjects(execaDocker, stack);
    expect(before).toMatchObject({
      services: [`${stack}_app`, `${stack}_extra`],
      volumes: [`${stack}_data`],
      secrets: [`${stack}_s1_v1`],
      configs: [`${stack}_c1`],
      networks: [`${stack}_default`],
    });
    expect(before.containers.every((c) => c.startsWith(`${stack}_`))).toBe(true);

    const { docker, removals } = recording();
    expect(objectNames(await removeStack(docker, stack))).toEqual([]);
    expect(objectNames(await listStackObjects(execaDocker, stack))).toEqual([]);
    // Containers are force-removed only when the services are gone, and only if swarm has
    // not collected them first; the rest is in this order.
    expect(removals.filter((r) => r !== 'rm')).toEqual([
      'stack rm',
      'service rm',
      'volume rm',
      'secret rm',
      'config rm',
      'network rm',
    ]);
    expect(await objectsContaining(`${stack}x`)).toEqual([`${stack}x_data`]);
  });

  it('stops at the step beforeStep refuses and rethrows its error', async () => {
    const domain = appDomain('gitea', ciDomain);
    const stack = await deployFakeStack(domain);
    const refused = removeStack(execaDocker, stack, {
      beforeStep: async (step) => {
        if (step === 'volume rm') throw new ReapAbortedError(domain, step);
      },
    });
    await expect(refused).rejects.toBeInstanceOf(ReapAbortedError);
    const left = await listStackObjects(execaDocker, stack);
    expect(left.services).toEqual([]);
    expect(left.volumes).toEqual([`${stack}_data`]);
    expect(objectNames(await removeStack(execaDocker, stack))).toEqual([]);
  });
});
