import { createReadStream } from 'node:fs';
import { type Pattern, type PatternKind, patternsOf } from './encodings.js';
import { ScanFileError } from './errors.js';
import { SENSITIVE_FIELD_NAMES, sensitiveFieldMatcher } from './fields.js';
import { mapJson } from './json.js';
import { Matcher } from './matcher.js';
import { type RedactorOptions, resolveOptions } from './options.js';
import { joinParts, render } from './render.js';
import { readSecretsEntries } from './secrets-dir.js';
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

/** Options of `Redactor.add`. */
export interface AddOptions {
  /**
   * What the value is called (a secret's name, never its value): `unmaskable` lists it when
   * the value is too short to mask. Default `(unnamed)`.
   */
  name?: string;
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
  /** Values too short to mask, by their bytes (latin1 key), with their names. */
  readonly #unmaskable = new Map<string, string>();
  #matcher: Matcher | undefined;

  constructor(options: RedactorOptions = {}) {
    const resolved = resolveOptions(options);
    this.mask = resolved.mask;
    this.minLength = resolved.minLength;
    this.idleFlushMs = resolved.idleFlushMs;
    this.#maskBytes = Buffer.from(resolved.mask, 'utf8');
    if (resolved.secretsDir !== false) {
      for (const { name, value } of readSecretsEntries(resolved.secretsDir)) {
        this.add(value, { name });
      }
    }
    resolved.values.forEach((value, i) => {
      this.add(value, { name: `values[${i}]` });
    });
  }

  /** How many secret values are known (those shorter than `minLength` are not kept). */
  get size(): number {
    return this.#values.size;
  }

  /**
   * Names of the secrets that were added but cannot be masked: non-empty values shorter than
   * `minLength` bytes (masking every occurrence of so short a string would mask innocent
   * text). Whoever adds a secret must say so where people look; see `add`.
   */
  get unmaskable(): readonly string[] {
    return [...new Set(this.#unmaskable.values())];
  }

  /**
   * Makes `value` known from now on. Returns false (and keeps only its name, in
   * `unmaskable`) when it is shorter than `minLength` bytes; an empty value is nothing to
   * mask and is ignored.
   */
  add(value: string | Uint8Array, options: AddOptions = {}): boolean {
    const bytes = toBytes(value, 'add');
    const name = options.name;
    if (name !== undefined && typeof name !== 'string') {
      throw new TypeError(`add() option name must be a string, got ${typeof name}`);
    }
    const key = keyOf(bytes);
    if (bytes.length < this.minLength) {
      if (bytes.length > 0 && (name !== undefined || !this.#unmaskable.has(key))) {
        this.#unmaskable.set(key, name ?? '(unnamed)');
      }
      return false;
    }
    if (!this.#values.has(key)) {
      const patterns = patternsOf(Uint8Array.from(bytes), this.minLength);
      this.#values.set(key, patterns);
      // The matcher grows in place: no rebuild per added secret.
      for (const p of patterns) this.#matcher?.add(p);
    }
    return true;
  }

  /**
   * Forgets `value` (an app secret whose run is over). Returns whether it was known. A name
   * in `unmaskable` stays: it says what could not be masked while it mattered.
   */
  remove(value: string | Uint8Array): boolean {
    const removed = this.#values.delete(keyOf(toBytes(value, 'remove')));
    // A matcher only grows: the next use builds one without the value.
    if (removed) this.#matcher = undefined;
    return removed;
  }

  /** The matcher for the values known now; built on first use, grown by each add. */
  matcher(): Matcher {
    if (this.#matcher === undefined) {
      const matcher = new Matcher();
      for (const list of this.#values.values()) for (const p of list) matcher.add(p);
      this.#matcher = matcher;
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
    const overlap = Math.max(0, matcher.maxSpan - 1);
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
