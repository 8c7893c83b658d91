import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedactor } from '@ccci/redact';
import { validateResults } from '@ccci/results';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { newRunState, type RunState, type TestResult } from '../src/context.js';
import { type ReportCtx, writeProvisionalResults, writeReport } from '../src/phases/report.js';

const tmp = tempDirPerTest('ccci-report-');

/** A finished run's report context over the test's temp folder, real redactor, recorded log. */
function reportCtx(change: (state: RunState) => void) {
  const dir = tmp.path;
  const logFile = join(dir, 'run.log');
  writeFileSync(logFile, '');
  const logged: string[] = [];
  const state: RunState = {
    ...newRunState(),
    startedAt: new Date(Date.UTC(2026, 11, 2, 9, 0, 0)),
    phase: 'report',
    appCreated: true,
    deployedVersion: '1.0.0+1.27.2',
    deployCount: 1,
    cleanTeardown: true,
  };
  state.rungs.set('install', {
    name: 'install',
    status: 'pass',
    durationMs: 40_000,
    tests: [{ name: 'deploys', status: 'pass', ms: 30_000 }],
  });
  change(state);
  const ctx: ReportCtx = {
    settings: { recipe: 'custom-html', runId: 'run-report-1', ref: 'main', pr: 7, quick: false },
    clone: { headSha: 'c0ffee0000000000000000000000000000c0ffee', headTags: ['1.0.0+1.27.2'] },
    loaded: undefined,
    state,
    redactor: createRedactor({ secretsDir: false }),
    paths: { artifactsDir: dir },
    log: {
      file: logFile,
      warn: (m: string) => logged.push(`warn ${m}`),
      error: (m: string) => logged.push(`error ${m}`),
    },
  };
  const read = () => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  return { ctx, dir, logged, read };
}

describe('the report writes results.json whatever the run produced', () => {
  it('a rung of 6 000 tests and a lint rule with a blank id', async () => {
    const { ctx, dir, read } = reportCtx((state) => {
      const tests: TestResult[] = Array.from({ length: 6000 }, (_, i) => ({
        name: `case ${i}`,
        status: 'pass',
        ms: 3,
      }));
      tests.push({ name: 'the one that broke', status: 'fail', ms: 9, reason: 'exit 1' });
      state.rungs.set('functional', {
        name: 'functional',
        status: 'fail',
        reason: '1 of 6001 failed',
        durationMs: 60_000,
        tests,
      });
      state.lintFailed = [{ id: '', severity: 'error', description: 'a rule without a name' }];
    });
    const results = await writeReport(ctx);
    expect(existsSync(join(dir, 'results.json'))).toBe(true);
    expect(existsSync(join(dir, 'results.json.invalid'))).toBe(false);
    const written = read();
    expect(validateResults(written).ok).toBe(true);
    expect(written).toEqual(results);
    const functional = written.rungs.functional;
    expect(functional.tests).toHaveLength(5000);
    expect(functional.tests.at(-1).name).toBe('1002 more tests not shown');
    expect(functional.tests.some((t: TestResult) => t.name === 'the one that broke')).toBe(true);
    expect(functional.duration_ms).toBe(60_000);
    expect(written.lint.rules_failed).toEqual([
      { id: '(no id)', severity: 'error', description: 'a rule without a name' },
    ]);
    expect(readFileSync(join(dir, 'comment.md'), 'utf8')).toContain('6000/6001 tests passed');
    expect(existsSync(join(dir, 'card.png'))).toBe(true);
  });

  it('keeps the rungs when the state holds something the builder refuses', async () => {
    const { ctx, read, logged } = reportCtx((state) => {
      state.screenshot = '../outside.png';
      state.rungs.set('upgrade', {
        name: 'upgrade',
        status: 'fail',
        reason: 'witness file missing',
        durationMs: 5_000,
        tests: [],
      });
    });
    await writeProvisionalResults(ctx);
    const provisional = read();
    expect(validateResults(provisional).ok).toBe(true);
    await writeReport(ctx);
    const written = read();
    expect(validateResults(written).ok).toBe(true);
    expect(written.level).toBe(1);
    expect(written.rungs.install.status).toBe('pass');
    expect(written.rungs.upgrade).toMatchObject({ status: 'fail', reason: 'witness file missing' });
    expect(written.manifest.results_incomplete).toMatch(
      /^tests, lint rules and manifest left out: ResultsBuilderError: addArtifact\(screenshot\)/,
    );
    expect(logged.some((l) => l.startsWith('error results could not be built in full'))).toBe(true);
  });
});
