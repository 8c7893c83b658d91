// Telling the CI host's trouble from the recipe's: while a deploy waits for convergence, the
// swarm's own task states say whether the scheduler can place the recipe's tasks at all. A
// task the allocator never moves past `new` (an overlay network out of addresses: dockerd logs
// "could not find an available IP", the API shows only `new`), a task `pending` with "no
// suitable node" (a host port in use, no resources), or a task rejected because its image is
// missing is the host's problem: the run is `unver` with the swarm's reason, at once, not
// after the whole deploy timeout. A task that starts and then fails (crash loop, failing
// healthcheck) is the recipe's: abra's own timeout and the rung's `fail` stand.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Abra, AbraError } from '@ccci/abra';
import { stackName } from '@ccci/lock';
import { InfraError } from '../errors.js';
import type { Proc } from './proc.js';

export interface TaskState {
  id: string;
  name: string;
  state: string;
  since: number;
  error: string;
}

/** How long a task may sit unplaced before the host is blamed. */
const UNPLACED_MS = 15_000;

/** Tasks of the stack that should be running, with their state and since when. */
async function stackTasks(proc: Proc, stack: string, signal?: AbortSignal): Promise<TaskState[]> {
  const opts = { quiet: true, allowFailure: true, ...(signal ? { signal } : {}) };
  const ps = await proc.run(
    'docker',
    [
      'stack',
      'ps',
      stack,
      '--filter',
      'desired-state=running',
      '--no-trunc',
      '--format',
      '{{.ID}}\t{{.Name}}',
    ],
    opts,
  );
  if (ps.exitCode !== 0) return [];
  const names = new Map(
    ps.stdout
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => l.split('\t') as [string, string]),
  );
  if (names.size === 0) return [];
  const inspect = await proc.run(
    'docker',
    [
      'inspect',
      '--format',
      '{{.ID}}\t{{.Status.State}}\t{{.Status.Timestamp}}\t{{.Status.Err}}',
      ...names.keys(),
    ],
    opts,
  );
  return inspect.stdout
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [id = '', state = '', at = '', error = ''] = l.split('\t');
      return { id, name: names.get(id) ?? id, state, since: Date.parse(at), error };
    });
}

/** The host's reason a task cannot run, when it is the host's; undefined otherwise. */
export function hostProblem(
  t: TaskState,
  now: number,
  unplacedMs = UNPLACED_MS,
): string | undefined {
  const waited = Number.isFinite(t.since) ? now - t.since : 0;
  const secs = Math.round(waited / 1000);
  if (t.state === 'new' && waited >= unplacedMs)
    return `the swarm has not allocated ${t.name} for ${secs} s (task state new): an overlay network it joins may be out of addresses (docs/runbook.md, "proxy network addresses")`;
  if (t.state === 'pending' && /no suitable node/i.test(t.error) && waited >= unplacedMs)
    return `the swarm cannot place ${t.name} for ${secs} s: ${t.error}`;
  if (t.state === 'rejected' && /no such image|image .* not found/i.test(t.error))
    return `the swarm cannot start ${t.name}: ${t.error}`;
  return undefined;
}

/** The first host problem among the stack's tasks, if any. */
async function placementProblem(
  proc: Proc,
  stack: string,
  unplacedMs = UNPLACED_MS,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const now = Date.now();
  for (const t of await stackTasks(proc, stack, signal)) {
    const why = hostProblem(t, now, unplacedMs);
    if (why) return why;
  }
  return undefined;
}

/**
 * Every deploy of the wrapped client is watched: when the swarm cannot place a task (see
 * above) the deploy is stopped and rejects with an InfraError naming the swarm's reason; a
 * deploy abra gave up on (deploy timed out) whose tasks were never placed is the host's too.
 */
export function watchPlacement(
  abra: Abra,
  w: { proc: Proc; pollMs?: number; unplacedMs?: number },
): Abra {
  const deploy: Abra['deploy'] = async (o) => {
    const stack = stackName(o.domain);
    const stop = new AbortController();
    const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
    let problem: string | undefined;
    const ended = new AbortController();
    const watcher = (async () => {
      const until = AbortSignal.any([signal, ended.signal]);
      while (!until.aborted) {
        await sleep(w.pollMs ?? 2_000, undefined, { signal: until }).catch(() => undefined);
        if (until.aborted) return;
        problem = await placementProblem(w.proc, stack, w.unplacedMs, until).catch(() => undefined);
        if (problem) return stop.abort();
      }
    })();
    try {
      return await abra.deploy({ ...o, signal });
    } catch (error) {
      if (problem && !o.signal?.aborted) throw new InfraError(problem, { cause: error });
      if (error instanceof AbraError && error.code === 'ABRA_DEPLOY_TIMEOUT') {
        const why = await placementProblem(w.proc, stack, w.unplacedMs).catch(() => undefined);
        if (why) throw new InfraError(why, { cause: error });
      }
      throw error;
    } finally {
      ended.abort();
      await watcher;
    }
  };
  return new Proxy(abra, {
    get: (target, key, receiver) =>
      key === 'deploy' ? deploy : Reflect.get(target, key, receiver),
  });
}
