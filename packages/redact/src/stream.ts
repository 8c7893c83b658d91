import { Transform, type TransformCallback } from 'node:stream';
import type { Matcher } from './matcher.js';
import { type RenderState, render } from './render.js';

/** What a redacting stream needs from its redactor: the current matcher and settings. */
export interface StreamSource {
  readonly matcher: () => Matcher;
  readonly maskBytes: Uint8Array;
  readonly idleFlushMs: number;
}

const EMPTY = Buffer.alloc(0);
/** Parts shorter than this are copied together rather than pushed one by one. */
const SMALL = 1024;
/** Output up to this size goes out as one copied buffer: one push costs more than the copy. */
const COPY_LIMIT = 16 * 1024;

function asBuffer(part: Uint8Array): Buffer {
  return Buffer.isBuffer(part) ? part : Buffer.from(part.buffer, part.byteOffset, part.length);
}

/**
 * A byte stream that masks every known secret. It keeps back only a tail that could still
 * become a secret (at most the longest pattern − 1 bytes, plus the line breaks inside a
 * wrapped base64 or hex form) and writes that tail out when the
 * stream ends or after `idleFlushMs` without input. The kept tail stays as context after an
 * idle flush, so a secret completed later still has its remainder masked.
 */
export class RedactStream extends Transform {
  readonly #source: StreamSource;
  /** Bytes from the earliest position where a pattern may still start. */
  #tail: Buffer = EMPTY;
  /** How many leading bytes of `#tail` are already out, and whether a mask is open there. */
  readonly #state: RenderState = { pos: 0, open: false };
  #timer: NodeJS.Timeout | undefined;

  constructor(source: StreamSource) {
    super();
    this.#source = source;
  }

  /** Bytes received but not yet written out (a possible start of a secret). */
  get heldBytes(): number {
    return this.#tail.length - this.#state.pos;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    const matcher = this.#source.matcher();
    if (this.#tail.length === 0 && matcher.patternCount === 0) {
      this.#state.open = false;
      callback(null, chunk);
      return;
    }
    const parts: Uint8Array[] = [];
    if (this.#tail.length === 0) {
      const keepFrom = matcher.holdFrom(chunk);
      const intervals = matcher.intervals(chunk);
      if (keepFrom === chunk.length && intervals.length === 0) {
        // The usual chunk: nothing held before it, no secret in it, no possible secret start
        // at its end. It goes on as it is, with no bookkeeping beyond the two scans.
        this.#state.open = false;
        this.#state.pos = 0;
        callback(null, chunk);
        return;
      }
      this.#advance(matcher, chunk, false, parts, { keepFrom, intervals });
    } else if (chunk.length <= COPY_LIMIT || chunk.length < 2 * matcher.maxSpan) {
      // Copying a small chunk behind the held tail is cheaper than a second push downstream.
      // (The seam below also needs the chunk to be longer than any match.)
      this.#advance(matcher, Buffer.concat([this.#tail, chunk]), false, parts);
    } else {
      // Do not copy a large chunk behind the held tail: matches that start in the tail lie
      // within tail + the chunk's first (longest match − 1) bytes, so scan that seam alone.
      const held = this.#tail.length;
      const seam = Buffer.concat([this.#tail, chunk.subarray(0, matcher.maxSpan - 1)]);
      render(seam, matcher.intervals(seam), held, this.#source.maskBytes, this.#state, parts);
      this.#state.pos -= held;
      this.#advance(matcher, chunk, false, parts);
    }
    if (this.heldBytes > 0) this.#armTimer();
    if (parts.length === 1 && parts[0] !== this.#source.maskBytes) {
      callback(null, asBuffer(parts[0]!));
    } else {
      this.#pushParts(parts);
      callback();
    }
  }

  override _flush(callback: TransformCallback) {
    this.#clearTimer();
    const parts: Uint8Array[] = [];
    this.#advance(this.#source.matcher(), this.#tail, true, parts);
    this.#tail = EMPTY;
    this.#pushParts(parts);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void) {
    this.#clearTimer();
    this.#tail = EMPTY;
    callback(error);
  }

  /** Write out what is held now, masking any secret it completes. */
  flushHeld(): void {
    this.#clearTimer();
    if (this.heldBytes === 0 || this.destroyed || this.writableFinished) return;
    const parts: Uint8Array[] = [];
    this.#advance(this.#source.matcher(), this.#tail, true, parts);
    this.#pushParts(parts);
  }

  /**
   * Renders into `parts` the output for `data` from the state's position up to where a
   * secret may still start (or to the end when `everything`), and keeps the rest.
   */
  #advance(
    matcher: Matcher,
    data: Buffer,
    everything: boolean,
    parts: Uint8Array[],
    scanned?: { keepFrom: number; intervals: readonly number[] },
  ): void {
    // `scanned`: the two scans of `data`, when the caller already made them.
    const keepFrom = scanned?.keepFrom ?? matcher.holdFrom(data);
    const limit = everything ? data.length : keepFrom;
    const intervals = scanned?.intervals ?? matcher.intervals(data);
    if (intervals.length === 0 && this.#state.pos === 0 && limit === data.length) {
      // The common case, nothing to mask or hold: the chunk goes on as it is, no view made.
      if (data.length > 0) {
        parts.push(data);
        this.#state.open = false;
        this.#state.pos = data.length;
      }
    } else {
      render(data, intervals, limit, this.#source.maskBytes, this.#state, parts);
    }
    // A copy, not a view: the kept bytes are few (≤ longest pattern − 1), and a writer that
    // reuses its buffer after the write must not be able to change what is still matched.
    this.#tail = keepFrom === data.length ? EMPTY : Buffer.from(data.subarray(keepFrom));
    this.#state.pos = Math.max(0, this.#state.pos - keepFrom);
  }

  /**
   * Pushes the rendered parts: up to COPY_LIMIT bytes as one buffer; beyond that large parts
   * go out as they are (no copy) and runs of small neighbours are joined.
   */
  #pushParts(parts: readonly Uint8Array[]): void {
    const mask = this.#source.maskBytes;
    let total = 0;
    for (const part of parts) total += part.length;
    if (parts.length === 1 && parts[0] !== mask) {
      this.push(asBuffer(parts[0]!));
      return;
    }
    if (total <= COPY_LIMIT) {
      if (total > 0) this.push(Buffer.concat(parts, total));
      return;
    }
    let from = 0;
    for (let k = 0; k <= parts.length; k++) {
      const part = parts[k];
      if (part !== undefined && part.length < SMALL) continue;
      // parts[from, k) are small: one copy for all of them (a lone mask is copied too, so
      // no reader ever holds the shared mask buffer).
      if (k - from === 1 && parts[from] !== mask) this.push(asBuffer(parts[from]!));
      else if (k > from) this.push(Buffer.concat(parts.slice(from, k)));
      if (part !== undefined) this.push(asBuffer(part));
      from = k + 1;
    }
  }

  /** (Re)starts the idle countdown; `refresh` reuses the one timer instead of a new one per chunk. */
  #armTimer() {
    if (this.#timer !== undefined) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flushHeld();
    }, this.#source.idleFlushMs);
    // Held bytes are only a possible secret prefix: they must not keep the process alive.
    this.#timer.unref?.();
  }

  #clearTimer() {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
