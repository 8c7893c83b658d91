import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCtx } from '../context.js';
import { hookContext, preHook, recipeHooks } from '../hooks.js';
import { runInstallSteps } from '../overlays.js';
import { setEnvValues } from '../support/env-file.js';
import { checkoutDetached } from '../support/git.js';

/** `abra server add` once per shared abra dir (the servers/ folder is shared by runs). */
export async function ensureServer(ctx: RunCtx): Promise<void> {
  const dir = join(ctx.paths.abraDir, 'servers', ctx.config.server);
  if (existsSync(dir)) return;
  // Two runs may add the shared server at once: losing that race is fine.
  await ctx.abra
    .serverAdd({ server: ctx.config.server, local: true, signal: ctx.signal })
    .catch((error: unknown) => {
      if (!existsSync(dir)) throw error;
    });
}

/** Env wiring of an app: EXTRA_ENV, the domains of its deps, the CI overlay. */
export function appEnv(ctx: RunCtx): Record<string, string> {
  const env: Record<string, string> = { ...ctx.meta.EXTRA_ENV };
  for (const d of ctx.state.deps)
    env[`${d.recipe.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DOMAIN`] = d.domain;
  if (ctx.loaded?.overlay) env['COMPOSE_FILE'] = 'compose.yml:compose.ccci.yml';
  return env;
}

/**
 * The single deploy of the app: `version` (the upgrade base) or, when undefined, the head.
 * With the CI overlay the tree is dirty, so the deploy is a chaos deploy of the checked-out tree.
 */
export async function deployApp(ctx: RunCtx, version: string | undefined): Promise<void> {
  await ensureServer(ctx);
  if (!ctx.state.appCreated) {
    ctx.log.step('install', 'abra app new');
    const created = await ctx.abra.appNew({
      recipe: ctx.settings.recipe,
      server: ctx.config.server,
      domain: ctx.domain,
      secrets: true,
      chaos: true,
      signal: ctx.signal,
    });
    ctx.state.appCreated = true;
    for (const s of created.secrets) ctx.redactor.add(s.value);
    const hooks = await recipeHooks(ctx);
    const env = {
      ...appEnv(ctx),
      ...(hooks.EXTRA_ENV ? await hooks.EXTRA_ENV(hookContext(ctx, 'install')) : {}),
    };
    if (Object.keys(env).length > 0) setEnvValues(ctx.envFile, env);
  }
  await checkoutDetached(ctx.proc, ctx.recipeDir, version ?? (ctx.clone?.headSha as string));
  const overlay = ctx.loaded?.overlay;
  if (overlay) copyFileSync(overlay, join(ctx.recipeDir, 'compose.ccci.yml'));
  if (!ctx.state.deployedVersion) await runInstallSteps(ctx);
  await preHook(ctx, 'preInstall', 'install');
  const pinned = version !== undefined && !overlay;
  ctx.log.step('install', `deploy ${version ?? 'head'}${pinned ? '' : ' (chaos)'}`);
  const r = await ctx.abra.deploy({
    domain: ctx.domain,
    ...(pinned ? { version } : { chaos: true }),
    noDomainChecks: true,
    timeoutSec: ctx.meta.DEPLOY_TIMEOUT,
    signal: ctx.signal,
  });
  ctx.state.deployedVersion = version ?? ctx.clone?.headSha;
  if (r.deployCount !== undefined) ctx.state.deployCount = r.deployCount;
}
