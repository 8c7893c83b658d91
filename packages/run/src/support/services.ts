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

/** The services of a stack with their labels and named-volume mounts (docker service inspect). */
export async function stackServices(proc: Proc, stack: string): Promise<ServiceInfo[]> {
  const names = (
    await proc.run(
      'docker',
      [
        'service',
        'ls',
        '--filter',
        `label=com.docker.stack.namespace=${stack}`,
        '--format',
        '{{.Name}}',
      ],
      { quiet: true },
    )
  ).stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
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
      name: s.Name.startsWith(`${stack}_`) ? s.Name.slice(stack.length + 1) : s.Name,
      labels: s.Labels ?? {},
      volumes: (s.TaskTemplate?.ContainerSpec?.Mounts ?? [])
        .filter((m) => (m.Type ?? 'volume') === 'volume' && m.Source && m.Target)
        .map((m) => ({
          volume: (m.Source as string).startsWith(`${stack}_`)
            ? (m.Source as string).slice(stack.length + 1)
            : (m.Source as string),
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
  const out = await proc.run(
    'docker',
    [
      'service',
      'ls',
      '--filter',
      `label=com.docker.stack.namespace=${stack}`,
      '--format',
      '{{.Name}}\t{{.Replicas}}',
    ],
    { quiet: true, ...(signal ? { signal } : {}) },
  );
  return out.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [full = '', replicas = ''] = l.split('\t');
      const m = /^(\d+)\/(\d+)/.exec(replicas);
      return {
        name: full.startsWith(`${stack}_`) ? full.slice(stack.length + 1) : full,
        replicas,
        converged: m !== null && m[1] === m[2] && m[2] !== '0',
      };
    });
}
