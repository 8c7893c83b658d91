import { Resvg } from '@resvg/resvg-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeXml } from '../src/index.js';

// Any UTF-16 string: controls, lone surrogates, markup characters, emoji.
const anyText = fc.string({ unit: 'binary', maxLength: 80 });
const markupHeavy = fc.string({
  unit: fc.constantFrom(
    ...'<>&"\'`|*_[]()@#!\\~\n\r\t\u0000 abc'.split(''),
    ...['$', '1', '42', '://', 'https', 'www.', 'GH-', '/', '.', '\u202E', '\u2066'],
  ),
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
        // The only markup is ours: `$` wrapped so GitHub does not start math with it. The span
        // splits the text node (forges link references within one), so it stands for a
        // separator here: `#<span>$</span>42` is no reference.
        const outside = e.replaceAll('<span>$</span>', ' ');
        expect(outside).not.toMatch(/[<>"$]/);
        // What forges link or reorder is broken by the zero-width space we insert.
        const shown = outside.replaceAll('&#8203;', '\u200B');
        expect(shown).not.toMatch(/[#!]\d|GH-\d|:\/\/|www\.|[\u202A-\u202E\u2066-\u2069]/i);
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

  it('breaks what GitHub and Gitea would turn into math, links, references or reversed text', () => {
    const z = '&#8203;';
    expect(escapeMarkdown('costs $x^2$ or $$\\sum$$')).toBe(
      'costs <span>$</span>x^2<span>$</span> or <span>$</span><span>$</span>\\\\sum<span>$</span><span>$</span>',
    );
    expect(escapeMarkdown('see https://evil.example/x and www.evil.example')).toBe(
      `see https:${z}//evil.example/x and www${z}.evil.example`,
    );
    expect(escapeMarkdown('fixes #123, coop-cloud/abra#42, GH-7 and !9')).toBe(
      `fixes #${z}123, coop-cloud/abra#${z}42, GH-${z}7 and !${z}9`,
    );
    // U+202E would show "exe.txt" as "txt.exe" (Trojan Source).
    expect(escapeMarkdown('report\u202Etxt.exe\u202C done')).toBe('reporttxt.exe done');
    // Plain text and headings-like hashes stay as they are.
    expect(escapeMarkdown('# not a heading, C# and 100% fine')).toBe(
      '# not a heading, C# and 100% fine',
    );
  });
});
