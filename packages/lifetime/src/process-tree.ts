import { readdirSync, readFileSync } from 'node:fs';
import { pollUntil } from '@ccci/backoff';

/** One row of the process table, as much as killing a tree needs. */
interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
}

/** How often a kill looks for survivors. */
const POLL_MS = 25;

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited between readdir and read
  }
  // Field 2 (comm) is parenthesised and may itself contain spaces and parentheses: parse after
  // the last `)`. The rest: state ppid pgrp session ...
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  if (state === 'Z' || state === 'X') return undefined; // already dead, only not yet reaped
  return { pid, ppid: Number(rest[1]), pgrp: Number(rest[2]), session: Number(rest[3]) };
}

/** Whether `pid` is a live process: present and not a zombie (exited, not yet reaped). */
export function processAlive(pid: number): boolean {
  return readStat(pid) !== undefined;
}

/** Whether the process's environment holds `marker` (`NAME=value`); false when unreadable. */
function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
  } catch {
    return false; // exited, or another user's process
  }
}

function processTable(): ProcStat[] {
  const rows: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) rows.push(stat);
  }
  return rows;
}

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

/**
 * The processes one child started, for killing. The leader runs in its own session and process
 * group (execa `detached`); without a marker the tree is that group. A descendant can leave the
 * group — util-linux `script` starts its command in a new session, the one owning the pty, and a
 * grandchild that ignores SIGHUP outlives the pty — so with a marker a member is also any process
 * in a session the leader started, or carrying the marker (`NAME=<uuid>` in its environment,
 * inherited by every descendant however it re-parents or re-sessions itself; Jenkins'
 * process-tree killer finds build processes the same way). The marker also finds leftovers
 * after the leader is gone.
 */
export class ProcessTree {
  readonly #leader: number;
  readonly #marker: string | undefined;
  readonly #sessions = new Set<number>();

  constructor(leaderPid: number, marker?: string) {
    this.#leader = leaderPid;
    this.#marker = marker;
    this.#sessions.add(leaderPid);
  }

  /**
   * Live processes of the tree (never our own process); with a marker it also remembers the
   * sessions the leader started, so call it once they exist (at the child's first output).
   */
  members(): ProcStat[] {
    const table = processTable();
    for (const p of table) {
      // A direct child of the leader that leads its own session: script's pty session.
      if (p.ppid === this.#leader && p.session === p.pid) this.#sessions.add(p.session);
    }
    return table.filter(
      (p) =>
        p.pid !== process.pid &&
        (p.pgrp === this.#leader ||
          (this.#marker !== undefined &&
            (this.#sessions.has(p.session) || hasMarker(p.pid, this.#marker)))),
    );
  }

  /** Whether any process of the tree is left. Without a marker one syscall, not a scan. */
  alive(): boolean {
    if (this.#marker !== undefined) return this.members().length > 0;
    try {
      process.kill(-this.#leader, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends `signal` to every member; returns how many were signalled (a group counts once). */
  signal(signal: NodeJS.Signals): number {
    if (this.#marker === undefined) return killGroup(this.#leader, signal) ? 1 : 0;
    let count = 0;
    for (const p of this.members()) {
      try {
        process.kill(p.pid, signal);
        count += 1;
      } catch {
        // ESRCH: it exited meanwhile.
      }
    }
    return count;
  }
}

/** True when no process of the group is left (polls; bounded by `timeoutMs`). */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  return waitGone(new ProcessTree(pgid), timeoutMs);
}

function waitGone(tree: ProcessTree, timeoutMs: number): Promise<boolean> {
  return pollUntil(() => !tree.alive(), {
    timeoutMs,
    backoff: { firstMs: 5, maxMs: POLL_MS * 4 },
    now: () => performance.now(),
  });
}

/**
 * Kill a whole tree: `signal` (default SIGTERM) to every member, up to `graceMs` for it to go,
 * then SIGKILL to what is left; resolves when nothing is left (or SIGKILL has been sent for a
 * few rounds: a process in uninterruptible sleep goes when the kernel lets it).
 */
export async function killTree(
  tree: ProcessTree,
  options: { signal?: NodeJS.Signals; graceMs: number },
): Promise<void> {
  if (tree.signal(options.signal ?? 'SIGTERM') === 0) return;
  if (await waitGone(tree, options.graceMs)) return;
  // SIGKILL cannot be ignored; a few rounds catch children forked between scans.
  for (let round = 0; round < 40 && tree.signal('SIGKILL') > 0; round += 1) {
    if (await waitGone(tree, POLL_MS)) return;
  }
}
