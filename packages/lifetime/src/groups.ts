import { execFileSync } from 'node:child_process';
import { execa, type Options, type ResultPromise } from 'execa';

/** Live child process groups (keyed by group id = leader pid) that the teardown funnel kills. */
export class GroupRegistry {
  readonly #groups = new Set<number>();

  add(pgid: number): void {
    this.#groups.add(pgid);
  }

  delete(pgid: number): void {
    this.#groups.delete(pgid);
  }

  get size(): number {
    return this.#groups.size;
  }

  list(): number[] {
    return [...this.#groups];
  }

  /**
   * Send `signal` to every group, wait up to `graceMs` for each group to be gone, then SIGKILL
   * what is left. Resolves when every group is gone or has been sent SIGKILL.
   */
  async killAll(options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    const groups = this.list();
    for (const g of groups) killGroup(g, options.signal ?? 'SIGTERM');
    await Promise.all(
      groups.map(async (g) => {
        if (!(await waitGroupGone(g, options.graceMs ?? 5_000))) killGroup(g, 'SIGKILL');
        this.#groups.delete(g);
      }),
    );
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
