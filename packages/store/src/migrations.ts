/**
 * Numbered migrations, applied in order inside one transaction each and recorded in
 * `schema_migrations`. Append only: never edit a migration that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE poll_cursors (
  repo TEXT PRIMARY KEY,
  since TEXT NOT NULL,
  first_polled_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE seen_comments (
  comment_id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  pr INTEGER,
  user TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  source TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'ignored', 'refused', 'accepted')),
  reason TEXT,
  seen_at TEXT NOT NULL,
  handled_at TEXT
);
CREATE INDEX seen_comments_pending ON seen_comments (state, comment_id);
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  recipe TEXT NOT NULL,
  pr INTEGER,
  comment_id INTEGER UNIQUE,
  requested_by TEXT,
  head_sha TEXT NOT NULL,
  head_ref TEXT NOT NULL,
  base_ref TEXT NOT NULL,
  src TEXT NOT NULL,
  stages TEXT,
  quick INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('queued', 'dispatching', 'dispatched', 'running', 'done', 'cancelled', 'replaced')),
  executor TEXT NOT NULL,
  executor_ref TEXT,
  key_hash TEXT,
  level INTEGER,
  commit_state TEXT,
  results_json TEXT,
  error TEXT,
  on_default_branch INTEGER NOT NULL DEFAULT 0,
  notified INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  dispatched_at TEXT,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX runs_active ON runs (state);
CREATE INDEX runs_recipe ON runs (recipe, finished_at);
CREATE INDEX runs_pr ON runs (repo, pr);
CREATE TABLE bot_comments (
  run_id TEXT PRIMARY KEY REFERENCES runs (id),
  repo TEXT NOT NULL,
  pr INTEGER NOT NULL,
  comment_id INTEGER,
  state TEXT NOT NULL CHECK (state IN ('posting', 'posted')),
  updated_at TEXT NOT NULL
);
CREATE TABLE refusals (
  comment_id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  pr INTEGER NOT NULL,
  user TEXT NOT NULL,
  reason TEXT NOT NULL,
  replied INTEGER NOT NULL DEFAULT 0,
  reply_comment_id INTEGER,
  at TEXT NOT NULL
);
CREATE INDEX refusals_user_pr ON refusals (repo, pr, user, at);
CREATE TABLE artifacts (
  run_id TEXT NOT NULL REFERENCES runs (id),
  name TEXT NOT NULL,
  content BLOB NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
);
`,
  },
  {
    version: 2,
    name: 'pr-outcome',
    // Whether a run's PR was merged at the tested head: a merged run's level becomes the
    // recipe's default-branch level (badge, verdict baseline).
    sql: `
ALTER TABLE runs ADD COLUMN pr_outcome TEXT CHECK (pr_outcome IN ('merged', 'closed', 'superseded'));
CREATE INDEX runs_outcome ON runs (state, pr_outcome);
`,
  },
  {
    version: 3,
    name: 'late-report',
    // A run that ended without a report keeps its key hash until this time, so a report the
    // harness spooled while the bot was unreachable can still be delivered.
    sql: `
ALTER TABLE runs ADD COLUMN late_report_until TEXT;
`,
  },
  {
    version: 4,
    name: 'run-events',
    // What a running harness streams (steps, rung outcomes, redacted log lines), numbered by
    // the harness; resent copies of a number are ignored. Log lines are dropped when the run
    // ends (its run.log artifact has them); steps and rung outcomes stay.
    sql: `
CREATE TABLE run_events (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
`,
  },
  {
    version: 5,
    name: 'keep-and-replies',
    // `!testme keep=<minutes>`: how long a failed run's app stays deployed (null: removed at
    // once); the bot counts these against KEEP_MAX. Replies the bot owes a comment are refusals,
    // the `!testme help` list or a notice ("nothing to cancel"), each rate-limited on its own.
    sql: `
ALTER TABLE runs ADD COLUMN keep_minutes INTEGER CHECK (keep_minutes IS NULL OR keep_minutes > 0);
ALTER TABLE refusals ADD COLUMN kind TEXT NOT NULL DEFAULT 'refused' CHECK (kind IN ('refused', 'help', 'notice'));
`,
  },
  {
    version: 6,
    name: 'schedule-digest',
    // Scheduled catalogue runs: when each enrolled recipe's next default-branch run is due and
    // which run the scheduler made last (a restart neither doubles nor skips a period). Digests:
    // one per period (the id is stable and doubles as the Matrix transaction id), each with one
    // delivery row per notification target, retried with backoff until sent or given up.
    sql: `
CREATE TABLE schedules (
  recipe TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  due_at TEXT NOT NULL,
  last_scheduled_at TEXT,
  last_run_id TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE digests (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE digest_deliveries (
  digest_id TEXT NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
  target TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error TEXT,
  sent_at TEXT,
  PRIMARY KEY (digest_id, target)
);
CREATE INDEX digest_deliveries_pending ON digest_deliveries (state, next_attempt_at);
`,
  },
  {
    version: 7,
    name: 'dashboard-indexes',
    // The dashboard's run lists (newest first by creation time, cursor: created_at, id; with or
    // without a recipe; filtered by branch, PR, status) and its recipe summaries (newest
    // finished runs by finish time) are answered from these indexes alone: their columns are
    // every column those queries read, in ORDER BY order. See catalogue.ts for why.
    sql: `
CREATE INDEX runs_created_cover ON runs (created_at, id, recipe, pr, on_default_branch, state, commit_state);
CREATE INDEX runs_recipe_created_cover ON runs (recipe, created_at, id, pr, on_default_branch, state, commit_state);
CREATE INDEX runs_recipe_finished_cover ON runs (recipe, finished_at, id, state, level, pr, on_default_branch, commit_state, pr_outcome, created_at);
`,
  },
];
