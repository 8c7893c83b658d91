import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RungName, RungStatus } from '@ccci/contracts';
import { pinoRedactOptions, type Redactor, redactingDestination } from '@ccci/redact';
import type { LiveEventInput } from '@ccci/results';
import pino, { type Logger } from 'pino';
import type { Progress } from './progress.js';

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
  const r = (s: string) => redactor.redactString(s);
  return {
    pino: logger,
    file,
    step(rung, step) {
      logger.info({ rung, step }, `${rung}: ${step}`);
      progress.step(rung, r(step));
      live({ kind: 'step', phase: rung, step: r(step) });
    },
    rung(name, status, reason, durationMs) {
      const msg = `${name}: ${status}${reason ? ` — ${reason}` : ''}${durationMs > 0 ? ` (${(durationMs / 1000).toFixed(1)}s)` : ''}`;
      logger.info({ rung: name, status }, msg);
      progress.line(r(msg));
      live({ kind: 'rung', rung: name, status, reason: r(reason ?? '') });
    },
    info(msg, fields) {
      logger.info(fields ?? {}, msg);
      progress.line(r(msg));
      live({ kind: 'log', level: 'info', text: r(msg) });
    },
    warn(msg, fields) {
      logger.warn(fields ?? {}, msg);
      progress.line(`warning: ${r(msg)}`);
      live({ kind: 'log', level: 'warn', text: r(msg) });
    },
    error(msg, fields) {
      logger.error(fields ?? {}, msg);
      progress.line(`error: ${r(msg)}`);
      live({ kind: 'log', level: 'error', text: r(msg) });
    },
    closeLive: async () => feed?.close(),
    output(source, text) {
      // Masked whole before it is cut into lines: a multi-line secret or a wrapped base64 blob
      // would otherwise reach the log in pieces no matcher recognises.
      for (const line of r(text).split(/\r?\n/)) if (line.trim()) logger.debug({ source }, line);
    },
    close() {
      return new Promise((resolve) => {
        fileStream.once('finish', () => resolve());
        fileStream.once('error', () => resolve());
        sink.end();
      });
    },
  };
}
