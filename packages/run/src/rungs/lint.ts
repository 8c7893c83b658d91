import type { RunCtx } from '../context.js';
import { checkoutDetached } from '../support/git.js';
import { assert, runRung } from './runner.js';

/**
 * Rung 5: `abra recipe lint` on the clone reset to the exact head ref (pristine: the CI
 * overlay removed), under a PTY (the wrapper's), time-limited; fails only when an
 * error-severity rule is unsatisfied (abra exits 0 then: the table is parsed).
 */
export function lintRung(
  ctx: Pick<
    RunCtx,
    'state' | 'log' | 'signal' | 'clone' | 'proc' | 'recipeDir' | 'abra' | 'settings'
  >,
) {
  return runRung(ctx, 'lint', async (steps) => {
    const clone = ctx.clone;
    assert(clone, 'no clone');
    await steps.check('pristine head', async () => {
      await ctx.proc.run('git', ['-C', ctx.recipeDir, 'clean', '-fdxq'], { signal: ctx.signal });
      await ctx.proc.run('git', ['-C', ctx.recipeDir, 'reset', '--hard', '--quiet'], {
        signal: ctx.signal,
      });
      await checkoutDetached(ctx.proc, ctx.recipeDir, clone.headSha);
    });
    await steps.check('abra recipe lint', async () => {
      const report = await ctx.abra.recipeLint(ctx.settings.recipe, {
        signal: ctx.signal,
        timeoutMs: 180_000,
      });
      ctx.state.lintFailed = report.rules
        .filter((r) => !r.satisfied && !r.skipped)
        .map((r) => ({ id: r.ref, severity: r.severity, description: r.rule }));
      assert(
        report.errorsFailed.length === 0,
        `error-severity lint rules unsatisfied: ${report.errorsFailed.map((r) => `${r.ref} ${r.rule}`).join('; ')}`,
      );
    });
  });
}
