import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RungName, RungStatus } from '@ccci/contracts';
import { pinoRedactOptions, type Redactor, redactingDestination } from '@ccci/redact';
import { type LiveEventInput, visibleText } from '@ccci/results';
import pino, { type Logger } from 'pino';
import type { Progress } from './progress.js';

const MIB = 1024 * 1024;
/**
 * Child output (abra, recipe scripts, hooks) the run log keeps: the rest is counted, not
 * written. The log goes to the bot in the report (64 MiB at most, with the screenshots): a
 * recipe that prints without end must not cost the run its results.
 */
const OUTPUT_BUDGET = 8 * MIB;

/** The run's log: pino JSON lines (redacted) in the run's artifacts, and the progress view. */
export interface RunLog {
  readonly pino: Logger;
  readonly file: string;
  step(rung: string, step: string): void;
  /** A rung's outcome: a line in the log and an event in the live feed. */
  rung(name: RungName, status: RungStatus, reason: string | undefined, durationMs: number): void;
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
  /** Sends what the live feed holds and stops it (before the report). Never throws. */
  closeLive(): Promise<void>;
  /** Raw child output: debug lines in the log file only. */
  output(source: string, text: string): void;
  close(): Promise<void>;
}

/**
 * `live` receives what people follow (steps, rung outcomes, info/warn/error lines), already
 * masked; child output stays in the file.
 */
export function createRunLog(
  file: string,
  redactor: Redactor,
  progress: Progress,
  feed?: { push(event: LiveEventInput): void; close(): Promise<void> },
): RunLog {
  const live = (event: LiveEventInput) => feed?.push(event);
  mkdirSync(dirname(file), { recursive: true });
  const fileStream = createWriteStream(file, { flags: 'a' });
  // Values (every known secret, in its encodings) and sensitive field names are both masked.
  const sink = redactingDestination(redactor, fileStream);
  const logger = pino({ level: 'debug', base: null, ...pinoRedactOptions() }, sink);
  // Text as a reader sees it before it is masked: a secret cut by a colour code or an invisible
  // character reads whole in a terminal and on the log page, so the redactor must see it whole.
  const r = (s: string) => redactor.redactString(visibleText(s));
  // Child output kept in the log so far (characters), and what was left out, by source.
  let outputKept = 0;
  const dropped = new Map<string, number>();
  return {
    pino: logger,
    file,
    step(rung, raw) {
      const step = r(raw);
      logger.info({ rung, step }, `${rung}: ${step}`);
      progress.step(rung, step);
      live({ kind: 'step', phase: rung, step });
    },
    rung(name, status, raw, durationMs) {
      const reason = raw === undefined ? undefined : r(raw);
      const msg = `${name}: ${status}${reason ? ` — ${reason}` : ''}${durationMs > 0 ? ` (${(durationMs / 1000).toFixed(1)}s)` : ''}`;
      logger.info({ rung: name, status }, msg);
      progress.line(msg);
      live({ kind: 'rung', rung: name, status, reason: reason ?? '' });
    },
    info(raw, fields) {
      const msg = r(raw);
      logger.info(fields ?? {}, msg);
      progress.line(msg);
      live({ kind: 'log', level: 'info', text: msg });
    },
    warn(raw, fields) {
      const msg = r(raw);
      logger.warn(fields ?? {}, msg);
      progress.line(`warning: ${msg}`);
      live({ kind: 'log', level: 'warn', text: msg });
    },
    error(raw, fields) {
      const msg = r(raw);
      logger.error(fields ?? {}, msg);
      progress.line(`error: ${msg}`);
      live({ kind: 'log', level: 'error', text: msg });
    },
    closeLive: async () => feed?.close(),
    output(source, text) {
      // Past the budget nothing is written: counted as it came, neither cleaned nor masked.
      const full = outputKept >= OUTPUT_BUDGET;
      // Masked whole before it is cut into lines: a multi-line secret or a wrapped base64 blob
      // would otherwise reach the log in pieces no matcher recognises.
      for (const line of (full ? text : r(text)).split(/\r?\n/)) {
        if (!line.trim()) continue;
        const room = OUTPUT_BUDGET - outputKept;
        if (room <= 0) {
          dropped.set(source, (dropped.get(source) ?? 0) + line.length);
          continue;
        }
        outputKept += Math.min(line.length, room);
        logger.debug({ source }, line.length > room ? `${line.slice(0, room)} …` : line);
        if (line.length > room)
          dropped.set(source, (dropped.get(source) ?? 0) + line.length - room);
      }
    },
    close() {
      for (const [source, chars] of dropped) {
        logger.warn(
          { source, dropped: chars },
          `${source}: ${chars} characters of output past the log's ${OUTPUT_BUDGET / MIB} MiB of child output were not kept`,
        );
      }
      dropped.clear();
      return new Promise((resolve) => {
        fileStream.once('finish', () => resolve());
        fileStream.once('error', () => resolve());
        sink.end();
      });
    },
  };
}
