import { StringDecoder } from 'node:string_decoder';
import { startChild } from '@ccci/lifetime';
import { quoteCommand } from './quote.js';
import { cleanTerminalOutput } from './terminal.js';

export type OutputStream = 'stdout' | 'stderr';

export interface RunProcessOptions {
  /** The program and its arguments. */
  argv: string[];
  /** Variables added to the inherited environment (or the whole environment: `inheritEnv`). */
  env: Record<string, string>;
  /** Inherit this process's environment under `env`. Default true. */
  inheritEnv?: boolean;
  /** Run under a pseudo-terminal (util-linux `script`). */
  terminal: boolean;
  timeoutMs: number;
  killGraceMs: number;
  signal?: AbortSignal | undefined;
  /** Raw chunks as they arrive; not called when undefined. */
  onOutput?: ((chunk: string, stream: OutputStream) => void) | undefined;
  /** How much raw output to keep (the tail), in characters. */
  maxOutputChars: number;
}

export interface ProcessOutcome {
  exitCode: number | undefined;
  /** Plain text (terminal sequences stripped), at most `maxOutputChars` of the tail. */
  output: string;
  durationMs: number;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the process could not be started at all. */
  spawnError: Error | undefined;
}

/**
 * Fixed prefix of the command string given to `script -c` (no input in it): widen the pty so
 * abra's tables are not wrapped (a pty made by `script` without a terminal on stdin is 0×0),
 * then exec the program under `setpriv --pdeathsig KILL` so it dies with `script`.
 */
const TERMINAL_PREFIX = 'stty cols 512 rows 64 2>/dev/null; exec setpriv --pdeathsig KILL -- ';

/** Keeps the last `limit` characters of a stream of chunks. */
class TailBuffer {
  #chunks: string[] = [];
  #length = 0;
  constructor(private readonly limit: number) {}
  push(chunk: string): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    while (this.#length > this.limit && this.#chunks.length > 1) {
      this.#length -= this.#chunks.shift()!.length;
    }
  }
  text(): string {
    const joined = this.#chunks.join('');
    return joined.length > this.limit ? joined.slice(joined.length - this.limit) : joined;
  }
}

/**
 * Starts one program in its own session and process group, under `setpriv --pdeathsig KILL`
 * (so it dies if we die), optionally under a pty, streams its output, and enforces the time
 * limit and abort signal by killing its whole process tree — followed beyond its group, as
 * `script` starts the program in a session of its own (@ccci/lifetime `startChild`,
 * `followDescendants`): SIGTERM to every member, SIGKILL to whatever is left after
 * `killGraceMs`. Never rejects: the caller classifies the outcome.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  if (options.signal?.aborted) {
    return {
      exitCode: undefined,
      output: '',
      durationMs: 0,
      timedOut: false,
      aborted: true,
      spawnError: undefined,
    };
  }

  const wrapped = options.terminal
    ? ['script', '-qefc', TERMINAL_PREFIX + quoteCommand(options.argv), '/dev/null']
    : options.argv;
  const child = startChild(wrapped[0] as string, wrapped.slice(1), {
    // Not registered on its own: the client's registry runs the whole call as an operation.
    registry: null,
    followDescendants: true,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    killGraceMs: options.killGraceMs,
    stdin: 'ignore',
    buffer: false,
    // script runs its command with `$SHELL -c`; quoteArg is POSIX quoting, so pin a POSIX sh.
    env: { ...options.env, SHELL: '/bin/sh' },
    extendEnv: options.inheritEnv ?? true,
  });

  const buffer = new TailBuffer(options.maxOutputChars);
  let discovered = false;
  const listen = (stream: OutputStream) => {
    const decoder = new StringDecoder('utf8');
    const source = stream === 'stdout' ? child.subprocess.stdout : child.subprocess.stderr;
    const deliver = (text: string) => {
      if (text === '') return;
      buffer.push(text);
      try {
        options.onOutput?.(text, stream);
      } catch (error) {
        // A throwing sink must not crash the process mid-deploy (this runs in a stream event).
        process.emitWarning(`@ccci/abra: onOutput threw: ${String(error)}`);
      }
    };
    source?.on('data', (data: Buffer) => {
      if (!discovered && child.tree) {
        // First output: the pty session exists now; remember it while its parent is alive.
        discovered = true;
        child.tree.members();
      }
      deliver(decoder.write(data));
    });
    source?.on('end', () => deliver(decoder.end()));
  };
  listen('stdout');
  listen('stderr');

  const outcome = await child.outcome;
  const killed = outcome.timedOut || outcome.aborted;
  return {
    exitCode: outcome.exitCode,
    output: killed
      ? withoutKillNotice(cleanTerminalOutput(buffer.text()))
      : cleanTerminalOutput(buffer.text()),
    durationMs: outcome.durationMs,
    timedOut: outcome.timedOut,
    aborted: outcome.aborted,
    spawnError: outcome.spawnError,
  };
}

/** util-linux `script` announces its own SIGTERM on stdout; it is ours, not the program's. */
function withoutKillNotice(output: string): string {
  return output.replace(/^Session terminated, killing shell\.\.\.(?: \.\.\.killed\.)?\n?/m, '');
}
