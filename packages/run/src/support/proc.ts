import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type ChildOutcome, type GroupRegistry, startChild } from '@ccci/lifetime';
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
  /** Masks secrets in a failure's message and kept stderr (the run's redactor). Default: none. */
  mask?(text: string): string;
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
    /**
     * Every child's environment starts from this one (the run passes the harness's without its
     * secrets, engine.ts); `isolatedEnv` keeps only its basics. Default process.env.
     */
    // Node keeps only strings in process.env; `undefined` in its type is a missing variable.
    readonly env: Readonly<Record<string, string>> = process.env as Record<string, string>,
  ) {}

  async run(cmd: string, args: readonly string[], options: ProcOptions = {}): Promise<ProcResult> {
    const started = performance.now();
    if (options.signal?.aborted)
      throw new InfraError(`${cmd} not started: the run is being torn down`);
    const [file, argv] =
      options.sandbox && this.sandboxHost
        ? sandboxed(this.sandboxHost, options.sandbox, cmd, args, options.cwd)
        : [options.exactEnv ? onPath(cmd) : cmd, args];
    const timeoutMs = options.timeoutMs ?? 120_000;
    const r = await startChild(file, argv, {
      ...(this.registry ? { registry: this.registry } : {}),
      timeoutMs,
      signal: options.signal,
      // A time-out or the teardown does not wait for docker or git: SIGKILL right after SIGTERM.
      killGraceMs: 0,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.sandbox
        ? { env: { ...sandboxEnv(), ...options.env }, extendEnv: false }
        : options.exactEnv
          ? { env: { ...options.env }, extendEnv: false }
          : options.isolatedEnv
            ? { env: { ...basicEnv(this.env), ...options.env }, extendEnv: false }
            : { env: { ...this.env, ...options.env }, extendEnv: false }),
      stripFinalNewline: false,
    }).outcome;
    const ended = performance.now();
    const durationMs = Math.round(ended - started);
    this.sink.childTime(cmd, started, ended, [cmd, ...verb(args).slice(0, 2)].join(' '));
    const { stdout, stderr } = r;
    const label = [cmd, ...args.slice(0, 3)].join(' ');
    const shown = options.quiet ? ((r.exitCode ?? 1) === 0 ? '' : stderr) : `${stdout}${stderr}`;
    if (shown) this.sink.output(label, shown);
    const fail = (what: string) =>
      commandFailed(label, what, { ...r, command: [cmd, ...args] }, this.sink.mask);
    if (r.timedOut) throw fail(`timed out after ${timeoutMs} ms`);
    if (r.aborted || options.signal?.aborted) throw fail('stopped: the run is being torn down');
    if (r.exitCode === undefined) {
      throw fail(
        r.spawnError
          ? `could not run: ${r.spawnError.message}`
          : `was ended by ${r.signal ?? 'a signal'}`,
      );
    }
    if (r.exitCode !== 0 && !options.allowFailure) throw fail(`exited ${r.exitCode}`);
    return { exitCode: r.exitCode, stdout, stderr, durationMs };
  }
}

/** How much of a failed child's stderr a {@link CommandError} keeps (the tail). */
const STDERR_TAIL_CHARS = 4096;

/**
 * A child the run needed (docker, git, a recipe's tests) failed: an {@link InfraError} (the rung
 * is `unver`) that keeps the same fields as a result, like @ccci/abra's `AbraError`.
 */
export class CommandError extends InfraError {
  /** `[cmd, ...args]` as asked for. */
  readonly command: readonly string[];
  /** The exit code; undefined when it was killed (deadline, teardown) or never started. */
  readonly exitCode: number | undefined;
  /** The tail of its stderr (at most 4096 characters), secrets masked where the run has a mask. */
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;

  constructor(message: string, fields: Omit<CommandError, keyof InfraError>) {
    super(message);
    this.command = fields.command;
    this.exitCode = fields.exitCode;
    this.stderr = fields.stderr;
    this.timedOut = fields.timedOut;
    this.aborted = fields.aborted;
  }
}

/**
 * The error of a child that failed: `<label> <what>`, and when it exited `: <the last line of
 * its stderr, or stdout>`, with the outcome's fields; `mask` is applied to the message and the
 * kept stderr.
 */
export function commandFailed(
  label: string,
  what: string,
  r: Pick<ChildOutcome, 'command' | 'exitCode' | 'stdout' | 'stderr'> &
    Partial<Pick<ChildOutcome, 'timedOut' | 'aborted'>>,
  mask: (text: string) => string = (text) => text,
): CommandError {
  const stderr = mask(r.stderr);
  const why = r.exitCode === undefined ? '' : `: ${lastLine(stderr || mask(r.stdout))}`;
  return new CommandError(`${label} ${what}${why}`, {
    command: r.command,
    exitCode: r.exitCode,
    stderr: stderr.length > STDERR_TAIL_CHARS ? stderr.slice(-STDERR_TAIL_CHARS) : stderr,
    timedOut: r.timedOut ?? false,
    aborted: r.aborted ?? false,
  });
}

function lastLine(text: string): string {
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
function basicEnv(base: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']) {
    const value = base[key];
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
