import { execa } from 'execa';
import { ciObjectPattern, ciStackPattern } from './domain.js';
import { DockerCommandError } from './errors.js';

/** The result of one docker CLI call (the fields execa's result has too). */
export interface DockerResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** Runs `docker <args>`; never throws for a non-zero exit (the caller reads `exitCode`). */
export type DockerRunner = (args: readonly string[]) => Promise<DockerResult>;

/** The default runner: the `docker` CLI through execa, an argument array, no shell. */
export const execaDocker: DockerRunner = async (args) => {
  const result = await execa('docker', [...args], { reject: false, timeout: 120_000 });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
};

/** Runs docker and returns stdout, throwing {@link DockerCommandError} on a non-zero exit. */
export async function dockerOut(docker: DockerRunner, args: readonly string[]): Promise<string> {
  const result = await docker(args);
  if (result.exitCode !== 0) throw new DockerCommandError(args, result.exitCode, result.stderr);
  return result.stdout;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Swarm objects of one CI stack. */
export interface StackObjects {
  services: string[];
  volumes: string[];
  secrets: string[];
  configs: string[];
  networks: string[];
}

export const OBJECT_KINDS = ['services', 'volumes', 'secrets', 'configs', 'networks'] as const;

function emptyObjects(): StackObjects {
  return { services: [], volumes: [], secrets: [], configs: [], networks: [] };
}

export function isEmpty(objects: StackObjects): boolean {
  return OBJECT_KINDS.every((k) => objects[k].length === 0);
}

/**
 * Every CI-owned swarm object under `ciDomain`, grouped by stack. A stack is known from its
 * services' `com.docker.stack.namespace` label (`docker stack ls`) or from object names
 * `<stack>_<name>`; only names matching the CI pattern are ever returned.
 */
export async function inventory(
  docker: DockerRunner,
  ciDomain: string,
): Promise<Map<string, StackObjects>> {
  const stackRe = ciStackPattern(ciDomain);
  const objectRe = ciObjectPattern(ciDomain);
  const [stacks, services, volumes, secrets, configs, networks] = await Promise.all([
    dockerOut(docker, ['stack', 'ls', '--format', '{{.Name}}']),
    dockerOut(docker, ['service', 'ls', '--format', '{{.Name}}']),
    dockerOut(docker, ['volume', 'ls', '--format', '{{.Name}}']),
    dockerOut(docker, ['secret', 'ls', '--format', '{{.Name}}']),
    dockerOut(docker, ['config', 'ls', '--format', '{{.Name}}']),
    dockerOut(docker, ['network', 'ls', '--format', '{{.Name}}']),
  ]);
  const found = new Map<string, StackObjects>();
  const group = (stack: string) => {
    let objects = found.get(stack);
    if (!objects) {
      objects = emptyObjects();
      found.set(stack, objects);
    }
    return objects;
  };
  for (const stack of lines(stacks)) if (stackRe.test(stack)) group(stack);
  const listed = { services, volumes, secrets, configs, networks };
  for (const kind of OBJECT_KINDS) {
    for (const name of new Set(lines(listed[kind]))) {
      const stack = objectRe.exec(name)?.[1];
      if (stack !== undefined) group(stack)[kind].push(name);
    }
  }
  return found;
}

/**
 * Services and containers still left of a stack: those carrying its namespace label, and the
 * task containers of the named services (a service made without `docker stack deploy`).
 */
export async function stackTasksLeft(
  docker: DockerRunner,
  stack: string,
  services: readonly string[] = [],
): Promise<number> {
  const filter = `label=com.docker.stack.namespace=${stack}`;
  const counts = await Promise.all([
    dockerOut(docker, ['service', 'ls', '-q', '--filter', filter]),
    dockerOut(docker, ['ps', '-a', '-q', '--filter', filter]),
    ...services.map((name) =>
      dockerOut(docker, [
        'ps',
        '-a',
        '-q',
        '--filter',
        `label=com.docker.swarm.service.name=${name}`,
      ]),
    ),
  ]);
  return counts.reduce((n, out) => n + lines(out).length, 0);
}

/**
 * Force-removes the task containers still left of a stack whose services are gone. Swarm
 * would stop them (waiting out the stop grace period) and garbage-collect the exited ones
 * seconds later; the janitor is discarding their volumes anyway. Errors are ignored: the
 * caller re-checks what is left.
 */
export async function removeStackContainers(
  docker: DockerRunner,
  stack: string,
  services: readonly string[] = [],
): Promise<void> {
  const filters = [
    `label=com.docker.stack.namespace=${stack}`,
    ...services.map((name) => `label=com.docker.swarm.service.name=${name}`),
  ];
  const ids = new Set<string>();
  for (const filter of filters) {
    const r = await docker(['ps', '-a', '-q', '--filter', filter]);
    for (const id of lines(r.stdout)) ids.add(id);
  }
  if (ids.size > 0) await docker(['rm', '-f', ...ids]);
}

/** True when no service of the stack (by label or by name) is left. */
export async function noServicesLeft(
  docker: DockerRunner,
  stack: string,
  services: readonly string[] = [],
): Promise<boolean> {
  const byLabel = await dockerOut(docker, [
    'service',
    'ls',
    '-q',
    '--filter',
    `label=com.docker.stack.namespace=${stack}`,
  ]);
  if (lines(byLabel).length > 0) return false;
  const all = lines(await dockerOut(docker, ['service', 'ls', '--format', '{{.Name}}']));
  return !services.some((name) => all.includes(name));
}
