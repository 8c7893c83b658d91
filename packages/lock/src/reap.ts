import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DockerRunner,
  inventory,
  isEmpty,
  noServicesLeft,
  OBJECT_KINDS,
  removeStackContainers,
  stackTasksLeft,
} from './docker.js';
import { DockerCommandError, LockPackageError, ReapAbortedError } from './errors.js';
import { assertRunId, runDirOf } from './run-state.js';
import type { ReapContext } from './sweep.js';
import { waitFor } from './wait.js';

/** What one reap removed. */
export interface ReapReport {
  services: string[];
  volumes: string[];
  secrets: string[];
  configs: string[];
  networks: string[];
  /** The app env file removed, if any. */
  envFile?: string;
  /** The dead run's run dir removed, if any. */
  runDir?: string;
}

export interface ReapStackOptions {
  docker: DockerRunner;
  ciDomain: string;
  stack: string;
  /** `<abraDir>/servers/<server>`: where `<domain>.env` lives. */
  envDir?: string | undefined;
  /** Where run dirs live: the dead holder's `<runId>.<pid>` dir is removed. */
  runsDir?: string | undefined;
  /** Upper bound for tasks to stop and volumes to be released (default 120 000 ms). */
  waitTimeoutMs?: number | undefined;
}

/** Objects that were reaped but are still there afterwards. */
export class ReapIncompleteError extends LockPackageError {
  constructor(stack: string, left: string[]) {
    super('ERR_REAP_INCOMPLETE', `reap of ${stack} left ${left.join(', ')}`);
  }
}

const NOT_FOUND = /no such|not found/i;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Removes one CI stack completely, in the order Docker allows: the stack (services, and the
 * secrets, configs and networks it labels), then — once every task container is gone — the
 * named volumes, leftover secrets, configs and networks, the app env file and the dead run's
 * dir. Before each step it checks the janitor still holds the lock. Returns `'gone'` when
 * nothing of the stack was there.
 */
export async function reapStack(
  context: ReapContext,
  options: ReapStackOptions,
): Promise<ReapReport | 'gone'> {
  const { docker, stack, ciDomain, waitTimeoutMs = 120_000 } = options;
  const { domain } = context;
  const guard = async (step: string) => {
    if (!(await context.stillHeld())) throw new ReapAbortedError(domain, step);
  };
  const objects = (await inventory(docker, ciDomain)).get(stack) ?? {
    services: [],
    volumes: [],
    secrets: [],
    configs: [],
    networks: [],
  };
  const envFile = options.envDir ? join(options.envDir, `${domain}.env`) : undefined;
  let runDir: string | undefined;
  if (options.runsDir && context.owner) {
    try {
      assertRunId(context.owner.runId);
      runDir = runDirOf(options.runsDir, context.owner.runId, context.owner.pid);
    } catch {
      // An owner file with an unusable run id names no run dir.
    }
  }
  const hasEnv = envFile !== undefined && (await exists(envFile));
  const hasRunDir = runDir !== undefined && (await exists(runDir));
  const tasks = await stackTasksLeft(docker, stack, objects.services);
  if (isEmpty(objects) && tasks === 0 && !hasEnv && !hasRunDir) return 'gone';

  await guard('stack rm');
  if (objects.services.length > 0) {
    // Removes the services and whatever carries the stack label; a network that still has
    // endpoints makes it exit non-zero — handled by the network step below.
    await docker(['stack', 'rm', stack]);
    for (const service of objects.services) {
      const r = await docker(['service', 'rm', service]);
      if (r.exitCode !== 0 && !NOT_FOUND.test(r.stderr)) {
        throw new DockerCommandError(['service', 'rm', service], r.exitCode, r.stderr);
      }
    }
  }
  await waitFor(
    async () => {
      if ((await stackTasksLeft(docker, stack, objects.services)) === 0) return true;
      // Containers stay after their service is gone until swarm stops and collects them.
      if (await noServicesLeft(docker, stack, objects.services)) {
        await removeStackContainers(docker, stack, objects.services);
      }
      return false;
    },
    { timeoutMs: waitTimeoutMs, what: `the tasks of ${stack} to stop` },
  );

  // A volume stays "in use" until the task container is removed, shortly after the task
  // stopped; a network keeps "active endpoints" for a moment too. Both are retried.
  const removeAll = async (kind: 'volume' | 'secret' | 'config' | 'network', names: string[]) => {
    await guard(`${kind} rm`);
    for (const name of names) {
      await waitFor(
        async () => {
          const r = await docker([kind, 'rm', name]);
          if (r.exitCode !== 0 && !NOT_FOUND.test(r.stderr)) {
            if (/in use|active endpoints/i.test(r.stderr)) return false;
            throw new DockerCommandError([kind, 'rm', name], r.exitCode, r.stderr);
          }
          // A stack's overlay network can answer "not found" by id while the node still
          // lists its local copy for a moment: done only when inspect no longer finds it.
          return (await docker([kind, 'inspect', name])).exitCode !== 0;
        },
        { timeoutMs: waitTimeoutMs, what: `${kind} ${name} to be released` },
      );
    }
  };
  await removeAll('volume', objects.volumes);
  await removeAll('secret', objects.secrets);
  await removeAll('config', objects.configs);
  await removeAll('network', objects.networks);

  const report: ReapReport = { ...objects };
  if (hasEnv && envFile) {
    await guard('env file rm');
    await rm(envFile, { force: true });
    report.envFile = envFile;
  }
  if (hasRunDir && runDir) {
    await guard('run dir rm');
    await rm(runDir, { recursive: true, force: true });
    report.runDir = runDir;
  }

  const after = (await inventory(docker, ciDomain)).get(stack);
  if (after && !isEmpty(after)) {
    throw new ReapIncompleteError(
      stack,
      OBJECT_KINDS.flatMap((k) => after[k]),
    );
  }
  return report;
}
