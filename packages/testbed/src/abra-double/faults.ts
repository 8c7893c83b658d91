// Fault injection for fault tests: ABRA_DOUBLE_FAULT is a comma-separated list of
//   deploy-timeout | deploy-fail | backup-fail | restore-fail | hang:<op> | crash:<op>
// each optionally suffixed `@<n>`: only the n-th call of that op in this ABRA_DIR (1-based),
// and/or `~<text>`: only calls with an argument containing <text> (e.g. a domain part, to hit
// one app's deploy and not another's: `deploy-fail~-warm.`).
// Every call is appended to `$ABRA_DIR/.abra-double/calls.jsonl` (op, argv, pid, time), which
// is also how `@<n>` counts.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { abraDir } from './app.js';

export type Op =
  | 'server'
  | 'new'
  | 'deploy'
  | 'undeploy'
  | 'rm'
  | 'secret'
  | 'backup'
  | 'restore'
  | 'ps'
  | 'run'
  | 'logs'
  | 'lint'
  | 'other';

function callsFile(): string {
  return join(abraDir(), '.abra-double', 'calls.jsonl');
}

/** Record this call; return how many calls of `op` there have been, this one included. */
export function recordCall(op: Op, argv: string[]): number {
  const file = callsFile();
  mkdirSync(join(abraDir(), '.abra-double'), { recursive: true });
  const prior = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.includes(`"op":"${op}"`)).length
    : 0;
  appendFileSync(
    file,
    `${JSON.stringify({ op, argv, pid: process.pid, at: new Date().toISOString() })}\n`,
  );
  return prior + 1;
}

export interface Faults {
  has(fault: string): boolean;
}

export function faults(op: Op, nth: number, argv: readonly string[] = []): Faults {
  const active = new Set<string>();
  for (const raw of (process.env['ABRA_DOUBLE_FAULT'] ?? '').split(',')) {
    const [spec = '', only] = raw.trim().split('~');
    if (!spec) continue;
    const [name = '', at] = spec.split('@');
    if (at !== undefined && Number(at) !== nth) continue;
    if (only !== undefined && !argv.some((a) => a.includes(only))) continue;
    active.add(name);
  }
  return {
    has: (fault) =>
      active.has(fault) ||
      (fault === 'hang' && active.has(`hang:${op}`)) ||
      (fault === 'crash' && active.has(`crash:${op}`)),
  };
}

/** What a Go panic looks like on abra's stderr; exit status 2 like the Go runtime. */
export function crash(): never {
  process.stderr.write(
    'panic: runtime error: invalid memory address or nil pointer dereference (ABRA_DOUBLE_FAULT)\n' +
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]\n\n' +
      'goroutine 1 [running]:\nmain.main()\n',
  );
  process.exit(2);
}

/** Hang until killed, like an abra waiting on a stuck docker call. */
export function hang(): Promise<never> {
  return new Promise<never>(() => {
    setInterval(() => {}, 60_000);
  });
}
