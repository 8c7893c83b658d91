// A stack's swarm objects, listed and removed by @ccci/lock's one module (stack-objects.ts),
// with docker run through this run's Proc: its process groups, its log and its timing.
import {
  type DockerRunner,
  describeObjects,
  isEmpty,
  listStackObjects as listObjects,
  removeStack as removeObjects,
  type StackObjects,
} from '@ccci/lock';
import type { Proc } from './proc.js';

export { describeObjects, isEmpty, type StackObjects };

/** docker through `proc`: listings (ls, ps, inspect) are not logged, only their failures. */
function procDocker(proc: Proc): DockerRunner {
  return (args) =>
    proc.run('docker', args, {
      allowFailure: true,
      quiet: args[0] === 'ps' || args[1] === 'ls' || args[1] === 'inspect',
    });
}

/** The stack's objects (by its label and its `<stack>_` name prefix). */
export function listStackObjects(proc: Proc, stack: string): Promise<StackObjects> {
  return listObjects(procDocker(proc), stack);
}

/** Removes every object of the stack; returns what is left (empty when clean). */
export function removeStack(proc: Proc, stack: string, timeoutMs = 120_000): Promise<StackObjects> {
  return removeObjects(procDocker(proc), stack, { timeoutMs });
}
