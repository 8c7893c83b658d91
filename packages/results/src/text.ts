// Untrusted text, made safe to store and to clip. One module, so the builder, the v0 upgrade and
// the renderers clip and clean the same way.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Bidirectional formatting characters (embeddings, overrides, isolates, marks). U+202E turns
 * `exe.txt` into what reads as `txt.exe`: the "Trojan Source" trick (CVE-2021-42574).
 */
export const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

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
