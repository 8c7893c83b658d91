import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCtx } from '../context.js';
import { depEnv } from '../overlays.js';
import { runRecipeCode } from '../recipe-code.js';
import { baseUrlOf } from '../support/http.js';
import { specLabel } from '../support/playwright-contract.js';
import { runPlaywrightSpecs } from '../support/playwright-specs.js';
import { timeChild } from '../timing.js';
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
    // A failed test is re-run (TEST_RETRIES, default 1); one that then passes is flaky: the
    // rung passes and both attempts are recorded, so the results say so (never a silent pass).
    const retries = ctx.meta.TEST_RETRIES ?? 1;
    const failed: string[] = [];
    const flaky: string[] = [];
    for (const test of tests) {
      let attempt = 0;
      for (; attempt <= retries; attempt++) {
        try {
          await steps.check(test, async () => {
            // Recipe tests see only their folder and what their contract gives (recipe-code.ts).
            const r = await runRecipeCode(ctx, join(dir!, test), [], {
              cwd: dir!,
              env: {
                CCCI_DOMAIN: ctx.domain,
                CCCI_BASE_URL: baseUrlOf(ctx.http),
                CCCI_RUN_ID: ctx.settings.runId,
                CCCI_ATTEMPT: String(attempt + 1),
                ...(ctx.config.gatewayUrl ? { CCCI_GATEWAY_URL: ctx.config.gatewayUrl } : {}),
              },
              timeoutMs: 600_000,
            });
            assert(r.exitCode === 0, `${test} exited ${r.exitCode}`);
          });
          break;
        } catch (error) {
          if (ctx.signal.aborted) throw error;
        }
      }
      if (attempt > retries) failed.push(test);
      else if (attempt > 0) flaky.push(test);
    }
    if (specs.length > 0) {
      ctx.state.current = { rung: 'functional', step: 'playwright' };
      ctx.log.step('functional', `playwright (${specs.length} spec files)`);
      const recorded = ctx.state.rungs.get('functional')?.tests;
      // Spec files re-run only for the tests that failed in them.
      let files = specs;
      let failing = new Set<string>();
      for (let attempt = 0; attempt <= retries && files.length > 0; attempt++) {
        const results = await playwright(ctx, files);
        const next = new Set<string>();
        for (const r of results) {
          const name = `playwright/${r.name}`;
          // A re-run records only the tests that had failed (the others already passed).
          if (attempt > 0 && !failing.has(name)) continue;
          const reason = r.reason
            ? ctx.redactor.redactString(
                r.screenshot ? `${r.reason} (screenshot ${r.screenshot})` : r.reason,
              )
            : undefined;
          recorded?.push({ name, status: r.status, ms: r.ms, ...(reason ? { reason } : {}) });
          if (r.status !== 'pass') {
            next.add(name);
            ctx.log.info(`functional: ${name} failed — ${reason ?? ''}`);
          } else if (attempt > 0) flaky.push(name);
        }
        // A test that no longer reports at all on a re-run (its file broke) is still failing.
        if (attempt > 0)
          for (const n of failing)
            if (!results.some((r) => `playwright/${r.name}` === n) && !flaky.includes(n))
              next.add(n);
        failing = next;
        files = specs.filter((f) => [...failing].some((n) => belongsTo(n, f)));
      }
      failed.push(...failing);
    }
    if (flaky.length > 0)
      ctx.log.warn(
        `functional: flaky — passed only on a re-run: ${flaky.slice(0, 5).join(', ')}${flaky.length > 5 ? ', …' : ''}`,
      );
    assert(
      failed.length === 0,
      `${failed.length} custom test${failed.length === 1 ? '' : 's'} failed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`,
    );
  });
}

/** Whether a recorded test name (`playwright/<label>[: <test>]`) comes from spec `file`. */
function belongsTo(name: string, file: string): boolean {
  const label = `playwright/${specLabel(file)}`;
  return name === label || name.startsWith(`${label}: `);
}

async function playwright(ctx: RunCtx, files: readonly string[]) {
  return timeChild(ctx, 'chromium', 'playwright specs', () =>
    runPlaywrightSpecs({
      files,
      chromium: ctx.config.chromium,
      gatewayUrl: ctx.config.gatewayUrl,
      domain: ctx.domain,
      artifactsDir: ctx.paths.artifactsDir,
      scratchDir: join(ctx.paths.stateDir, 'playwright'),
      env: depEnv(ctx),
      proc: ctx.proc,
      signal: ctx.signal,
    }),
  );
}
