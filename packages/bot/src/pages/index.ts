import type { Context } from '../context.js';
import type { DashboardContext } from './catalogue.js';

export { apiRecipes, apiRuns } from './api.js';
export type { DashboardContext } from './catalogue.js';
export { renderHome } from './home.js';
export type { Reply } from './layout.js';
export { renderRunLog } from './log-page.js';
export { renderRecipe } from './recipe.js';

export interface DashboardOptions {
  /**
   * A recipe whose default-branch level was measured longer ago than this many days is
   * marked outdated on `/` and in `/api/recipes`. Default 30.
   */
  outdatedDays?: number;
}

/** The dashboard's view of the bot: its store, enrolled recipes, clock and public URL. */
export function createDashboard(ctx: Context, options: DashboardOptions = {}): DashboardContext {
  const outdatedDays = options.outdatedDays ?? 30;
  if (!Number.isInteger(outdatedDays) || outdatedDays < 1)
    throw new TypeError(`outdatedDays must be an integer ≥ 1, found ${String(outdatedDays)}`);
  return {
    store: ctx.store,
    enrolled: new Map([...ctx.repos].map((repo) => [ctx.recipeOf(repo), repo])),
    publicUrl: ctx.publicUrl,
    clock: ctx.clock,
    outdatedDays,
  };
}
