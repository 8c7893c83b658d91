import { spawnGroup } from '@ccci/lifetime';
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
 * own under a parent-death signal (@ccci/lifetime `spawnGroup`), so a janitor that is killed
 * or times out leaves no docker call behind. Killed after 120 s.
 */
export const execaDocker: DockerRunner = async (args) => {
  const result = await spawnGroup('docker', args, {
    reject: false,
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  return {
    exitCode: result.exitCode,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
};

/** Runs docker and returns stdout, throwing {@link DockerCommandError} on a non-zero exit. */
export async function dockerOut(docker: DockerRunner, args: readonly string[]): Promise<string> {
  const result = await docker(args);
  if (result.exitCode !== 0) throw new DockerCommandError(args, result.exitCode, result.stderr);
  return result.stdout;
}
