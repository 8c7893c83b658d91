import { Resvg } from '@resvg/resvg-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeXml } from '../src/index.js';

// Any UTF-16 string: controls, lone surrogates, markup characters, emoji.
const anyText = fc.string({ unit: 'binary', maxLength: 80 });
const markupHeavy = fc.string({
  unit: fc.constantFrom(...'<>&"\'`|*_[]()@#!\\~\n\r\t\u0000 abc'.split('')),
  maxLength: 60,
});

describe('escapeXml', () => {
  it('always yields well-formed XML text and attributes (resvg parses strictly)', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, markupHeavy), (s) => {
        const e = escapeXml(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(e).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>${e}</title><text aria-label="${e}">${e}</text></svg>`;
        expect(() => new Resvg(svg, { font: { loadSystemFonts: false } })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips text without forbidden characters', () => {
    const decodeXml = (s: string) =>
      s.replace(
        /&(lt|gt|quot|apos|amp);/g,
        (_, n: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[n]!,
      );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        expect(decodeXml(escapeXml(s))).toBe(s);
      }),
    );
  });
});

describe('escapeMarkdown', () => {
  it('leaves no newline, raw HTML, unescaped markup character or mention', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, markupHeavy), (s) => {
        const e = escapeMarkdown(s);
        expect(e).not.toMatch(/[\n\r\u0000]/);
        expect(e).not.toMatch(
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
        );
        expect(e).not.toMatch(/[<>"]/);
        expect(e).not.toMatch(/@(?!&#8203;)/);
        // Each markup character is preceded by an odd number of backslashes (escaped).
        for (const m of e.matchAll(/(\\*)([`*_[\]|~])/g)) {
          expect(m[1]!.length % 2).toBe(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps ordinary text readable', () => {
    expect(escapeMarkdown('upgraded in place from 1.3.1+1.27.1')).toBe(
      'upgraded in place from 1.3.1+1.27.1',
    );
    expect(escapeMarkdown('a | b\n`c`')).toBe('a \\| b \\`c\\`');
  });
});
