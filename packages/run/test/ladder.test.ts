import { AbraError, readDeployCount } from '@ccci/abra';
import { describe, expect, it } from 'vitest';
import type { RunCtx } from '../src/context.js';
import { AssertionFailed, InfraError, RefusedError } from '../src/errors.js';
import { climbRungs, planRungs } from '../src/rungs/ladder.js';
import { classify } from '../src/rungs/runner.js';
import { BASE_RELEASE } from './fakes/recipe-repo.js';
import { testCtx } from './fakes/test-ctx.js';

const outcomes = (ctx: RunCtx) =>
  Object.fromEntries(
    [...ctx.state.rungs].map(([name, r]) => [
      name,
      r.reason ? `${r.status}: ${r.reason}` : r.status,
    ]),
  );

describe('the ladder (planRungs, climbRungs) on fakes', () => {
  it('climbs every rung from the base release: one counted deploy, the upgrade redeploy uncounted', async () => {
    const { ctx, abra } = await testCtx();
    ctx.state.base = { version: BASE_RELEASE, source: 'previous release', note: '' };
    planRungs(ctx);
    expect(await climbRungs(ctx, BASE_RELEASE)).toBe(true);
    expect(outcomes(ctx)).toEqual({
      install: 'pass',
      upgrade: 'pass',
      backup_restore: 'pass',
      functional: 'skip: no custom tests (tests/functional/, tests/playwright/)',
      lint: 'pass',
    });
    expect(abra.calls.filter((c) => c.op === 'deploy').map((c) => c.counted)).toEqual([
      true,
      false,
    ]);
    expect(await readDeployCount(ctx.paths.deployCountFile)).toBe(1);
    expect(ctx.state.phase).toBe('lint');
  });

  it('install did not pass: the rungs on it are unver, not run; lint still runs', async () => {
    const { ctx, abra } = await testCtx();
    abra.failNext('deploy', 'deploy timed out 🟠');
    planRungs(ctx);
    expect(await climbRungs(ctx, undefined)).toBe(true);
    expect(outcomes(ctx)).toEqual({
      install: 'fail: did not converge (abra: deploy timed out): deploy timed out 🟠',
      upgrade: 'unver: not run: install did not pass',
      backup_restore: 'unver: not run: install did not pass',
      functional: 'unver: not run: install did not pass',
      lint: 'pass',
    });
    expect(abra.ops).toEqual(['serverAdd', 'appNew', 'deploy', 'recipeLint']);
  });

  it('EXPECTED_NA (recipe_meta.yml), --stages and --quick mark rungs that never run', async () => {
    const { ctx, abra } = await testCtx({
      enrolment: {
        'recipe_meta.yml':
          'EXPECTED_NA:\n  backup_restore: no state to back up\n  lint: vendored upstream recipe\n',
      },
      settings: { stages: ['install', 'upgrade', 'backup_restore', 'lint'] },
    });
    planRungs(ctx);
    expect(outcomes(ctx)).toEqual({
      backup_restore: 'skip: EXPECTED_NA: no state to back up',
      functional: 'unver: not selected (--stages)',
      lint: 'skip: EXPECTED_NA: vendored upstream recipe',
    });
    await climbRungs(ctx, undefined);
    // No upgrade base: the upgrade rung skips itself; lint never asked of abra.
    expect(ctx.state.rungs.get('upgrade')).toMatchObject({ status: 'skip' });
    expect(abra.ops).not.toContain('recipeLint');
    expect(abra.ops).not.toContain('backupCreate');

    const quick = await testCtx({ settings: { quick: true, stages: ['install', 'functional'] } });
    planRungs(quick.ctx);
    expect(outcomes(quick.ctx)).toEqual({
      upgrade: 'unver: not selected (--stages)',
      backup_restore: 'unver: not selected (--stages)',
      functional: 'unver: not run in quick mode',
      lint: 'unver: not selected (--stages)',
    });
  });

  it('cancelled during a rung: it is unver "cancelled", the rest never start', async () => {
    const run = await testCtx();
    run.ctx.state.base = { version: BASE_RELEASE, source: 'previous release', note: '' };
    expect(await run.cancelDuring('backupCreate', () => climbRungs(run.ctx, BASE_RELEASE))).toBe(
      false,
    );
    expect(outcomes(run.ctx)).toEqual({
      install: 'pass',
      upgrade: 'pass',
      backup_restore: 'unver: cancelled: SIGTERM received',
    });
  });
});

describe('classify: how an error ends a rung', () => {
  const ctx = (aborted = false) => ({
    signal: aborted ? AbortSignal.abort() : new AbortController().signal,
    state: { abortReason: aborted ? 'deadline reached' : undefined } as RunCtx['state'],
  });
  const abraError = (code: 'ABRA_DEPLOY_TIMEOUT' | 'ABRA_UNKNOWN', fatal: string) =>
    new AbraError(`abra app deploy failed [${code}]: ${fatal}`, {
      command: ['abra', 'app', 'deploy', 'x.ci.localhost'],
      exitCode: 1,
      output: `FATA ${fatal}`,
      durationMs: 1,
      code,
      fatal,
      timedOut: false,
      isAborted: false,
    });

  it.each<[string, unknown, boolean, string, string]>([
    [
      'an assertion',
      new AssertionFailed('not converged: db 0/1'),
      false,
      'fail',
      'not converged: db 0/1',
    ],
    ['a refused deploy', new RefusedError('refused\nwhy\nmore'), false, 'fail', 'refused why'],
    [
      'abra deploy timeout',
      abraError('ABRA_DEPLOY_TIMEOUT', 'deploy timed out'),
      false,
      'fail',
      'did not converge (abra: deploy timed out): deploy timed out',
    ],
    [
      'another abra error',
      abraError('ABRA_UNKNOWN', 'boom'),
      false,
      'unver',
      'abra app deploy failed [ABRA_UNKNOWN]: boom',
    ],
    [
      'an infrastructure error',
      new InfraError('docker ps exited 1: no daemon'),
      false,
      'unver',
      'docker ps exited 1: no daemon',
    ],
    [
      'anything once cancelled',
      new AssertionFailed('x'),
      true,
      'unver',
      'cancelled: deadline reached',
    ],
  ])('%s', (_what, error, aborted, status, reason) => {
    expect(classify(ctx(aborted), error)).toEqual({ status, reason });
  });
});
