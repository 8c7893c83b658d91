import { pathToFileURL } from 'node:url';
import type { RecipeHooks } from './generated/types.js';
import type { LoadedRecipe } from './load.js';
import { HookImportError, HookNotApprovedError, MetaValidationError } from './problems.js';

/**
 * Imports a loaded recipe's hooks.ts for the run (through tsx, so no build step). Only call it at
 * run time, after `loadRecipeMeta` reported the recipe valid: validation itself never executes
 * recipe code. Returns only the hooks the static analysis accepted.
 */
export async function importHooks(loaded: LoadedRecipe): Promise<RecipeHooks> {
  if (!loaded.ok) throw new MetaValidationError(loaded.recipe, loaded.problems);
  const hooks = loaded.hooks;
  if (!hooks) return {};
  if (hooks.source === 'repo' && !loaded.files.repoApproved)
    throw new HookNotApprovedError(loaded.recipe);
  let mod: Record<string, unknown>;
  try {
    // Loaded lazily: validation-only consumers never pay for tsx.
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(hooks.file).href, import.meta.url)) as Record<
      string,
      unknown
    >;
  } catch (e) {
    throw new HookImportError(hooks.file, e);
  }
  const out: Record<string, unknown> = {};
  for (const h of hooks.exports) {
    const fn = mod[h.name];
    if (typeof fn !== 'function')
      throw new HookImportError(hooks.file, new Error(`${h.name} is not a function at run time`));
    out[h.name] = fn;
  }
  return Object.freeze(out) as RecipeHooks;
}
