import { isRungName, isRungStatus, type RungName, type RungStatus } from '@ccci/contracts';
import { markHidden } from './text.js';

/**
 * What a running harness streams to trigger-bot while it climbs (`POST
 * /api/runs/<id>/progress`, the run key as bearer): steps, rung outcomes and its redacted log
 * lines, numbered from 1. The harness resends what the bot has not acknowledged; the bot keeps
 * the first copy of each number. The full log still arrives with the report (run.log).
 */
export type LiveEvent =
  | { seq: number; at: string; kind: 'step'; phase: string; step: string }
  | { seq: number; at: string; kind: 'rung'; rung: RungName; status: RungStatus; reason: string }
  | { seq: number; at: string; kind: 'log'; level: LiveLogLevel; text: string };

type LiveLogLevel = 'info' | 'warn' | 'error';
export type LiveEventInput = LiveEvent extends infer E
  ? E extends LiveEvent
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;

/** Bounds of the progress channel: what one request and one event may carry. */
export const LIVE_LIMITS = {
  /** Events in one request. */
  batch: 500,
  /** Bytes of one request body. */
  bodyBytes: 1024 * 1024,
  /** Characters of a log line or a reason (longer ones are cut, with an ellipsis). */
  text: 2000,
  /** Characters of a step. */
  step: 300,
  /** Highest sequence number (a run that logs more stops streaming; its run.log has it all). */
  seq: 1_000_000,
} as const;

/** A step's phase: lower-case letters and `_`, at most 40 (the feed refuses others). */
export const LIVE_PHASE = /^[a-z][a-z_]{0,39}$/;
const LEVELS: readonly string[] = ['info', 'warn', 'error'];

/** Cuts text to `max` characters (never inside a surrogate pair), marking the cut. */
export function clipLive(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

function isIsoTime(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(v))
    return false;
  const t = Date.parse(v);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 19) === v.slice(0, 19);
}

export type LiveParse = { ok: true; events: LiveEvent[] } | { ok: false; error: string };

/**
 * Checks a progress request body `{ run_id, events: [...] }` field by field (it comes from the
 * harness, which runs pull-request code). Each string is shown as one line with its hidden
 * characters made visible (markHidden); one longer than its bound is cut, not refused: a long
 * log line is still worth showing. Anything else malformed refuses the whole request,
 * naming the first bad field.
 */
export function parseLiveBody(raw: unknown, runId: string): LiveParse {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, error: 'body must be a JSON object {run_id, events}' };
  const body = raw as Record<string, unknown>;
  if (body.run_id !== runId)
    return { ok: false, error: `run_id: expected ${JSON.stringify(runId)}` };
  if (!Array.isArray(body.events))
    return { ok: false, error: 'events: expected an array of events' };
  if (body.events.length > LIVE_LIMITS.batch)
    return { ok: false, error: `events: at most ${LIVE_LIMITS.batch} in one request` };
  const events: LiveEvent[] = [];
  for (const [i, item] of body.events.entries()) {
    const ev = parseEvent(item);
    if (typeof ev === 'string') return { ok: false, error: `events[${i}].${ev}` };
    events.push(ev);
  }
  return { ok: true, events };
}

function parseEvent(item: unknown): LiveEvent | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'expected an object';
  const e = item as Record<string, unknown>;
  const seq = e.seq;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || seq > LIVE_LIMITS.seq)
    return `seq: expected an integer from 1 to ${LIVE_LIMITS.seq}`;
  if (!isIsoTime(e.at)) return 'at: expected a UTC time like 2026-12-02T10:00:00.000Z';
  const at = e.at;
  const str = (key: string, max: number): string | null =>
    typeof e[key] === 'string' ? clipLive(markHidden(e[key] as string), max) : null;
  switch (e.kind) {
    case 'step': {
      if (typeof e.phase !== 'string' || !LIVE_PHASE.test(e.phase))
        return 'phase: expected a lower-case word (a rung or a phase: prepare, teardown…)';
      const step = str('step', LIVE_LIMITS.step);
      if (step === null) return 'step: expected a string';
      return { seq, at, kind: 'step', phase: e.phase, step };
    }
    case 'rung': {
      if (!isRungName(e.rung)) return 'rung: expected a rung name';
      if (!isRungStatus(e.status)) return 'status: expected pass, fail, skip or unver';
      const reason = str('reason', LIVE_LIMITS.text);
      if (reason === null) return 'reason: expected a string (empty when none)';
      return { seq, at, kind: 'rung', rung: e.rung, status: e.status, reason };
    }
    case 'log': {
      if (typeof e.level !== 'string' || !LEVELS.includes(e.level))
        return 'level: expected info, warn or error';
      const text = str('text', LIVE_LIMITS.text);
      if (text === null) return 'text: expected a string';
      return { seq, at, kind: 'log', level: e.level as LiveLogLevel, text };
    }
    default:
      return 'kind: expected step, rung or log';
  }
}

/** What a run has shown so far: the phase and step it is in, and the rungs already decided. */
export interface LiveState {
  phase: string | null;
  step: string | null;
  /** The rung being climbed, when the current phase is one. */
  currentRung: RungName | null;
  done: Partial<Record<RungName, RungStatus>>;
}

/** Folds events (in sequence order) into the run's current state. Pure. */
export function liveState(events: readonly LiveEvent[]): LiveState {
  const state: LiveState = { phase: null, step: null, currentRung: null, done: {} };
  for (const e of events) {
    if (e.kind === 'step') {
      state.phase = e.phase;
      state.step = e.step;
      state.currentRung = isRungName(e.phase) ? e.phase : null;
    } else if (e.kind === 'rung') {
      state.done[e.rung] = e.status;
      if (state.currentRung === e.rung) state.currentRung = null;
    }
  }
  return state;
}
