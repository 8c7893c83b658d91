/** What a log line carries besides its message. Never a secret value. */
export type LogFields = Record<string, unknown>;

/**
 * The one logger shape every package takes through its options: pino's argument order, fields
 * first and message second, so a pino logger is passed as it is. Every method is optional; a
 * package normalises what it was given once, with {@link fullLog}, and passes that down.
 */
export interface Log {
  debug?(fields: LogFields, message: string): void;
  info?(fields: LogFields, message: string): void;
  warn?(fields: LogFields, message: string): void;
  error?(fields: LogFields, message: string): void;
}

/** A {@link Log} with every method present. */
export type FullLog = Required<Log>;

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Fills the methods `log` lacks with no-ops (all of them when `log` is undefined). */
export function fullLog(log: Log | undefined): FullLog {
  const full = {} as FullLog;
  for (const level of LEVELS) {
    const method = log?.[level];
    full[level] = method ? (fields, message) => method.call(log, fields, message) : () => {};
  }
  return full;
}
