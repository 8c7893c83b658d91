import { ARTIFACT_NAME, type Level, validateResults, verdict } from '@ccci/results';
import type { RunRecord } from '@ccci/store';
import type { Context } from './context.js';
import { keyMatches } from './keys.js';
import { finishRun } from './runs.js';

export { ARTIFACT_NAME };

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const REPORTABLE = new Set(['dispatching', 'dispatched', 'running']);

function bearer(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  return m ? (m[1] as string) : null;
}

/** Checks the run-scoped key (constant time); the run must still accept reports. */
export function authorizeRun(
  ctx: Context,
  runId: string,
  authorization: string | undefined,
): Answer | null {
  const denied = checkRun(ctx, runId, authorization);
  if (denied) ctx.metrics.reports.inc({ outcome: `http-${denied.status}` });
  return denied;
}

function checkRun(ctx: Context, runId: string, authorization: string | undefined): Answer | null {
  const run = ctx.store.getRun(runId);
  if (!run) return { status: 404, body: { error: `no run ${runId}` } };
  const key = bearer(authorization);
  if (key === null)
    return { status: 401, body: { error: 'missing Authorization: Bearer <run key>' } };
  if (!REPORTABLE.has(run.state) && !awaitsLateReport(ctx, run)) {
    // The key is cleared when a run ends: say why instead of a bare 401.
    const late = run.lateReportUntil !== null;
    if (late && run.keyHash !== null) ctx.store.updateRun(runId, { keyHash: null });
    return {
      status: 409,
      body: {
        error: late
          ? `run ${runId} ended without a report and its late-report window closed at ${run.lateReportUntil}; it takes no more reports`
          : `run ${runId} is ${run.state}; it takes no more reports`,
      },
    };
  }
  if (!keyMatches(key, run.keyHash)) return { status: 401, body: { error: 'wrong run key' } };
  return null;
}

/** A run that ended without a report, still inside its late-report window, with its key. */
function awaitsLateReport(ctx: Context, run: RunRecord): boolean {
  return (
    run.state === 'done' &&
    run.keyHash !== null &&
    run.lateReportUntil !== null &&
    ctx.clock().getTime() <= Date.parse(run.lateReportUntil)
  );
}

/**
 * Intake of a harness report: `{ run_id, results, artifacts: [{ name, base64 }] }`. Results are
 * validated; the run ends in one transaction (artifacts, level, verdict); the comment edit and
 * final status follow in the notify step.
 */
export function acceptReport(
  ctx: Context,
  runId: string,
  authorization: string | undefined,
  raw: Buffer,
): Answer {
  const denied = authorizeRun(ctx, runId, authorization);
  if (denied) return denied;
  const run = ctx.store.getRun(runId);
  if (!run) return { status: 404, body: { error: `no run ${runId}` } };
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    payload = parsed as Record<string, unknown>;
  } catch {
    ctx.metrics.reports.inc({ outcome: 'malformed' });
    return {
      status: 400,
      body: { error: 'body must be a JSON object {run_id, results, artifacts}' },
    };
  }
  if (payload.run_id !== undefined && payload.run_id !== runId) {
    return {
      status: 400,
      body: {
        error: `run_id ${JSON.stringify(String(payload.run_id).slice(0, 40))} does not match the URL`,
      },
    };
  }
  const artifacts: { name: string; bytes: Buffer }[] = [];
  if (payload.artifacts !== undefined) {
    if (!Array.isArray(payload.artifacts))
      return { status: 400, body: { error: 'artifacts must be an array' } };
    for (const [i, a] of payload.artifacts.entries()) {
      const name = (a as { name?: unknown })?.name;
      const b64 = (a as { base64?: unknown })?.base64;
      if (typeof name !== 'string' || !ARTIFACT_NAME.test(name) || typeof b64 !== 'string') {
        return {
          status: 400,
          body: {
            error: `artifacts[${i}]: expected {name, base64} with name matching ${ARTIFACT_NAME}`,
          },
        };
      }
      artifacts.push({ name, bytes: Buffer.from(b64, 'base64') });
    }
  }
  const results = payload.results ?? null;
  if (results === null) {
    ctx.store.transaction(() => {
      for (const a of artifacts) ctx.store.putArtifact(runId, a.name, a.bytes);
      finishRun(ctx, runId, {
        commitState: 'error',
        error: 'the harness reported no results (infrastructure failure)',
      });
    });
    ctx.metrics.reports.inc({ outcome: 'no-results' });
    return { status: 200, body: { ok: true, state: 'done', commit_state: 'error' } };
  }
  const checked = validateResults(results);
  if (!checked.ok) {
    const issues = checked.issues
      .slice(0, 5)
      .map((x) => `${x.path}: expected ${x.expected}, found ${x.found}`);
    ctx.store.transaction(() => {
      finishRun(ctx, runId, {
        commitState: 'error',
        error: `the harness reported invalid results (${issues[0] ?? 'schema'})`,
      });
    });
    ctx.metrics.reports.inc({ outcome: 'invalid' });
    return { status: 422, body: { error: 'results do not match the results schema', issues } };
  }
  const value = checked.value;
  if (value.run_id !== runId || value.recipe !== run.recipe) {
    return {
      status: 422,
      body: {
        error: `results are for run ${value.run_id} of ${value.recipe}, not ${runId} of ${run.recipe}`,
      },
    };
  }
  // The status goes on the run's commit: results of another commit would put a verdict there
  // that the comment attributes to a different one.
  if (value.sha.toLowerCase() !== run.headSha.toLowerCase()) {
    return {
      status: 422,
      body: {
        error: `results are for commit ${value.sha.slice(0, 40)}, not ${run.headSha} this run tests`,
      },
    };
  }
  const previous = ctx.store.defaultBranchLevel(run.recipe, runId);
  const commitState = verdict({
    level: value.level,
    flags: value.flags,
    previousLevel: previous as Level | null,
  });
  const late = run.state === 'done';
  ctx.store.transaction(() => {
    for (const a of artifacts) ctx.store.putArtifact(runId, a.name, a.bytes);
    // The streamed log lines are in run.log now; steps and rung outcomes stay for the page.
    if (artifacts.some((a) => a.name === 'run.log')) ctx.store.dropRunEvents(runId, 'log');
    finishRun(ctx, runId, {
      commitState: commitState === 'pending' ? 'error' : commitState,
      level: value.level,
      resultsJson: JSON.stringify(value),
    });
  });
  ctx.metrics.reports.inc({ outcome: late ? 'accepted-late' : 'accepted' });
  ctx.log.info?.(
    { runId, level: value.level, commitState, late },
    late ? 'late report accepted: the run had ended without one' : 'report accepted',
  );
  return {
    status: 200,
    body: { ok: true, state: 'done', level: value.level, commit_state: commitState },
  };
}

/** `PUT /api/runs/<id>/artifacts/<name>`: one artifact, raw bytes, while the run is active. */
export function acceptArtifact(
  ctx: Context,
  runId: string,
  name: string,
  authorization: string | undefined,
  raw: Buffer,
): Answer {
  if (!ARTIFACT_NAME.test(name))
    return { status: 400, body: { error: `artifact name must match ${ARTIFACT_NAME}` } };
  const denied = authorizeRun(ctx, runId, authorization);
  if (denied) return denied;
  ctx.store.putArtifact(runId, name, raw);
  return { status: 200, body: { ok: true, name, size: raw.byteLength } };
}
