/**
 * The fonts the card is drawn with, in the order resvg falls back through them: DejaVu Sans is
 * the card's font (Latin, Greek, Cyrillic, many symbols), Noto Sans CJK covers Chinese, Japanese
 * and Korean, Symbola emoji (to Unicode 9). Noto Color Emoji is not among them: its glyphs are
 * PNG bitmaps (CBDT), which resvg draws only since its colour-font support (linebender/resvg#735,
 * 2024), later than the resvg-js 2.6 this package uses; 2.6 draws outlines, which Symbola has.
 *
 * `file` is relative to the fonts root (Debian: /usr/share/fonts); `package` is the Debian
 * package that installs it (packages/testbed/scripts/setup.sh installs them all).
 */
export const CARD_FONTS = [
  {
    face: 'regular',
    family: 'DejaVu Sans',
    file: 'truetype/dejavu/DejaVuSans.ttf',
    index: 0,
    package: 'fonts-dejavu-core',
    covers: 'the card text (Latin, Greek, Cyrillic, symbols)',
  },
  {
    face: 'bold',
    family: 'DejaVu Sans Bold',
    file: 'truetype/dejavu/DejaVuSans-Bold.ttf',
    index: 0,
    package: 'fonts-dejavu-core',
    covers: 'bold card text',
  },
  {
    face: 'cjk',
    family: 'Noto Sans CJK JP',
    file: 'opentype/noto/NotoSansCJK-Regular.ttc',
    index: 0,
    package: 'fonts-noto-cjk',
    covers: 'Chinese, Japanese and Korean',
  },
  {
    face: 'emoji',
    family: 'Symbola',
    file: 'truetype/ancient-scripts/Symbola_hint.ttf',
    index: 0,
    package: 'fonts-symbola',
    covers: 'emoji (Unicode 9)',
  },
] as const;

export type CardFace = (typeof CARD_FONTS)[number]['face'];

/** Where Debian installs fonts. */
export const DEFAULT_FONTS_ROOT = '/usr/share/fonts';
