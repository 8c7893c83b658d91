import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { ProcessTree } from './kill-tree.js';
import { quoteCommand } from './quote.js';
import { cleanTerminalOutput } from './terminal.js';

export type OutputStream = 'stdout' | 'stderr';

export interface RunProcessOptions {
  /** The program and its arguments. */
  argv: string[];
  /** Variables added to the inherited environment. */
  env: Record<string, string>;
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

/** How often the kill loop looks for survivors. */
const POLL_MS = 25;

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
 * limit and abort signal by killing its whole process tree: SIGTERM to every member, SIGKILL
 * to whatever is left after `killGraceMs`. Never rejects: the caller classifies the outcome.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
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
  const marker = `CCCI_ABRA_CALL=${randomUUID()}`;
  const child = execa('setpriv', ['--pdeathsig', 'KILL', '--', ...wrapped], {
    detached: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    // script runs its command with `$SHELL -c`; quoteArg is POSIX quoting, so pin a POSIX sh.
    env: {
      ...options.env,
      SHELL: '/bin/sh',
      CCCI_ABRA_CALL: marker.slice('CCCI_ABRA_CALL='.length),
    },
    extendEnv: true,
  });

  const tree = child.pid === undefined ? undefined : new ProcessTree(child.pid, marker);
  const buffer = new TailBuffer(options.maxOutputChars);
  let discovered = false;
  const listen = (stream: OutputStream) => {
    const decoder = new StringDecoder('utf8');
    const source = stream === 'stdout' ? child.stdout : child.stderr;
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
      if (!discovered && tree) {
        // First output: the pty session exists now; remember it while its parent is alive.
        discovered = true;
        tree.members();
      }
      deliver(decoder.write(data));
    });
    source?.on('end', () => deliver(decoder.end()));
  };
  listen('stdout');
  listen('stderr');

  let reason: 'timeout' | 'abort' | undefined;
  let killing: Promise<void> | undefined;
  const terminate = (why: 'timeout' | 'abort') => {
    if (reason || !tree) return;
    reason = why;
    killing = killTree(tree, options.killGraceMs);
  };
  const timer = setTimeout(() => terminate('timeout'), options.timeoutMs);
  const onAbort = () => terminate('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let result: Awaited<typeof child>;
  try {
    result = await child;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (killing) await killing;
  else if (tree && tree.members().length > 0) {
    // The leader exited but left something behind in its session: nothing outlives a call.
    await killTree(tree, options.killGraceMs);
  }

  const spawnError =
    child.pid === undefined && result.cause instanceof Error ? result.cause : undefined;
  return {
    exitCode: reason ? undefined : result.exitCode,
    output: reason
      ? withoutKillNotice(cleanTerminalOutput(buffer.text()))
      : cleanTerminalOutput(buffer.text()),
    durationMs: elapsed(),
    timedOut: reason === 'timeout',
    aborted: reason === 'abort',
    spawnError,
  };
}

/** util-linux `script` announces its own SIGTERM on stdout; it is ours, not the program's. */
function withoutKillNotice(output: string): string {
  return output.replace(/^Session terminated, killing shell\.\.\.(?: \.\.\.killed\.)?\n?/m, '');
}

/** SIGTERM the tree, wait up to `graceMs` for it to go, SIGKILL survivors, wait until none are left. */
async function killTree(tree: ProcessTree, graceMs: number): Promise<void> {
  tree.signal('SIGTERM');
  const deadline = performance.now() + graceMs;
  while (tree.members().length > 0 && performance.now() < deadline) await delay(POLL_MS);
  // SIGKILL cannot be ignored; a few rounds catch children forked between scans.
  for (let round = 0; round < 40 && tree.signal('SIGKILL') > 0; round += 1) await delay(POLL_MS);
}
