/** Kills one entry's processes: `signal` first, SIGKILL after `graceMs`; resolves when they are gone. */
type Stop = (signal: NodeJS.Signals, graceMs: number) => Promise<void>;

interface Entry {
  /** The child's pid (= its process group id); undefined for an operation. */
  pid: number | undefined;
  stop: Stop;
  /** An operation's settling, which {@link GroupRegistry.killAll} waits for; none for a child. */
  done: Promise<void> | undefined;
}

/**
 * Everything of a run that can still be running: children (each a process group, or a tree
 * followed beyond its group, see {@link startChild}) and operations that manage processes of
 * their own (abra under a pty, whose program runs in a session of its own). The teardown funnel
 * kills them all and waits until each is gone before teardown starts.
 */
export class GroupRegistry {
  readonly #entries = new Map<symbol, Entry>();

  #add(entry: Entry, until: Promise<unknown>): () => void {
    const key = Symbol('entry');
    this.#entries.set(key, entry);
    const remove = () => void this.#entries.delete(key);
    until.then(remove, remove);
    return remove;
  }

  /**
   * Registers a child (its process group `pid`) until `until` settles; {@link killAll} calls
   * `stop`. Used by {@link startChild}. Returns a function that removes the entry.
   */
  track(pid: number, stop: Stop, until: Promise<unknown>): () => void {
    return this.#add({ pid, stop, done: undefined }, until);
  }

  /** Live children and operations. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Runs an operation that manages its own processes: `run` gets a signal that {@link killAll}
   * aborts, and killAll waits until the operation has settled (its processes dead).
   */
  operation<T>(run: (kill: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const result = run(controller.signal);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.#add({ pid: undefined, stop: async () => controller.abort(), done }, done);
    return result;
  }

  /** Process group ids of the registered children. */
  list(): number[] {
    return [...this.#entries.values()].flatMap((e) => (e.pid === undefined ? [] : [e.pid]));
  }

  /**
   * Send `signal` to every child's tree and abort every operation, wait up to `graceMs` for each
   * tree to be gone, then SIGKILL what is left, and wait for every operation to settle. Resolves
   * when every tree is gone or has been sent SIGKILL and every entry has settled.
   */
  async killAll(options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    // Rounds: a child or operation that registered while the previous round was being killed
    // (a hand-over from one child to the next) is killed in the next one.
    for (let round = 0; round < 10 && this.size > 0; round++) {
      await Promise.all(
        [...this.#entries].map(async ([key, e]) => {
          await e.stop(options.signal ?? 'SIGTERM', options.graceMs ?? 5_000);
          // A child is done when its tree is gone or has been sent SIGKILL (one in
          // uninterruptible sleep goes when the kernel lets it); an operation when it settles.
          if (e.done) await e.done;
          else this.#entries.delete(key);
        }),
      );
    }
  }
}

/** Registry used when none is passed: the one the guards kill. */
export const defaultRegistry = new GroupRegistry();
