import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DockerRunner } from './docker.js';
import { LockPackageError, ReapAbortedError } from './errors.js';
import { assertRunId, runDirOf } from './run-state.js';
import {
  emptyObjects,
  inventory,
  isEmpty,
  listStackObjects,
  objectNames,
  removeStack,
  type StackObjects,
} from './stack-objects.js';
import type { ReapContext } from './sweep.js';

/** What one reap removed: the stack's objects, then its env file and run dir. */
export interface ReapReport extends StackObjects {
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
class ReapIncompleteError extends LockPackageError {
  constructor(stack: string, left: string[]) {
    super('LOCK_REAP_INCOMPLETE', `reap of ${stack} left ${left.join(', ')}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Removes one CI stack completely ({@link removeStack}: services, task containers, volumes,
 * secrets, configs, networks), then the app env file and the dead run's dir. Before each step
 * it checks the janitor still holds the lock. Returns `'gone'` when nothing of the stack was
 * there.
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
  const objects = (await inventory(docker, ciDomain)).get(stack) ?? emptyObjects();
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
  if (isEmpty(objects) && isEmpty(await listStackObjects(docker, stack)) && !hasEnv && !hasRunDir)
    return 'gone';

  const left = await removeStack(docker, stack, {
    known: objects,
    timeoutMs: waitTimeoutMs,
    beforeStep: guard,
  });
  if (!isEmpty(left)) throw new ReapIncompleteError(stack, objectNames(left));

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

  return report;
}
