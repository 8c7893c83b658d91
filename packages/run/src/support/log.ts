import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Progress } from './progress.js';
import type { Redactor } from './redaction.js';

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

// Header and field names whose values never reach the log, whatever the redactor knows.
const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'key',
  '*.key',
];

export function createRunLog(file: string, redactor: Redactor, progress: Progress): RunLog {
  mkdirSync(dirname(file), { recursive: true });
  const sink = redactor.stream();
  const fileStream = createWriteStream(file, { flags: 'a' });
  sink.pipe(fileStream);
  const logger = pino(
    { level: 'debug', redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, base: null },
    sink,
  );
  const r = (s: string) => redactor.redact(s);
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
      for (const line of text.split(/\r?\n/)) if (line.trim()) logger.debug({ source }, line);
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
