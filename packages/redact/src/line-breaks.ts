/**
 * Line breaks inside base64 and hex blobs: which bytes are a break (`\n`, `\r\n`, and their
 * JSON escapes), which breaks may cut a secret's encoded form (`joins`), and the search for
 * them that every chunk of every log goes through (`nextLF`), written to cost little.
 */

/** Bytes of the base64, base64url and hex alphabets. */
export const ALPHABET = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') {
  ALPHABET[c.charCodeAt(0)] = 1;
}
export const LF = 0x0a;
export const CR = 0x0d;
export const BACKSLASH = 0x5c;
const N = 0x6e;
const R = 0x72;
/** The longest line break, `\r\n` as a JSON escape. */
export const LONGEST_BREAK = 4;

/** Length of the line break that starts at `i` (before `end`), or 0. */
export function breakAt(data: Uint8Array, i: number, end: number): number {
  const c = data[i];
  if (c === LF) return 1;
  if (c === CR) return i + 1 < end && data[i + 1] === LF ? 2 : 0;
  if (c !== BACKSLASH || i + 1 >= end) return 0;
  if (data[i + 1] === N) return 2;
  return i + 3 < end && data[i + 1] === R && data[i + 2] === BACKSLASH && data[i + 3] === N ? 4 : 0;
}

/** Start of the line break that ends just before `q`, or −1. */
export function breakEndingAt(data: Uint8Array, q: number): number {
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
export function joins(
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
export function bridgeAt(data: Uint8Array, i: number, end: number): number {
  if (i === 0 || ALPHABET[data[i - 1]!] !== 1) return 0;
  const length = breakAt(data, i, end);
  return length > 0 && i + length < end && ALPHABET[data[i + length]!] === 1 ? length : 0;
}

/** Breaks this close to the previous one of their kind are taken without `joins`. */
export const CLOSE = 6;

/** Where `eachRun` looks for line breaks (module functions, not closures: no per-call cost). */
export interface Search {
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
export function nextByte(search: Search, byte: number, from: number): number {
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
export function nextLF(search: Search, from: number): number {
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
 * Start of a line break, whole or begun (`\r`, `\`, `\r\`), that ends the data right after
 * an alphabet byte — the next byte decides whether it joins — or `end`.
 */
export function trailingBreak(data: Uint8Array, end: number): number {
  for (let length = 4; length >= 1; length--) {
    const start = end - length;
    if (start <= 0 || ALPHABET[data[start - 1]!] !== 1) continue;
    if (isBreakStart(data, start, end)) return start;
  }
  return end;
}

const BREAKS = ['\n', '\r\n', '\\n', '\\r\\n'].map((form) => Buffer.from(form, 'latin1'));

/** Whether `data[start, end)` is a line break or the beginning of one. */
function isBreakStart(data: Uint8Array, start: number, end: number): boolean {
  for (const form of BREAKS) {
    if (end - start > form.length) continue;
    let i = start;
    while (i < end && data[i] === form[i - start]) i++;
    if (i === end) return true;
  }
  return false;
}
