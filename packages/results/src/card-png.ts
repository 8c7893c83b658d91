import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { type CardOptions, renderCardSvg } from './card.js';
import { CARD_FONTS, DEFAULT_FONTS_ROOT } from './fonts.js';

export interface CardFontOptions {
  /** Folder the card fonts are looked up in (paths as Debian installs them). Default `/usr/share/fonts`. */
  fontsRoot?: string;
  /** More font files, tried after the card fonts. Default none. */
  fontFiles?: string[];
  /** Told about each card font that is missing and what that does to the card. Default: ignored. */
  onWarning?: (message: string) => void;
}

export interface CardPngOptions extends CardOptions, CardFontOptions {
  /** Pixel density: 2 renders the 600-unit card 1200 px wide (sharp on high-DPI screens). Default 2. */
  scale?: number;
}

/** A card font that is not installed: which, where it was looked for, the Debian package. */
export interface MissingCardFont {
  family: string;
  path: string;
  package: string;
  covers: string;
}

/** The card fonts found under `fontsRoot`, in fallback order, and the ones missing. */
export function findCardFonts(fontsRoot = DEFAULT_FONTS_ROOT): {
  files: string[];
  missing: MissingCardFont[];
} {
  const files: string[] = [];
  const missing: MissingCardFont[] = [];
  for (const font of CARD_FONTS) {
    const path = join(fontsRoot, font.file);
    if (existsSync(path)) files.push(path);
    else missing.push({ family: font.family, path, package: font.package, covers: font.covers });
  }
  return { files, missing };
}

/** The card as PNG (SVG → PNG through resvg, with the card fonts; see findCardFonts). */
export function renderCardPng(input: unknown, options: CardPngOptions = {}): Buffer {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 4)) {
    throw new TypeError(
      `renderCardPng: option scale must be a number in (0, 4], got ${String(scale)}`,
    );
  }
  return svgToPng(renderCardSvg(input, options), { ...options, scale });
}

/**
 * Renders any SVG to PNG with the card fonts. Only those files are loaded, in CARD_FONTS order,
 * because resvg falls back through fonts in load order: the system's own fonts would make the
 * fallback (and so the widths the card was measured with) depend on the directory order of
 * /usr/share/fonts (on Debian, Noto Serif CJK came first). When DejaVu Sans is missing the
 * system's fonts are loaded instead, so text still renders, and `onWarning` says so; a missing
 * CJK or emoji font leaves those characters as empty boxes, no wider than measured.
 */
export function svgToPng(
  svg: string,
  { scale = 1, fontFiles = [], fontsRoot, onWarning }: CardFontOptions & { scale?: number } = {},
): Buffer {
  const fonts = findCardFonts(fontsRoot);
  const fallback = fonts.missing.some((m) => m.family === 'DejaVu Sans');
  for (const m of fonts.missing) {
    const effect =
      m.family === 'DejaVu Sans'
        ? "the card falls back to the system's fonts and its text may overflow or be missing"
        : `${m.covers} will show as empty boxes`;
    onWarning?.(
      `card font ${m.family} not found at ${m.path}: ${effect}; install the Debian package ${m.package}`,
    );
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: fallback,
      fontFiles: [...fonts.files, ...fontFiles],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    textRendering: 1,
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
