import { Transform, type TransformCallback } from 'node:stream';
import type { Matcher } from './matcher.js';
import { joinParts, type RenderState, render } from './render.js';

/** What a redacting stream needs from its redactor: the current matcher and settings. */
export interface StreamSource {
  readonly matcher: () => Matcher;
  readonly maskBytes: Uint8Array;
  readonly idleFlushMs: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * A byte stream that masks every known secret. It keeps back only a tail that could still
 * become a secret (at most the longest pattern − 1 bytes) and writes that tail out when the
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
    this.#clearTimer();
    const data = this.#tail.length === 0 ? chunk : Buffer.concat([this.#tail, chunk]);
    const out = this.#advance(data, false);
    if (this.heldBytes > 0) this.#armTimer();
    callback(null, out);
  }

  override _flush(callback: TransformCallback) {
    this.#clearTimer();
    const out = this.#advance(this.#tail, true);
    this.#tail = EMPTY;
    callback(null, out);
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
    const out = this.#advance(this.#tail, true);
    if (out) this.push(out);
  }

  #advance(data: Buffer, everything: boolean): Buffer | undefined {
    const matcher = this.#source.matcher();
    const keepFrom = matcher.holdFrom(data);
    const limit = everything ? data.length : keepFrom;
    const parts: Uint8Array[] = [];
    const intervals = matcher.intervals(data);
    render(data, intervals, limit, this.#source.maskBytes, this.#state, parts);
    // Keep a copy (not a view pinning the whole chunk) of the bytes a later match may need.
    this.#tail = keepFrom === data.length ? EMPTY : Buffer.from(data.subarray(keepFrom));
    this.#state.pos = Math.max(0, this.#state.pos - keepFrom);
    const out = joinParts(parts);
    return out && parts.length === 1 && parts[0] === this.#source.maskBytes
      ? Buffer.from(out)
      : out;
  }

  #armTimer() {
    this.#timer = setTimeout(() => this.flushHeld(), this.#source.idleFlushMs);
    // Held bytes are only a possible secret prefix: they must not keep the process alive.
    this.#timer.unref?.();
  }

  #clearTimer() {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
