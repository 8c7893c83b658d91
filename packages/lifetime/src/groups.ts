import { execFileSync } from 'node:child_process';
import { execa, type Options, type ResultPromise } from 'execa';

/**
 * Everything of a run that can still be running: child process groups (keyed by group id =
 * leader pid) and operations that manage processes of their own (abra under a pty, whose
 * program runs in a session of its own). The teardown funnel kills them all and waits until
 * each is gone before teardown starts.
 */
export class GroupRegistry {
  readonly #groups = new Set<number>();
  readonly #operations = new Map<symbol, { kill: () => void; done: Promise<void> }>();

  add(pgid: number): void {
    this.#groups.add(pgid);
  }

  delete(pgid: number): void {
    this.#groups.delete(pgid);
  }

  /** Live groups and operations. */
  get size(): number {
    return this.#groups.size + this.#operations.size;
  }

  /**
   * Runs an operation that manages its own processes: `run` gets a signal that {@link killAll}
   * aborts, and killAll waits until the operation has settled (its processes dead).
   */
  operation<T>(run: (kill: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const key = Symbol('operation');
    const result = run(controller.signal);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.#operations.set(key, { kill: () => controller.abort(), done });
    void done.then(() => this.#operations.delete(key));
    return result;
  }

  list(): number[] {
    return [...this.#groups];
  }

  /**
   * Send `signal` to every group and abort every operation, wait up to `graceMs` for each group
   * to be gone, then SIGKILL what is left, and wait for every operation to settle. Resolves
   * when every group is gone or has been sent SIGKILL and every operation has settled.
   */
  async killAll(options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    // Rounds: a group or operation that registered while the previous round was being killed
    // (a hand-over from one child to the next) is killed in the next one.
    for (let round = 0; round < 10 && this.size > 0; round++) {
      const groups = this.list();
      const operations = [...this.#operations.values()];
      for (const o of operations) o.kill();
      for (const g of groups) killGroup(g, options.signal ?? 'SIGTERM');
      await Promise.all([
        ...groups.map(async (g) => {
          if (!(await waitGroupGone(g, options.graceMs ?? 5_000))) killGroup(g, 'SIGKILL');
          this.#groups.delete(g);
        }),
        ...operations.map((o) => o.done),
      ]);
    }
  }
}

/** Registry used when none is passed: the one the guards kill. */
export const defaultRegistry = new GroupRegistry();

/** Signal a whole process group; a group that is already gone is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) {
    throw new TypeError(`killGroup: pid must be a process group id > 1, got ${String(pgid)}`);
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** True when no process of the group is left (polls; bounded by `timeoutMs`). */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      process.kill(-pgid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, delay));
  }
}

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

export type SpawnGroupOptions = Options & {
  /** Registry the child group joins while it runs. Default: {@link defaultRegistry}. */
  registry?: GroupRegistry;
  /**
   * Start under `setpriv --pdeathsig KILL` so the child dies with this process. Default true;
   * when `setpriv` (util-linux) is missing the child starts without it and `onWarn` is told.
   */
  pdeathsig?: boolean;
  onWarn?: (message: string) => void;
};

/**
 * Start `cmd args` in its own process group (`detached`), under `setpriv --pdeathsig KILL`
 * (util-linux; it sets PR_SET_PDEATHSIG then execs, so the pid is the command's own), and
 * register the group until it exits. Returns the execa subprocess.
 */
export function spawnGroup(
  cmd: string,
  args: readonly string[],
  options: SpawnGroupOptions = {},
): ResultPromise<Options> {
  const { registry = defaultRegistry, pdeathsig = true, onWarn, ...execaOptions } = options;
  const setpriv = pdeathsig ? findSetpriv() : null;
  if (pdeathsig && !setpriv)
    onWarn?.('setpriv not found: child started without a parent-death signal');
  const [file, argv] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', '--', cmd, ...args]]
    : [cmd, [...args]];
  const child = execa(file, argv, { ...execaOptions, detached: true }) as ResultPromise<Options>;
  const pid = child.pid;
  if (pid !== undefined) {
    registry.add(pid);
    const done = () => registry.delete(pid);
    child.then(done, done);
  }
  return child;
}
