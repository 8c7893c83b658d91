import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pinoRedactOptions, type Redactor, redactingDestination } from '@ccci/redact';
import pino, { type Logger } from 'pino';
import type { Progress } from './progress.js';

/** The run's log: pino JSON lines (redacted) in the run's artifacts, and the progress view. */
export interface RunLog {
  readonly pino: Logger;
  readonly file: string;
  step(rung: string, step: string): void;
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
  /** Raw child output: debug lines in the log file only. */
  output(source: string, text: string): void;
  close(): Promise<void>;
}

export function createRunLog(file: string, redactor: Redactor, progress: Progress): RunLog {
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
    },
    info(msg, fields) {
      logger.info(fields ?? {}, msg);
      progress.line(r(msg));
    },
    warn(msg, fields) {
      logger.warn(fields ?? {}, msg);
      progress.line(`warning: ${r(msg)}`);
    },
    error(msg, fields) {
      logger.error(fields ?? {}, msg);
      progress.line(`error: ${r(msg)}`);
    },
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
