import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvValues, setEnvValues, unsetEnvValues } from '@ccci/abra';
import type { PreviousSettings } from '@ccci/recipe-meta';
import type { RunCtx } from './context.js';
import type { RunMeta } from './support/meta.js';

/**
 * `previous/` (enroll-recipe.md, DECISIONS.md 2026-11-22): when the base deploy is an older
 * version (the upgrade base), the settings found in `previous/` replace their head counterparts
 * for that deploy only — each key of `previous/recipe_meta.yml`, `previous/compose.ccci.yml`,
 * `previous/install_steps.sh`; whatever `previous/` does not set stays the head's. At the
 * upgrade redeploy to the head, {@link useHeadSettings} puts the head's own settings back.
 */
interface Applied {
  headMeta: RunMeta;
  previous: PreviousSettings;
  /** App env values of the keys the base deploy set from previous/, as they were before. */
  envBefore: Record<string, string | undefined>;
}

const applied = new WeakMap<RunCtx, Applied>();

/** The base deploy's `previous/`, or null when it does not apply (the base is the head). */
export function previousFor(ctx: RunCtx, baseVersion: string | undefined): PreviousSettings | null {
  if (baseVersion === undefined) return null;
  return ctx.loaded?.recipe.previous ?? null;
}

/** For the base deploy of an older version: the previous/ keys replace the head's in ctx.meta. */
export function usePreviousSettings(ctx: RunCtx, previous: PreviousSettings): void {
  if (applied.has(ctx)) return;
  const replaced = [
    ...Object.keys(previous.meta),
    ...(previous.composeOverlay ? ['compose.ccci.yml'] : []),
    ...(previous.installSteps ? ['install_steps.sh'] : []),
  ];
  applied.set(ctx, { headMeta: ctx.meta, previous, envBefore: {} });
  ctx.meta = Object.freeze({ ...ctx.meta, ...previous.meta }) as RunMeta;
  ctx.log.info(
    `base deploy of an older version: previous/ replaces ${replaced.join(', ') || 'nothing (it is empty)'}`,
  );
}

/** Remembers the app env values the base deploy is about to set from previous/ (to undo them). */
export function rememberEnvBefore(ctx: RunCtx, keys: readonly string[]): void {
  const a = applied.get(ctx);
  if (!a) return;
  const now = readEnvValues(ctx.envFile);
  for (const k of keys) if (!(k in a.envBefore)) a.envBefore[k] = now[k];
}

/** True when previous/ replaces EXTRA_ENV (data and hook) for the base deploy. */
export function previousSetsExtraEnv(previous: PreviousSettings | null): boolean {
  return previous !== null && previous.meta.EXTRA_ENV !== undefined;
}

/**
 * At the upgrade redeploy (after the head is checked out): the head's meta, overlay and env
 * wiring again. `headEnv` is the head's own env wiring (EXTRA_ENV data and hook, deps, overlay);
 * keys only the base deploy set go back to what they were before it.
 */
export async function useHeadSettings(
  ctx: RunCtx,
  headEnv: (withExtraEnvHook: boolean) => Promise<Record<string, string>>,
): Promise<void> {
  const a = applied.get(ctx);
  if (!a) return;
  applied.delete(ctx);
  ctx.meta = a.headMeta;
  const overlay = ctx.loaded?.overlay;
  if (a.previous.composeOverlay) {
    const target = join(ctx.recipeDir, 'compose.ccci.yml');
    if (overlay) copyFileSync(overlay, target);
    else rmSync(target, { force: true });
  }
  // The head's EXTRA_ENV hook has not run yet only when previous/ replaced EXTRA_ENV.
  const env = await headEnv(previousSetsExtraEnv(a.previous));
  const restore: Record<string, string> = {};
  const unset: string[] = [];
  for (const [k, before] of Object.entries(a.envBefore)) {
    if (k in env) continue;
    if (before === undefined) unset.push(k);
    else restore[k] = before;
  }
  if (unset.length > 0) unsetEnvValues(ctx.envFile, unset);
  setEnvValues(ctx.envFile, { ...restore, ...env });
  ctx.log.info('upgrade to the head: its own settings apply again (previous/ was for the base)');
}
