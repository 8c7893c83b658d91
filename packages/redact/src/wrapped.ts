import {
  ALPHABET,
  BACKSLASH,
  breakAt,
  breakEndingAt,
  bridgeAt,
  CLOSE,
  CR,
  joins,
  LF,
  LONGEST_BREAK,
  nextByte,
  nextLF,
  type Search,
  trailingBreak,
} from './line-breaks.js';
import type { Occurrence } from './scanner.js';
import { NONE } from './scanner.js';

/** What the joined text of wrapped blobs is searched with (the wrappable encodings). */
export interface JoinedScanner {
  readonly minLength: number;
  readonly maxLength: number;
  readonly patternCount: number;
  /** Which 4-grams may occur in a pattern: a bit set, bit `gramIndex(a, b, c, d)`. */
  readonly grams: Uint8Array;
  intervals(data: Uint8Array, end: number): readonly number[];
  occurrences(data: Uint8Array, end: number): Occurrence[];
  holdFrom(data: Uint8Array, end: number): number;
}

/**
 * Base64 and hex blobs are often wrapped: at 76 columns by `base64` and MIME, at 64 by
 * `openssl base64` and PEM, at 60 by `xxd -p`, with `\n` or `\r\n`, and inside JSON strings
 * (a log line of a JSON logger) as the escapes `\n` or `\r\n`. A secret's encoded form can
 * then be cut by a line break anywhere. This view joins the text across every such break that
 * stands between two characters of these alphabets and looks for the encoded patterns in the
 * joined text; a match covers the breaks inside it.
 */

/** The most bytes a match of `length` joined characters can cover (a break between each). */
export function wrappedSpan(length: number): number {
  return length + LONGEST_BREAK * Math.max(0, length - 1);
}

/** Joined text of one run of alphabet bytes and breaks, with each byte's original offset. */
interface Run {
  /** The joined bytes are `joined[0, length)` (reused space: valid during the visit only). */
  readonly joined: Buffer;
  readonly offsets: Int32Array;
  readonly length: number;
}

/**
 * Calls `visit` for each stretch of alphabet bytes with line breaks inside, joined, reaching
 * at most (longest pattern − 1) bytes out from its first and last break: a match that
 * crosses no break is the plain scanner's to find. Between stretches, native byte searches
 * for `\n` and `\` find the next break, so text with few of them costs little.
 */
function eachRun(scanner: JoinedScanner, data: Uint8Array, end: number, visit: (run: Run) => void) {
  const view =
    Buffer.isBuffer(data) && end === data.length
      ? data
      : Buffer.from(data.buffer, data.byteOffset, end);
  const reach = scanner.maxLength - 1;
  const grams = scanner.grams;
  const search: Search = { data, view, end, grams, previousLF: -CLOSE };
  let previousBackslash = -CLOSE;
  let lf = -2;
  let nextBackslash = -2;
  let from = 0;
  for (;;) {
    if (lf !== -1 && lf < from) lf = nextLF(search, from);
    if (nextBackslash !== -1 && nextBackslash < from) {
      nextBackslash = nextByte(search, BACKSLASH, from);
    }
    // The usual case, a log line's end that joins nothing: only its pointer moves on.
    let start: number;
    let first: number;
    for (;;) {
      if (lf === -1 && nextBackslash === -1) return;
      const isLF = nextBackslash === -1 || (lf !== -1 && lf < nextBackslash);
      const c = isLF ? lf : nextBackslash;
      start = isLF && c > from && data[c - 1] === CR ? c - 1 : c;
      first = bridgeAt(data, start, end);
      if (isLF && first > 0) break; // `nextLF` decided
      if (!isLF) {
        const close = c - previousBackslash <= CLOSE;
        previousBackslash = c;
        if (first > 0 && (close || joins(grams, data, start, start + first, end))) break;
      }
      if (isLF) lf = nextLF(search, c + 1);
      else nextBackslash = nextByte(search, BACKSLASH, c + 1);
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
      // Alphabet bytes, measured until the run is long enough to hold a pattern, then copied.
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
        for (;;) {
          while (q < end && ALPHABET[data[q]!] === 1) {
            joined[copied] = data[q]!;
            offsets[copied++] = q++;
          }
          // A bare newline between alphabet bytes, the common break, without a call.
          if (q > lastStop && q + 1 < end && data[q] === LF && ALPHABET[data[q + 1]!] === 1) {
            lastStop = ++q;
            continue;
          }
          break;
        }
      }
      const next = q < end ? bridgeAt(data, q, end) : 0;
      if (next === 0) break;
      q += next;
      lastStop = q;
    }
    // Past the last break, a match that crosses a break reaches at most this far.
    const beyond = Math.max(0, q - (lastStop + reach));
    if (copied >= 0 && copied - beyond >= scanner.minLength) {
      const n = copied - beyond;
      visit({ joined: scratch, offsets: scratchOffsets, length: n });
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
  eachRun(scanner, data, end, ({ joined, offsets, length }) => {
    const found = scanner.intervals(joined, length);
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
  eachRun(scanner, data, end, ({ joined, offsets, length }) => {
    for (const o of scanner.occurrences(joined, length)) {
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
  // Offsets of the joined bytes, last first (reused space: this runs for every chunk).
  const limit = scanner.maxLength - 1;
  if (holdOffsets.length < limit) holdOffsets = new Int32Array(2 * limit);
  const offsets = holdOffsets;
  let n = 0;
  while (n < limit && q > 0) {
    // A break between two alphabet bytes first, as the forward scan reads it: the `n` of an
    // escaped `\n` is an alphabet byte too.
    const start = n === 0 ? -1 : breakEndingAt(data, q);
    if (start > 0 && ALPHABET[data[start - 1]!] === 1) {
      q = start;
      crossed = true;
    } else if (ALPHABET[data[q - 1]!] === 1) offsets[n++] = --q;
    else break;
  }
  if (!crossed) return end;
  if (holdJoined.length < n) holdJoined = Buffer.allocUnsafe(2 * n);
  for (let k = 0; k < n; k++) holdJoined[k] = data[offsets[n - 1 - k]!]!;
  const from = scanner.holdFrom(holdJoined, n);
  return from === n ? end : offsets[n - 1 - from]!;
}

let holdOffsets = new Int32Array(256);
let holdJoined = Buffer.allocUnsafe(256);
