import { Resvg } from '@resvg/resvg-js';
import { type CardOptions, renderCardSvg } from './card.js';

export interface CardPngOptions extends CardOptions {
  /** Pixel density: 2 renders the 600-unit card 1200 px wide (sharp on high-DPI screens). Default 2. */
  scale?: number;
  /** Extra font files for hosts without DejaVu/Liberation installed. Default none. */
  fontFiles?: string[];
}

/** The card as PNG (SVG → PNG through resvg, with system fonts). */
export function renderCardPng(input: unknown, options: CardPngOptions = {}): Buffer {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 4)) {
    throw new TypeError(
      `renderCardPng: option scale must be a number in (0, 4], got ${String(scale)}`,
    );
  }
  return svgToPng(renderCardSvg(input, options), { scale, fontFiles: options.fontFiles ?? [] });
}

/** Renders any SVG to PNG with the fonts the card expects. */
export function svgToPng(
  svg: string,
  { scale = 1, fontFiles = [] }: { scale?: number; fontFiles?: string[] } = {},
): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: true,
      fontFiles,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    textRendering: 1,
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
