import { type DashboardContext, recipeJson, recipeSummaries, runJson } from './catalogue.js';
import { jsonReply, type Reply } from './layout.js';
import { encodeCursor, parseRunQuery, runQueryString } from './run-query.js';

/**
 * `GET /api/runs`: runs newest first, filtered by `recipe`, `branch`, `pr`, `status`, paged by
 * the opaque `before` cursor (`next` in the answer; null on the last page). A parameter that
 * cannot be read answers 400 naming it and what it takes. Shape: machine-docs/api-runs.schema.json.
 */
export function apiRuns(dash: DashboardContext, params: URLSearchParams): Reply {
  const parsed = parseRunQuery(params);
  if (!parsed.ok) {
    const { parameter, expected, found } = parsed.problem;
    return jsonReply(400, {
      error: `${parameter}: expected ${expected}, found ${found}`,
      parameter,
      expected,
    });
  }
  const { query } = parsed;
  const page = dash.store.listRuns(query);
  return jsonReply(200, {
    runs: page.runs.map((run) =>
      runJson(
        dash,
        run,
        dash.store.listArtifacts(run.id).some((a) => a.name === 'run.log'),
      ),
    ),
    next: page.next && encodeCursor(page.next),
    next_url: page.next && `${dash.publicUrl}/api/runs${runQueryString(query, page.next)}`,
  });
}

/**
 * `GET /api/recipes`: every enrolled recipe and every recipe with runs — default-branch level,
 * last run, trend, regressions, outdated — regressions first, then by name. Shape:
 * machine-docs/api-recipes.schema.json.
 */
export function apiRecipes(dash: DashboardContext): Reply {
  return jsonReply(200, {
    generated_at: dash.clock().toISOString(),
    outdated_after_days: dash.outdatedDays,
    recipes: recipeSummaries(dash).map((s) => recipeJson(dash, s)),
  });
}
