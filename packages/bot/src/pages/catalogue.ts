import { RUNG_NAMES, type RungName } from '@ccci/contracts';
import { normalizeResults, RUNG_LABELS } from '@ccci/results';
import {
  type RecipeFacts,
  type RunPoint,
  type RunRecord,
  runBranch,
  runStatus,
  type Store,
} from '@ccci/store';

/** What the dashboard's pages and API read: the store and the bot's configuration. */
export interface DashboardContext {
  store: Store;
  /** Recipe → repository, for every configured repository (the enrolled recipes). */
  enrolled: ReadonlyMap<string, string>;
  /** Base of the absolute links in API answers, no trailing slash. */
  publicUrl: string;
  clock: () => Date;
  /** A default-branch level measured longer ago than this is outdated. */
  outdatedDays: number;
}

/** Levels in a recipe's trend (API and home page). */
const TREND_LENGTH = 20;

/**
 * A recipe's level went down: `default-branch` — its newest default-branch level is below the
 * default-branch level before it; `pr` — the newest finished PR run (PR still open as far as
 * the bot knows) is below the current default-branch level.
 */
export type RecipeRegression =
  | {
      kind: 'default-branch';
      runId: string;
      level: number;
      previousRunId: string;
      previousLevel: number;
    }
  | { kind: 'pr'; runId: string; pr: number; level: number; defaultBranchLevel: number };

export interface RecipeSummary {
  recipe: string;
  /** The configured repository, or null for a recipe that only has runs (no longer enrolled). */
  repo: string | null;
  /** The newest finished default-branch run with a level: the badge's level. */
  defaultBranch: RunPoint | null;
  /** The newest finished run, any branch, any outcome. */
  lastRun: RunPoint | null;
  /** When a run last reached a level (any branch). */
  lastTestedAt: string | null;
  /** No default-branch level, or one measured more than `outdatedDays` ago. */
  outdated: boolean;
  /** The newest {@link TREND_LENGTH} runs with a level, oldest first. */
  trend: RunPoint[];
  /** Default-branch regression first. Empty when none. */
  regressions: RecipeRegression[];
}

/**
 * Every enrolled recipe and every recipe with a run: regressions first, then by name. `trend`
 * runs per recipe (the home page needs only the newest, for "last tested").
 */
export function recipeSummaries(dash: DashboardContext, trend = TREND_LENGTH): RecipeSummary[] {
  const names = [...new Set([...dash.enrolled.keys(), ...dash.store.recipesWithRuns()])].sort();
  const cutoff = outdatedBefore(dash);
  const summaries = dash.store
    .recipeFacts(names, trend)
    .map((facts) => summarize(dash, facts, cutoff));
  // A stable sort keeps the names in order inside each group.
  return summaries.sort(
    (a, b) => Number(b.regressions.length > 0) - Number(a.regressions.length > 0),
  );
}

/** One recipe's summary; null for a recipe neither enrolled nor with any run (even active). */
export function recipeSummary(dash: DashboardContext, recipe: string): RecipeSummary | null {
  const known =
    dash.enrolled.has(recipe) || dash.store.listRuns({ recipe, limit: 1 }).runs.length > 0;
  const [facts] = known ? dash.store.recipeFacts([recipe], TREND_LENGTH) : [];
  return facts ? summarize(dash, facts, outdatedBefore(dash)) : null;
}

const outdatedBefore = (dash: DashboardContext) =>
  dash.clock().getTime() - dash.outdatedDays * 86_400_000;

function summarize(dash: DashboardContext, facts: RecipeFacts, cutoff: number): RecipeSummary {
  const [latest, previous] = facts.defaultRuns;
  const regressions: RecipeRegression[] = [];
  if (latest?.level != null && previous?.level != null && latest.level < previous.level) {
    regressions.push({
      kind: 'default-branch',
      runId: latest.id,
      level: latest.level,
      previousRunId: previous.id,
      previousLevel: previous.level,
    });
  }
  const pr = facts.newestPrRun;
  if (
    pr?.prOpen &&
    pr.pr !== null &&
    pr.level !== null &&
    latest?.level != null &&
    pr.level < latest.level
  ) {
    regressions.push({
      kind: 'pr',
      runId: pr.id,
      pr: pr.pr,
      level: pr.level,
      defaultBranchLevel: latest.level,
    });
  }
  return {
    recipe: facts.recipe,
    repo: dash.enrolled.get(facts.recipe) ?? null,
    defaultBranch: latest ?? null,
    lastRun: facts.lastRun,
    lastTestedAt: facts.trend.at(-1)?.finishedAt ?? null,
    outdated: !latest || Date.parse(latest.finishedAt) < cutoff,
    trend: facts.trend,
    regressions,
  };
}

