import type { Occurrence } from './scanner.js';
import { NONE } from './scanner.js';

/** What the joined text of wrapped blobs is searched with (the wrappable encodings). */
export interface JoinedScanner {
  readonly minLength: number;
  readonly maxLength: number;
  readonly patternCount: number;
  /**
   * Which 3-grams may occur in a pattern: 1 at ((a & 63) << 12) | ((b & 63) << 6) | (c & 63).
   */
  readonly grams: Uint8Array;
  intervals(data: Uint8Array): readonly number[];
  occurrences(data: Uint8Array): Occurrence[];
  holdFrom(data: Uint8Array): number;
}

/**
 * Base64 and hex blobs are often wrapped: at 76 columns by `base64` and MIME, at 64 by
 * `openssl base64` and PEM, at 60 by `xxd -p`, with `\n` or `\r\n`, and inside JSON strings
 * (a log line of a JSON logger) as the escapes `\n` or `\r\n`. A secret's encoded form can
 * then be cut by a line break anywhere. This view joins the text across every such break that
 * stands between two characters of these alphabets and looks for the encoded patterns in the
 * joined text; a match covers the breaks inside it.
 */

/** Bytes of the base64, base64url and hex alphabets. */
const ALPHABET = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') {
  ALPHABET[c.charCodeAt(0)] = 1;
}
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const N = 0x6e;
const R = 0x72;
/** The longest line break, `\r\n` as a JSON escape. */
const LONGEST_BREAK = 4;

/** The most bytes a match of `length` joined characters can cover (a break between each). */
export function wrappedSpan(length: number): number {
  return length + LONGEST_BREAK * Math.max(0, length - 1);
}

/** Length of the line break that starts at `i` (before `end`), or 0. */
function breakAt(data: Uint8Array, i: number, end: number): number {
  const c = data[i];
  if (c === LF) return 1;
  if (c === CR) return i + 1 < end && data[i + 1] === LF ? 2 : 0;
  if (c !== BACKSLASH || i + 1 >= end) return 0;
  if (data[i + 1] === N) return 2;
  return i + 3 < end && data[i + 1] === R && data[i + 2] === BACKSLASH && data[i + 3] === N ? 4 : 0;
}

/** Start of the line break that ends just before `q`, or −1. */
function breakEndingAt(data: Uint8Array, q: number): number {
  if (q >= 1 && data[q - 1] === LF) return q >= 2 && data[q - 2] === CR ? q - 2 : q - 1;
  if (q < 2 || data[q - 1] !== N || data[q - 2] !== BACKSLASH) return -1;
  return q >= 4 && data[q - 3] === R && data[q - 4] === BACKSLASH ? q - 4 : q - 2;
}

/**
 * Whether the line break `data[start, stop)` joins the text around it: alphabet bytes on
 * both sides, and a match across it possible. A match of 3 bytes or more across a break has
 * 2 of them on one side, so some 3-gram across the break — the two bytes before it and the
 * one after, or the one before and the two after — occurs in a pattern. Normal log text (the
 * last word of a line, the first of the next) is ruled out by these two table reads. Where
 * a neighbour is unknown (the data ends, or another break stands there) the break joins.
 */
function joins(grams: Uint8Array, data: Uint8Array, start: number, stop: number, end: number) {
  if (start === 0 || stop >= end) return false;
  const l1 = data[start - 1]!;
  const r1 = data[stop]!;
  if (ALPHABET[l1] !== 1 || ALPHABET[r1] !== 1) return false;
  // The joined byte before l1: the one before it, or the one before a break that ends there
  // (that break joining or not: if it does not, no match has two bytes on the left, and the
  // gram only admits more). None before the data: no match starts there.
  let l2 = start >= 2 ? data[start - 2]! : -1;
  if (l2 === LF || (l2 === N && data[start - 3] === BACKSLASH)) {
    const before = breakEndingAt(data, start - 1);
    l2 = before >= 1 ? data[before - 1]! : -1;
  }
  if (
    l2 >= 0 &&
    ALPHABET[l2] === 1 &&
    grams[((l2 & 63) << 12) | ((l1 & 63) << 6) | (r1 & 63)] === 1
  ) {
    return true;
  }
  // The joined byte after r1, likewise; where the data ends first, anything may follow.
  let r2at = stop + 1;
  const r2break = r2at < end ? breakAt(data, r2at, end) : 0;
  if (r2break > 0) r2at += r2break;
  else if (r2at < end && (data[r2at] === CR || data[r2at] === BACKSLASH) && r2at + 3 >= end) {
    return true;
  }
  if (r2at >= end) return true;
  const r2 = data[r2at]!;
  return ALPHABET[r2] === 1 && grams[((l1 & 63) << 12) | ((r1 & 63) << 6) | (r2 & 63)] === 1;
}

