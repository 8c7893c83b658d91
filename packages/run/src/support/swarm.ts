import type { Proc } from './proc.js';

/** Everything of one stack on the swarm, by kind. */
export interface StackObjects {
  services: string[];
  containers: string[];
  volumes: string[];
  networks: string[];
  secrets: string[];
  configs: string[];
}

const KINDS = ['services', 'containers', 'volumes', 'networks', 'secrets', 'configs'] as const;

export function isEmpty(o: StackObjects): boolean {
  return KINDS.every((k) => o[k].length === 0);
}

export function describeObjects(o: StackObjects): string {
  return KINDS.filter((k) => o[k].length > 0)
    .map((k) => `${k}: ${o[k].join(', ')}`)
    .join('; ');
}

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Lists the stack's objects by the stack label and by the `<stack>_` name prefix (a run's
 * stack name is unique: it holds six random hex digits).
 */
export async function listStackObjects(proc: Proc, stack: string): Promise<StackObjects> {
  const label = `label=com.docker.stack.namespace=${stack}`;
  const prefix = `${stack}_`;
  const named = (names: string[]) => [
    ...new Set(names.filter((n) => n.startsWith(prefix) || n === stack)),
  ];
  const [services, containers, volumes, networks, secrets, configs] = await Promise.all([
    proc.run('docker', ['service', 'ls', '--filter', label, '--format', '{{.Name}}'], {
      quiet: true,
    }),
    proc.run('docker', ['ps', '-a', '--filter', label, '--format', '{{.ID}}']),
    proc.run('docker', ['volume', 'ls', '--format', '{{.Name}}'], { quiet: true }),
    proc.run('docker', ['network', 'ls', '--format', '{{.Name}}'], { quiet: true }),
    proc.run('docker', ['secret', 'ls', '--format', '{{.Name}}'], { quiet: true }),
    proc.run('docker', ['config', 'ls', '--format', '{{.Name}}'], { quiet: true }),
  ]);
  return {
    services: lines(services.stdout),
    containers: lines(containers.stdout),
    volumes: named(lines(volumes.stdout)),
    networks: named(lines(networks.stdout)),
    secrets: named(lines(secrets.stdout)),
    configs: named(lines(configs.stdout)),
  };
}

async function until<T>(
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const v = await probe();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, delay));
  }
}

/**
 * Removes every object of the stack: services (stack rm), then — once its containers are
 * gone — volumes, networks, secrets and configs. Returns what is left (empty when clean).
 */
export async function removeStack(
  proc: Proc,
  stack: string,
  timeoutMs = 120_000,
): Promise<StackObjects> {
  const first = await listStackObjects(proc, stack);
  if (isEmpty(first)) return first;
  if (first.services.length > 0) {
    await proc.run('docker', ['stack', 'rm', stack], { allowFailure: true });
  }
  await until(
    () => listStackObjects(proc, stack),
    (o) => o.services.length === 0 && o.containers.length === 0,
    timeoutMs,
  );
  const left = await listStackObjects(proc, stack);
  if (left.containers.length > 0) {
    await proc.run('docker', ['rm', '-f', ...left.containers], { allowFailure: true });
  }
  const rm = (kind: string, names: string[], extra: string[] = []) =>
    names.length > 0
      ? proc.run('docker', [kind, 'rm', ...extra, ...names], { allowFailure: true })
      : null;
  await rm('service', left.services);
  await Promise.all([rm('secret', left.secrets), rm('config', left.configs)]);
  return until(
    async () => {
      const o = await listStackObjects(proc, stack);
      await rm('volume', o.volumes, ['-f']);
      await rm('network', o.networks);
      return listStackObjects(proc, stack);
    },
    isEmpty,
    timeoutMs,
  );
}
