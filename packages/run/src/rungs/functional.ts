import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCtx, TestResult } from '../context.js';
import { depEnv } from '../overlays.js';
import { runRecipeCode } from '../recipe-code.js';
import { baseUrlOf } from '../support/http.js';
import { runPlaywrightSpecs } from '../support/playwright-specs.js';
import { assert, runRung, SkipRung } from './runner.js';

/**
 * Rung 4: the recipe's custom tests from its enrolment:
 * - `tests/functional/`: each executable file runs with the app's domain and base URL in its
 *   environment;
 * - `tests/playwright/*.{spec,test}.{ts,js,mjs,cjs}`: browser tests in Debian's Chromium through the
 *   gateway (contract in the package README). Repo-provided (`.ccci/`) specs are only there
 *   when the recipe is on the operator approval list (the loader drops them otherwise).
 * Every test is recorded; the rung passes only if all pass.
 */
export function functionalRung(ctx: RunCtx) {
  return runRung(ctx, 'functional', async (steps) => {
    const dir = ctx.loaded?.dir ? join(ctx.loaded.dir, 'tests', 'functional') : undefined;
    const tests =
      dir && existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => !f.startsWith('.') && (statSync(join(dir, f)).mode & 0o111) !== 0)
            .sort()
        : [];
    // What the loader found: `*.{spec,test}.{ts,js,mjs,cjs}` under tests/playwright/.
    const specs = (ctx.loaded?.recipe.files.playwrightTests ?? []).map((t) => t.file);
    if (tests.length === 0 && specs.length === 0)
      throw new SkipRung('no custom tests (tests/functional/, tests/playwright/)');
    const failed: string[] = [];
    for (const test of tests) {
      try {
        await steps.check(test, async () => {
          // Recipe tests see only their folder and what their contract gives (recipe-code.ts).
          const r = await runRecipeCode(ctx, join(dir!, test), [], {
            cwd: dir!,
            env: {
              CCCI_DOMAIN: ctx.domain,
              CCCI_BASE_URL: baseUrlOf(ctx.http),
              CCCI_RUN_ID: ctx.settings.runId,
              ...(ctx.config.gatewayUrl ? { CCCI_GATEWAY_URL: ctx.config.gatewayUrl } : {}),
            },
            timeoutMs: 600_000,
          });
          assert(r.exitCode === 0, `${test} exited ${r.exitCode}`);
        });
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        failed.push(test);
      }
    }
    if (specs.length > 0) {
      ctx.state.current = { rung: 'functional', step: 'playwright' };
      ctx.log.step('functional', `playwright (${specs.length} spec files)`);
      const started = performance.now();
      const results = await runPlaywrightSpecs({
        files: specs,
        chromium: ctx.config.chromium,
        gatewayUrl: ctx.config.gatewayUrl,
        domain: ctx.domain,
        artifactsDir: ctx.paths.artifactsDir,
        scratchDir: join(ctx.paths.stateDir, 'playwright'),
        env: depEnv(ctx),
        proc: ctx.proc,
        signal: ctx.signal,
      }).finally(() => {
        const ended = performance.now();
        ctx.childMs.other += ended - started;
        ctx.childIntervals.push(['chromium', started, ended, 'playwright specs']);
      });
      const recorded = ctx.state.rungs.get('functional')?.tests;
      for (const r of results) {
        const reason = r.reason
          ? ctx.redactor.redactString(
              r.screenshot ? `${r.reason} (screenshot ${r.screenshot})` : r.reason,
            )
          : undefined;
        const entry: TestResult = {
          name: `playwright/${r.name}`,
          status: r.status,
          ms: r.ms,
          ...(reason ? { reason } : {}),
        };
        recorded?.push(entry);
        if (r.status !== 'pass') {
          failed.push(entry.name);
          ctx.log.info(`functional: ${entry.name} failed — ${reason ?? ''}`);
        }
      }
    }
    assert(
      failed.length === 0,
      `${failed.length} custom test${failed.length === 1 ? '' : 's'} failed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`,
    );
  });
}
