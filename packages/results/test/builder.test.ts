import { RUNG_NAMES } from '@ccci/contracts';
import { describe, expect, it } from 'vitest';
import { ResultsBuilderError } from '../src/errors.js';
import { createResultsBuilder } from '../src/index.js';
import { manualBuilder, SHA } from './helpers.js';

describe('createResultsBuilder', () => {
  it('records rungs with durations from the clock, tests, and the level', () => {
    const { builder: b, tick } = manualBuilder();
    tick(1000);
    b.startRung('install');
    expect(b.currentRung).toBe('install');
    tick(42_000);
    b.addTest({ name: 'test_install.sh', status: 'pass', ms: 812.6 });
    b.finishRung('pass');
    expect(b.currentRung).toBeNull();
    b.setRung('upgrade', 'skip', 'EXPECTED_NA: upgrade (first release)');
    b.startRung('backup_restore');
    tick(7_000);
    b.finishRung('pass');
    const r = b.finish();
    expect(r.started_at).toBe('2026-11-22T03:00:00.000Z');
    expect(r.finished_at).toBe('2026-11-22T03:00:50.000Z');
    expect(r.rungs.install).toEqual({
      status: 'pass',
      reason: null,
      duration_ms: 42_000,
      tests: [{ name: 'test_install.sh', status: 'pass', ms: 813, reason: null }],
    });
    expect(r.rungs.upgrade).toMatchObject({ status: 'skip', duration_ms: null });
    expect(r.level).toBe(3);
    expect(r.skips.intentional).toEqual([
      { rung: 'upgrade', test: null, reason: 'EXPECTED_NA: upgrade (first release)' },
    ]);
  });

  it('ends unreached rungs as unver "not reached: <earlier abort>"', () => {
    const { builder: b } = manualBuilder();
    b.startRung('install');
    b.finishRung('fail', 'HEALTH_PATH answered 502');
    const r = b.finish();
    expect(r.level).toBe(0);
    for (const name of RUNG_NAMES.slice(1)) {
      expect(r.rungs[name]).toEqual({
        status: 'unver',
        reason: 'not reached: install failed',
        duration_ms: null,
        tests: [],
      });
    }
    expect(r.skips.unintentional.map((s) => s.rung)).toEqual(RUNG_NAMES.slice(1));
  });

  it('uses an explicit abort reason for the open rung and the unreached ones', () => {
    const { builder: b, tick } = manualBuilder();
    b.startRung('install');
    b.finishRung('pass');
    b.startRung('upgrade');
    tick(5000);
    b.abort('lifetime guard: run exceeded 45 min');
    b.abort('a second reason is ignored');
    const r = b.finish();
    expect(r.rungs.upgrade).toMatchObject({
      status: 'unver',
      reason: 'interrupted: lifetime guard: run exceeded 45 min',
      duration_ms: 5000,
    });
    expect(r.rungs.lint.reason).toBe('not reached: lifetime guard: run exceeded 45 min');
    expect(r.level).toBe(1);
  });

  it('says why when nothing failed but the run ended early', () => {
    const { builder: b } = manualBuilder();
    expect(b.finish().rungs.install.reason).toBe('not reached: the run ended before this rung');
  });

  it('derives deploy_budget_ok: equal is ok, over is not, zero before install is not a breach', () => {
    const over = manualBuilder({ deployBudget: 1 }).builder;
    over.countDeploy();
    over.countDeploy();
    over.setRung('install', 'pass');
    expect(over.finish().flags.deploy_budget_ok).toBe(false);

    const exact = manualBuilder({ deployBudget: 2 }).builder;
    exact.countDeploy();
    exact.countDeploy();
    expect(exact.finish()).toMatchObject({
      deploys: { count: 2, budget: 2 },
      flags: { deploy_budget_ok: true },
    });

    const none = manualBuilder().builder;
    none.setRung('install', 'unver', 'compose policy refused');
    expect(none.finish().flags.deploy_budget_ok).toBe(true);

    const passedWithoutDeploy = manualBuilder().builder;
    passedWithoutDeploy.setRung('install', 'pass');
    expect(passedWithoutDeploy.finish().flags.deploy_budget_ok).toBe(false);

    const explicit = manualBuilder().builder;
    explicit.setDeployBudget(3);
    explicit.setFlag('deploy_budget_ok', null);
    expect(explicit.finish()).toMatchObject({
      deploys: { budget: 3 },
      flags: { deploy_budget_ok: null },
    });
  });

  it('marks a test that failed then passed on retry as flaky', () => {
    const { builder: b } = manualBuilder();
    b.startRung('install');
    b.addTest({ name: 'a', status: 'fail', ms: 1 });
    b.addTest({ name: 'b', status: 'pass', ms: 1 });
    expect(b.finish().flags.flaky).toBe(false);

    const { builder: c } = manualBuilder();
    c.addTest({ name: 'login', status: 'fail', ms: 1 }, 'functional');
    c.addTest({ name: 'login', status: 'pass', ms: 1 }, 'functional');
    expect(c.finish().flags.flaky).toBe(true);
  });

  it('passes every free-text string through redact and keeps it to one clipped line', () => {
    const secret = 'hunter2hunter2';
    const { builder: b } = manualBuilder({ redact: (s) => s.replaceAll(secret, '***') });
    b.startRung('install');
    b.addTest({
      name: `login as ${secret}`,
      status: 'fail',
      ms: 3,
      reason: `bad password\n${secret}`,
    });
    b.finishRung('fail', `abra said:\n\tpassword=${secret} ${'x'.repeat(2000)}`);
    b.setLint([{ id: 'R001', severity: 'error', description: `has ${secret}` }]);
    const r = b.finish();
    const text = JSON.stringify(r);
    expect(text).not.toContain(secret);
    expect(r.rungs.install.tests[0]).toMatchObject({
      name: 'login as ***',
      reason: 'bad password ***',
    });
    expect(r.rungs.install.reason!.startsWith('abra said: password=*** xxx')).toBe(true);
    expect(r.rungs.install.reason!).toHaveLength(1000);
    expect(r.rungs.install.reason!.endsWith('…')).toBe(true);
    expect(r.lint.rules_failed[0]!.description).toBe('has ***');
  });

  it('redacts the text as a reader sees it: terminal escapes, controls and invisible characters first', () => {
    // A secret cut by what a terminal, a browser or the card does not show reads as the secret,
    // and the renderers drop those characters: the redactor must see it whole.
    const secret = 'hunter2hunter2';
    const { builder: b } = manualBuilder({ redact: (s) => s.replaceAll(secret, '***') });
    const hidden = [
      'hunter2\u001b[1mhunter2\u001b[0m',
      'hunter2\u001b]8;;https://x\u0007hunter2',
      'hunt\u0000er2\u0007hunt\u001fer2\u007f',
      'hunter2\u202Ehunter2\u2066',
      'hun\u200Bter2\u2060hunter2\uFEFF\u00AD',
      'hunter2\u0085hunter2\u009b31m',
    ];
    b.startRung('install');
    for (const [i, h] of hidden.entries())
      b.addTest({ name: `t${i} ${h}`, status: 'fail', ms: 1, reason: `said ${h}` });
    b.finishRung('fail', hidden.join(' '));
    b.setLint([{ id: 'R\u001b[31m1', severity: 'error', description: hidden[0]! }]);
    b.abort(`gave up: ${hidden[3]}`);
    const r = b.finish();
    const strings: string[] = [];
    JSON.stringify(r, (_, v: unknown) => {
      if (typeof v === 'string') strings.push(v);
      return v;
    });
    for (const s of strings) {
      expect(s).not.toMatch(/hunt/);
      expect(s).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200B\u2060\uFEFF\u00AD\u202E\u2066]/);
    }
    expect(r.rungs.install.tests.map((t) => t.name)).toEqual(hidden.map((_, i) => `t${i} ***`));
    expect(r.rungs.install.tests[0]!.reason).toBe('said ***');
    expect(r.lint.rules_failed[0]).toMatchObject({ id: 'R1', description: '***' });
    expect(r.rungs.upgrade.reason).toBe('not reached: gave up: ***');
    // Ordinary text keeps its spaces, emoji sequences and scripts that need joiners.
    const { builder: c } = manualBuilder();
    c.addTest(
      { name: 'family 👩‍👩‍👧 \u0645\u06CC\u200C\u0631\u0648\u0645\ttab', status: 'pass', ms: 1 },
      'lint',
    );
    expect(c.finish().rungs.lint.tests[0]!.name).toBe(
      'family 👩‍👩‍👧 \u0645\u06CC\u200C\u0631\u0648\u0645 tab',
    );
  });

  it('copies the manifest so later mutation by the caller does not change the results', () => {
    const { builder: b } = manualBuilder();
    const manifest = { overlays: ['a.yml'] };
    b.setManifest(manifest);
    manifest.overlays.push('b.yml');
    expect(b.finish().manifest).toEqual({ overlays: ['a.yml'] });
  });

  it('throws ResultsBuilderError on misuse, naming what was wrong', () => {
    const { builder: b } = manualBuilder();
    expect(() => b.finishRung('pass')).toThrow(/no rung is open/);
    b.startRung('install');
    expect(() => b.startRung('upgrade')).toThrow(/install is still open/);
    expect(() => b.setRung('install', 'pass')).toThrow(/use finishRung/);
    b.finishRung('pass');
    expect(() => b.startRung('install')).toThrow(/already recorded/);
    expect(() => b.addTest({ name: 'x', status: 'pass', ms: 1 })).toThrow(/none is open/);
    // @ts-expect-error: runtime check of a bad rung name
    expect(() => b.startRung('deploy')).toThrow(/unknown rung "deploy"/);
    // @ts-expect-error: runtime check of a bad status
    expect(() => b.setRung('lint', 'ok')).toThrow(/unknown status "ok"/);
    // @ts-expect-error: runtime check of a test name that is not a string
    expect(() => b.addTest({ name: 5, status: 'pass', ms: 1 }, 'lint')).toThrow(/must be a string/);
    expect(() => b.addArtifact('log', '../etc/passwd')).toThrow(/bare file name like card.png/);
    b.finish();
    expect(() => b.countDeploy()).toThrow(ResultsBuilderError);
    expect(() => b.finish()).toThrow(/finish\(\) called after finish\(\)/);
  });

  it('rejects invalid options with a TypeError naming the option', () => {
    const base = { recipe: 'x', runId: 'r', sha: SHA, ref: 'main' };
    expect(() => createResultsBuilder({ ...base, recipe: '' })).toThrow(/option recipe/);
    // @ts-expect-error: runtime check
    expect(() => createResultsBuilder({ ...base, runId: 5 })).toThrow(TypeError);
    expect(() => createResultsBuilder({ ...base, pr: 0 })).toThrow(
      /option pr must be a positive integer/,
    );
    expect(() => createResultsBuilder({ ...base, deployBudget: 1.5 })).toThrow(
      /option deployBudget/,
    );
    // @ts-expect-error: runtime check
    expect(() => createResultsBuilder({ ...base, clock: 3 })).toThrow(/option clock/);
  });

  it('rejects identifiers the schema would refuse at creation, not at finish', () => {
    const base = { recipe: 'x', runId: 'r', sha: SHA, ref: 'main' };
    expect(() => createResultsBuilder({ ...base, recipe: 'Bad Name' })).toThrow(
      /option recipe must be a recipe name .*got "Bad Name"/,
    );
    expect(() => createResultsBuilder({ ...base, sha: 'abc123' })).toThrow(
      /option sha must be a full/,
    );
    expect(() => createResultsBuilder({ ...base, executorUrl: 'file:///etc/passwd' })).toThrow(
      /option executorUrl must be an http\(s\) URL/,
    );
    expect(() => createResultsBuilder({ ...base, version: 'v'.repeat(200) })).toThrow(
      /got a string of 200 characters/,
    );
  });

  it('fails finish() with a typed schema error when given data the schema refuses (a harness bug)', () => {
    const { builder: b } = manualBuilder();
    b.setManifest([] as unknown as Record<string, unknown>);
    expect(() => b.finish()).toThrow(
      expect.objectContaining({ code: 'RESULTS_INVALID', name: 'ResultsSchemaError' }),
    );
  });
});
