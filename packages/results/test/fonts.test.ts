import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDirPerTest } from '@ccci/test-support';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { fontWidthsSource } from '../scripts/font-widths-table.js';
import { CARD_WIDTH } from '../src/card.js';
import { findCardFonts, svgToPng } from '../src/card-png.js';
import { escapeXml } from '../src/escape.js';
import { CARD_FONTS, DEFAULT_FONTS_ROOT } from '../src/fonts.js';
import { exampleResults, renderCardPng, renderCardSvg } from '../src/index.js';
import { fitText, textWidth } from '../src/measure.js';
import { decodeRgbaPng } from './png-decode.js';

/** Each test's folder for the fonts roots `rootWith` makes. */
const tmp = tempDirPerTest('ccci-fonts-');

const PAD = 24;

it('the card fonts are installed (packages/testbed/scripts/setup.sh installs them)', () => {
  expect(findCardFonts().missing.map((m) => `${m.package}: ${m.path}`)).toEqual([]);
});

it('src/font-widths.ts is up to date with the installed fonts (`pnpm --filter @ccci/results fonts`)', () => {
  const committed = readFileSync(new URL('../src/font-widths.ts', import.meta.url), 'utf8');
  expect(fontWidthsSource()).toBe(committed);
});

/** resvg with exactly the fonts svgToPng loads. */
function resvgOf(svg: string, fontsRoot = DEFAULT_FONTS_ROOT): Resvg {
  return new Resvg(svg, {
    font: {
      loadSystemFonts: false,
      fontFiles: findCardFonts(fontsRoot).files,
      defaultFontFamily: 'DejaVu Sans',
    },
    logLevel: 'off',
  });
}

/**
 * The advance width resvg gives `text`: the right ink edge of the text twice minus that of the
 * text once (the last glyph's side bearing cancels; the same fonts are chosen for both).
 */
function resvgWidth(text: string, size: number, bold: boolean): number {
  const inkRight = (s: string) => {
    const weight = bold ? ' font-weight="bold"' : '';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="100"><text x="0" y="70" font-size="${size}" font-family="DejaVu Sans"${weight}>${escapeXml(s)}</text></svg>`;
    const box = resvgOf(svg).getBBox()!;
    return box.x + box.width;
  };
  return inkRight(text + text) - inkRight(text);
}

describe('text width', () => {
  // What the old per-class estimate got wrong, from the issue: braces, dashes, ellipses,
  // Cyrillic, `#=+<>~` under-counted; lowercase over-counted; CJK and emoji.
  const EXACT = [
    '#'.repeat(96),
    '{}[]—–…-=+<>~#',
    'Привет, мир: проверка',
    'the quick brown fox jumps over the lazy dog',
    'HEALTH_PATH /healthz answered 502 after 120 s',
    '漢字テスト 한국어 中文',
    '😀🎉🚀👍 emoji',
    '✓ clean teardown ✗ 3 unverified',
    'e\u0301 and ZWJ\u200Dand VS\uFE0F',
  ];

  it('is what resvg lays out with the card fonts (regular and bold)', () => {
    for (const bold of [false, true]) {
      for (const text of EXACT) {
        const actual = resvgWidth(text, 40, bold);
        const ours = textWidth(text, 40, bold);
        // Never narrower than drawn; wider only by kerning and by the layout without the
        // optional CJK font (Noto Sans CJK's Latin is narrower than DejaVu's).
        expect({ text, bold, under: Math.max(0, actual - ours) }).toEqual({ text, bold, under: 0 });
        // Wider only by kerning pairs.
        expect({ text, bold, over: ours - actual < 0.02 * actual + 0.5 }).toEqual({
          text,
          bold,
          over: true,
        });
      }
    }
  });

  it('of Latin with one kanji is the wider of its layouts with and without Noto Sans CJK', () => {
    // resvg draws the whole run in Noto Sans CJK when that font has every character of it
    // (its Latin is narrower than DejaVu's); without the font the Latin stays DejaVu.
    for (const bold of [false, true]) {
      const text = 'mixed 漢字 and latin';
      const withCjk = resvgWidth(text, 40, bold);
      const withoutCjk =
        textWidth('mixed ', 40, bold) + textWidth(' and latin', 40, bold) + 2 * 0.6 * 40;
      const widest = Math.max(withCjk, withoutCjk);
      expect(textWidth(text, 40, bold)).toBeGreaterThanOrEqual(widest);
      // Noto Sans CJK kerns its Latin a little.
      expect(textWidth(text, 40, bold)).toBeLessThan(widest * 1.02);
    }
  });

  it('of a 96-character # reason is measured at its real 1046 px, not 774', () => {
    expect(Math.round(textWidth('#'.repeat(96), 13))).toBe(1046);
  });

  it('keeps a lowercase reason that fits whole (key words were clipped)', () => {
    // 82 characters: 528 px drawn, 605 px by the old estimate of 0.62 em a letter.
    const reason =
      'restore ran but the witness file in volume content was not there after the restore';
    const available = CARD_WIDTH - PAD * 2 - 22;
    expect(resvgWidth(reason, 13, false)).toBeLessThan(available);
    expect(fitText(reason, 13, available)).toBe(reason);
  });
});

