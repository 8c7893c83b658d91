import { createReadStream } from 'node:fs';
import { type Pattern, type PatternKind, patternsOf } from './encodings.js';
import { ScanFileError } from './errors.js';
import { SENSITIVE_FIELD_NAMES, sensitiveFieldMatcher } from './fields.js';
import { mapJson } from './json.js';
import { Matcher } from './matcher.js';
import { type RedactorOptions, resolveOptions } from './options.js';
import { joinParts, render } from './render.js';
import { readSecretsDir } from './secrets-dir.js';
import { RedactStream } from './stream.js';

/** A place where a secret (in one of its encodings) was found. Never the secret itself. */
export interface Leak {
  /** The encoding in which the secret appears. */
  readonly kind: PatternKind;
  /** Byte offset in the scanned input (UTF-8 bytes for a string). */
  readonly offset: number;
  /** Length in bytes of the matched text. */
  readonly length: number;
}

/** Options of `Redactor.redactJson`. */
export interface RedactJsonOptions {
  /** Field names whose values are masked whatever they hold. Default `SENSITIVE_FIELD_NAMES`. */
  fieldNames?: readonly string[];
}

/**
 * Holds the known secret values and masks them in streams, strings, JSON values and files.
 * Values may be added and removed at any time, also while streams are running.
 */
export class Redactor {
  /** What replaces each masked stretch. */
  readonly mask: string;
  readonly minLength: number;
  readonly idleFlushMs: number;
  readonly #maskBytes: Buffer;
  /** Known values by their bytes (latin1 key) with their patterns. */
  readonly #values = new Map<string, Pattern[]>();
  #matcher: Matcher | undefined;

  constructor(options: RedactorOptions = {}) {
    const resolved = resolveOptions(options);
    this.mask = resolved.mask;
    this.minLength = resolved.minLength;
    this.idleFlushMs = resolved.idleFlushMs;
    this.#maskBytes = Buffer.from(resolved.mask, 'utf8');
    if (resolved.secretsDir !== false) {
      for (const value of readSecretsDir(resolved.secretsDir)) this.add(value);
    }
    for (const value of resolved.values) this.add(value);
  }

  /** How many secret values are known (those shorter than `minLength` are not kept). */
  get size(): number {
    return this.#values.size;
  }

  /**
   * Makes `value` known from now on. Returns false (and keeps nothing) when it is shorter
   * than `minLength` bytes.
   */
  add(value: string | Uint8Array): boolean {
    const bytes = toBytes(value, 'add');
    if (bytes.length < this.minLength) return false;
    const key = keyOf(bytes);
    if (!this.#values.has(key)) {
      this.#values.set(key, patternsOf(Uint8Array.from(bytes), this.minLength));
      this.#matcher = undefined;
    }
    return true;
  }

  /** Forgets `value` (an app secret whose run is over). Returns whether it was known. */
  remove(value: string | Uint8Array): boolean {
    const removed = this.#values.delete(keyOf(toBytes(value, 'remove')));
    if (removed) this.#matcher = undefined;
    return removed;
  }

  /** The matcher for the values known now; rebuilt lazily after a change. */
  matcher(): Matcher {
    if (this.#matcher === undefined) {
      const seen = new Set<string>();
      const patterns: Pattern[] = [];
      for (const list of this.#values.values()) {
        for (const p of list) {
          const key = keyOf(p.bytes);
          if (seen.has(key)) continue;
          seen.add(key);
          patterns.push(p);
        }
      }
      this.#matcher = new Matcher(patterns);
    }
    return this.#matcher;
  }

  /** A Transform stream of bytes that masks every known value, across chunk boundaries. */
  stream(): RedactStream {
    return new RedactStream({
      matcher: () => this.matcher(),
      maskBytes: this.#maskBytes,
      idleFlushMs: this.idleFlushMs,
    });
  }

  /** `input` with every known value masked. */
  redactBuffer(input: Uint8Array): Buffer {
    const matcher = this.matcher();
    const intervals = matcher.intervals(input);
    if (intervals.length === 0) return Buffer.from(input.buffer, input.byteOffset, input.length);
    const parts: Uint8Array[] = [];
    render(input, intervals, input.length, this.#maskBytes, { pos: 0, open: false }, parts);
    return joinParts(parts) ?? Buffer.alloc(0);
  }

  /** `input` with every known value masked. */
  redactString(input: string): string {
    if (this.#values.size === 0) return input;
    const bytes = Buffer.from(input, 'utf8');
    const intervals = this.matcher().intervals(bytes);
    return intervals.length === 0 ? input : this.redactBuffer(bytes).toString('utf8');
  }

  /**
   * A deep copy of a JSON value with every known value masked in strings and keys, and the
   * values of sensitive fields (`authorization`, `…Token`, `password`, …) masked by name.
   */
  redactJson<T>(value: T, options: RedactJsonOptions = {}): T {
    const sensitive = sensitiveFieldMatcher(options.fieldNames ?? SENSITIVE_FIELD_NAMES);
    return mapJson(value, (s) => this.redactString(s), sensitive, this.mask) as T;
  }

  /** Where known values occur in `input` (feeds the `no_secret_leak` flag). */
  scan(input: string | Uint8Array): Leak[] {
    const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    return this.matcher().occurrences(bytes);
  }

  /** `scan` over a file of any size, read in chunks. Throws `ScanFileError` if unreadable. */
  async scanFile(path: string): Promise<Leak[]> {
    const matcher = this.matcher();
    const overlap = Math.max(0, matcher.maxLength - 1);
    const leaks: Leak[] = [];
    let carry: Buffer = Buffer.alloc(0);
    let base = 0;
    try {
      for await (const chunk of createReadStream(path)) {
        const data = carry.length === 0 ? (chunk as Buffer) : Buffer.concat([carry, chunk]);
        // A match starting in the last `overlap` bytes may continue in the next chunk: leave
        // it to the next round, which sees it whole.
        const keepFrom = Math.max(0, data.length - overlap);
        for (const o of matcher.occurrences(data)) {
          if (o.offset < keepFrom) leaks.push({ ...o, offset: base + o.offset });
        }
        carry = Buffer.from(data.subarray(keepFrom));
        base += keepFrom;
      }
    } catch (error) {
      throw new ScanFileError(path, error);
    }
    for (const o of matcher.occurrences(carry)) leaks.push({ ...o, offset: base + o.offset });
    return leaks;
  }
}

/** A redactor holding the values of `options.secretsDir` and `options.values`. */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  return new Redactor(options);
}

/** The same as `redactor.stream()`. */
export function createRedactStream(redactor: Redactor): RedactStream {
  return redactor.stream();
}

function toBytes(value: string | Uint8Array, method: string): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`${method}() takes a string or a Uint8Array, got ${typeof value}`);
}

function keyOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}
