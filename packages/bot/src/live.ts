import { type LiveEvent, type LiveState, liveState, parseLiveBody } from '@ccci/results';
import type { StoredEvent } from '@ccci/store';
import type { Context } from './context.js';
import { onStarted } from './lifecycle.js';
import { type Answer, authorizeRun } from './report.js';

/** Events one run may store (a harness that logs more keeps streaming steps to its run.log only). */
const MAX_EVENTS_PER_RUN = 20_000;

/** Reads stored events back (written by acceptProgress after parseLiveBody checked them). */
export function toLiveEvents(stored: readonly StoredEvent[]): LiveEvent[] {
  const out: LiveEvent[] = [];
  for (const s of stored) {
    try {
      out.push(JSON.parse(s.data) as LiveEvent);
    } catch {
      // A row this version did not write: skipped, never shown half-read.
    }
  }
  return out;
}

/** Where a run is: its last step and the rungs decided so far, from its stored events. */
export function runLiveState(ctx: Context, runId: string): LiveState {
  return liveState(toLiveEvents(ctx.store.lastRunEvents(runId, ['step', 'rung'], 500)));
}

export interface ProgressAnswer extends Answer {
  /** The run's rung changed (a rung began or ended): its comment is worth an edit. */
  rungChanged: boolean;
}

/**
 * Intake of `POST /api/runs/<id>/progress` (the run key as bearer): events stored once by their
 * number, the highest stored number acknowledged (the harness resends everything above it). The
 * first events of a run whose executor has not said so yet mark it running.
 */
export function acceptProgress(
  ctx: Context,
  runId: string,
  authorization: string | undefined,
  raw: Buffer,
): ProgressAnswer {
  const refused = (status: number, error: string): ProgressAnswer => ({
    status,
    body: { error },
    rungChanged: false,
  });
  const denied = authorizeRun(ctx, runId, authorization);
  if (denied) return { ...denied, rungChanged: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return refused(400, 'body must be JSON: {run_id, events}');
  }
  const checked = parseLiveBody(parsed, runId);
  if (!checked.ok) return refused(400, checked.error);
  const before = runLiveState(ctx, runId);
  const acked = ctx.store.addRunEvents(
    runId,
    checked.events.map((e) => ({ seq: e.seq, kind: e.kind, data: JSON.stringify(e) })),
    MAX_EVENTS_PER_RUN,
  );
  if (ctx.store.getRun(runId)?.state !== 'running' && checked.events.length > 0)
    onStarted(ctx, runId);
  const after = runLiveState(ctx, runId);
  return {
    status: 200,
    body: { ok: true, acked },
    rungChanged:
      before.currentRung !== after.currentRung ||
      JSON.stringify(before.done) !== JSON.stringify(after.done),
  };
}

/** Subscribers to runs' progress (the run page's live view). In memory: one bot process. */
export interface LiveHub {
  subscribe(runId: string, listener: () => void): () => void;
  publish(runId: string): void;
  /** Open subscriptions, all runs. */
  readonly size: number;
}

export function createLiveHub(): LiveHub {
  const byRun = new Map<string, Set<() => void>>();
  let size = 0;
  return {
    subscribe(runId, listener) {
      const set = byRun.get(runId) ?? new Set<() => void>();
      byRun.set(runId, set);
      set.add(listener);
      size++;
      return () => {
        if (set.delete(listener)) size--;
        if (set.size === 0) byRun.delete(runId);
      };
    },
    publish(runId) {
      for (const l of [...(byRun.get(runId) ?? [])]) l();
    },
    get size() {
      return size;
    },
  };
}
