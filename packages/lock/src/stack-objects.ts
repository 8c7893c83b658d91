import { type DockerRunner, dockerOut } from './docker.js';
import { ciObjectPattern, ciStackPattern } from './domain.js';
import { DockerCommandError, WaitTimeoutError } from './errors.js';
import { waitFor } from './wait.js';

/** The swarm objects of one stack, by kind (names). */
export interface StackObjects {
  services: string[];
  /** Task containers (and any container named `<stack>_…`), running or exited. */
  containers: string[];
  volumes: string[];
  secrets: string[];
  configs: string[];
  networks: string[];
}

/** The kinds of {@link StackObjects}, in the order they are removed. */
const OBJECT_KINDS = [
  'services',
  'containers',
  'volumes',
  'secrets',
  'configs',
  'networks',
] as const;

export function emptyObjects(): StackObjects {
  return { services: [], containers: [], volumes: [], secrets: [], configs: [], networks: [] };
}

export function isEmpty(objects: StackObjects): boolean {
  return OBJECT_KINDS.every((k) => objects[k].length === 0);
}

/** Every name, kind by kind: `[]` for a stack with nothing left. */
export function objectNames(objects: StackObjects): string[] {
  return OBJECT_KINDS.flatMap((k) => objects[k]);
}

/** `services: a, b; volumes: c` — the kinds that are not empty. */
export function describeObjects(objects: StackObjects): string {
  return OBJECT_KINDS.filter((k) => objects[k].length > 0)
    .map((k) => `${k}: ${objects[k].join(', ')}`)
    .join('; ');
}

function union(a: StackObjects, b: StackObjects): StackObjects {
  const out = emptyObjects();
  for (const k of OBJECT_KINDS) out[k] = [...new Set([...a[k], ...b[k]])].sort();
  return out;
}

