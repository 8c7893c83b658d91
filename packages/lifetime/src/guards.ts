import { fullLog, type Log } from '@ccci/contracts';
import { OrphanError } from './errors.js';
import { defaultRegistry, type GroupRegistry } from './groups.js';

/** Why the funnel was entered. `done` is the normal end of the work, with its own code. */
export type ShutdownReason = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'deadline' | 'done';

/**
 * Exit statuses: 128 + signal number for signals (shell convention), 124 for the deadline
 * (the status `timeout(1)` uses, so executors and people read it the same way).
 */
export const EXIT_CODES = Object.freeze({ SIGTERM: 143, SIGINT: 130, SIGHUP: 129, deadline: 124 });

export interface LifetimeGuardsOptions {
  /** Milliseconds from install to the deadline, which enters the funnel with exit 124. Required. */
  deadlineMs: number;
  /** The teardown; runs exactly once, whatever enters the funnel. */
  onShutdown: (reason: ShutdownReason) => Promise<void>;
  /** Where the guards say what they do (info, warn, error); a pino logger fits. Default: silent. */
  log?: Log;
  /** Called once at the very end with the status. Default `process.exit`. */
  exit?: (code: number) => void;
  /** Start even when the parent is pid 1 or gone (a deliberately detached local run). Default false. */
  allowOrphan?: boolean;
  /** Child groups killed when the funnel opens (before `onShutdown`). Default: the shared registry. */
  registry?: GroupRegistry;
  /** Grace between SIGTERM and SIGKILL for child groups. Default 5000 ms. */
  killGraceMs?: number;
  /** Backstop: exit even if `onShutdown` hangs this long. Default 600000 ms (10 min). */
  teardownTimeoutMs?: number;
  /** Parent pid to judge orphanhood by. Default `process.ppid`. */
  parentPid?: number;
}

export interface LifetimeGuards {
  /** Aborted the moment the funnel opens: in-flight work should stop and not start new steps. */
  readonly signal: AbortSignal;
  /** The reason the funnel was entered, or null while running. */
  readonly reason: ShutdownReason | null;
  /** Enter the funnel (normal end: `'done'` with the work's exit code). Resolves never in production. */
  shutdown(reason: ShutdownReason, code?: number): Promise<void>;
  /** Remove the handlers and the timer without tearing down (tests, embedding). */
  dispose(): void;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Install the lifetime guards: SIGTERM, SIGINT, SIGHUP and the deadline all enter one
 * teardown funnel exactly once. Throws {@link OrphanError} when started as an orphan.
 */
export function installLifetimeGuards(options: LifetimeGuardsOptions): LifetimeGuards {
  const {
    deadlineMs,
    onShutdown,
    exit = (code: number) => process.exit(code),
    allowOrphan = false,
    registry = defaultRegistry,
    killGraceMs = 5_000,
    teardownTimeoutMs = 600_000,
    parentPid = process.ppid,
  } = options;
  if (!Number.isFinite(deadlineMs) || deadlineMs <= 0) {
    throw new TypeError(
      `installLifetimeGuards: deadlineMs must be a positive number, got ${String(deadlineMs)}`,
    );
  }
  if (typeof onShutdown !== 'function') {
    throw new TypeError('installLifetimeGuards: onShutdown must be a function');
  }
  if (!allowOrphan && isOrphan(parentPid)) throw new OrphanError(parentPid);
  const log = fullLog(options.log);

  const controller = new AbortController();
  let reason: ShutdownReason | null = null;
  let funnel: Promise<void> | null = null;
  let status = 0;

  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of SIGNALS) {
    const handler = () => {
      if (funnel) {
        // The status says a signal ended the run even when it came during the normal end's
        // teardown; the teardown itself is never interrupted.
        if (reason === 'done') {
          status = EXIT_CODES[sig];
          log.warn(
            { signal: sig, status },
            `${sig} received during teardown; teardown continues, exit status will be ${status}`,
          );
        } else
          log.warn(
            { signal: sig, reason },
            `${sig} received during teardown (${reason}); teardown continues`,
          );
        return;
      }
      void shutdown(sig);
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  const deadline = setTimeout(() => {
    if (!funnel) void shutdown('deadline');
    else log.warn({ reason }, 'deadline reached during teardown; teardown continues');
  }, deadlineMs);
  deadline.unref();

  function dispose(): void {
    clearTimeout(deadline);
    for (const [sig, h] of handlers) process.off(sig, h);
  }

  function shutdown(why: ShutdownReason, code = 0): Promise<void> {
    if (funnel) return funnel;
    reason = why;
    status = why === 'done' ? code : EXIT_CODES[why];
    funnel = (async () => {
      log.info(
        { reason: why },
        why === 'done'
          ? 'run finished; tearing down'
          : `${why === 'deadline' ? 'deadline reached' : `${why} received`}; tearing down`,
      );
      controller.abort(why);
      const backstop = setTimeout(() => {
        log.error(
          { status, teardownTimeoutMs },
          `teardown did not finish within ${teardownTimeoutMs} ms; exiting with ${status}`,
        );
        exit(status);
      }, teardownTimeoutMs);
      backstop.unref();
      // A teardown step awaiting something that can never settle empties the event loop, and
      // Node would exit with a silent 0: end with the funnel's status instead.
      const stalled = () => {
        log.error(
          { status },
          `teardown stalled (nothing left to wait for); exiting with ${status}`,
        );
        exit(status);
      };
      process.once('beforeExit', stalled);
      try {
        await registry.killAll({ signal: 'SIGTERM', graceMs: killGraceMs });
        await onShutdown(why);
      } catch (error) {
        log.error({}, `teardown failed: ${(error as Error)?.message ?? String(error)}`);
      } finally {
        clearTimeout(backstop);
        clearTimeout(deadline);
        process.off('beforeExit', stalled);
      }
      log.info({ status }, `exiting with status ${status}`);
      exit(status);
    })();
    return funnel;
  }

  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    shutdown,
    dispose,
  };
}

function isOrphan(ppid: number): boolean {
  if (ppid <= 1) return true;
  try {
    process.kill(ppid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
