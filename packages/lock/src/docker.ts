import { startChild } from '@ccci/lifetime';
import { DockerCommandError } from './errors.js';

/** The result of one docker CLI call (the fields execa's result has too). */
interface DockerResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** Runs `docker <args>`; never throws for a non-zero exit (the caller reads `exitCode`). */
export type DockerRunner = (args: readonly string[]) => Promise<DockerResult>;

/**
 * The default runner: the `docker` CLI, an argument array, no shell, in a process group of its
 * own under a parent-death signal, registered with the teardown funnel (@ccci/lifetime
 * `startChild`), so a janitor that is killed or times out leaves no docker call behind. Its
 * group is killed after 120 s (SIGTERM, SIGKILL 5 s later); the exit code is then undefined.
 */
export const execaDocker: DockerRunner = async (args) => {
  const { exitCode, stdout, stderr } = await startChild('docker', args, { timeoutMs: 120_000 })
    .outcome;
  return { exitCode, stdout, stderr };
};

/** Runs docker and returns stdout, throwing {@link DockerCommandError} on a non-zero exit. */
export async function dockerOut(docker: DockerRunner, args: readonly string[]): Promise<string> {
  const result = await docker(args);
  if (result.exitCode !== 0) throw new DockerCommandError(args, result.exitCode, result.stderr);
  return result.stdout;
}
