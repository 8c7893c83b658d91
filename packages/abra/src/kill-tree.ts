import { readdirSync, readFileSync } from 'node:fs';

/** One row of the process table, as much as killing a tree needs. */
interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
}

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

/**
 * The processes a call started, for killing. The leader (`setpriv` exec'd into `script`) runs
 * in its own session and process group (execa `detached`). `script` starts the command in yet
 * another session, the one owning the pty, so a kill of the leader's group alone misses the
 * shell, abra and anything they started — and a grandchild that ignores SIGHUP outlives the
 * pty. So a member is any process in the leader's group, in a session we saw the leader start,
 * or carrying the call's environment marker (`CCCI_ABRA_CALL=<uuid>`, inherited by every
 * descendant however it re-parents or re-sessions itself; Jenkins' process-tree killer finds
 * build processes the same way). The marker also finds leftovers after the leader is gone.
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

  /** Live processes of this call (never our own process). */
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
          this.#sessions.has(p.session) ||
          (this.#marker !== undefined && hasMarker(p.pid, this.#marker))),
    );
  }

  /** Sends `signal` to every member; returns how many were signalled. */
  signal(signal: NodeJS.Signals): number {
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
