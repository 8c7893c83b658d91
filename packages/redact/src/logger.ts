import type { Writable } from 'node:stream';
import { SENSITIVE_FIELD_NAMES, sensitiveFieldMatcher, sensitiveFieldPaths } from './fields.js';
import { mapJson } from './json.js';
import { DEFAULT_MASK } from './options.js';
import type { Redactor } from './redactor.js';
import type { RedactStream } from './stream.js';

/** Options of `pinoRedactOptions`. */
export interface PinoRedactOptionsInput {
  /** Field names to mask. Default `SENSITIVE_FIELD_NAMES`. */
  names?: readonly string[];
  /** Replacement text. Default `[REDACTED]` (or the redactor's mask when given one). */
  mask?: string;
}

/** The subset of pino's `LoggerOptions` this package sets (structurally typed: no pino import). */
export interface PinoRedactOptions {
  redact: { paths: string[]; censor: string };
  formatters: { log: (object: Record<string, unknown>) => Record<string, unknown> };
}

/**
 * Options to spread into `pino(...)`: `redact.paths` for the usual spellings and depths of
 * the sensitive field names, plus a `formatters.log` that masks them at any depth and in any
 * case (pino's paths are case-sensitive). Masking by value is the destination's job:
 * `redactingDestination`.
 */
export function pinoRedactOptions(input: PinoRedactOptionsInput = {}): PinoRedactOptions {
  const names = input.names ?? SENSITIVE_FIELD_NAMES;
  const mask = input.mask ?? DEFAULT_MASK;
  const sensitive = sensitiveFieldMatcher(names);
  return {
    redact: { paths: sensitiveFieldPaths({ names }), censor: mask },
    formatters: {
      log: (object) => mapJson(object, (s) => s, sensitive, mask) as Record<string, unknown>,
    },
  };
}

/**
 * A stream to hand pino as its destination: every byte written is masked by value and then
 * written to `destination` (e.g. `process.stdout` or `pino.destination(path)`).
 */
export function redactingDestination(redactor: Redactor, destination: Writable): RedactStream {
  const stream = redactor.stream();
  stream.pipe(destination);
  stream.on('error', (error) => destination.destroy(error));
  return stream;
}
