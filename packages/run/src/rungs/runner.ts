import { AbraError } from '@ccci/abra';
import type { RungName, RungStatus } from '@ccci/contracts';
import type { RunCtx, RungResult, TestResult } from '../context.js';
import { AssertionFailed, RefusedError, RunError } from '../errors.js';

/** Thrown by a rung body to end it as an intentional or structural skip. */
export class SkipRung extends RunError {
  constructor(readonly reason: string) {
    super('RUN_SKIP', reason);
  }
}

export interface Steps {
  /** Runs one named check; records it with its duration; a failure ends the rung. */
  check(name: string, fn: () => Promise<void>): Promise<void>;
}

/** What running and classifying a rung needs of the run. */
type RungCtx = Pick<RunCtx, 'state' | 'log' | 'signal'>;

/** How an error ends a rung: our assertions and "not converged" are `fail`, the rest `unver`. */
export function classify(
  ctx: Pick<RunCtx, 'signal' | 'state'>,
  error: unknown,
): { status: RungStatus; reason: string } {
  if (ctx.signal.aborted)
    return { status: 'unver', reason: `cancelled: ${ctx.state.abortReason ?? 'teardown'}` };
  if (error instanceof AssertionFailed) return { status: 'fail', reason: error.message };
  // The compose policy refused a deploy: nothing of it reached the swarm; the run is refused.
  if (error instanceof RefusedError)
    return { status: 'fail', reason: error.message.split('\n').slice(0, 2).join(' ') };
  if (error instanceof AbraError) {
    const fatal = error.fatal ? `: ${error.fatal}` : '';
    if (error.code === 'ABRA_DEPLOY_TIMEOUT') {
      return { status: 'fail', reason: `did not converge (abra: deploy timed out)${fatal}` };
    }
    return {
      status: 'unver',
      reason: `abra ${error.command.slice(1, 3).join(' ')} failed [${error.code}]${fatal}`,
    };
  }
  return { status: 'unver', reason: (error as Error)?.message ?? String(error) };
}

/**
 * Runs one rung: records status, reason, duration and per-check results in the run state.
 * A rung never throws; a rung that cannot run (earlier abort) is `unver`.
 */
export async function runRung(
  ctx: RungCtx,
  name: RungName,
  body: (steps: Steps) => Promise<void>,
): Promise<RungResult> {
  const started = Date.now();
  const tests: TestResult[] = [];
  const result: RungResult = { name, status: 'unver', reason: 'started', durationMs: 0, tests };
  ctx.state.rungs.set(name, result);
  const steps: Steps = {
    async check(check, fn) {
      ctx.state.current = { rung: name, step: check };
      ctx.log.step(name, check);
      const t0 = Date.now();
      try {
        await fn();
        tests.push({ name: check, status: 'pass', ms: Date.now() - t0 });
      } catch (error) {
        const c =
          error instanceof SkipRung
            ? { status: 'skip' as const, reason: error.reason }
            : classify(ctx, error);
        tests.push({ name: check, status: c.status, ms: Date.now() - t0, reason: c.reason });
        throw error;
      }
    },
  };
  try {
    await body(steps);
    result.status = 'pass';
    delete result.reason;
  } catch (error) {
    if (error instanceof SkipRung) {
      result.status = 'skip';
      result.reason = error.reason;
    } else {
      const c = classify(ctx, error);
      result.status = c.status;
      result.reason = c.reason;
    }
  }
  result.durationMs = Date.now() - started;
  ctx.state.current = undefined;
  ctx.log.rung(name, result.status, result.reason, result.durationMs);
  return result;
}

/** Marks a rung that will not run, with why. */
export function markRung(
  ctx: Pick<RunCtx, 'state' | 'log'>,
  name: RungName,
  status: RungStatus,
  reason: string,
): void {
  ctx.state.rungs.set(name, { name, status, reason, durationMs: 0, tests: [] });
  ctx.log.rung(name, status, reason, 0);
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new AssertionFailed(message);
}
