import { dropTerminalEscapes, markHidden } from '@ccci/results';

/**
 * Reading a run.log artifact for people: pino NDJSON lines from the harness (`level` 10…60,
 * `time` in ms since the epoch, `msg`; a step line carries `rung` and `step`, raw child output
 * `source`), or any other text. Hostile input: never trusted to be JSON, to be short, or to
 * hold only printable characters. The work is bounded whatever the size: only the first
 * {@link LOG_LIMITS.head} and last {@link LOG_LIMITS.tail} lines are parsed.
 */

export const LOG_LIMITS: Readonly<{ head: number; tail: number; lineChars: number }> = {
  /** Lines shown from the start of the log. */
  head: 200,
  /** Lines shown from its end (where a failure usually is). */
  tail: 1000,
  /** Characters shown of one line's message and of its other fields. */
  lineChars: 2000,
};

type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'text';

export interface LogLine {
  /** 1-based line number in the artifact. */
  n: number;
  /** ISO time, or null when the line has none. */
  at: string | null;
  level: LogLevel;
  msg: string;
  /** The line's other fields, `key=value` (JSON values), clipped. */
  fields: string;
  /** Set on a step line: the phase (`prepare`, `install`, …, `teardown`) and the step. */
  phase: string | null;
  step: string | null;
}

export interface LogExcerpt {
  head: LogLine[];
  tail: LogLine[];
  /** Lines between head and tail that are not shown. */
  omitted: number;
  total: number;
}

const PINO_LEVELS: Record<number, LogLevel> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const NAMED = new Set<string>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const KNOWN = new Set(['level', 'time', 'msg', 'rung', 'step', 'pid', 'hostname', 'v']);

/**
 * A message or field as one line: terminal escapes dropped; a line break inside it shown as ␤
 * (it would draw a line the harness never wrote), other controls, bidi overrides (Trojan
 * Source) and invisible characters as U+FFFD (dropped, they would join what they separate).
 */
function clip(text: string, max: number): string {
  const clean = markHidden(dropTerminalEscapes(text));
  return clean.length > max
    ? `${clean.slice(0, max)}… (${clean.length - max} more characters)`
    : clean;
}

function isoOf(time: unknown): string | null {
  if (typeof time === 'number' && Number.isFinite(time) && time >= 0 && time < 8.64e15)
    return new Date(time).toISOString();
  if (
    typeof time === 'string' &&
    /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(time) &&
    Number.isFinite(Date.parse(time))
  )
    return new Date(Date.parse(time)).toISOString();
  return null;
}

function levelOf(level: unknown): LogLevel {
  if (typeof level === 'number')
    return PINO_LEVELS[level] ?? (level >= 50 ? 'error' : level >= 40 ? 'warn' : 'info');
  return typeof level === 'string' && NAMED.has(level) ? (level as LogLevel) : 'info';
}

/** One line of the artifact, whatever it holds. */
function parseLogLine(n: number, text: string): LogLine {
  let value: unknown;
  if (text.startsWith('{')) {
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      n,
      at: null,
      level: 'text',
      msg: clip(text, LOG_LIMITS.lineChars),
      fields: '',
      phase: null,
      step: null,
    };
  }
  const o = value as Record<string, unknown>;
  const phase = typeof o.rung === 'string' && typeof o.step === 'string' ? o.rung : null;
  const fields = Object.entries(o)
    .filter(([k]) => !KNOWN.has(k) && k !== 'message')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const msg = typeof o.msg === 'string' ? o.msg : typeof o.message === 'string' ? o.message : '';
  return {
    n,
    at: isoOf(o.time),
    level: levelOf(o.level),
    msg: clip(msg, LOG_LIMITS.lineChars),
    fields: clip(fields, LOG_LIMITS.lineChars),
    phase: phase === null ? null : clip(phase, 80),
    step: phase === null ? null : clip(String(o.step), 300),
  };
}

const NL = 0x0a;

/**
 * The first `head` and last `tail` lines of a log, parsed, and how many lie between (counted,
 * not parsed: a 64 MiB log costs one scan for newlines). A final newline ends the last line.
 */
export function excerptLog(
  bytes: Buffer,
  head = LOG_LIMITS.head,
  tail = LOG_LIMITS.tail,
): LogExcerpt {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === NL ? bytes.length - 1 : bytes.length;
  const text = (from: number, to: number) => bytes.toString('utf8', from, to).replace(/\r$/, '');
  const first: LogLine[] = [];
  let pos = 0;
  while (pos < end && first.length < head) {
    const nl = bytes.indexOf(NL, pos);
    const stop = nl === -1 || nl > end ? end : nl;
    first.push(parseLogLine(first.length + 1, text(pos, stop)));
    pos = stop + 1;
  }
  if (pos >= end) return { head: first, tail: [], omitted: 0, total: first.length };
  // Walk back from the end for the tail, never into what the head took.
  const starts: number[] = [];
  let cut = end;
  while (starts.length < tail && cut > pos) {
    const nl = bytes.lastIndexOf(NL, cut - 1);
    const start = nl < pos ? pos : nl + 1;
    starts.push(start);
    cut = start - 1;
  }
  const tailStart = starts.at(-1) ?? end;
  let omitted = 0;
  for (let i = bytes.indexOf(NL, pos); i !== -1 && i < tailStart; i = bytes.indexOf(NL, i + 1))
    omitted++;
  const firstTailLine = first.length + omitted + 1;
  const last = starts.reverse().map((start, i) => {
    const nl = bytes.indexOf(NL, start);
    return parseLogLine(firstTailLine + i, text(start, nl === -1 || nl > end ? end : nl));
  });
  return { head: first, tail: last, omitted, total: firstTailLine - 1 + last.length };
}
