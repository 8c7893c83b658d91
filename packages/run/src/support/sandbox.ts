import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * How recipe-supplied code (hooks, tests, install steps, Playwright specs) runs: in a
 * bubblewrap sandbox whose filesystem view is the host read-only with the harness's own folders
 * (secrets, abra dir with every app's env file, run states, locks, spool, home), `/run` (the
 * Docker socket) and `/tmp` replaced by empty ones, and only the paths the code's contract
 * gives it bound back in; when the harness runs as root, also as an unprivileged user with no
 * supplementary groups. Its own pid namespace, its own session, dead with its parent.
 */
export interface SandboxView {
  /** Paths the code may read (its own files, credential files it is given). */
  read: readonly string[];
  /** Paths the code may write (a secrets folder it fills, the app env file, a results file). */
  write: readonly string[];
  /**
   * `false`: a network namespace of its own with nothing in it (no loopback services of the
   * host: the bot, the gateway, a Docker TCP socket). For code that reaches the app only through
   * the harness (hooks). Default true: tests reach the app through the gateway on loopback.
   */
  network?: boolean;
}

export interface SandboxHost {
  /** The harness's folders no recipe code may see. */
  hidden: readonly string[];
  /** `bwrap` on PATH, or undefined: then code runs unsandboxed (said once in the run log). */
  bwrap: string | undefined;
  /** The user recipe code runs as, when the harness is root. */
  user: { name: string; uid: number; gid: number } | undefined;
}

/** What recipe code needs of the harness's own install to run at all: node and its modules. */
function runtimePaths(): string[] {
  const here = dirname(new URL(import.meta.url).pathname);
  const nodeModules = here.includes(`${sep}node_modules${sep}`)
    ? here.slice(0, here.indexOf(`${sep}node_modules${sep}`))
    : resolve(here, '..', '..', '..', '..');
  return [dirname(dirname(process.execPath)), nodeModules];
}

function findOnPath(cmd: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** The untrusted user of a root harness: `CCCI_UNTRUSTED_USER` (default `nobody`) from passwd. */
function untrustedUser(
  name: string,
  passwd = '/etc/passwd',
): { name: string; uid: number; gid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid && Number(uid) > 0)
      return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Per-run users of a root harness: uids (and gids) from here, one a run. */
const RUN_UID_BASE = 2_100_000;
const RUN_UID_SPAN = 1_000_000;

/**
 * The uid of run `runId`'s recipe code: its own, so two runs' code cannot touch each other's
 * files or processes, and the process limit counts one run only. No passwd entry is needed.
 */
export function runUid(runId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 0x01000193) >>> 0;
  return RUN_UID_BASE + (h % RUN_UID_SPAN);
}

export function sandboxHost(options: {
  hidden: readonly string[];
  /** A named user for recipe code (`CCCI_UNTRUSTED_USER`); default a uid of the run's own. */
  untrustedUserName?: string | undefined;
  /** The run: its uid when no user is named. Default: `nobody`. */
  runId?: string | undefined;
}): SandboxHost {
  const root = process.getuid?.() === 0;
  const own = options.runId ? runUid(options.runId) : undefined;
  return {
    hidden: [...options.hidden, homedir()],
    bwrap: findOnPath('bwrap'),
    user: !root
      ? undefined
      : options.untrustedUserName || own === undefined
        ? untrustedUser(options.untrustedUserName ?? 'nobody')
        : { name: `ccci-run-${own}`, uid: own, gid: own },
  };
}

/** Processes one run's recipe code may have at once (a fork bomb stops there). */
const MAX_PROCESSES = 1024;

/** Size of the sandbox's own /tmp (bytes). */
const TMP_BYTES = 512 * 1024 * 1024;

/** Size of the sandbox's /dev/shm (bytes); the rest of its /dev is read-only. */
const SHM_BYTES = 64 * 1024 * 1024;