/** Where a run's climb stopped: the first rung neither passed nor skipped. */
export interface StoppingRung {
  rung: RungName;
  label: string;
  status: 'fail' | 'unver';
  /** The harness's words (untrusted text: escape it wherever it goes). */
  reason: string | null;
}

/**
 * The stopping rung of a run's stored results, read through the results reader that validates
 * (the stored JSON passed validation on intake, but it came from a harness): null when every
 * rung passed or was skipped or there are no results, `unreadable` when they do not validate.
 */
export function stoppingRung(
  run: Pick<RunRecord, 'resultsJson'>,
): StoppingRung | null | 'unreadable' {
  if (run.resultsJson === null) return null;
  let results: ReturnType<typeof normalizeResults>;
  try {
    results = normalizeResults(JSON.parse(run.resultsJson));
  } catch {
    return 'unreadable';
  }
  for (const rung of RUNG_NAMES) {
    const r = results.rungs[rung];
    if (r.status === 'fail' || r.status === 'unver')
      return { rung, label: RUNG_LABELS[rung], status: r.status, reason: r.reason };
  }
  return null;
}

/** A run as `/api/runs` lists it (see machine-docs/api-runs.schema.json). */
export function runJson(dash: DashboardContext, run: RunRecord, logged: boolean) {
  const stop = stoppingRung(run);
  return {
    id: run.id,
    url: `${dash.publicUrl}/runs/${run.id}`,
    log_url: logged ? `${dash.publicUrl}/runs/${run.id}/log` : null,
    recipe: run.recipe,
    repo: run.repo,
    branch: runBranch(run),
    pr: run.pr,
    head_ref: run.headRef,
    base_ref: run.baseRef,
    head_sha: run.headSha,
    requested_by: run.requestedBy,
    status: runStatus(run),
    state: run.state,
    level: run.level,
    commit_state: run.commitState,
    stopped_at:
      stop === 'unreadable'
        ? {
            rung: null,
            label: null,
            status: 'unreadable',
            reason: 'stored results do not validate',
          }
        : stop && { rung: stop.rung, label: stop.label, status: stop.status, reason: stop.reason },
    error: run.error,
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
  };
}

const pointJson = (dash: DashboardContext, p: RunPoint) => ({
  run_id: p.id,
  url: `${dash.publicUrl}/runs/${p.id}`,
  at: p.finishedAt,
  level: p.level,
  status: p.status,
  branch: p.branch,
  pr: p.pr,
});

/** A recipe as `/api/recipes` lists it (see machine-docs/api-recipes.schema.json). */
export function recipeJson(dash: DashboardContext, s: RecipeSummary) {
  return {
    recipe: s.recipe,
    url: `${dash.publicUrl}/recipes/${s.recipe}`,
    badge_url: `${dash.publicUrl}/badge/${s.recipe}.svg`,
    enrolled: s.repo !== null,
    repo: s.repo,
    default_branch_level: s.defaultBranch?.level ?? null,
    default_branch_run: s.defaultBranch && pointJson(dash, s.defaultBranch),
    last_run: s.lastRun && pointJson(dash, s.lastRun),
    last_tested_at: s.lastTestedAt,
    outdated: s.outdated,
    trend: s.trend.map((p) => ({
      run_id: p.id,
      at: p.finishedAt,
      level: p.level,
      branch: p.branch,
      pr: p.pr,
    })),
    regressed: s.regressions.length > 0,
    regressions: s.regressions.map((r) =>
      r.kind === 'default-branch'
        ? {
            kind: r.kind,
            run_id: r.runId,
            level: r.level,
            previous_run_id: r.previousRunId,
            previous_level: r.previousLevel,
          }
        : {
            kind: r.kind,
            run_id: r.runId,
            pr: r.pr,
            level: r.level,
            default_branch_level: r.defaultBranchLevel,
          },
    ),
  };
}
