import { describe, expect, it } from 'vitest';
import { exampleResults, regressionOf, regressionText, renderComment } from '../src/index.js';
import { manualBuilder } from './helpers.js';
import { HOSTILE } from './hostile.js';

/** Install passes, upgrade fails with `reason`: level 1. */
function upgradeFails(reason: string) {
  const { builder: b, tick } = manualBuilder();
  b.countDeploy();
  b.startRung('install');
  tick(1000);
  b.finishRung('pass');
  b.startRung('upgrade');
  tick(1000);
  b.finishRung('fail', reason);
  b.setFlag('clean_teardown', true);
  b.setFlag('no_secret_leak', true);
  return b.finish();
}

describe('regressionOf', () => {
  it('names the first rung that stopped the climb when the level is below the baseline', () => {
    expect(regressionOf(exampleResults({ level: 2 }), 3)).toEqual({
      level: 2,
      baseline: 3,
      rung: 'backup_restore',
      status: 'fail',
      reason: 'restore did not bring back the backed-up state of volume "content"',
    });
  });

  it('is null without a baseline, at the baseline and above it', () => {
    const r = exampleResults({ level: 3 });
    expect(regressionOf(r, null)).toBeNull();
    expect(regressionOf(r, 3)).toBeNull();
    expect(regressionOf(r, 2)).toBeNull();
  });
});

describe('regressionText (commit status description)', () => {
  it('reads "level 2, default branch 3: <rung> fails: <reason>"', () => {
    const reg = regressionOf(exampleResults({ level: 1 }), 3);
    expect(reg && regressionText(reg)).toBe(
      'level 1, default branch 3: upgrade fails: witness file missing from volume "content" after the upgrade',
    );
  });

  it('stays within the limit whatever the reason: one line, no bidi controls', () => {
    for (const text of [...HOSTILE, 'x'.repeat(5000), HOSTILE.join('\n')]) {
      const reg = regressionOf(upgradeFails(text), 4);
      if (!reg) throw new Error('no regression');
      const line = regressionText(reg);
      expect([...line].length).toBeLessThanOrEqual(140);
      expect(line.startsWith('level 1, default branch 4: upgrade fails')).toBe(true);
      expect(line).not.toMatch(/[\n\r\u202E]/);
      expect([...regressionText(reg, 126)].length).toBeLessThanOrEqual(126);
    }
  });
});

describe('the regression line of the comment', () => {
  it('says level, baseline and the rung that failed, with its reason', () => {
    const body = renderComment({
      kind: 'result',
      results: exampleResults({ level: 2 }),
      baseline: 3,
    });
    expect(body).toContain(
      '📉 **Regression:** level 2, default branch 3 — **backup / restore** fails: restore did not bring back the backed-up state of volume &quot;content&quot;',
    );
  });

  it('is absent without a baseline or at the baseline (the comment is unchanged)', () => {
    const r = exampleResults({ level: 3 });
    const plain = renderComment({ kind: 'result', results: r });
    expect(plain).not.toContain('Regression');
    expect(renderComment({ kind: 'result', results: r, baseline: 3 })).toBe(plain);
    expect(renderComment({ kind: 'result', results: r, baseline: null })).toBe(plain);
  });

  it('escapes a hostile reason: one line, no mention, no link, no HTML, no code span', () => {
    for (const text of HOSTILE) {
      const body = renderComment({ kind: 'result', results: upgradeFails(text), baseline: 2 });
      const line = body.split('\n').find((l) => l.startsWith('📉'));
      if (!line) throw new Error('no regression line');
      // `$` is wrapped in a span (GitHub math); everything else must be inert text.
      const reason = line
        .slice(line.indexOf('fails: ') + 'fails: '.length)
        .replaceAll('<span>$</span>', '');
      expect(reason).not.toMatch(/<|>|\$/);
      expect(reason).not.toMatch(/@(?!&#8203;)/);
      expect(reason).not.toMatch(/(?<!\\)[`|[]/);
      expect(reason).not.toMatch(/https?:\/\/evil|\u202E|\u0000/);
    }
  });
});
