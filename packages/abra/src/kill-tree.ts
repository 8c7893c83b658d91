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
 * pty. So we track every session whose leader is a child of ours, and kill by session.
 */
export class ProcessTree {
  readonly #leader: number;
  readonly #sessions = new Set<number>();

  constructor(leaderPid: number) {
    this.#leader = leaderPid;
    this.#sessions.add(leaderPid);
  }

  /** Live processes in the leader's group or in any session we have seen it start. */
  members(): ProcStat[] {
    const table = processTable();
    for (const p of table) {
      // A direct child of the leader that leads its own session: script's pty session.
      if (p.ppid === this.#leader && p.session === p.pid) this.#sessions.add(p.session);
    }
    return table.filter((p) => p.pgrp === this.#leader || this.#sessions.has(p.session));
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
