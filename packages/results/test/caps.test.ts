import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { renderCardSvg, renderComment, safeWriteResults, validateResults } from '../src/index.js';
import { manualBuilder } from './helpers.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('the builder caps what the schema caps, visibly', () => {
  const tmp = tempDirPerTest('ccci-caps-');

  it('keeps a run of 6 003 tests: failures listed, the rest summed up, results.json written', async () => {
    const { builder: b } = manualBuilder();
    b.startRung('functional');
    for (let i = 0; i < 6000; i++) b.addTest({ name: `case ${i}`, status: 'pass', ms: 2 });
    for (let i = 0; i < 3; i++) {
      b.addTest({ name: `late failure ${i}`, status: 'fail', ms: 5, reason: 'boom' });
    }
    b.finishRung('fail', 'three cases failed');
    const r = b.finish();
    const tests = r.rungs.functional.tests;
    expect(tests).toHaveLength(5000);
    expect(tests.filter((t) => t.status === 'fail').map((t) => t.name)).toEqual([
      'late failure 0',
      'late failure 1',
      'late failure 2',
    ]);
    expect(tests.at(-1)).toEqual({
      name: '1004 more tests not shown',
      status: 'pass',
      ms: 2008,
      reason: '1004 passed; the log has every test',
    });
    const path = join(tmp.path, 'results.json');
    expect(await safeWriteResults(path, r)).toEqual({ ok: true, path });
    const back = JSON.parse(readFileSync(path, 'utf8'));
    // Renderers count the tests the summary stands for.
    expect(renderComment({ kind: 'result', results: back })).toContain('6000/6003 tests passed');
    expect(renderCardSvg(back)).toContain('6000/6003 tests passed');
  });

  it('says how the hidden tests went, and fails the summary when a hidden one failed', () => {
    const { builder: b } = manualBuilder();
    for (let i = 0; i < 5001; i++) {
      b.addTest({ name: `t${i}`, status: 'fail', ms: 1 }, 'install');
    }
    b.addTest({ name: 'late', status: 'unver', ms: 1 }, 'install');
    b.setRung('install', 'fail');
    const tests = b.finish().rungs.install.tests;
    expect(tests).toHaveLength(5000);
    expect(tests.at(-1)).toMatchObject({
      name: '3 more tests not shown',
      status: 'fail',
      reason: '2 failed, 1 unverified; the log has every test',
    });
  });

  it('caps lint rules at 500 with errors first, and names a blank rule id instead of failing', async () => {
    const { builder: b } = manualBuilder();
    const rules = Array.from({ length: 620 }, (_, i) => ({
      id: i === 7 ? '   ' : `R${i}`,
      severity: i % 3 === 0 ? ('error' as const) : ('warn' as const),
      description: `rule ${i}`,
    }));
    b.setLint(rules);
    const r = b.finish();
    const lint = r.lint.rules_failed;
    expect(lint).toHaveLength(500);
    expect(lint.slice(0, 207).every((rule) => rule.severity === 'error')).toBe(true);
    expect(lint.find((rule) => rule.description === 'rule 7')?.id).toBe('(no id)');
    expect(lint.at(-1)).toEqual({
      id: '…',
      severity: 'warn',
      description: '121 more rules not shown (121 warnings); the log has every rule',
    });
    const path = join(tmp.path, 'results.json');
    expect((await safeWriteResults(path, r)).ok).toBe(true);
    expect(renderComment({ kind: 'result', results: r })).toContain('… and 490 more');
  });

  it('keeps odd test data from a recipe (blank names, impossible times) instead of throwing', () => {
    const { builder: b } = manualBuilder();
    b.addTest({ name: ' \n ', status: 'fail', ms: Number.NaN }, 'install');
    b.addTest({ name: 'slow', status: 'pass', ms: 1e300 }, 'install');
    b.addTest({ name: 'time travel', status: 'pass', ms: -5 }, 'install');
    b.setRung('install', 'fail', null, 1e300);
    const r = b.finish();
    expect(validateResults(r).ok).toBe(true);
    expect(r.rungs.install.tests.map((t) => [t.name, t.ms])).toEqual([
      ['(unnamed test)', 0],
      ['slow', 7 * 24 * 3_600_000],
      ['time travel', 0],
    ]);
    expect(r.rungs.install.duration_ms).toBe(7 * 24 * 3_600_000);
  });

  it('does not let a test pass itself off as the summary', () => {
    const { builder: b } = manualBuilder();
    for (let i = 0; i < 4999; i++) b.addTest({ name: `t${i}`, status: 'pass', ms: 1 }, 'install');
    b.addTest({ name: '999999999 more tests not shown', status: 'pass', ms: 1 }, 'install');
    b.setRung('install', 'pass');
    const r = b.finish();
    expect(r.rungs.install.tests.at(-1)!.name).toBe('“999999999 more tests not shown”');
    expect(renderComment({ kind: 'result', results: r })).toContain('5000/5000 tests passed');
  });
});

describe('clipping', () => {
  it('never splits a surrogate pair or an emoji sequence (no lone \\ud83d in results.json)', () => {
    const { builder: b } = manualBuilder();
    // Each emoji straddles the place where a UTF-16 slice would cut.
    b.setRung('install', 'fail', `${'x'.repeat(998)}😀😀😀`);
    b.addTest({ name: `${'n'.repeat(298)}👍🏽 thumbs`, status: 'fail', ms: 1 }, 'upgrade');
    b.setLint([{ id: `${'i'.repeat(62)}🎉🎉`, severity: 'warn', description: 'd' }]);
    const r = b.finish();
    const json = JSON.stringify(r);
    expect(json).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
    expect(LONE_SURROGATE.test(r.rungs.install.reason!)).toBe(false);
    expect(r.rungs.install.reason).toBe(`${'x'.repeat(998)}😀…`);
    // The skin-tone modifier stays with its thumb: both go, or neither.
    expect(r.rungs.upgrade.tests[0]!.name).toBe(`${'n'.repeat(298)}…`);
    // 64 code points fit the schema's 64, though they are 66 UTF-16 units.
    expect(r.lint.rules_failed[0]!.id).toBe(`${'i'.repeat(62)}🎉🎉`);
  });

  it('turns lone surrogates in the input into U+FFFD', () => {
    const { builder: b } = manualBuilder();
    b.setRung('install', 'fail', 'half an emoji: \uD83D and \uDE00 alone');
    expect(b.finish().rungs.install.reason).toBe('half an emoji: \uFFFD and \uFFFD alone');
  });
});

describe('the clock', () => {
  it('cannot make finished_at earlier than started_at (a clock stepped back)', () => {
    let now = Date.UTC(2026, 10, 22, 3, 0, 0);
    const { builder: b } = manualBuilder({ clock: () => now });
    b.startRung('install');
    now -= 60_000;
    b.finishRung('pass');
    const r = b.finish();
    expect(validateResults(r).ok).toBe(true);
    expect(r.finished_at).toBe(r.started_at);
    expect(r.rungs.install.duration_ms).toBe(0);
  });
});
