import type { Proc } from './proc.js';

export interface ServiceInfo {
  /** Short name (without `<stack>_`). */
  name: string;
  labels: Record<string, string>;
  /** Named-volume mounts: volume name as in the compose file (without the stack prefix) and target. */
  volumes: { volume: string; target: string }[];
}

interface Spec {
  Name: string;
  Labels?: Record<string, string>;
  TaskTemplate?: {
    ContainerSpec?: { Mounts?: { Type?: string; Source?: string; Target?: string }[] };
  };
}

/** `name` without the `<stack>_` prefix docker gives the objects of a stack. */
function unprefixed(stack: string, name: string): string {
  return name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name;
}

/** `docker service ls` of the stack's services: one non-empty line each, in Go-template `format`. */
async function serviceLs(
  proc: Proc,
  stack: string,
  format: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const out = await proc.run(
    'docker',
    ['service', 'ls', '--filter', `label=com.docker.stack.namespace=${stack}`, '--format', format],
    { quiet: true, ...(signal ? { signal } : {}) },
  );
  return out.stdout.split('\n').filter((l) => l.trim());
}

/** The services of a stack with their labels and named-volume mounts (docker service inspect). */
export async function stackServices(proc: Proc, stack: string): Promise<ServiceInfo[]> {
  const names = (await serviceLs(proc, stack, '{{.Name}}')).map((l) => l.trim());
  if (names.length === 0) return [];
  const out = await proc.run(
    'docker',
    ['service', 'inspect', '--format', '{{json .Spec}}', ...names],
    { quiet: true },
  );
  return out.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Spec)
    .map((s) => ({
      name: unprefixed(stack, s.Name),
      labels: s.Labels ?? {},
      volumes: (s.TaskTemplate?.ContainerSpec?.Mounts ?? [])
        .filter((m) => (m.Type ?? 'volume') === 'volume' && m.Source && m.Target)
        .map((m) => ({
          volume: unprefixed(stack, m.Source as string),
          target: m.Target as string,
        })),
    }));
}

/** The version label abra puts on the stack (`coop-cloud.<stack>.version`), from any service. */
export function deployedVersion(services: ServiceInfo[], stack: string): string | undefined {
  for (const s of services) {
    const v = s.labels[`coop-cloud.${stack}.version`];
    if (v) return v;
  }
  return undefined;
}

/** Running and desired tasks of each service of a stack, as the swarm counts them. */
export async function stackReplicas(
  proc: Proc,
  stack: string,
  signal?: AbortSignal,
): Promise<{ name: string; replicas: string; converged: boolean }[]> {
  const lines = await serviceLs(proc, stack, '{{.Name}}\t{{.Replicas}}', signal);
  return lines.map((l) => {
    const [full = '', replicas = ''] = l.split('\t');
    const m = /^(\d+)\/(\d+)/.exec(replicas);
    return {
      name: unprefixed(stack, full),
      replicas,
      converged: m !== null && m[1] === m[2] && m[2] !== '0',
    };
  });
}