async function names(docker: DockerRunner, args: readonly string[]): Promise<string[]> {
  const text = await dockerOut(docker, args);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/**
 * Lists a stack's objects: those carrying its `com.docker.stack.namespace` label and those
 * named `<stack>_…` (or `<stack>`), which also finds a service made without `docker stack
 * deploy` and its containers. A run's stack name is unique (six random hex digits), so the
 * prefix is the stack's own. Throws {@link DockerCommandError} when docker cannot list.
 */
export async function listStackObjects(docker: DockerRunner, stack: string): Promise<StackObjects> {
  const label = `label=com.docker.stack.namespace=${stack}`;
  const prefix = `${stack}_`;
  const ours = (list: string[]) =>
    [...new Set(list.filter((n) => n.startsWith(prefix) || n === stack))].sort();
  const [labelled, services, tasks, containers, volumes, secrets, configs, networks] =
    await Promise.all([
      names(docker, ['service', 'ls', '--filter', label, '--format', '{{.Name}}']),
      names(docker, ['service', 'ls', '--format', '{{.Name}}']),
      names(docker, ['ps', '-a', '--filter', label, '--format', '{{.Names}}']),
      names(docker, ['ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}']),
      names(docker, ['volume', 'ls', '--format', '{{.Name}}']),
      names(docker, ['secret', 'ls', '--format', '{{.Name}}']),
      names(docker, ['config', 'ls', '--format', '{{.Name}}']),
      names(docker, ['network', 'ls', '--format', '{{.Name}}']),
    ]);
  return {
    services: [...new Set([...labelled, ...ours(services)])].sort(),
    containers: [...new Set([...tasks, ...ours(containers)])].sort(),
    volumes: ours(volumes),
    secrets: ours(secrets),
    configs: ours(configs),
    networks: ours(networks),
  };
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
  const [stacks, services, containers, volumes, secrets, configs, networks] = await Promise.all([
    names(docker, ['stack', 'ls', '--format', '{{.Name}}']),
    names(docker, ['service', 'ls', '--format', '{{.Name}}']),
    names(docker, ['ps', '-a', '--format', '{{.Names}}']),
    names(docker, ['volume', 'ls', '--format', '{{.Name}}']),
    names(docker, ['secret', 'ls', '--format', '{{.Name}}']),
    names(docker, ['config', 'ls', '--format', '{{.Name}}']),
    names(docker, ['network', 'ls', '--format', '{{.Name}}']),
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
  for (const stack of stacks) if (stackRe.test(stack)) group(stack);
  const listed = { services, containers, volumes, secrets, configs, networks };
  for (const kind of OBJECT_KINDS) {
    for (const name of new Set(listed[kind])) {
      const stack = objectRe.exec(name)?.[1];
      if (stack !== undefined) group(stack)[kind].push(name);
    }
  }
  return found;
}

export interface RemoveStackOptions {
  /** Objects known beforehand (the janitor's inventory), removed with those listed now. */
  known?: StackObjects | undefined;
  /**
   * Upper bound of each wait — the tasks to stop, each kind to be released (default 120 000
   * ms). Past it the removal goes on with the next kind; what stayed is in the result.
   */
  timeoutMs?: number | undefined;
  /**
   * Awaited before each step (`stack rm`, `volume rm`, `secret rm`, `config rm`, `network
   * rm`); what it throws stops the removal and is rethrown (the janitor checks it still
   * holds the lock). Default: nothing.
   */
  beforeStep?: ((step: string) => Promise<void>) | undefined;
}

/** stderr of a removal that only needs time (in use, active endpoints) or found nothing. */
const BENIGN = /no such|not found|in use|active endpoints/i;

/** waitFor, but running out of time ends the wait instead of throwing. */
async function settle(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  try {
    await waitFor(condition, { timeoutMs, maxIntervalMs: 500, what });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
  }
}

/** Services and containers of the stack still there: by label, by name, and those known. */
async function tasksLeft(
  docker: DockerRunner,
  stack: string,
  known: readonly string[],
): Promise<{ services: string[]; containers: string[] }> {
  const label = `label=com.docker.stack.namespace=${stack}`;
  const prefix = `${stack}_`;
  const [labelled, services, tasks, named] = await Promise.all([
    names(docker, ['service', 'ls', '--filter', label, '--format', '{{.Name}}']),
    names(docker, ['service', 'ls', '--format', '{{.Name}}']),
    names(docker, ['ps', '-a', '--filter', label, '--format', '{{.Names}}']),
    names(docker, ['ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}']),
  ]);
  return {
    services: [...labelled, ...services.filter((s) => s.startsWith(prefix) || known.includes(s))],
    containers: [...new Set([...tasks, ...named.filter((n) => n.startsWith(prefix))])],
  };
}

async function removeKind(
  docker: DockerRunner,
  kind: 'volume' | 'secret' | 'config' | 'network',
  pending: string[],
  timeoutMs: number,
): Promise<void> {
  let left = pending;
  await settle(
    async () => {
      if (left.length === 0) return true;
      const args = [kind, 'rm', ...left];
      const r = await docker(args);
      // One line per name that failed (the CLI adds `exit status 1` after them).
      const errors = r.stderr
        .split('\n')
        .filter((l) => l.trim() !== '' && !/^exit status \d+$/.test(l.trim()) && !BENIGN.test(l));
      if (r.exitCode !== 0 && errors.length > 0) {
        throw new DockerCommandError(args, r.exitCode, r.stderr);
      }
      // Done only when no longer listed: a stack's overlay network can answer "not found" by
      // id while the node still lists its local copy for a moment.
      const listed = await names(docker, [kind, 'ls', '--format', '{{.Name}}']);
      left = left.filter((n) => listed.includes(n));
      return left.length === 0;
    },
    timeoutMs,
    `the ${kind}s of the stack to be released`,
  );
}

/**
 * Removes every object of a stack, in the order that leaks least: the services (`docker stack
 * rm`, then `docker service rm` for any not labelled), then — once no service is left — the
 * task containers (force-removed: swarm would stop them, wait out their stop grace and collect
 * them seconds later; their volumes go anyway), then volumes, secrets, configs and networks, each
 * retried while Docker still calls it in use. Returns what is left: empty when the stack is
 * gone. Throws {@link DockerCommandError} for a docker failure that is not "in use" or "not
 * found", and whatever `beforeStep` throws.
 */
export async function removeStack(
  docker: DockerRunner,
  stack: string,
  options: RemoveStackOptions = {},
): Promise<StackObjects> {
  const { timeoutMs = 120_000, beforeStep = async () => {} } = options;
  const first = union(options.known ?? emptyObjects(), await listStackObjects(docker, stack));
  if (isEmpty(first)) return first;

  await beforeStep('stack rm');
  if (first.services.length > 0) {
    // Removes the services and whatever carries the stack label; a network that still has
    // endpoints makes it exit non-zero — handled by the network step below.
    await docker(['stack', 'rm', stack]);
    for (const service of first.services) {
      const r = await docker(['service', 'rm', service]);
      if (r.exitCode !== 0 && !/no such|not found/i.test(r.stderr)) {
        throw new DockerCommandError(['service', 'rm', service], r.exitCode, r.stderr);
      }
    }
  }
  await settle(
    async () => {
      const left = await tasksLeft(docker, stack, first.services);
      if (left.services.length === 0 && left.containers.length > 0) {
        await docker(['rm', '-f', ...left.containers]);
        return false;
      }
      return left.services.length === 0 && left.containers.length === 0;
    },
    timeoutMs,
    `the tasks of ${stack} to stop`,
  );

  // A volume stays "in use" until its task container is removed; a network keeps "active
  // endpoints" for a moment after. Objects that appeared since the first listing go too.
  const now = union(first, await listStackObjects(docker, stack));
  for (const kind of ['volume', 'secret', 'config', 'network'] as const) {
    await beforeStep(`${kind} rm`);
    await removeKind(docker, kind, now[`${kind}s`], timeoutMs);
  }
  return listStackObjects(docker, stack);
}
