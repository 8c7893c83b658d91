import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type GroupRegistry, killGroup, spawnGroup } from '@ccci/lifetime';
import { InfraError } from '../errors.js';
import { type SandboxHost, type SandboxView, sandboxed } from './sandbox.js';

export interface ProcResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ProcOptions {
  cwd?: string;
  env?: Record<string, string>;
  /**
   * Start from an empty environment (only PATH, HOME, LANG, TZ, TMPDIR are kept) plus `env`:
   * for recipe-provided code, which must never see the harness's own settings such as the
   * report key. Default false.
   */
  isolatedEnv?: boolean;
  /**
   * The child's environment is exactly `env`, not even PATH (the command is found on the
   * harness's PATH first): for a child whose output depends on every variable it sees, such
   * as Docker's compose loader interpolating `${VAR}`. Default false.
   */
  exactEnv?: boolean;
  input?: string;
  /** Kills the whole group when aborted. */
  signal?: AbortSignal;
  /** Default 120 000 ms. */
  timeoutMs?: number;
  /** Non-zero exit is returned, not thrown. Default false (throws InfraError). */
  allowFailure?: boolean;
  /** Listings (docker … ls/inspect): output is not logged, only a failure's stderr. Default false. */
  quiet?: boolean;
  /**
   * Recipe-supplied code: runs in the sandbox (sandbox.ts) seeing only these paths, with an
   * environment of the basics (PATH, LANG, TZ; HOME and TMPDIR are /tmp) plus `env`.
   */
  sandbox?: SandboxView;
}

/** Where every child's output and time goes: the redacted debug log and the bench tally. */
export interface ProcSink {
  output(command: string, text: string): void;
  /** Wall time of one child (start and end, performance.now()), for the overhead benchmark. */
  childTime(kind: string, startMs: number, endMs: number, label: string): void;
}

/**
 * Runs docker, git and test processes: argument arrays only, each in its own process group
 * under a parent-death signal, killed as a group on abort or time-out.
 */
export class Proc {
  constructor(
    private readonly sink: ProcSink,
    private readonly registry?: GroupRegistry,
    /** Where recipe code runs (options.sandbox); without one it runs with an isolated env. */
    readonly sandboxHost?: SandboxHost,
  ) {}

  async run(cmd: string, args: readonly string[], options: ProcOptions = {}): Promise<ProcResult> {
    const started = performance.now();
    if (options.signal?.aborted)
      throw new InfraError(`${cmd} not started: the run is being torn down`);
    const [file, argv] =
      options.sandbox && this.sandboxHost
        ? sandboxed(this.sandboxHost, options.sandbox, cmd, args, options.cwd)
        : [options.exactEnv ? onPath(cmd) : cmd, args];
    const child = spawnGroup(file, argv, {
      ...(this.registry ? { registry: this.registry } : {}),
      reject: false,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.sandbox
        ? { env: { ...sandboxEnv(), ...options.env }, extendEnv: false }
        : options.exactEnv
          ? { env: { ...options.env }, extendEnv: false }
          : options.isolatedEnv
            ? { env: { ...basicEnv(), ...options.env }, extendEnv: false }
            : options.env
              ? { env: options.env }
              : {}),
      timeout: options.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
      stripFinalNewline: false,
    });
    const pid = child.pid;
    const onAbort = () => {
      if (pid) killGroup(pid, 'SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await child;
      const ended = performance.now();
      const durationMs = Math.round(ended - started);
      this.sink.childTime(cmd, started, ended, [cmd, ...verb(args).slice(0, 2)].join(' '));
      const stdout = String(r.stdout ?? '');
      const stderr = String(r.stderr ?? '');
      const label = [cmd, ...args.slice(0, 3)].join(' ');
      const shown = options.quiet ? ((r.exitCode ?? 1) === 0 ? '' : stderr) : `${stdout}${stderr}`;
      if (shown) this.sink.output(label, shown);
      if (r.timedOut)
        throw new InfraError(`${label} timed out after ${options.timeoutMs ?? 120_000} ms`);
      if (options.signal?.aborted)
        throw new InfraError(`${label} stopped: the run is being torn down`);
      if (r.failed && r.exitCode === undefined) {
        throw new InfraError(`${label} could not run: ${r.shortMessage ?? 'spawn failed'}`);
      }
      const exitCode = r.exitCode ?? 1;
      if (exitCode !== 0 && !options.allowFailure) {
        throw new InfraError(`${label} exited ${exitCode}: ${lastLine(stderr || stdout)}`);
      }
      return { exitCode, stdout, stderr, durationMs };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}

export function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .at(-1)
      ?.slice(0, 300) ?? '(no output)'
  );
}

/** `cmd` found on the harness's own PATH (as a child with an exact env has none). */
function onPath(cmd: string): string {
  if (cmd.includes('/')) return cmd;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return join(dir, cmd);
    } catch {}
  }
  return cmd;
}

/** What recipe code's environment starts from: no home, no temp folder of the harness's. */
export function sandboxEnv(): Record<string, string> {
  const env: Record<string, string> = { HOME: '/tmp', TMPDIR: '/tmp' };
  for (const key of ['PATH', 'LANG', 'TZ']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** The few variables a child process needs to work at all. */
function basicEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** The arguments from the subcommand on: git's leading `-C <dir>` and `-c <k=v>` left out. */
function verb(args: readonly string[]): readonly string[] {
  let i = 0;
  while ((args[i] === '-C' || args[i] === '-c') && i + 1 < args.length) i += 2;
  return args.slice(i);
}
