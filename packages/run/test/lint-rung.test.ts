import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintRung } from '../src/rungs/lint.js';
import { checks, testCtx } from './fakes/test-ctx.js';

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();

describe('lint rung (fake abra lint table, real git clone)', () => {
  it('passes on the pristine head: the CI overlay and local edits are gone first', async () => {
    const { ctx, abra } = await testCtx({ installed: true });
    writeFileSync(join(ctx.recipeDir, 'compose.ccci.yml'), 'services: {}\n');
    writeFileSync(join(ctx.recipeDir, 'compose.yml'), 'edited\n');
    const r = await lintRung(ctx);
    expect(r.status).toBe('pass');
    expect(checks(r)).toEqual(['pristine head: pass', 'abra recipe lint: pass']);
    expect(existsSync(join(ctx.recipeDir, 'compose.ccci.yml'))).toBe(false);
    expect(git(ctx.recipeDir, 'status', '--porcelain')).toBe('');
    expect(git(ctx.recipeDir, 'rev-parse', 'HEAD')).toBe(ctx.clone?.headSha);
    expect(abra.calls).toEqual([
      { op: 'recipeLint', counted: true, options: { recipe: 'web', timeoutMs: 180_000 } },
    ]);
    expect(ctx.state.lintFailed).toEqual([]);
  });

  it('fails on an unsatisfied error rule; every unsatisfied rule is listed for the report', async () => {
    const { ctx, abra } = await testCtx({ installed: true });
    abra.lint = [
      {
        ref: 'R002',
        rule: 'healthcheck enabled for all services',
        severity: 'warn',
        satisfied: false,
      },
      {
        ref: 'R010',
        rule: 'has published catalogue version',
        severity: 'error',
        satisfied: false,
        skipped: true,
      },
      {
        ref: 'R014',
        rule: 'only annotated tags used for recipe version',
        severity: 'error',
        satisfied: false,
      },
    ];
    const r = await lintRung(ctx);
    expect(r.status).toBe('fail');
    expect(r.reason).toBe(
      'error-severity lint rules unsatisfied: R014 only annotated tags used for recipe version',
    );
    expect(ctx.state.lintFailed).toEqual([
      { id: 'R002', severity: 'warn', description: 'healthcheck enabled for all services' },
      { id: 'R014', severity: 'error', description: 'only annotated tags used for recipe version' },
    ]);
  });

  it('passes with only warnings unsatisfied, and lists them', async () => {
    const { ctx, abra } = await testCtx({ installed: true });
    abra.lint = [{ ref: 'R003', rule: 'all images use a tag', severity: 'warn', satisfied: false }];
    const r = await lintRung(ctx);
    expect(r.status).toBe('pass');
    expect(ctx.state.lintFailed.map((f) => f.id)).toEqual(['R003']);
  });

  it('fails without a clone', async () => {
    const { ctx, abra } = await testCtx();
    ctx.clone = undefined;
    const r = await lintRung(ctx);
    expect(r).toMatchObject({ status: 'fail', reason: 'no clone', tests: [] });
    expect(abra.ops).toEqual([]);
  });

  it('abra lint itself fails: unver, with the code', async () => {
    const { ctx, abra } = await testCtx();
    abra.failNext('recipeLint', 'web recipe does not exist?');
    const r = await lintRung(ctx);
    expect(r.status).toBe('unver');
    expect(r.reason).toBe(
      'abra recipe lint failed [ABRA_RECIPE_NOT_FOUND]: web recipe does not exist?',
    );
  });

  it('the teardown funnel opens during the lint: unver "cancelled"', async () => {
    const run = await testCtx();
    const r = await run.cancelDuring('recipeLint', () => lintRung(run.ctx));
    expect(r).toMatchObject({ status: 'unver', reason: 'cancelled: SIGTERM received' });
    expect(checks(r)).toEqual(['pristine head: pass', 'abra recipe lint: unver']);
  });
});
