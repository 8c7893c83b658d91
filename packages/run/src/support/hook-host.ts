import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { type GroupRegistry, killGroup, startChild } from '@ccci/lifetime';
import { AssertionFailed, RunError } from '../errors.js';
import { childScript } from './child-entry.js';
import type { FromChild, HookArg, HookRequest, ToChild } from './hook-contract.js';
import { decode, encode, lineReader, MAX_LINE } from './hook-contract.js';
import { sandboxEnv } from './proc.js';
import { type SandboxHost, sandboxed } from './sandbox.js';

/** Requests of one hook call carried out at once. */
const MAX_IN_FLIGHT = 4;

/** The shape of every message a hooks process may send (its fields are checked by their users). */
function wellFormed(m: unknown): m is FromChild {
  if (!m || typeof m !== 'object') return false;
  const x = m as Record<string, unknown>;
  switch (x['t']) {
    case 'loaded':
      return Array.isArray(x['names']) && x['names'].every((n) => typeof n === 'string');
    case 'load-failed':
      return typeof x['message'] === 'string';
    case 'done':
      return (
        typeof x['id'] === 'number' &&
        typeof x['ok'] === 'boolean' &&
        (x['ok'] || typeof x['message'] === 'string')
      );
    case 'log':
      return typeof x['level'] === 'string' && typeof x['message'] === 'string';
    case 'request':
      return (
        typeof x['id'] === 'number' &&
        typeof x['call'] === 'number' &&
        !!x['what'] &&
        typeof x['what'] === 'object'
      );
    default:
      return false;
  }
}

/**
 * A hook failed: it threw, returned what cannot cross, exited, or was killed at its limit. The
 * recipe's own code failed: the rung fails (not `unver`).
 */
class HookError extends AssertionFailed {
  override readonly name = 'HookError';
}

/** hooks.ts could not be imported (syntax, a missing import, a throw or a hang at load). */
class HookLoadError extends RunError {
  constructor(message: string) {
    super('RUN_HOOK_LOAD', message);
  }
}

export interface HookHostOptions {
  /** The recipe's hooks.ts. */
  file: string;
  /** Folders the hooks may read: the folder of hooks.ts (its own helpers) and given files. */
  read: readonly string[];
  sandbox: SandboxHost | undefined;
  registry?: GroupRegistry;
  /** Aborted when the run is torn down: the child's group is killed. */
  signal: AbortSignal;
  /** Import limit, ms. Default 60 000. */
  loadTimeoutMs?: number;
  /** Where the child's own output (console.log of a hook) goes. */
  output: (text: string) => void;
}

/** What the harness does for a hook: its requests, by the call's argument handlers. */
export interface HookHandlers {
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: object): void;
  request(what: HookRequest): Promise<unknown>;
}

interface Child {
  pid: number;
  send(m: ToChild): void;
  /** Resolves when the child has exited. */
  gone: Promise<void>;
  on(listener: (m: FromChild) => void): () => void;
}

/**
 * The one child process that holds a recipe's hooks.ts for a run. The harness's event loop,
 * signals, deadline and lock refresh never wait on recipe code: each call has a limit, and a hook
 * past it (or a run torn down) has its child's process group killed; the next call starts a new
 * child. Calls run one at a time.
 */
export class HookHost {
  #child: Child | undefined;
  #names: ReadonlySet<string> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextCall = 1;

  constructor(private readonly o: HookHostOptions) {}

  /** Imports hooks.ts in a fresh child; the names of the functions it exports. */
  async load(): Promise<ReadonlySet<string>> {
    if (this.#names && this.#child) return this.#names;
    const child = this.#spawn();
    const limit = this.o.loadTimeoutMs ?? 60_000;
    const got = await this.#await<FromChild & { t: 'loaded' | 'load-failed' }>(
      child,
      (m) => m.t === 'loaded' || m.t === 'load-failed',
      () => child.send({ t: 'load', file: this.o.file }),
      limit,
      () => new HookLoadError(`importing hooks.ts did not finish within ${limit / 1000} s`),
      (why) => new HookLoadError(`the hooks process ${why} while importing hooks.ts`),
    );
    if (got.t === 'load-failed') {
      this.kill();
      throw new HookLoadError(got.message);
    }
    this.#names = new Set(got.names);
    return this.#names;
  }

