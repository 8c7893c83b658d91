import type Database from 'better-sqlite3';
import { type Row, toRun } from './rows.js';
import type { RunRecord, RunState } from './types.js';

/**
 * What a run says to a reader, from its state and commit status:
 * `queued` (queued, dispatching or dispatched: waiting for or handed to an executor),
 * `running` (the harness said it started), `success` / `failure` (finished with results; the
 * verdict on the commit), `error` (finished without a verdict: no results, invalid results, an
 * infrastructure failure or a deadline), `cancelled` (its PR closed or was merged first, or an
 * operator stopped it), `replaced` (a newer `!testme` on the same PR took its place).
 */
export const RUN_STATUSES = [
  'queued',
  'running',
  'success',
  'failure',
  'error',
  'cancelled',
  'replaced',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * `default`: the run counts for the recipe's default branch: it tested the default branch
 * (`pr === null`) or a PR that was merged at the tested head (`onDefaultBranch`); its level is
 * the badge's. `pr`: a run of a pull request not (or not yet) merged at the tested head. A PR's
 * run moves from `pr` to `default` when the bot sees the merge.
 */
export const RUN_BRANCHES = ['default', 'pr'] as const;
export type RunBranch = (typeof RUN_BRANCHES)[number];

/** The SQL twin of {@link runBranch} `=== 'default'`: one definition for every query. */
export const DEFAULT_BRANCH_SQL = '(pr IS NULL OR on_default_branch = 1)';

// `+state` keeps SQLite from seeking `done` runs by a state index (most runs are done, and the
// seek reads each table row to check the other filters); the creation-order index answers them
// instead. Active, cancelled and replaced runs are few: a state index finds those fast.
const STATUS_SQL: Record<RunStatus, string> = {
  queued: "state IN ('queued', 'dispatching', 'dispatched')",
  running: "state = 'running'",
  success: "(+state = 'done' AND commit_state = 'success')",
  failure: "(+state = 'done' AND commit_state = 'failure')",
  error:
    "(+state = 'done' AND (commit_state IS NULL OR commit_state NOT IN ('success', 'failure')))",
  cancelled: "state = 'cancelled'",
  replaced: "state = 'replaced'",
};

export function runStatus(run: Pick<RunRecord, 'state' | 'commitState'>): RunStatus {
  switch (run.state) {
    case 'queued':
    case 'dispatching':
    case 'dispatched':
      return 'queued';
    case 'running':
      return 'running';
    case 'cancelled':
      return 'cancelled';
    case 'replaced':
      return 'replaced';
    default:
      return run.commitState === 'success' || run.commitState === 'failure'
        ? run.commitState
        : 'error';
  }
}

export function runBranch(run: Pick<RunRecord, 'pr' | 'onDefaultBranch'>): RunBranch {
  return run.pr === null || run.onDefaultBranch ? 'default' : 'pr';
}

/** Where a page of runs starts: strictly older than this run (creation time, then id). */
export interface RunCursor {
  createdAt: string;
  id: string;
}

export interface RunListQuery {
  recipe?: string;
  branch?: RunBranch;
  pr?: number;
  /** Any of these statuses; all when absent or empty. */
  statuses?: readonly RunStatus[];
  before?: RunCursor;
  /** Page size, 1…1000. */
  limit: number;
}

export interface RunListPage {
  /** Newest first (creation time, then id). */
  runs: RunRecord[];
  /** Cursor of the next (older) page; null on the last page. */
  next: RunCursor | null;
}

/** A finished run without its results document: what a trend or a summary needs. */
export interface RunPoint {
  id: string;
  pr: number | null;
  branch: RunBranch;
  status: RunStatus;
  level: number | null;
  finishedAt: string;
}

export interface RecipeFacts {
  recipe: string;
  /** The newest finished run (any outcome), or null. */
  lastRun: RunPoint | null;
  /** The newest two finished default-branch runs with a level, newest first. */
  defaultRuns: RunPoint[];
  /** The newest finished PR-branch run with a level; `prOpen`: its PR outcome is not known yet. */
  newestPrRun: (RunPoint & { prOpen: boolean }) | null;
  /** The newest `trendLength` finished runs with a level, oldest first. */
  trend: RunPoint[];
}

export interface CatalogueStore {
  /** One page of runs matching every given filter, newest first. */
  listRuns(query: RunListQuery): RunListPage;
  /** Recipe names with at least one run, sorted. */
  recipesWithRuns(): string[];
  /** Summary facts of each named recipe (in the given order). */
  recipeFacts(recipes: readonly string[], trendLength: number): RecipeFacts[];
  /** The newest `limit` finished runs of a recipe (with or without a level), oldest first. */
  levelHistory(recipe: string, limit: number): RunPoint[];
}

// Every column these queries read is in a migration 7 index, in an order that is also the
// ORDER BY: SQLite answers from the index alone and stops at the LIMIT. A runs row holds its
// results JSON before on_default_branch, created_at and finished_at, so reading those from the
// table walks the JSON's overflow pages (10× slower with 5 KiB of results). Ties on a timestamp
// are broken by id, not rowid: an index can order by rowid only right after the timestamp.
const POINT_COLUMNS = 'id, pr, on_default_branch, state, commit_state, level, finished_at';
const NEWEST_FINISHED = 'ORDER BY finished_at DESC, id DESC';

/** The SQL of {@link CatalogueStore.listRuns} (exported for the query-plan test). */
export function listRunsSql(query: Omit<RunListQuery, 'limit'>): {
  sql: string;
  params: unknown[];
} {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.recipe !== undefined) {
    where.push('recipe = ?');
    params.push(query.recipe);
  }
  if (query.branch === 'default') where.push(DEFAULT_BRANCH_SQL);
  if (query.branch === 'pr') where.push('(pr IS NOT NULL AND on_default_branch = 0)');
  if (query.pr !== undefined) {
    where.push('pr = ?');
    params.push(query.pr);
  }
  const statuses = [...new Set(query.statuses ?? [])].sort();
  if (statuses.length > 0) where.push(`(${statuses.map((s) => STATUS_SQL[s]).join(' OR ')})`);
  if (query.before) {
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    params.push(query.before.createdAt, query.before.createdAt, query.before.id);
  }
  return {
    sql: `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
    params,
  };
}

// A point as a JSON array, built inside SQLite: one statement answers every recipe's facts
// (one call per recipe and fact cost 4× the CPU, mostly in crossing into SQLite and back).
const POINT_JSON = 'json_array(id, pr, on_default_branch, state, commit_state, level, finished_at)';
const FINISHED_OF = "runs.recipe = names.recipe AND runs.state = 'done'";

/** The SQL of the recipe facts and history queries (exported for the query-plan test). */
export const FACTS_SQL = {
  /** Parameters: the recipe names as a JSON array, the trend length. */
  facts: `WITH names(recipe) AS (SELECT value FROM json_each(?))
SELECT recipe,
  (SELECT ${POINT_JSON} FROM runs WHERE ${FINISHED_OF} ${NEWEST_FINISHED} LIMIT 1) AS last,
  (SELECT json_group_array(json(p)) FROM (SELECT ${POINT_JSON} AS p FROM runs WHERE ${FINISHED_OF}
    AND level IS NOT NULL AND ${DEFAULT_BRANCH_SQL} ${NEWEST_FINISHED} LIMIT 2)) AS defaults,
  (SELECT json_array(id, pr, on_default_branch, state, commit_state, level, finished_at, pr_outcome)
    FROM runs WHERE ${FINISHED_OF} AND level IS NOT NULL AND pr IS NOT NULL AND on_default_branch = 0
    ${NEWEST_FINISHED} LIMIT 1) AS newest_pr,
  (SELECT json_group_array(json(p)) FROM (SELECT ${POINT_JSON} AS p FROM runs WHERE ${FINISHED_OF}
    AND level IS NOT NULL ${NEWEST_FINISHED} LIMIT ?)) AS trend
FROM names`,
  history: `SELECT ${POINT_COLUMNS} FROM runs WHERE recipe = ? AND state = 'done' ${NEWEST_FINISHED} LIMIT ?`,
  recipes: 'SELECT DISTINCT recipe FROM runs ORDER BY recipe',
} as const;

type PointArray = [
  id: string,
  pr: number | null,
  onDefaultBranch: number,
  state: RunState,
  commitState: string | null,
  level: number | null,
  finishedAt: string,
  prOutcome?: string | null,
];

function fromArray([
  id,
  pr,
  onDefault,
  state,
  commitState,
  level,
  finishedAt,
]: PointArray): RunPoint {
  return {
    id,
    pr,
    branch: pr === null || onDefault === 1 ? 'default' : 'pr',
    status: runStatus({ state, commitState }),
    level,
    finishedAt,
  };
}

const parsePoints = (json: unknown) =>
  typeof json === 'string' ? (JSON.parse(json) as PointArray[]).map(fromArray) : [];

export function createCatalogueStore(db: Database.Database): CatalogueStore {
  const q = Object.fromEntries(
    Object.entries(FACTS_SQL).map(([k, sql]) => [k, db.prepare(sql)]),
  ) as Record<keyof typeof FACTS_SQL, Database.Statement>;
  // Rows as arrays, in POINT_COLUMNS order (the order of a point's JSON array).
  const history = db.prepare(FACTS_SQL.history).raw(true);
  const listStatements = new Map<string, Database.Statement>();

  return {
    listRuns(query) {
      const { sql, params } = listRunsSql(query);
      // A handful of filter combinations: each shape is prepared once.
      let statement = listStatements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        listStatements.set(sql, statement);
      }
      const rows = statement.all(...params, query.limit + 1) as Row[];
      const more = rows.length > query.limit;
      const page = more ? rows.slice(0, query.limit) : rows;
      const lastRow = page.at(-1);
      return {
        runs: page.map(toRun),
        next:
          more && lastRow
            ? { createdAt: lastRow.created_at as string, id: lastRow.id as string }
            : null,
      };
    },
    recipesWithRuns: () => (q.recipes.all() as Row[]).map((r) => r.recipe as string),
    recipeFacts(recipes, trendLength) {
      const rows = q.facts.all(JSON.stringify(recipes), trendLength) as Row[];
      return rows.map((r) => {
        const newestPr =
          typeof r.newest_pr === 'string' ? (JSON.parse(r.newest_pr) as PointArray) : null;
        return {
          recipe: r.recipe as string,
          lastRun: typeof r.last === 'string' ? fromArray(JSON.parse(r.last) as PointArray) : null,
          defaultRuns: parsePoints(r.defaults),
          newestPrRun: newestPr ? { ...fromArray(newestPr), prOpen: newestPr[7] === null } : null,
          trend: parsePoints(r.trend).reverse(),
        };
      });
    },
    levelHistory: (recipe, limit) =>
      (history.all(recipe, limit) as PointArray[]).map(fromArray).reverse(),
  };
}
