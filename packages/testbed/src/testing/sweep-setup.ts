// vitest globalSetup: before any test, the test stacks a killed earlier run left on this swarm
// are removed (see stale-stacks.ts). Never fails the run: without Docker there is nothing to do.
import { sweepStaleTestStacks } from './stale-stacks.js';

export default async function setup(): Promise<void> {
  try {
    await sweepStaleTestStacks();
  } catch (error) {
    process.stderr.write(`sweeping stale test stacks failed: ${(error as Error).message}\n`);
  }
}
