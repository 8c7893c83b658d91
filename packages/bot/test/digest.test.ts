import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@ccci/store';
import { describe, expect, it } from 'vitest';
import { buildDigest, classifyDigest, type DigestEntry, digestId } from '../src/digest.js';
import { renderDigestHtml, renderDigestPage, renderDigestText } from '../src/digest-render.js';

const DAY = 86_400_000;
const NOW = new Date('2026-12-02T00:00:00.000Z');
const SINCE = new Date(NOW.getTime() - DAY);
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function entry(recipe: string, fields: Partial<DigestEntry>): DigestEntry {
  return {
    recipe,
    repo: `coop-cloud/${recipe}`,
    run_id: `r-${recipe}`,
    run_url: `https://ci.example.org/runs/r-${recipe}`,
    level: 3,
    previous_level: 3,
    sha: 'a'.repeat(40),
    finished_at: ago(3_600_000),
    error: null,
    ...fields,
  };
}

const classify = (entries: DigestEntry[]) =>
  classifyDigest(entries, { now: NOW, since: SINCE, outdatedMs: 7 * DAY });
const names = (list: DigestEntry[]) => list.map((e) => e.recipe);

describe('classifyDigest', () => {
  it('sorts each recipe by its newest default-branch run against the level before it', () => {
    const out = classify([
      entry('down', { level: 2, previous_level: 4 }),
      entry('to-zero', { level: 0, previous_level: 3 }),
      entry('up', { level: 4, previous_level: 1 }),
      entry('same', { level: 3, previous_level: 3 }),
      entry('zero-again', { level: 0, previous_level: 0 }),
      entry('error', { level: null, previous_level: 3, error: 'deploy timed out' }),
      entry('first', { level: 2, previous_level: null }),
      entry('never', {
        run_id: null,
        run_url: null,
        level: null,
        previous_level: null,
        finished_at: null,
        sha: null,
      }),
      entry('old', { level: 3, previous_level: 3, finished_at: ago(8 * DAY) }),
      entry('old-drop', { level: 1, previous_level: 3, finished_at: ago(2 * DAY) }),
    ]);
    expect(names(out.regressed)).toEqual(['down', 'to-zero']);
    expect(names(out.improved)).toEqual(['up']);
    // A regression to 0 is listed as regressed, not again as failing.
    expect(names(out.failing)).toEqual(['error', 'zero-again']);
    expect(names(out.outdated)).toEqual(['never', 'old']);
    // Passing: level ≥ 1, tested within the outdated window (regressions to ≥ 1 included).
    expect(out.passing).toBe(5);
  });

  it('changes before the window are not news again; the present state still is', () => {
    const out = classify([
      entry('old-drop', { level: 1, previous_level: 3, finished_at: ago(2 * DAY) }),
      entry('old-zero', { level: 0, previous_level: 3, finished_at: ago(2 * DAY) }),
    ]);
    expect(out.regressed).toEqual([]);
    expect(names(out.failing)).toEqual(['old-zero']);
  });

  it('a failing recipe not tested for long is failing and outdated', () => {
    const out = classify([
      entry('stale', { level: null, error: 'boom', finished_at: ago(9 * DAY) }),
    ]);
    expect(names(out.failing)).toEqual(['stale']);
    expect(names(out.outdated)).toEqual(['stale']);
    expect(out.passing).toBe(0);
  });
});

describe('digest ids and rendering', () => {
  it('the id names the period start to the minute (stable across restarts)', () => {
    expect(digestId(new Date('2026-12-02T00:00:00.000Z'))).toBe('digest-20261202T0000Z');
    expect(digestId(new Date('2026-12-02T06:30:59.999Z'))).toBe('digest-20261202T0630Z');
  });

  it('escapes recipe names and errors in HTML; the text lists what changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccci-digest-'));
    const store = openStore({ path: join(dir, 'bot.sqlite') });
    try {
      const base = {
        repo: 'o/x',
        recipe: 'x',
        pr: null,
        commentId: null,
        requestedBy: null,
        headSha: 'b'.repeat(40),
        headRef: 'main',
        baseRef: 'main',
        src: 'http://x/o/x.git',
        stages: null,
        quick: false,
        executor: 'local',
        keyHash: null,
        onDefaultBranch: true,
      };
      store.insertRun({ ...base, id: 'r1' });
      store.updateRun('r1', { state: 'done', level: 4, finishedAt: ago(2 * DAY) });
      store.insertRun({ ...base, id: 'r2' });
      store.updateRun('r2', {
        state: 'done',
        error: '<script>alert(1)</script>',
        finishedAt: ago(3_600_000),
      });
      const d = buildDigest({
        store,
        recipes: [{ repo: 'o/x', recipe: 'x' }],
        publicUrl: 'https://ci.example.org',
        now: NOW,
        periodStart: NOW,
        fallbackSince: SINCE,
        outdatedMs: 7 * DAY,
      });
      expect(d).toMatchObject({
        type: 'ccci.digest',
        version: 1,
        id: 'digest-20261202T0000Z',
        since: SINCE.toISOString(),
        dashboard_url: 'https://ci.example.org/digest',
        summary: { recipes: 1, regressed: 0, improved: 0, failing: 1, outdated: 0, passing: 0 },
      });
      expect(d.failing[0]).toMatchObject({
        run_id: 'r2',
        level: null,
        previous_level: 4,
        error: '<script>alert(1)</script>',
        run_url: 'https://ci.example.org/runs/r2',
      });
      const html = renderDigestHtml(d);
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;');
      expect(renderDigestPage(d)).not.toContain('<script>');
      expect(renderDigestText(d)).toContain('- x: error: <script>alert(1)</script>');
      expect(renderDigestPage(null)).toContain('No digest yet');
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