/** The first ancestor of `path` (or itself) that others cannot traverse: it is replaced. */
function closedAncestor(path: string): string | undefined {
  const parts = resolve(path).split(sep).filter(Boolean);
  let at = '';
  for (const p of parts) {
    at = `${at}${sep}${p}`;
    try {
      const st = statSync(at);
      if (st.isDirectory() && (st.mode & 0o001) === 0) return at;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

/**
 * Hands `paths` to the untrusted user (a root harness only): recursively, no symlink followed.
 * Only run-owned paths are given (the caller's contract); their closed ancestors keep them out
 * of reach of that user outside the sandbox.
 */
export function handOver(host: SandboxHost, paths: readonly string[]): void {
  const user = host.user;
  if (!user) return;
  const give = (p: string) => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    chownSync(p, user.uid, user.gid);
    if (st.isDirectory()) for (const e of readdirSync(p)) give(join(p, e));
  };
  for (const p of paths) give(p);
}

/**
 * The command line that runs `cmd args` in the sandbox: `[file, args]` for spawnGroup. Without
 * bwrap the command is returned as is (and as root, `setpriv` still drops to the user).
 */
export function sandboxed(
  host: SandboxHost,
  view: SandboxView,
  cmd: string,
  args: readonly string[],
  cwd?: string,
): [string, string[]] {
  const drop = host.user
    ? [
        // Limits first (as root), then the user: RLIMIT_NPROC counts that user's processes.
        'prlimit',
        `--nproc=${MAX_PROCESSES}:${MAX_PROCESSES}`,
        '--',
        'setpriv',
        `--reuid=${host.user.uid}`,
        `--regid=${host.user.gid}`,
        '--clear-groups',
        '--inh-caps=-all',
        '--',
      ]
    : [];
  if (!host.bwrap) {
    const [file, ...rest] = [...drop, cmd, ...args];
    return [file as string, rest];
  }
  const runtime = runtimePaths();
  const exposed = [...runtime, ...view.read, ...view.write].map((p) => resolve(p));
  const masks = new Set<string>(['/tmp', '/run']);
  for (const h of host.hidden) if (existsSync(h)) masks.add(resolve(h));
  if (existsSync('/var/run') && !lstatSync('/var/run').isSymbolicLink()) masks.add('/var/run');
  for (const p of exposed) {
    const closed = closedAncestor(p);
    if (closed) masks.add(closed);
  }
  // A mask inside another is redundant (and would be made in the outer tmpfs anyway).
  const outer = [...masks]
    .filter((m) => ![...masks].some((o) => o !== m && under(m, o)))
    .filter((m) => m !== '/');
  const shown = [
    ...[...runtime, ...view.read]
      .map((p) => resolve(p))
      .filter((p) => outer.some((m) => under(p, m)))
      .map((p) => ['--ro-bind', p] as const),
    ...view.write.map((p) => ['--bind', resolve(p)] as const),
  ].filter(([, p]) => existsSync(p));
  // The folders leading to a path shown inside a mask: made traversable (bwrap would copy the
  // hidden original's mode, and a closed one would keep the code from its own files).
  const leading = new Set<string>();
  for (const [, p] of shown) {
    const mask = outer.find((m) => under(p, m));
    if (!mask) continue;
    for (let d = dirname(p); d !== mask && under(d, mask); d = dirname(d)) leading.add(d);
  }
  const argv = [
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    ...(view.network === false ? ['--unshare-net'] : []),
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    // bwrap's /dev is a tmpfs without a size, writable by the code when bwrap runs unprivileged:
    // a bounded /dev/shm, and the rest read-only, so no write there costs the host's memory.
    '--size',
    String(SHM_BYTES),
    '--perms',
    '1777',
    '--tmpfs',
    '/dev/shm',
    '--remount-ro',
    '/dev',
    '--proc',
    '/proc',
    // `/tmp` stays a shared scratch (sticky, as on any host); every other mask is closed.
    // Each mask is a bounded tmpfs: recipe code cannot fill the host's memory through it.
    ...outer.flatMap((m) =>
      m === '/tmp'
        ? ['--size', String(TMP_BYTES), '--perms', '1777', '--tmpfs', m]
        : ['--size', String(1024 * 1024), '--tmpfs', m],
    ),
    ...[...leading]
      .sort((x, y) => x.split(sep).length - y.split(sep).length)
      .flatMap((d) => ['--perms', '0755', '--dir', d]),
    // Runtime and read paths only where a mask hid them (else the read-only root shows them).
    ...shown.flatMap(([flag, p]) => [flag, p, p]),
    ...(host.user ? ['--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID'] : []),
    ...(cwd ? ['--chdir', resolve(cwd)] : []),
    '--',
    ...drop,
    cmd,
    ...args,
  ];
  return [host.bwrap, argv];
}

/** True when `bwrap` can make a sandbox here (user namespaces allowed); probed once. */
let usable: boolean | undefined;
export function bwrapWorks(host: SandboxHost): boolean {
  if (!host.bwrap) return false;
  if (usable === undefined) {
    try {
      execFileSync(host.bwrap, ['--ro-bind', '/', '/', '--unshare-pid', 'true'], {
        stdio: 'ignore',
        timeout: 10_000,
      });
      usable = true;
    } catch {
      usable = false;
    }
  }
  return usable;
}
