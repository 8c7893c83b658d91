import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { insertAppSecrets } from './app-secrets.js';
import type { RunCtx } from './context.js';
import { credentialFileEnv, envName } from './credentials.js';
import { AssertionFailed } from './errors.js';
import { runRecipeCode } from './recipe-code.js';
import type { Steps } from './rungs/runner.js';
import { baseUrlOf } from './support/http.js';

/**
 * What recipe code learns about the deps: `CCCI_DEP_<NAME>_DOMAIN`, `_URL`, and one
 * `CCCI_DEP_<NAME>_<CREDENTIAL>_FILE` per credential (a file: no secret value in env).
 */
export function depEnv(ctx: RunCtx): Record<string, string> {
  const env: Record<string, string> = {};
  for (const d of ctx.state.deps) {
    env[`CCCI_DEP_${envName(d.recipe)}_DOMAIN`] = d.domain;
    env[`CCCI_DEP_${envName(d.recipe)}_URL`] = baseUrlOf({
      gatewayUrl: ctx.config.gatewayUrl,
      domain: d.domain,
    });
  }
  return { ...env, ...credentialFileEnv(ctx) };
}

/** How to run an overlay or steps file, by extension; argument arrays only. */
function command(file: string): [string, string[]] {
  if (file.endsWith('.sh')) return ['bash', [file]];
  if (/\.(m?js)$/.test(file)) return [process.execPath, [file]];
  if (/\.(m?ts)$/.test(file)) return [process.execPath, ['--import', 'tsx', file]];
  return [file, []];
}

/**
 * `install_steps.sh` (enroll-recipe.md; `previous/install_steps.sh` for an older base): after
 * deps, before the single deploy, with the app's domain, env file, a secrets folder and each
 * dep's domain, URL and credential files. A non-zero exit fails install; the secrets it wrote
 * replace the generated ones (app-secrets.ts).
 */
export async function runInstallSteps(ctx: RunCtx, file: string): Promise<void> {
  ctx.log.step('install', 'install_steps.sh');
  const secrets = join(ctx.paths.stateDir, 'app-secrets');
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  const r = await runRecipeCode(ctx, 'bash', [file], {
    cwd: dirname(file),
    env: {
      CCCI_APP_DOMAIN: ctx.domain,
      CCCI_APP_ENV_FILE: ctx.envFile,
      CCCI_SECRETS_DIR: secrets,
    },
    write: [secrets, ctx.envFile],
    timeoutMs: 600_000,
  });
  if (r.exitCode !== 0) throw new AssertionFailed(`install_steps.sh exited ${r.exitCode}`);
  await insertAppSecrets(ctx, secrets);
}

/** Additive overlays `tests/test_<op>.*` after the op's generic assertions; each is one check. */
export async function runTestOverlays(
  ctx: RunCtx,
  steps: Steps,
  op: 'install' | 'upgrade' | 'backup' | 'restore',
): Promise<void> {
  for (const o of ctx.loaded?.recipe.files.testOverlays.filter((t) => t.op === op) ?? []) {
    const name = o.file.split('/').pop() as string;
    await steps.check(name, async () => {
      const [cmd, args] = command(o.file);
      const r = await runRecipeCode(ctx, cmd, args, {
        cwd: dirname(o.file),
        env: {
          CCCI_DOMAIN: ctx.domain,
          CCCI_BASE_URL: baseUrlOf(ctx.http),
          CCCI_OP: op,
          CCCI_RUN_ID: ctx.settings.runId,
        },
        timeoutMs: 600_000,
      });
      if (r.exitCode !== 0) throw new AssertionFailed(`${name} exited ${r.exitCode}`);
    });
  }
}
