// Card text is laid out without a font engine, so widths are estimated from DejaVu Sans's
// advance widths (in em) by character class; estimates err wide so that text never overflows.
const NARROW = new Set([..."ijl.,:;'!|()[]{} "]);
const WIDE = new Set([...'mwMW@%']);

export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const c of text) {
    if (NARROW.has(c)) em += 0.34;
    else if (WIDE.has(c)) em += 0.95;
    else if (c >= 'A' && c <= 'Z') em += 0.74;
    else if (c >= '0' && c <= '9') em += 0.64;
    else if (c.codePointAt(0)! > 0x2e80)
      em += 1.0; // CJK and similar: full width
    else em += 0.62;
  }
  return em * fontSize * (bold ? 1.1 : 1);
}

/** Clips text with an ellipsis so it fits `maxWidth` at the given size. */
export function fitText(text: string, fontSize: number, maxWidth: number, bold = false): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (textWidth(clean, fontSize, bold) <= maxWidth) return clean;
  const chars = [...clean];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${chars.slice(0, mid).join('')}…`, fontSize, bold) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}…`;
}
