import type { Occurrence } from './scanner.js';
import { NONE } from './scanner.js';

/** What the joined text of wrapped blobs is searched with (the wrappable encodings). */
export interface JoinedScanner {
  readonly minLength: number;
  readonly maxLength: number;
  readonly patternCount: number;
  /** Which 4-grams may occur in a pattern: a bit set, bit `gramIndex(a, b, c, d)`. */
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

const GOLDEN = 0x9e3779b1;
/** A side of a break ends here: no joined byte. */
const NO_BYTE = -1;
/** The data ends before it: any byte may come. */
const ANY_BYTE = -2;

/** Whether the 4-gram `a b c d` may occur in a pattern (see `JoinedScanner.grams`). */
export function gramIndex(a: number, b: number, c: number, d: number): number {
  return (
    Math.imul(((a & 127) << 21) | ((b & 127) << 14) | ((c & 127) << 7) | (d & 127), GOLDEN) >>> 8
  );
}

/** Whether one of the 4-grams across a break between `l1` and `r1` may occur in a pattern. */
function anyGram(
  grams: Uint8Array,
  l3: number,
  l2: number,
  l1: number,
  r1: number,
  r2: number,
  r3: number,
): boolean {
  const g1 = gramIndex(l3, l2, l1, r1);
  const g2 = gramIndex(l2, l1, r1, r2);
  const g3 = gramIndex(l1, r1, r2, r3);
  return (
    (grams[g1 >>> 3]! & (1 << (g1 & 7))) !== 0 ||
    (grams[g2 >>> 3]! & (1 << (g2 & 7))) !== 0 ||
    (grams[g3 >>> 3]! & (1 << (g3 & 7))) !== 0
  );
}

function hasGram(grams: Uint8Array, a: number, b: number, c: number, d: number): boolean {
  if ((a | b | c | d) >= 0) {
    const h = gramIndex(a, b, c, d);
    return (grams[h >>> 3]! & (1 << (h & 7))) !== 0;
  }
  return a !== NO_BYTE && b !== NO_BYTE && c !== NO_BYTE && d !== NO_BYTE;
}

/**
 * Whether the line break `data[start, stop)` joins the text around it: alphabet bytes on
 * both sides, and a match across it possible. A match of 4 bytes or more across a break
 * holds one of the three 4-grams across it (3 bytes before and 1 after, 2 and 2, 1 and 3),
 * so one of them occurs in a pattern. Normal log text (the last word of a line, the first of
 * the next) is ruled out by these reads. The joined bytes are looked for across further
 * breaks (taken to join: that only admits more); where the data ends first, any may follow.
 */
function joins(
  grams: Uint8Array,
  data: Uint8Array,
  start: number,
  stop: number,
  end: number,
): boolean {
  if (start === 0 || stop >= end) return false;
  const l1 = data[start - 1]!;
  const r1 = data[stop]!;
  if (ALPHABET[l1] !== 1 || ALPHABET[r1] !== 1) return false;
  // The usual neighbourhoods, read directly: plain bytes (a log line's end), and one byte
  // per line (`yes`, hostile text). Every break passes here, so it must cost little.
  if (start >= 5 && stop + 4 < end) {
    const b2 = data[start - 2]!;
    const a2 = data[stop + 1]!;
    if (ALPHABET[b2] === 1 && ALPHABET[a2] === 1) {
      const b3 = data[start - 3]!;
      const a3 = data[stop + 2]!;
      if (ALPHABET[b3] === 1 && ALPHABET[a3] === 1) return anyGram(grams, b3, b2, l1, r1, a2, a3);
    } else if (b2 === LF && a2 === LF && data[start - 4] === LF && data[stop + 3] === LF) {
      const x2 = data[start - 3]!;
      const x3 = data[start - 5]!;
      const y2 = data[stop + 2]!;
      const y3 = data[stop + 4]!;
      if (ALPHABET[x2] === 1 && ALPHABET[x3] === 1 && ALPHABET[y2] === 1 && ALPHABET[y3] === 1) {
        return anyGram(grams, x3, x2, l1, r1, y2, y3);
      }
    }
  }
  const p2 = skipBack(data, start - 2);
  const l2 = p2 >= 0 && ALPHABET[data[p2]!] === 1 ? data[p2]! : NO_BYTE;
  const p3 = l2 === NO_BYTE ? -1 : skipBack(data, p2 - 1);
  const l3 = p3 >= 0 && ALPHABET[data[p3]!] === 1 ? data[p3]! : NO_BYTE;
  const q2 = skipForward(data, stop + 1, end);
  const r2 = q2 >= end ? ANY_BYTE : ALPHABET[data[q2]!] === 1 ? data[q2]! : NO_BYTE;
  const q3 = r2 < 0 ? q2 : skipForward(data, q2 + 1, end);
  const r3 =
    r2 === NO_BYTE
      ? NO_BYTE
      : q3 >= end
        ? ANY_BYTE
        : ALPHABET[data[q3]!] === 1
          ? data[q3]!
          : NO_BYTE;
  return (
    hasGram(grams, l3, l2, l1, r1) ||
    hasGram(grams, l2, l1, r1, r2) ||
    hasGram(grams, l1, r1, r2, r3)
  );
}

/** `p`, or, where a line break ends at `p`, the byte before it (−1: none). */
function skipBack(data: Uint8Array, p: number): number {
  if (p < 0) return -1;
  const c = data[p];
  if (c === LF) return p >= 1 && data[p - 1] === CR ? p - 2 : p - 1;
  if (c !== N || p < 1 || data[p - 1] !== BACKSLASH) return p;
  return p >= 3 && data[p - 2] === R && data[p - 3] === BACKSLASH ? p - 4 : p - 2;
}

/**
 * `q`, or, where a line break starts at `q`, the byte after it; `end` where the data ends
 * first, a break begun at the end included (what follows is not known yet).
 */
function skipForward(data: Uint8Array, q: number, end: number): number {
  if (q >= end) return end;
  const c = data[q];
  if (c === LF) return q + 1;
  if (c === CR) return q + 1 >= end ? end : data[q + 1] === LF ? q + 2 : q;
  if (c !== BACKSLASH) return q;
  if (q + 1 >= end) return end;
  if (data[q + 1] === N) return q + 2;
  if (data[q + 1] !== R) return q;
  if (q + 3 >= end) return end;
  return data[q + 2] === BACKSLASH && data[q + 3] === N ? q + 4 : q;
}

/**
 * Length of the line break at `i` if alphabet bytes stand on both sides of it, else 0.
 *
 * Only the first break of a run must pass `joins`; the others only this. Taking more breaks
 * as joining never changes what is found — a match across a break passes `joins` there —
 * only how much text is joined and searched, and where breaks come close together (hostile
 * text, a byte or two per line) joining them all costs less than testing each.
 */
function bridgeAt(data: Uint8Array, i: number, end: number): number {
  if (i === 0 || ALPHABET[data[i - 1]!] !== 1) return 0;
  const length = breakAt(data, i, end);
  return length > 0 && i + length < end && ALPHABET[data[i + length]!] === 1 ? length : 0;
}

/** Breaks this close to the previous one of their kind are taken without `joins`. */
const CLOSE = 6;

/** Joined text of one run of alphabet bytes and breaks, with each byte's original offset. */
interface Run {
  readonly joined: Buffer;
  readonly offsets: Int32Array;
}

/** Where `eachRun` looks for line breaks (module functions, not closures: no per-call cost). */
interface Search {
  readonly data: Uint8Array;
  readonly view: Buffer;
  readonly end: number;
  readonly grams: Uint8Array;
  /** The last newline looked at. */
  previousLF: number;
}

/**
 * The next `byte` at or after `from` (−1: none left). Text that puts them close together
 * (hostile) is looked at byte by byte before a native search.
 */
function nextByte(search: Search, byte: number, from: number): number {
  const { data, end } = search;
  for (let i = from; i < from + 4 && i < end; i++) if (data[i] === byte) return i;
  return from + 4 < end ? search.view.indexOf(byte, from + 4) : -1;
}

/**
 * The next `\n` at or after `from` that may join (−1: none left). The usual one, a log
 * line's end between plain bytes, is ruled out by three gram reads and no calls (this runs
 * for every line of every log); any other is left to `joins`, or taken when it comes close
 * after the previous one.
 */
function nextLF(search: Search, from: number): number {
  const { data, view, end, grams } = search;
  let i = view.indexOf(LF, from);
  while (i !== -1) {
    if (i >= 3 && i + 3 < end) {
      const l1 = data[i - 1]!;
      const l2 = data[i - 2]!;
      const l3 = data[i - 3]!;
      const r1 = data[i + 1]!;
      const r2 = data[i + 2]!;
      const r3 = data[i + 3]!;
      if (
        ALPHABET[l1] === 1 &&
        ALPHABET[l2] === 1 &&
        ALPHABET[l3] === 1 &&
        ALPHABET[r1] === 1 &&
        ALPHABET[r2] === 1 &&
        ALPHABET[r3] === 1
      ) {
        search.previousLF = i;
        if (anyGram(grams, l3, l2, l1, r1, r2, r3)) return i;
        i = view.indexOf(LF, i + 1);
        continue;
      }
    }
    const start = i > from && data[i - 1] === CR ? i - 1 : i;
    const length = bridgeAt(data, start, end);
    const close = i - search.previousLF <= CLOSE;
    search.previousLF = i;
    if (length > 0 && (close || joins(grams, data, start, start + length, end))) return i;
    i = i + 2 < end && data[i + 2] === LF ? i + 2 : view.indexOf(LF, i + 1);
  }
  return -1;
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
  const from = scanner.holdFrom(holdJoined.subarray(0, n));
  return from === n ? end : offsets[n - 1 - from]!;
}

let holdOffsets = new Int32Array(256);
let holdJoined = Buffer.allocUnsafe(256);

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
