import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { execa, type Options, type ResultPromise } from 'execa';
import { defaultRegistry, type GroupRegistry } from './groups.js';
import { killTree, ProcessTree } from './process-tree.js';

/** execa's options, less those {@link startChild} owns (the group, the deadline, the kill). */
type ExecaOptions = Omit<
  Options,
  'detached' | 'timeout' | 'cancelSignal' | 'killSignal' | 'forceKillAfterDelay' | 'reject'
>;

export type ChildOptions = ExecaOptions & {
  /**
   * Deadline in ms: when it passes, the whole tree is killed and the outcome says `timedOut`.
   * Default none.
   */
  timeoutMs?: number | undefined;
  /** Aborting it kills the whole tree; the outcome says `aborted`. Default none. */
  signal?: AbortSignal | undefined;
  /** Grace between SIGTERM and SIGKILL when the tree is killed, ms. Default 5000. */
  killGraceMs?: number | undefined;
  /**
   * Registry the child joins while it runs (a dying parent's teardown funnel kills it); `null`
   * for a child that must outlive this process (the bot's harness runs). Default
   * {@link defaultRegistry}.
   */
  registry?: GroupRegistry | null | undefined;
  /**
   * Start under `setpriv --pdeathsig KILL` so the child dies with this process. Default true;
   * when `setpriv` (util-linux) is missing the child starts without it and `onWarn` is told.
   */
  pdeathsig?: boolean | undefined;
  onWarn?: ((message: string) => void) | undefined;
  /**
   * Follow descendants that leave the process group (a pty's session, a daemon that calls
   * `setsid`) by an environment marker every descendant inherits (`CCCI_CHILD_TREE=<uuid>`).
   * Costs a scan of /proc per look. Default false: the tree is the process group.
   */
  followDescendants?: boolean | undefined;
};

/** How a child ended; the same fields whether it succeeded or not (like execa's results). */
export interface ChildOutcome {
  /** `[cmd, ...args]` as asked for (without the `setpriv` wrapper). */
  command: string[];
  /** The exit code; undefined when the deadline or the signal killed it, or a signal ended it. */
  exitCode: number | undefined;
  /** The signal that ended the child, if one did. */
  signal: string | undefined;
  /** Buffered output ('' with `buffer: false` or a redirected stream). */
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the program could not be started at all. */
  spawnError: Error | undefined;
  durationMs: number;
}

export interface Child {
  /** The child's pid and process group id; undefined when it could not be started. */
  readonly pid: number | undefined;
  /** The execa subprocess, for its streams (`stdout`, `stdio[3]`, …). Await `outcome` instead. */
  readonly subprocess: ResultPromise<Options>;
  /**
   * What is killed. With `followDescendants`, call `members()` once the child has started its
   * sessions (at its first output): a session seen then is killed even where the marker is lost.
   */
  readonly tree: ProcessTree | undefined;
  /** Kill the whole tree: SIGTERM (or `signal`), SIGKILL after the grace; resolves when gone. */
  kill(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
  /**
   * Resolves when the child has exited and nothing of its tree is left (leftovers of a child
   * that exited are killed too). Never rejects.
   */
  readonly outcome: Promise<ChildOutcome>;
}

const MARKER = 'CCCI_CHILD_TREE';

let setprivPath: string | null | undefined;
function findSetpriv(): string | null {
  if (setprivPath === undefined) {
    try {
      execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
      setprivPath = 'setpriv';
    } catch {
      setprivPath = null;
    }
  }
  return setprivPath;
}

function checkMs(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
    throw new TypeError(`startChild: ${name} must be a number ≥ ${min}, got ${String(value)}`);
  }
}

/**
 * Start `cmd args` (an argument array, never a shell string) in its own process group
 * (`detached`), under `setpriv --pdeathsig KILL` (util-linux; it sets PR_SET_PDEATHSIG then
 * execs, so the pid is the command's own), registered until it is gone. The deadline and the
 * signal kill its whole tree: SIGTERM, then SIGKILL after `killGraceMs`. An already aborted
 * signal kills it at once: callers that must not start anything check first.
 */
export function startChild(
  cmd: string,
  args: readonly string[],
  options: ChildOptions = {},
): Child {
  const {
    timeoutMs,
    signal,
    killGraceMs = 5_000,
    registry = defaultRegistry,
    pdeathsig = true,
    onWarn,
    followDescendants = false,
    ...execaOptions
  } = options;
  checkMs('timeoutMs', timeoutMs, 1);
  checkMs('killGraceMs', killGraceMs, 0);
  const started = performance.now();
  const setpriv = pdeathsig ? findSetpriv() : null;
  if (pdeathsig && !setpriv)
    onWarn?.('setpriv not found: child started without a parent-death signal');
  const [file, argv] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', '--', cmd, ...args]]
    : [cmd, [...args]];
  const marker = followDescendants ? randomUUID() : undefined;
  const subprocess = execa(file, argv, {
    ...execaOptions,
    ...(marker === undefined ? {} : { env: { ...execaOptions.env, [MARKER]: marker } }),
    detached: true,
    reject: false,
  }) as ResultPromise<Options>;
  const pid = subprocess.pid;
  const tree =
    pid === undefined
      ? undefined
      : new ProcessTree(pid, marker === undefined ? undefined : `${MARKER}=${marker}`);

  let killing: Promise<void> | undefined;
  const kill = (o: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> => {
    if (!tree) return Promise.resolve();
    killing ??= killTree(tree, { ...o, graceMs: o.graceMs ?? killGraceMs });
    return killing;
  };
  let reason: 'timeout' | 'abort' | undefined;
  const end = (why: 'timeout' | 'abort') => {
    if (reason || !tree) return;
    reason = why;
    void kill();
  };
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => end('timeout'), timeoutMs);
  const onAbort = () => end('abort');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  // Nothing outlives a child: what it left running in its group (or tree) is killed when it
  // exits — before its output ends, as a leftover may hold the child's pipes open.
  subprocess.once('exit', () => {
    if (!killing && tree?.alive()) void kill();
  });
  const outcome = (async (): Promise<ChildOutcome> => {
    let result: Awaited<typeof subprocess>;
    try {
      result = await subprocess;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if (killing) await killing;
    else if (tree?.alive()) await kill();
    return {
      command: [cmd, ...args],
      exitCode: reason ? undefined : result.exitCode,
      signal: result.signal,
      stdout: text(result.stdout),
      stderr: text(result.stderr),
      timedOut: reason === 'timeout',
      aborted: reason === 'abort',
      spawnError: pid === undefined && result.cause instanceof Error ? result.cause : undefined,
      durationMs: Math.round(performance.now() - started),
    };
  })();
  if (pid !== undefined && registry) {
    registry.track(pid, (sig, graceMs) => kill({ signal: sig, graceMs }), outcome);
  }
  return { pid, subprocess, tree, kill, outcome };
}

function text(output: unknown): string {
  if (output === undefined || output === null) return '';
  if (Array.isArray(output)) return output.join('');
  return output instanceof Uint8Array ? Buffer.from(output).toString('utf8') : String(output);
}