  /** Calls hook `name` with `args`; at most `limitMs`, then its process is killed. */
  call(name: string, args: HookArg[], handlers: HookHandlers, limitMs: number): Promise<unknown> {
    const run = async () => {
      if (this.o.signal.aborted) throw new HookError(`${name} not run: the run is being torn down`);
      await this.load();
      const child = this.#child as Child;
      const id = this.#nextCall++;
      let inFlight = 0;
      const off = child.on((m) => {
        if (m.t === 'log') handlers.log(m.level, m.message, (m.fields ?? undefined) as object);
        if (m.t === 'request' && m.call === id) {
          // A few at once (a hook may await several); a flood is refused, not carried out.
          if (inFlight >= MAX_IN_FLIGHT) {
            child.send({
              t: 'reply',
              id: m.id,
              ok: false,
              message: 'refused: too many requests at once',
            });
            return;
          }
          inFlight++;
          Promise.resolve()
            .then(() => handlers.request(m.what))
            .finally(() => inFlight--)
            .then(
              (value) => child.send({ t: 'reply', id: m.id, ok: true, value }),
              (error: unknown) =>
                child.send({
                  t: 'reply',
                  id: m.id,
                  ok: false,
                  message: error instanceof Error ? error.message : String(error),
                }),
            );
        }
      });
      try {
        const done = await this.#await<FromChild & { t: 'done' }>(
          child,
          (m) => m.t === 'done' && m.id === id,
          () => child.send({ t: 'call', id, name, args }),
          limitMs,
          () =>
            new HookError(
              `${name} did not finish within ${Math.round(limitMs / 1000)} s and was killed`,
            ),
          (why) => new HookError(`${name}: the hooks process ${why}`),
        );
        if (!done.ok) throw new HookError(`${name} failed: ${done.message}`);
        return done.value;
      } finally {
        off();
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** Kills the child's process group (a new one starts at the next call). */
  kill(): void {
    const child = this.#child;
    this.#child = undefined;
    this.#names = undefined;
    if (child) killGroup(child.pid, 'SIGKILL');
  }

  #await<T extends FromChild>(
    child: Child,
    match: (m: FromChild) => boolean,
    start: () => void,
    limitMs: number,
    timedOut: () => Error,
    died: (why: string) => Error,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (f: () => void) => {
        clearTimeout(timer);
        off();
        this.o.signal.removeEventListener('abort', onAbort);
        f();
      };
      const off = child.on((m) => {
        if (match(m)) settle(() => resolve(m as T));
      });
      const onAbort = () => {
        this.kill();
        settle(() => reject(died('was stopped: the run is being torn down')));
      };
      timer = setTimeout(() => {
        this.kill();
        settle(() => reject(timedOut()));
      }, limitMs);
      this.o.signal.addEventListener('abort', onAbort, { once: true });
      void child.gone.then(() => {
        if (this.#child === child) {
          this.#child = undefined;
          this.#names = undefined;
        }
        settle(() => reject(died('exited')));
      });
      if (this.o.signal.aborted) onAbort();
      else start();
    });
  }

  #spawn(): Child {
    this.kill();
    const node = [process.execPath, ...childScript('hook-child')];
    // Hooks reach the app only through the harness's requests (http, exec, page): no network.
    const view = { read: [dirname(this.o.file), ...this.o.read], write: [], network: false };
    const [file, argv] = this.o.sandbox
      ? // Its working folder is its own (not the harness's, whatever that is).
        sandboxed(this.o.sandbox, view, node[0] as string, node.slice(1), dirname(this.o.file))
      : [node[0] as string, node.slice(1)];
    const { subprocess: sub } = startChild(file, argv, {
      ...(this.o.registry ? { registry: this.o.registry } : {}),
      // Descriptor 3 is the channel: JSON lines we parse ourselves, bounded (Node's own IPC
      // would throw in this process on bytes that do not deserialise).
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      buffer: false,
      env: sandboxEnv(),
      extendEnv: false,
    });
    const pid = sub.pid;
    if (pid === undefined) throw new HookLoadError('the hooks process could not start');
    const emit = (chunk: Buffer) => this.o.output(chunk.toString('utf8'));
    sub.stdout?.on('data', emit);
    sub.stderr?.on('data', emit);
    const listeners = new Set<(m: FromChild) => void>();
    const channel = sub.stdio[3] as Duplex;
    const stop = (why: string) => {
      this.o.output(`the hooks process ${why}; it is stopped\n`);
      if (this.#child?.pid === pid) this.kill();
      else killGroup(pid, 'SIGKILL');
    };
    channel.on(
      'data',
      lineReader(
        (line) => {
          // Recipe code wrote this: anything but a well-formed message ends its process.
          let m: unknown;
          try {
            m = decode(line);
          } catch {
            m = undefined;
          }
          if (!wellFormed(m)) return stop('sent a malformed message');
          for (const l of [...listeners]) l(m);
        },
        () => stop(`sent a message over ${MAX_LINE} bytes`),
      ),
    );
    channel.on('error', () => {});
    const child: Child = {
      pid,
      send: (m) => {
        if (!channel.destroyed && channel.writable) channel.write(encode(m));
      },
      gone: sub.then(
        () => undefined,
        () => undefined,
      ),
      on: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    this.#child = child;
    return child;
  }
}
