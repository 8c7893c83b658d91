// The docker CLI, always with argument arrays.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Backoff } from '@ccci/backoff';
import { execa } from 'execa';
import { fatal } from './log.js';

let bin: string | undefined;
/** The docker CLI found on the double's own PATH: a child given an exact env has no PATH. */
function dockerBin(): string {
  if (bin) return bin;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'docker'), constants.X_OK);
      bin = join(dir, 'docker');
      return bin;
    } catch {}
  }
  return 'docker';
}

export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function docker(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<DockerResult> {
  const r = await execa(dockerBin(), args, {
    reject: false,
    ...(opts.env ? { env: opts.env, extendEnv: false } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

async function dockerOk(args: string[]): Promise<string> {
  const r = await docker(args);
  if (r.exitCode !== 0) fatal(r.stderr.trim() || `docker ${args[0]} failed`);
  return r.stdout;
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

export interface ServiceState {
  name: string;
  replicas: string;
  updateState: string;
  /** `UpdateStatus.StartedAt`, '' when the service was never updated. */
  updateStarted: string;
  /** JSON of `Spec.TaskTemplate`: when it changes, swarm replaces the tasks (rolling update). */
  template: string;
}

export async function stackServices(stack: string): Promise<ServiceState[]> {
  const ls = await dockerOk([
    'service',
    'ls',
    '--filter',
    `label=com.docker.stack.namespace=${stack}`,
    '--format',
    '{{.ID}}\t{{.Name}}\t{{.Replicas}}',
  ]);
  const rows = lines(ls).map((l) => l.split('\t') as [string, string, string]);
  if (rows.length === 0) return [];
  const inspect = await docker([
    'service',
    'inspect',
    '--format',
    '{{.Spec.Name}}\t{{if .UpdateStatus}}{{.UpdateStatus.State}}\t{{.UpdateStatus.StartedAt}}{{else}}\t{{end}}\t{{json .Spec.TaskTemplate}}',
    ...rows.map((r) => r[0]),
  ]);
  const details = new Map(
    lines(inspect.stdout).map((l) => {
      const [id = '', state = '', started = '', template = ''] = l.split('\t');
      return [id, { state, started, template }];
    }),
  );
  return rows.map(([, name, replicas]) => ({
    name,
    replicas: replicas.split(' ')[0] ?? replicas,
    updateState: details.get(name)?.state ?? '',
    updateStarted: details.get(name)?.started ?? '',
    template: details.get(name)?.template ?? '',
  }));
}

/**
 * Converged: every replica running (healthy, when there is a healthcheck: swarm keeps a task
 * `starting` until then) and no update in flight. `before` is the service as it was before
 * this deploy: if its task template changed, the rolling update this deploy started must
 * have completed (swarm sets UpdateStatus a moment after the deploy returns).
 */
export function converged(s: ServiceState, before?: ServiceState): boolean {
  const [running, desired] = s.replicas.split('/');
  const settled = s.updateState === '' || s.updateState === 'completed';
  const rolled =
    !before ||
    before.template === s.template ||
    (s.updateState === 'completed' && s.updateStarted !== before.updateStarted);
  return running === desired && desired !== '0' && settled && rolled;
}

/** Names of swarm objects of a kind whose name starts with `prefix`. */
export async function objectsWithPrefix(
  kind: 'service' | 'volume' | 'secret' | 'config' | 'network',
  prefix: string,
): Promise<string[]> {
  const r = await docker([kind, 'ls', '--filter', `name=${prefix}`, '--format', '{{.Name}}']);
  return lines(r.stdout).filter((n) => n.startsWith(prefix));
}

export async function stackContainers(stack: string): Promise<string[]> {
  const r = await docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`]);
  return lines(r.stdout);
}

/** A running container of `<stack>_<service>`, for exec. */
export async function runningContainer(stack: string, service: string): Promise<string> {
  const r = await docker([
    'ps',
    '-q',
    '--filter',
    `label=com.docker.swarm.service.name=${stack}_${service}`,
    '--filter',
    'status=running',
  ]);
  const id = lines(r.stdout)[0];
  if (!id) fatal(`no running container found for service ${service} of ${stack}`);
  return id;
}

/**
 * How the double re-checks swarm state (convergence, removal): 250 ms, then growing to 1 s.
 * Each check is two docker CLI calls; at a fixed 250 ms a busy suite spent much of its CPU on them.
 */
export const SWARM_POLL: Backoff = { firstMs: 250, factor: 1.5, maxMs: 1_000 };
