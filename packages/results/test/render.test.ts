import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { CARD_WIDTH } from '../src/card.js';
import { COMMENT_MAX_CHARS } from '../src/comment.js';
import {
  exampleResults,
  LEVEL_COLORS,
  type Level,
  renderBadge,
  renderCardPng,
  renderCardSvg,
  renderComment,
} from '../src/index.js';
import { expectGolden } from './golden.js';
import { manualBuilder } from './helpers.js';
import { HOSTILE, hostileResults } from './hostile.js';
import { decodeRgbaPng } from './png-decode.js';

const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url);
const v0 = JSON.parse(readFileSync(fixture('results-v0.json'), 'utf8'));
const tinyShot = readFileSync(fixture('screenshot-tiny.png'));
const shot = readFileSync(fixture('screenshot.png'));
const LEVELS: Level[] = [0, 1, 2, 3, 4, 5];
const links = {
  runUrl: 'https://ci.example.org/runs/example-level-3',
  logUrl: 'https://ci.example.org/runs/example-level-3/log',
  cardUrl: 'https://ci.example.org/runs/example-level-3/card.png',
  badgeUrl: 'https://ci.example.org/runs/example-level-3/badge.svg',
};

describe('PR comment', () => {
  it('renders each variant as in its golden file', () => {
    expectGolden(
      'comment-queued.golden.md',
      renderComment({
        kind: 'queued',
        recipe: 'custom-html',
        sha: 'c0ffee00c0ffee00',
        position: 2,
        links,
      }),
    );
    expectGolden(
      'comment-running.golden.md',
      renderComment({
        kind: 'running',
        recipe: 'custom-html',
        sha: 'c0ffee00c0ffee00',
        currentRung: 'backup_restore',
        done: { install: 'pass', upgrade: 'skip' },
        links,
      }),
    );
    expectGolden(
      'comment-result.golden.md',
      renderComment({ kind: 'result', results: exampleResults({ level: 3 }), links }),
    );
    expectGolden(
      'comment-result-level-4.golden.md',
      renderComment({ kind: 'result', results: exampleResults({ level: 4 }) }),
    );
    expectGolden(
      'comment-result-v0.golden.md',
      renderComment({ kind: 'result', results: v0, links }),
    );
    expectGolden(
      'comment-refused.golden.md',
      renderComment({
        kind: 'refused',
        reason: '@mallory is not a member of coop-cloud and not on the allowlist',
      }),
    );
    expectGolden(
      'comment-hostile.golden.md',
      renderComment({ kind: 'result', results: hostileResults(), links }),
    );
  });

  it('starts with the marker and shows level, one table row per rung, card and links', () => {
    const body = renderComment({ kind: 'result', results: exampleResults({ level: 3 }), links });
    expect(body.startsWith('<!-- ccci -->\n')).toBe(true);
    expect(body).toContain(`[![ccci level 3](${links.badgeUrl})](${links.runUrl})`);
    expect(body).toContain('**level 3** — backs up and restores');
    expect(body.match(/^\| \d \| /gm)).toHaveLength(5);
    expect(body).toContain(`<img src="${links.cardUrl}" width="600"`);
    expect(body).toContain(`[Run page](${links.runUrl}) · [Log](${links.logUrl})`);
  });

  it('keeps hostile text inert: no table breakout, no HTML, no mentions, no code spans', () => {
    const body = renderComment({ kind: 'result', results: hostileResults(), links });
    const rows = body.split('\n').filter((l) => /^\| \d \| /.test(l));
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      // Unescaped pipes delimit cells: 5 cells → 6 pipes.
      expect(row.match(/(?<!\\)\|/g)).toHaveLength(6);
    }
    const ours = body
      .replace('<!-- ccci -->', '')
      .replace(/<a href="[^"<>]*"><img src="[^"<>]*" width="600" alt="[^"<>]*"><\/a>/, '')
      .replaceAll('<span>$</span>', '');
    // No math, no links, no references, no reordering from hostile text.
    const shown = ours.replaceAll('&#8203;', '\u200B');
    expect(shown).not.toMatch(/\$|https?:\/\/evil|www\.evil|#\d|\u202E/);
    expect(ours).not.toMatch(/<|>/);
    expect(ours).not.toMatch(/@(?!&#8203;)/);
    expect(ours).not.toMatch(/(?<!\\)`/);
    expect(ours).not.toMatch(/(?<!\\)\[click/);
    expect(ours).not.toContain('\u0000');
    // One line per list item: hostile newlines did not start headings or rules.
    expect(ours).not.toMatch(/^(#|---|\* list)/m);
  });

  it('stays within what a forge takes (GitHub refuses a body over 65 536 characters)', () => {
    // Text that escaping multiplies: `$` becomes `<span>$</span>`, `@` `@&#8203;`. A body the
    // forge refuses leaves the comment at "running" and the commit status at pending.
    for (const ch of ['$', '@', '&', '#1', 'a']) {
      const { builder: b } = manualBuilder({ version: ch.repeat(128).slice(0, 128) });
      const text = ch.repeat(1000);
      b.startRung('install');
      for (let i = 0; i < 20; i++)
        b.addTest({ name: `${i}${text}`, status: 'fail', ms: 1, reason: text });
      b.finishRung('fail', text);
      for (const r of ['upgrade', 'backup_restore', 'functional', 'lint'] as const)
        b.setRung(r, 'unver', text);
      b.setLint(
        Array.from({ length: 20 }, (_, i) => ({
          id: `${i}${ch.repeat(63)}`.slice(0, 64),
          severity: 'error' as const,
          description: text,
        })),
      );
      const body = renderComment({ kind: 'result', results: b.finish(), links, baseline: 5 });
      expect(body.length, ch).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
      // Still the whole story: every rung, the tests that did not pass, the lint rules, links.
      expect(body.match(/^\| \d \| /gm), ch).toHaveLength(5);
      expect(body, ch).toContain('**Tests that did not pass**');
      expect(body, ch).toContain('**Lint rules not satisfied**');
      expect(body, ch).toContain(`[Run page](${links.runUrl})`);
    }
  });

  it('drops link targets that are not http(s)', () => {
    const body = renderComment({
      kind: 'result',
      results: exampleResults({ level: 1 }),
      links: {
        runUrl: 'javascript:alert(1)',
        logUrl: 'https://ok.example/log)"<x>',
        cardUrl: 'data:image/png;base64,AA',
      },
    });
    expect(body).not.toContain('javascript:');
    expect(body).not.toContain('data:');
    expect(body).toContain('[Log](https://ok.example/log%29%22%3Cx%3E)');
  });
});

describe('badge', () => {
  it('renders each level and unknown as in the golden files, coloured from the palette', () => {
    for (const level of LEVELS) {
      const svg = renderBadge(level);
      expectGolden(`badge-level-${level}.golden.svg`, svg);
      expect(svg).toContain(level === 0 ? 'failing' : `level ${level}`);
      expect(svg.toLowerCase()).toContain(LEVEL_COLORS[level].fill);
    }
    expectGolden('badge-unknown.golden.svg', renderBadge(null));
  });

  it('rejects an impossible level', () => {
    expect(() => renderBadge(6 as Level)).toThrow(/level must be an integer 0–5 or null, got 6/);
  });
});

describe('card', () => {
  it('renders SVG as in the golden files (with a screenshot, v0, hostile)', () => {
    expectGolden(
      'card-level-3.golden.svg',
      renderCardSvg(exampleResults({ level: 3 }), { screenshot: tinyShot }),
    );
    expectGolden('card-level-0.golden.svg', renderCardSvg(exampleResults({ level: 0 })));
    expectGolden('card-v0.golden.svg', renderCardSvg(v0));
    expectGolden('card-hostile.golden.svg', renderCardSvg(hostileResults()));
  });

  it('is well-formed XML with hostile text (resvg parses strictly) and has no markup from it', () => {
    const svg = renderCardSvg(hostileResults(), { screenshot: tinyShot });
    expect(() => new Resvg(svg)).not.toThrow();
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain(HOSTILE[0]);
  });

  it('uses the level colour of the palette for every level', () => {
    for (const level of LEVELS) {
      expect(renderCardSvg(exampleResults({ level }))).toContain(
        `fill="${LEVEL_COLORS[level].fill}"`,
      );
    }
  });

  it('notes a screenshot that is not a PNG instead of failing', () => {
    const svg = renderCardSvg(exampleResults({ level: 2 }), {
      screenshot: Buffer.from('GIF89a not a png'),
    });
    expect(svg).toContain('screenshot unreadable (not a PNG)');
    expect(svg).not.toContain('<image');
  });

  it('renders PNG at 2× the card width, with text actually drawn (fonts found)', () => {
    const svg = renderCardSvg(exampleResults({ level: 5 }), { screenshot: shot });
    const svgHeight = Number(/height="(\d+)"/.exec(svg)![1]);
    const png = renderCardPng(exampleResults({ level: 5 }), { screenshot: shot });
    const { width, height, pixels } = decodeRgbaPng(png);
    expect({ width, height }).toEqual({ width: CARD_WIDTH * 2, height: svgHeight * 2 });
    expect(png.length).toBeGreaterThan(50_000);
    // The recipe name (bold, near-black) sits at x 24–240, y 20–50 in card units.
    let dark = 0;
    for (let y = 40; y < 100; y++) {
      for (let x = 48; x < 480; x++) {
        const i = (y * width + x) * 4;
        if (pixels[i]! < 80 && pixels[i + 1]! < 80 && pixels[i + 2]! < 80) dark++;
      }
    }
    expect(dark).toBeGreaterThan(2000);
  });

  it('renders a v0 card to PNG too, at scale 1', () => {
    const { width } = decodeRgbaPng(renderCardPng(v0, { scale: 1 }));
    expect(width).toBe(CARD_WIDTH);
    expect(() => renderCardPng(v0, { scale: 0 })).toThrow(/option scale/);
  });
});

describe('card screenshot label', () => {
  it('says which version the screenshot shows, under it', async () => {
    const { exampleResults, renderCardSvg } = await import('../src/index.js');
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const svg = renderCardSvg(exampleResults({ level: 2 }), {
      screenshot: png,
      screenshotLabel: 'Screenshot: the head (0123abcd) <b>',
    });
    expect(svg).toContain('Screenshot: the head (0123abcd) &lt;b&gt;');
    expect(svg.indexOf('Screenshot: the head')).toBeGreaterThan(svg.indexOf('<image'));
    expect(renderCardSvg(exampleResults({ level: 2 }), { screenshot: png })).not.toContain(
      'Screenshot:',
    );
  });
});
