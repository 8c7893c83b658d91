import type { RunRecord } from '@ccci/store';
import type { Context } from './context.js';
import { finishRun } from './runs.js';

export function onStarted(ctx: Context, runId: string): RunRecord | undefined {
  const run = ctx.store.getRun(runId);
  if (!run || (run.state !== 'dispatched' && run.state !== 'dispatching')) return undefined;
  return ctx.store.updateRun(runId, { state: 'running', startedAt: ctx.clock().toISOString() });
}

export function onExited(ctx: Context, runId: string, detail: string): void {
  const run = ctx.store.getRun(runId);
  if (!run || !['dispatching', 'dispatched', 'running'].includes(run.state)) return;
  // The harness may have spooled its report (bot unreachable): it can still deliver it late.
  finishRun(ctx, runId, {
    commitState: 'error',
    error: `${detail} without reporting results`,
    awaitLateReport: true,
  });
  ctx.log.warn?.({ runId, detail }, 'run ended without a report: infra error');
}

/**
 * After a restart with a non-durable executor: dispatched runs that never started go back to
 * the queue (their ack comment stays), runs whose process is gone end as infra errors.
 */
export async function recoverRuns(ctx: Context): Promise<void> {
  if (ctx.executor.durable) return;
  for (const run of ctx.store.activeRuns()) {
    if (run.state !== 'dispatched' && run.state !== 'running') continue;
    const found = await ctx.executor.lookup(run.id);
    if (found.kind === 'present') continue;
    if (run.state === 'dispatched' && run.startedAt === null && found.kind === 'absent') {
      ctx.store.updateRun(run.id, { state: 'queued', keyHash: null, executorRef: null });
      ctx.log.info?.({ runId: run.id }, 'restart: run had not started; queued again');
    } else {
      finishRun(ctx, run.id, {
        commitState: 'error',
        error:
          found.kind === 'unknown' ? found.reason : 'interrupted: the bot restarted while it ran',
        awaitLateReport: true,
      });
      ctx.log.warn?.({ runId: run.id }, 'restart: run was interrupted; ended as an infra error');
    }
  }
}

/**
 * No run stays `running` forever: one dispatched longer ago than `deadlineMs` (its harness's
 * deadline plus a grace) is stopped through its executor and ends as `error`.
 */
export async function expireRuns(ctx: Context, deadlineMs: number): Promise<void> {
  if (deadlineMs <= 0) return;
  const now = ctx.clock().getTime();
  for (const run of ctx.store.activeRuns()) {
    if (run.state !== 'dispatched' && run.state !== 'running') continue;
    const since = Date.parse(run.dispatchedAt ?? run.startedAt ?? run.createdAt);
    if (!Number.isFinite(since) || now - since <= deadlineMs) continue;
    try {
      await ctx.executor.cancel(run.id, run.executorRef);
    } catch (error) {
      ctx.log.warn?.({ runId: run.id, err: String(error) }, 'stopping an overdue run failed');
    }
    finishRun(ctx, run.id, {
      commitState: 'error',
      error: `ran past its deadline (${Math.round(deadlineMs / 60_000)} min) and was stopped`,
      awaitLateReport: true,
    });
    ctx.log.warn?.({ runId: run.id }, 'run past its deadline: stopped, ended as an infra error');
  }
}