/** Dark pixels right of the card's right padding (where no text belongs), in card pixels. */
function inkPastPadding(png: Buffer, yFrom: number, yTo: number): number {
  const { width, pixels } = decodeRgbaPng(png);
  let dark = 0;
  for (let y = yFrom; y < yTo; y++) {
    for (let x = CARD_WIDTH - PAD + 1; x < width; x++) {
      const i = (y * width + x) * 4;
      if (pixels[i]! < 160 && pixels[i + 1]! < 160 && pixels[i + 2]! < 160) dark++;
    }
  }
  return dark;
}

describe('the card', () => {
  it('keeps hostile reasons inside its padding, whatever their characters', () => {
    for (const reason of [
      '#'.repeat(96),
      '=+<>~{}—…'.repeat(12),
      'Ж'.repeat(60),
      '漢'.repeat(60),
      '🎉'.repeat(60),
      `${'W'.repeat(20)}漢字${'m'.repeat(40)}`,
    ]) {
      const r = structuredClone(exampleResults({ level: 0 }));
      r.rungs.install.reason = reason;
      const svg = renderCardSvg(r);
      const row = /<text x="46" y="(\d+)" font-size="13"/.exec(svg)!;
      const y = Number(row[1]);
      const png = renderCardPng(r, { scale: 1 });
      expect({ reason: reason.slice(0, 12), ink: inkPastPadding(png, y - 12, y + 4) }).toEqual({
        reason: reason.slice(0, 12),
        ink: 0,
      });
    }
  });

  it('draws CJK and emoji with real glyphs, not the missing-glyph box', () => {
    const draw = (text: string, fontsRoot?: string) =>
      svgToPng(
        `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#fff"/><text x="4" y="30" font-size="24" font-family="DejaVu Sans">${text}</text></svg>`,
        fontsRoot ? { fontsRoot } : {},
      );
    // U+10FFFD is in no font: it is drawn as DejaVu Sans's .notdef box.
    const box = draw('\u{10FFFD}');
    expect(draw('漢').equals(box)).toBe(false);
    expect(draw('🎉').equals(box)).toBe(false);
    // Where the fonts are missing, the same characters are boxes (the fallback below).
    const dejavuOnly = rootWith(['regular', 'bold']);
    expect(draw('漢', dejavuOnly).equals(box)).toBe(true);
  });
});

/** A fonts root holding only the given card faces (symlinks to the installed files). */
function rootWith(faces: string[]): string {
  const root = mkdtempSync(join(tmp.path, 'root-'));
  for (const font of CARD_FONTS.filter((f) => faces.includes(f.face))) {
    const target = join(root, font.file);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(DEFAULT_FONTS_ROOT, font.file), target);
  }
  return root;
}

describe('where card fonts are missing', () => {
  it('renders anyway and says which Debian package to install', () => {
    const warnings: string[] = [];
    const r = structuredClone(exampleResults({ level: 2 }));
    r.rungs.upgrade.reason = `rolled back: ${'漢字 😀🎉 and latin '.repeat(8)}`;
    const y = Number(
      /<text x="46" y="(\d+)" font-size="13"[^>]*>rolled/.exec(renderCardSvg(r))![1],
    );
    const png = renderCardPng(r, {
      scale: 1,
      fontsRoot: rootWith(['regular', 'bold']),
      onWarning: (m) => warnings.push(m),
    });
    expect(decodeRgbaPng(png).width).toBe(CARD_WIDTH);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^card font Noto Sans CJK JP not found at .*NotoSansCJK-Regular\.ttc: Chinese, Japanese and Korean will show as empty boxes; install the Debian package fonts-noto-cjk$/,
      ),
      expect.stringMatching(
        /^card font Symbola not found .*install the Debian package fonts-symbola$/,
      ),
    ]);
    // The layout holds: missing glyphs are boxes no wider than the glyphs measured.
    expect(inkPastPadding(png, y - 12, y + 4)).toBe(0);
  });

  it('falls back to the system fonts without DejaVu Sans, and says so', () => {
    const warnings: string[] = [];
    const png = renderCardPng(exampleResults({ level: 1 }), {
      scale: 1,
      fontsRoot: mkdtempSync(join(tmp.path, 'nofonts-')),
      onWarning: (m) => warnings.push(m),
    });
    expect(decodeRgbaPng(png).width).toBe(CARD_WIDTH);
    expect(warnings[0]).toMatch(
      /DejaVu Sans not found .*falls back to the system's fonts.*fonts-dejavu-core$/,
    );
    expect(warnings.map((w) => /package (\S+)$/.exec(w)?.[1])).toEqual([
      'fonts-dejavu-core',
      'fonts-dejavu-core',
      'fonts-noto-cjk',
      'fonts-symbola',
    ]);
  });
});
