import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '@ccci/contracts';
import { type Child, startChild } from '@ccci/lifetime';
import type { DispatchRequest, Executor, ExecutorEvents, LookupResult } from './executor.js';

export interface LocalExecutorOptions {
  /**
   * The harness command as an argument array, e.g. `['harness-runner']` or
   * `['node', '--import', 'tsx', 'fake-harness.ts']`; `run --recipe … --ref … --run-id …` is
   * appended. Default `['harness-runner']`.
   */
  command?: readonly string[];
  /** Most runs at once (`MAX_TESTS`); the rest wait in order. Default 2. */
  maxTests?: number;
  /** Folder for per-run logs (`<runId>.log`) and pid markers. Required. */
  stateDir: string;
  /**
   * Extra environment for the harness. The harness gets no other variable of the bot's but
   * those {@link harnessEnvironment} lets through (never the forge token or webhook secret).
   */
  env?: Record<string, string>;
  /** Working directory of the harness. Default the bot's. */
  cwd?: string;
  /** Grace between TERM and KILL on cancel, ms. Default 30 000. */
  killGraceMs?: number;
  log?: Log;
}

interface Job {
  request: DispatchRequest;
  child?: Child;
}

function argv(r: DispatchRequest): string[] {
  const args = [
    'run',
    '--recipe',
    r.recipe,
    '--ref',
    r.headSha,
    '--src',
    r.src,
    '--run-id',
    r.runId,
  ];
  if (r.pr !== null) args.push('--pr', String(r.pr));
  if (r.stages !== null && r.stages.length > 0) args.push('--stages', r.stages.join(','));
  if (r.quick) args.push('--quick');
  if (r.keepMinutes !== null) args.push('--keep-on-failure', String(r.keepMinutes));
  return args;
}

/** Variables of the bot's environment a harness may see: the basics and the harness's own. */
const PASSED =
  /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z]+|TZ|TMPDIR|XDG_STATE_HOME|DOCKER_(HOST|CONFIG|CONTEXT)|NO_COLOR|CCCI_[A-Z0-9_]+)$/;
/** Never from the bot: the run gets its own report key and URL. */
const PER_RUN = new Set(['CCCI_REPORT_KEY', 'CCCI_REPORT_KEY_FILE', 'CCCI_REPORT_URL']);

/**
 * The environment a harness starts with: an allow-list of the bot's (basics, `CCCI_*` host
 * settings), never anything else (the forge token, the webhook secret, Drone's token).
 */
function harnessEnvironment(
  from: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(from)) {
    if (v !== undefined && PASSED.test(k) && !PER_RUN.has(k)) env[k] = v;
  }
  return env;
}

/** The kernel's start time of `pid` (field 22 of /proc/<pid>/stat), or null when it is gone. */
function startTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state: a zombie has exited.
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  return fields[19] ?? null;
}

/** Whether the process a marker names is still that process (not gone, a zombie, or reused). */
function alive(marker: string): boolean {
  const [pid, started] = marker.trim().split(/\s+/);
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return false;
  const now = startTime(n);
  return now !== null && (started === undefined || now === started);
}

/**
 * The embedded default executor: runs the harness as child processes, each in its own process
 * group, at most `maxTests` at once, the rest queued in order. Arguments go as an array (never a
 * shell string); the report key goes through the environment, not the command line.
 */
