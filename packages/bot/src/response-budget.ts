import type { ServerResponse } from 'node:http';

/** Bodies from this size on count against the budget (a page, a badge or an answer is smaller). */
const COUNTED_BYTES = 1024 * 1024;

/**
 * Memory the server's large answers may hold at once. An answer is held until its reader has
 * taken it, and a reader can stop reading: without a bound, a few connections that fetch a
 * 60 MB run.log and never read would hold gigabytes. A large answer that does not fit is
 * refused (503, try again later); one whose reader takes nothing for `idleMs` is cut off.
 */
export interface ResponseBudget {
  /** Counts `bytes` for `res` until it closes; false when they do not fit. */
  take(res: ServerResponse, bytes: number): boolean;
  /** Bytes of large answers not yet taken by their readers. */
  readonly held: number;
}

export function createResponseBudget(maxBytes: number, idleMs: number): ResponseBudget {
  let held = 0;
  return {
    take(res, bytes) {
      if (bytes < COUNTED_BYTES) return true;
      if (held + bytes > maxBytes) return false;
      held += bytes;
      res.once('close', () => {
        held -= bytes;
      });
      res.setTimeout(idleMs, () => res.destroy());
      return true;
    },
    get held() {
      return held;
    },
  };
}

const budgets = new WeakMap<ServerResponse, ResponseBudget>();

/** Makes `budget` the one every answer written to `res` is counted against. */
export function useBudget(res: ServerResponse, budget: ResponseBudget): void {
  budgets.set(res, budget);
}

/** The budget `res` is counted against, if any. */
export function budgetOf(res: ServerResponse): ResponseBudget | undefined {
  return budgets.get(res);
}
