import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCtx } from '../context.js';
import { baseUrlOf } from '../support/http.js';
import { assert, runRung, SkipRung } from './runner.js';

/**
 * Rung 4: the recipe's custom tests from its operator-side enrolment (`tests/functional/`):
 * each executable file runs with the app's domain and base URL in its environment.
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
    if (!dir || tests.length === 0) throw new SkipRung('no custom tests (tests/functional/)');
    for (const test of tests) {
      await steps.check(test, async () => {
        const r = await ctx.proc.run(join(dir, test), [], {
          cwd: dir,
          env: {
            CCCI_DOMAIN: ctx.domain,
            CCCI_BASE_URL: baseUrlOf(ctx.http),
            CCCI_RUN_ID: ctx.settings.runId,
            ...(ctx.config.gatewayUrl ? { CCCI_GATEWAY_URL: ctx.config.gatewayUrl } : {}),
          },
          timeoutMs: 600_000,
          allowFailure: true,
          signal: ctx.signal,
        });
        assert(r.exitCode === 0, `${test} exited ${r.exitCode}`);
      });
    }
  });
}
