// Untrusted text, made safe to store and to clip. One module, so the builder, the v0 upgrade and
// the renderers clip and clean the same way.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Bidirectional formatting characters (embeddings, overrides, isolates, marks). U+202E turns
 * `exe.txt` into what reads as `txt.exe`: the "Trojan Source" trick (CVE-2021-42574).
 */
export const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

// Terminal escape sequences: CSI (ESC [ or the 8-bit CSI) … final byte; OSC, DCS, SOS, PM and
// APC strings (ESC ] P X ^ _ or their 8-bit forms) … BEL or ST; any other ESC sequence. Each
// class is disjoint from the next, so a match never backtracks.
const TERMINAL_ESCAPE =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;
// C0 and C1 controls but the whitespace ones (tab, line breaks: oneLine makes them a space).
const CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g;
// Tag characters: part of a flag emoji after U+1F3F4, invisible anywhere else.
const TAGS = /\u{1F3F4}[\u{E0020}-\u{E007F}]+|[\u{E0020}-\u{E007F}]+/gu;
// Joiners where no script or emoji sequence needs them: next to ASCII.
const STRAY_JOINERS = /(?<=[\0-\x7F])[\u200C\u200D]+|[\u200C\u200D]+(?=[\0-\x7F])/g;
// Other invisible format characters (U+200B, U+2060, U+FEFF, U+00AD, bidi controls, …).
const INVISIBLE = /(?!\u200C|\u200D|[\u{E0020}-\u{E007F}])\p{Cf}/gu;

/** The text without terminal escape sequences (colours, titles, links, cursor moves). */
export function dropTerminalEscapes(text: string): string {
  return text.replace(TERMINAL_ESCAPE, '');
}

/**
 * The text as a reader sees it: terminal escapes, controls and invisible format characters
 * removed (whitespace stays). A secret cut by any of them reads as the secret in a terminal, on
 * the card and on the dashboard, so text is made visible before it is redacted, never after.
 */
export function visibleText(text: string): string {
  return dropTerminalEscapes(wellFormed(text))
    .replace(CONTROLS, '')
    .replace(TAGS, (run) => (run.startsWith('\u{1F3F4}') ? run : ''))
    .replace(STRAY_JOINERS, '')
    .replace(INVISIBLE, '');
}

// What a browser or a terminal takes as the end of a line.
const LINE_BREAKS = /\r\n|[\n\r\u000B\u000C\u0085\u2028\u2029]/g;
// Controls but tab (line breaks are replaced first) and invisible format characters but the
// joiners scripts and emoji sequences need.
const HIDDEN = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]|(?!\u200C|\u200D)\p{Cf}/gu;

/** Symbol shown for a line break inside one line of text (U+2424 SYMBOL FOR NEWLINE). */
const LINE_BREAK_MARK = '\u2424';

/**
 * One line of already-redacted text for display, nothing removed: each line break becomes
 * {@link LINE_BREAK_MARK}; controls, bidi controls and other invisible characters become U+FFFD.
 * Removing them would join what the redactor saw apart; showing a break would draw a line the
 * writer never wrote.
 */
export function markHidden(text: string): string {
  return wellFormed(text).replace(LINE_BREAKS, LINE_BREAK_MARK).replace(HIDDEN, '\uFFFD');
}

/** Lone surrogates (half an emoji, or garbage) become U+FFFD, so the text is valid Unicode. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Well-formed, every whitespace run one space, trimmed. */
function oneLine(text: string): string {
  return wellFormed(text).replace(/\s+/g, ' ').trim();
}

/** Length in code points: what JSON Schema's `maxLength` counts. */
function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The text's user-perceived characters (an emoji with modifiers, a letter with its accents). */
export function splitGraphemes(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/**
 * One line of at most `max` code points, ending with `…` when clipped. Clips between graphemes,
 * never inside one: no half surrogate pair, no emoji without its modifier.
 */
export function clipText(text: string, max: number): string {
  const line = oneLine(text);
  if (codePointLength(line) <= max) return line;
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(line)) {
    const n = codePointLength(segment);
    if (used + n > max - 1) break;
    kept += segment;
    used += n;
  }
  return `${kept.trimEnd()}…`;
}
