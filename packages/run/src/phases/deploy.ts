import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { composeFileNames, readEnvValues, setEnvValues } from '@ccci/abra';
import { generatedSecrets } from '../app-secrets.js';
import type { RunCtx } from '../context.js';
import { envName } from '../credentials.js';
import { hookContext, preHook, recipeHooks } from '../hooks.js';
import { runInstallSteps } from '../overlays.js';
import {
  previousFor,
  previousSetsExtraEnv,
  rememberEnvBefore,
  usePreviousSettings,
} from '../previous.js';
import { checkoutDetached } from '../support/git.js';

/** `abra server add` once per shared abra dir (the servers/ folder is shared by runs). */
export async function ensureServer(ctx: RunCtx): Promise<void> {
  const dir = join(ctx.paths.abraDir, 'servers', ctx.config.server);
  if (existsSync(dir)) return;
  // Two runs may add the shared server at once: losing that race is fine.
  await ctx.abra
    .serverAdd(
      // abra's local swarm is the server `default` (`--local`); another name is a remote host.
      ctx.config.server === 'default'
        ? { local: true, signal: ctx.signal }
        : { server: ctx.config.server, signal: ctx.signal },
    )
    .catch((error: unknown) => {
      if (!existsSync(dir)) throw error;
    });
}

/** Env wiring of an app: EXTRA_ENV, the domains of its deps, the CI overlay (default the head's). */
export function appEnv(
  ctx: RunCtx,
  overlay: string | undefined = ctx.loaded?.overlay,
): Record<string, string> {
  const env: Record<string, string> = { ...ctx.meta.EXTRA_ENV };
  for (const d of ctx.state.deps) env[`${envName(d.recipe)}_DOMAIN`] = d.domain;
  if (overlay)
    env['COMPOSE_FILE'] = withCiOverlay(existsSync(ctx.envFile) ? readEnvValues(ctx.envFile) : {});
  return env;
}

/**
 * The app's COMPOSE_FILE with the CI overlay last: the files the recipe's env selects (its
 * `COMPOSE_FILE="$COMPOSE_FILE:…"` chain, default compose.yml), then compose.ccci.yml.
 */
export function withCiOverlay(appEnv: Readonly<Record<string, string>>): string {
  const names = composeFileNames(appEnv).filter((n) => n !== 'compose.ccci.yml');
  return [...names, 'compose.ccci.yml'].join(':');
}

/**
 * The single deploy of the app: `version` (the upgrade base) or, when undefined, the head.
 * With the CI overlay the tree is dirty, so the deploy is a chaos deploy of the checked-out tree.
 * An older base deploys with the settings of `previous/` where it sets them (previous.ts).
 */
export async function deployApp(ctx: RunCtx, version: string | undefined): Promise<void> {
  await ensureServer(ctx);
  const previous = previousFor(ctx, version);
  if (previous) usePreviousSettings(ctx, previous);
  const overlay = previous?.composeOverlay?.file ?? ctx.loaded?.overlay;
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
    generatedSecrets.set(ctx, new Set(created.secrets.map((s) => s.name)));
    const hooks = await recipeHooks(ctx);
    // previous/'s EXTRA_ENV replaces the head's, data and hook, for the base deploy.
    const hook = previousSetsExtraEnv(previous) ? undefined : hooks.EXTRA_ENV;
    const env = {
      ...appEnv(ctx, overlay),
      ...(hook ? await hook(hookContext(ctx, 'install')) : {}),
    };
    if (previous)
      rememberEnvBefore(ctx, [
        ...Object.keys(previous.meta.EXTRA_ENV ?? {}),
        ...(previous.composeOverlay ? ['COMPOSE_FILE'] : []),
      ]);
    if (Object.keys(env).length > 0) setEnvValues(ctx.envFile, env);
  }
  await checkoutDetached(ctx.proc, ctx.recipeDir, version ?? (ctx.clone?.headSha as string));
  if (overlay) copyFileSync(overlay, join(ctx.recipeDir, 'compose.ccci.yml'));
  const steps = previous?.installSteps ?? ctx.loaded?.recipe.files.installSteps?.file;
  if (!ctx.state.deployedVersion && steps) await runInstallSteps(ctx, steps);
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
