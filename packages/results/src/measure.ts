// Card text is laid out without a font engine: widths come from the advance widths of the fonts
// resvg draws the card with (src/font-widths.ts, generated from the font files), combined the
// way resvg picks fonts. Kerning and ligatures only narrow text, so the sum errs wide.
import { FONT_WIDTHS } from './font-widths.js';
import type { CardFace } from './fonts.js';
import { BIDI_CONTROLS, splitGraphemes, wellFormed } from './text.js';

interface Face {
  starts: Uint32Array;
  ends: Uint32Array;
  widths: Uint16Array;
  notdef: number;
}

function decode({ runs, notdef }: { runs: string; notdef: number }): Face {
  const tokens = runs.split(' ');
  const face: Face = {
    starts: new Uint32Array(tokens.length),
    ends: new Uint32Array(tokens.length),
    widths: new Uint16Array(tokens.length),
    notdef,
  };
  let end = 0;
  for (const [i, token] of tokens.entries()) {
    const [gap = 0, count = 0, width = 0] = token.split('.').map((n) => Number.parseInt(n, 36));
    face.starts[i] = end + gap;
    end += gap + count;
    face.ends[i] = end;
    face.widths[i] = width;
  }
  return face;
}

/** The face's advance for a code point, or -1 when the face does not have it. */
function advance(face: Face, cp: number): number {
  let lo = 0;
  let hi = face.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < face.starts[mid]!) hi = mid - 1;
    else if (cp >= face.ends[mid]!) lo = mid + 1;
    else return face.widths[mid]!;
  }
  return -1;
}

let faces: Record<CardFace, Face> | undefined;

// HarfBuzz and rustybuzz hide default-ignorable code points (ZWJ, variation selectors, soft
// hyphen…): no glyph, no width, never "missing".
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/**
 * Width in table units of one <text> run, choosing fonts as resvg (usvg 0.34, `shape_text`)
 * does: shape with the style's face; while a character is missing, take the first other loaded
 * face (load order) that has it; when that face has every character of the run, the whole run
 * is drawn in it (a Latin reason with one kanji is all Noto Sans CJK), else only the missing
 * characters are; what no face has is the style face's .notdef box.
 */
function runWidth(cps: readonly number[], chain: readonly Face[]): number {
  const has = (face: Face, cp: number) => cp < 0 || advance(face, cp) >= 0;
  const base = chain[0]!;
  const from: (Face | null)[] = cps.map((cp) => (has(base, cp) ? base : null));
  const used = new Set([base]);
  for (;;) {
    const i = from.indexOf(null);
    if (i < 0) break;
    const fallback = chain.find((f) => !used.has(f) && has(f, cps[i]!));
    if (!fallback) break;
    if (cps.every((cp) => has(fallback, cp))) {
      from.fill(fallback);
      break;
    }
    for (const [j, cp] of cps.entries())
      if (from[j] === null && has(fallback, cp)) from[j] = fallback;
    used.add(fallback);
  }
  let units = 0;
  for (const [j, cp] of cps.entries()) {
    if (cp < 0) continue;
    const face = from[j];
    units += face ? advance(face, cp) : base.notdef;
  }
  return units;
}

/**
 * Text as the card draws it: valid Unicode, one line, without the characters XML forbids (escapeXml
 * drops them) or bidi controls (resvg would reorder the text). Measure and draw this, not the input.
 */
function cardText(text: string): string {
  return wellFormed(text)
    .replace(BIDI_CONTROLS, '')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Width of `text` in card units at `fontSize`, as resvg lays it out with the card fonts. Noto
 * Sans CJK and Symbola may be missing where the card is rendered (resvg then falls back
 * differently), so this is the widest of the layouts with and without each of them.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  faces ??= {
    regular: decode(FONT_WIDTHS.regular),
    bold: decode(FONT_WIDTHS.bold),
    cjk: decode(FONT_WIDTHS.cjk),
    emoji: decode(FONT_WIDTHS.emoji),
  };
  const { regular, cjk, emoji } = faces;
  // Load order is CARD_FONTS order; the style's own face comes first.
  const [first, second] = bold ? [faces.bold, regular] : [regular, faces.bold];
  // -1 marks an ignorable code point: covered by every face, zero wide.
  const cps = Array.from(text, (c) => (IGNORABLE.test(c) ? -1 : c.codePointAt(0)!));
  const units = Math.max(
    runWidth(cps, [first, second, cjk, emoji]),
    runWidth(cps, [first, second, cjk]),
    runWidth(cps, [first, second, emoji]),
    runWidth(cps, [first, second]),
  );
  return (units / FONT_WIDTHS.unitsPerEm) * fontSize;
}

/** Clips text (between graphemes) with an ellipsis so it fits `maxWidth` at the given size. */
export function fitText(text: string, fontSize: number, maxWidth: number, bold = false): string {
  const clean = cardText(text);
  if (textWidth(clean, fontSize, bold) <= maxWidth) return clean;
  const parts = splitGraphemes(clean);
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${parts.slice(0, mid).join('').trimEnd()}…`, fontSize, bold) <= maxWidth)
      lo = mid;
    else hi = mid - 1;
  }
  return `${parts.slice(0, lo).join('').trimEnd()}…`;
}