export function createLocalExecutor(options: LocalExecutorOptions): Executor & {
  /** Runs waiting for a slot, in order. */
  waiting(): string[];
  /** Runs whose process is alive. */
  running(): string[];
} {
  const command = options.command ?? ['harness-runner'];
  if (
    !Array.isArray(command) ||
    command.length === 0 ||
    command.some((c) => typeof c !== 'string' || c === '')
  ) {
    throw new TypeError(
      `createLocalExecutor: options.command must be a non-empty array of strings, found ${JSON.stringify(command)}`,
    );
  }
  const maxTests = options.maxTests ?? 2;
  if (!Number.isInteger(maxTests) || maxTests < 1 || maxTests > 64) {
    throw new TypeError(
      `createLocalExecutor: options.maxTests must be an integer 1…64, found ${String(maxTests)}`,
    );
  }
  if (typeof options.stateDir !== 'string' || options.stateDir === '') {
    throw new TypeError('createLocalExecutor: options.stateDir must be a folder path');
  }
  const stateDir = options.stateDir;
  mkdirSync(stateDir, { recursive: true });
  const killGraceMs = options.killGraceMs ?? 30_000;
  const log = options.log ?? {};
  const queue: Job[] = [];
  const active = new Map<string, Job>();
  let events: ExecutorEvents | undefined;
  let closed = false;
  const marker = (runId: string) => join(stateDir, `${runId}.pid`);
  /** Runs of an earlier bot seen alive by {@link poll}. */
  const adopted = new Set<string>();

  function pump(): void {
    while (!closed && active.size < maxTests && queue.length > 0) {
      const job = queue.shift() as Job;
      start(job);
    }
  }

  function start(job: Job): void {
    const r = job.request;
    const [file, ...prefix] = command as [string, ...string[]];
    // The harness writes its output to its log file itself, not through a pipe of the bot's: a
    // bot that dies (or restarts) does not take its runs with it (no EPIPE, no SIGPIPE).
    // A descriptor of the log file itself (execa's `{file}` would pipe through this process).
    const out = openSync(join(stateDir, `${r.runId}.log`), 'a', 0o600);
    const child = startChild(file, [...prefix, ...argv(r)], {
      // Own session and process group: cancel reaches the harness and its children. Not tied to
      // the bot's life (no parent-death signal, no registry): a restarted bot adopts its runs.
      registry: null,
      pdeathsig: false,
      killGraceMs,
      cleanup: false,
      stdin: 'ignore',
      // A descriptor number (execa's types take only literal ones; it passes any to spawn).
      stdout: out as 3,
      stderr: out as 3,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      extendEnv: false,
      env: {
        ...harnessEnvironment(process.env),
        ...options.env,
        CCCI_REPORT_URL: r.reportUrl,
        CCCI_REPORT_KEY: r.reportKey,
      },
    });
    // The child has its own copy of the descriptor.
    closeSync(out);
    job.child = child;
    active.set(r.runId, job);
    if (child.pid !== undefined)
      writeFileSync(marker(r.runId), `${child.pid} ${startTime(child.pid) ?? ''}\n`);
    log.info?.({ runId: r.runId, pid: child.pid }, 'local executor started a run');
    events?.started(r.runId);
    void child.outcome.then((result) => {
      active.delete(r.runId);
      rmSync(marker(r.runId), { force: true });
      const detail = result.signal
        ? `harness ended by ${result.signal}`
        : result.exitCode !== undefined
          ? `harness exited with code ${result.exitCode}`
          : 'harness could not start';
      log.info?.({ runId: r.runId, detail }, 'local executor: run ended');
      events?.exited(r.runId, detail);
      pump();
    });
  }

  /** SIGTERM the run's process group, SIGKILL after the grace; resolves once the run has ended. */
  async function terminate(job: Job, graceMs: number): Promise<void> {
    await job.child?.kill({ graceMs });
    await job.child?.outcome;
  }

  return {
    name: 'local',
    durable: false,
    async dispatch(request) {
      if (closed) throw new Error('local executor is closed');
      if (active.has(request.runId) || queue.some((j) => j.request.runId === request.runId)) {
        return { ref: `local:${request.runId}` };
      }
      queue.push({ request });
      pump();
      return { ref: `local:${request.runId}` };
    },
    async cancel(runId) {
      const i = queue.findIndex((j) => j.request.runId === runId);
      if (i >= 0) {
        queue.splice(i, 1);
        return;
      }
      const job = active.get(runId);
      if (job) await terminate(job, killGraceMs);
    },
    async lookup(runId): Promise<LookupResult> {
      if (active.has(runId) || queue.some((j) => j.request.runId === runId)) {
        return { kind: 'present', ref: `local:${runId}` };
      }
      let text: string;
      try {
        text = readFileSync(marker(runId), 'utf8');
      } catch {
        return { kind: 'absent' };
      }
      if (alive(text)) return { kind: 'present', ref: `local:${runId}` };
      rmSync(marker(runId), { force: true });
      return { kind: 'unknown', reason: 'its harness process ended while the bot was down' };
    },
    // Runs adopted from a bot that was restarted have no child handle here: their end is
    // noticed by their marker (the same process, by pid and start time), each poll cycle.
    async poll(runs) {
      for (const { runId } of runs) {
        if (active.has(runId) || queue.some((j) => j.request.runId === runId)) continue;
        let text: string | undefined;
        try {
          text = readFileSync(marker(runId), 'utf8');
        } catch {
          text = undefined;
        }
        if (text !== undefined && alive(text)) {
          adopted.add(runId);
          continue;
        }
        // No marker: a run never started here is the restart recovery's to decide; one seen
        // alive before has ended (whoever removed its marker).
        if (text === undefined && !adopted.has(runId)) continue;
        adopted.delete(runId);
        rmSync(marker(runId), { force: true });
        log.info?.({ runId }, 'local executor: an adopted run ended');
        events?.exited(runId, 'its harness process ended (the bot had been restarted)');
      }
    },
    setEvents(e) {
      events = e;
    },
    async close(opts) {
      closed = true;
      queue.length = 0;
      if (opts?.terminate) {
        await Promise.all(
          [...active.values()].map((j) => terminate(j, opts.graceMs ?? killGraceMs)),
        );
      }
    },
    waiting: () => queue.map((j) => j.request.runId),
    running: () => [...active.keys()],
  };
}