/** Length of the line break at `i` if it joins the text around it (see `joins`), else 0. */
function joiningBreakAt(scanner: JoinedScanner, data: Uint8Array, i: number, end: number): number {
  if (i === 0 || ALPHABET[data[i - 1]!] !== 1) return 0;
  const length = breakAt(data, i, end);
  return length > 0 && joins(scanner.grams, data, i, i + length, end) ? length : 0;
}

/** Joined text of one run of alphabet bytes and breaks, with each byte's original offset. */
interface Run {
  readonly joined: Buffer;
  readonly offsets: Int32Array;
}

/**
 * Calls `visit` for each stretch of alphabet bytes with line breaks inside, joined, reaching
 * at most (longest pattern − 1) bytes out from its first and last break: a match that
 * crosses no break is the plain scanner's to find. Between stretches, native byte searches
 * for `\n` and `\` find the next break, so text with few of them costs little.
 */
function eachRun(scanner: JoinedScanner, data: Uint8Array, end: number, visit: (run: Run) => void) {
  const view = Buffer.from(data.buffer, data.byteOffset, end);
  const reach = scanner.maxLength - 1;
  const grams = scanner.grams;
  // The next `\n` and `\` at or after `from` (−1: none left). Text that puts them close
  // together (hostile) is looked at byte by byte before a native search.
  const next = (byte: number, from: number) => {
    for (let i = from; i < from + 4 && i < end; i++) if (data[i] === byte) return i;
    return from + 4 < end ? view.indexOf(byte, from + 4) : -1;
  };
  let nextLF = -2;
  let nextBackslash = -2;
  let from = 0;
  for (;;) {
    if (nextLF !== -1 && nextLF < from) nextLF = next(LF, from);
    if (nextBackslash !== -1 && nextBackslash < from) nextBackslash = next(BACKSLASH, from);
    // The usual case, a log line's end that joins nothing: only its pointer moves on.
    let start: number;
    let first: number;
    for (;;) {
      if (nextLF === -1 && nextBackslash === -1) return;
      const lf = nextBackslash === -1 || (nextLF !== -1 && nextLF < nextBackslash);
      const c = lf ? nextLF : nextBackslash;
      start = lf && c > from && data[c - 1] === CR ? c - 1 : c;
      first = breakAt(data, start, end);
      if (first > 0 && joins(grams, data, start, start + first, end)) break;
      if (lf) nextLF = next(LF, c + 1);
      else nextBackslash = next(BACKSLASH, c + 1);
    }
    let left = start;
    for (let n = 0; n < reach && left > 0 && ALPHABET[data[left - 1]!] === 1; n++) left--;
    // Forward through alphabet bytes and joining breaks: where the run ends. Most runs (the
    // last word of a log line and the first of the next) are too short to hold a pattern:
    // they are measured, and copied only once they are long enough.
    let length = start - left;
    let copied = -1;
    let q = start + first;
    let lastStop = q;
    for (;;) {
      if (copied < 0) {
        const stretch = q;
        while (q < end && ALPHABET[data[q]!] === 1) q++;
        length += q - stretch;
        if (length >= scanner.minLength) {
          copied = copy(data, left, q, end);
          // Room for the rest of the data: the copying loop below checks nothing.
          reserve(copied + end - q, copied);
        }
      } else {
        const joined = scratch;
        const offsets = scratchOffsets;
        for (let c = data[q]!; q < end && ALPHABET[c] === 1; c = data[++q]!) {
          joined[copied] = c;
          offsets[copied++] = q;
        }
      }
      const next = q < end ? joiningBreakAt(scanner, data, q, end) : 0;
      if (next === 0) break;
      q += next;
      lastStop = q;
    }
    // Past the last break, a match that crosses a break reaches at most this far.
    const beyond = Math.max(0, q - (lastStop + reach));
    if (copied >= 0 && copied - beyond >= scanner.minLength) {
      const n = copied - beyond;
      visit({ joined: scratch.subarray(0, n), offsets: scratchOffsets.subarray(0, n) });
    }
    from = q;
  }
}

/** Reused space for the joined text of a run and its offsets (a run is scanned, then gone). */
let scratch = Buffer.allocUnsafe(1024);
let scratchOffsets = new Int32Array(1024);

/** Room for `n` joined bytes, keeping the first `keep`. */
function reserve(n: number, keep: number): void {
  if (scratch.length >= n) return;
  const bytes = Buffer.allocUnsafe(2 * n);
  scratch.copy(bytes, 0, 0, keep);
  scratch = bytes;
  const offsets = new Int32Array(2 * n);
  offsets.set(scratchOffsets.subarray(0, keep));
  scratchOffsets = offsets;
}

/** Joins `data[left, right)` (alphabet bytes and joining breaks) into the scratch. */
function copy(data: Uint8Array, left: number, right: number, end: number): number {
  reserve(right - left, 0);
  let at = 0;
  for (let i = left; i < right; ) {
    if (ALPHABET[data[i]!] === 1) {
      scratch[at] = data[i]!;
      scratchOffsets[at++] = i++;
    } else i += breakAt(data, i, end);
  }
  return at;
}

/** `[start, end)` pairs, in order, of the matches that cross a line break. */
export function wrappedIntervals(
  scanner: JoinedScanner,
  data: Uint8Array,
  end: number,
): readonly number[] {
  if (scanner.patternCount === 0) return NONE;
  const out: number[] = [];
  eachRun(scanner, data, end, ({ joined, offsets }) => {
    const found = scanner.intervals(joined);
    for (let k = 0; k < found.length; k += 2) {
      const start = offsets[found[k]!]!;
      const stop = offsets[found[k + 1]! - 1]! + 1;
      if (stop - start > found[k + 1]! - found[k]!) out.push(start, stop);
    }
  });
  return out.length === 0 ? NONE : out;
}

/** The matches that cross a line break, with their encoding. */
export function wrappedOccurrences(
  scanner: JoinedScanner,
  data: Uint8Array,
  end: number,
): Occurrence[] {
  const out: Occurrence[] = [];
  if (scanner.patternCount === 0) return out;
  eachRun(scanner, data, end, ({ joined, offsets }) => {
    for (const o of scanner.occurrences(joined)) {
      const offset = offsets[o.offset]!;
      const length = offsets[o.offset + o.length - 1]! + 1 - offset;
      if (length > o.length) out.push({ offset, length, kind: o.kind });
    }
  });
  return out;
}

/**
 * Where the tail of `data[0, end)` that may still become a wrapped match starts, or `end`:
 * alphabet bytes and breaks (a break, or the start of one, may also end the data) whose
 * joined text ends in a proper prefix of a pattern.
 */
export function wrappedHoldFrom(scanner: JoinedScanner, data: Uint8Array, end: number): number {
  if (scanner.patternCount === 0 || end === 0) return end;
  let q = trailingBreak(data, end);
  let crossed = q < end;
  const positions: number[] = [];
  while (positions.length < scanner.maxLength - 1 && q > 0) {
    // A break between two alphabet bytes first, as the forward scan reads it: the `n` of an
    // escaped `\n` is an alphabet byte too.
    const start = positions.length === 0 ? -1 : breakEndingAt(data, q);
    if (start > 0 && joins(scanner.grams, data, start, q, end)) {
      q = start;
      crossed = true;
    } else if (ALPHABET[data[q - 1]!] === 1) positions.push(--q);
    else break;
  }
  if (!crossed) return end;
  const joined = Buffer.allocUnsafe(positions.length);
  for (let k = 0; k < positions.length; k++) {
    joined[k] = data[positions[positions.length - 1 - k]!]!;
  }
  const from = scanner.holdFrom(joined);
  return from === joined.length ? end : positions[positions.length - 1 - from]!;
}

/**
 * Start of a line break, whole or begun (`\r`, `\`, `\r\`), that ends the data right after
 * an alphabet byte — the next byte decides whether it joins — or `end`.
 */
function trailingBreak(data: Uint8Array, end: number): number {
  for (const length of [4, 3, 2, 1]) {
    const start = end - length;
    if (start <= 0 || ALPHABET[data[start - 1]!] !== 1) continue;
    if (isBreakStart(data, start, end)) return start;
  }
  return end;
}

const BREAKS = ['\n', '\r\n', '\\n', '\\r\\n'].map((form) => Buffer.from(form, 'latin1'));

/** Whether `data[start, end)` is a line break or the beginning of one. */
function isBreakStart(data: Uint8Array, start: number, end: number): boolean {
  return BREAKS.some((form) => {
    if (end - start > form.length) return false;
    for (let i = start; i < end; i++) if (data[i] !== form[i - start]) return false;
    return true;
  });
}
