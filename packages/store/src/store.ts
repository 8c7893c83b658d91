import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type CatalogueStore, createCatalogueStore, DEFAULT_BRANCH_SQL } from './catalogue.js';
import { StoreError } from './errors.js';
import { createRunEventStore, type RunEventStore } from './events.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { type Row, RUN_COLUMNS, toComment, toRefusal, toRun } from './rows.js';
import { createScheduleStore, type ScheduleStore } from './schedule.js';
import {
  ACTIVE_RUN_STATES,
  type ArtifactInfo,
  type BotComment,
  type CommentState,
  type NewRun,
  type RefusalRecord,
  type ReplyKind,
  type RunPatch,
  type RunRecord,
  type SeenComment,
} from './types.js';

export interface StoreOptions {
  /** SQLite file; its folder is created. `:memory:` for a throwaway store. Required. */
  path: string;
  /** Time source for the timestamps the store writes. Default: `() => new Date()`. */
  clock?: () => Date;
  /** Migrations to apply (tests). Default: the package's {@link MIGRATIONS}. */
  migrations?: readonly Migration[];
}

export interface RecordCommentInput
  extends Pick<
    SeenComment,
    'commentId' | 'repo' | 'pr' | 'user' | 'body' | 'createdAt' | 'source'
  > {
  /** Default `pending` (to be handled); `ignored` for what the first poll marks as seen. */
  state?: CommentState;
  reason?: string | null;
}

export interface LatestRun {
  recipe: string;
  run: RunRecord;
}

/** The bot's persistent state in one SQLite file. Every method is synchronous. */
export interface Store extends RunEventStore, CatalogueStore, ScheduleStore {
  readonly path: string;
  /** Runs `fn` in one transaction (nested calls join it). */
  transaction<T>(fn: () => T): T;
  /** Highest applied migration version. */
  schemaVersion(): number;

  /** `firstPolledAt` is the lower time bound the repository's first poll covered. */
  getCursor(repo: string): { since: string; firstPolledAt: string } | undefined;
  /** Moves the cursor; `firstPolledAt` is recorded with the first cursor only (default now). */
  setCursor(repo: string, since: string, firstPolledAt?: string): void;

  /** Inserts a comment unless its id is known; true when it was new. */
  recordComment(input: RecordCommentInput): boolean;
  getComment(commentId: number): SeenComment | undefined;
  /** Comments still to handle, oldest id first. */
  pendingComments(): SeenComment[];
  markComment(commentId: number, state: Exclude<CommentState, 'pending'>, reason: string): void;

  insertRun(run: NewRun): RunRecord;
  getRun(id: string): RunRecord | undefined;
  runOfComment(commentId: number): RunRecord | undefined;
  updateRun(id: string, patch: RunPatch): RunRecord;
  /** Runs in queued, dispatching, dispatched or running, oldest first. */
  activeRuns(): RunRecord[];
  /** Finished runs whose final comment/status have not gone out. */
  unnotifiedRuns(): RunRecord[];
  runsOfRecipe(recipe: string, limit?: number): RunRecord[];
  /** The newest finished run of each recipe (with results or an error). */
  latestPerRecipe(): LatestRun[];
  /**
   * Finished runs with a level whose PR outcome is not known yet: the newest run of each PR.
   * The bot checks these PRs now and then; a merge at the tested head makes the run count for
   * the default branch.
   */
  runsAwaitingMerge(): RunRecord[];
  /** Records what became of a run's PR; `merged` makes it a default-branch run. */
  setPrOutcome(runId: string, outcome: 'merged' | 'closed' | 'superseded'): void;
  /**
   * Runs that asked for `!testme keep`: the active ones and those finished at or after
   * `finishedSinceIso` (a kept app may still be deployed), oldest first.
   */
  keepRequests(finishedSinceIso: string): RunRecord[];
  /** Level of the newest finished default-branch run of a recipe, or null. */
  defaultBranchLevel(recipe: string, excludeRunId?: string): number | null;

  getBotComment(runId: string): BotComment | undefined;
  setBotComment(comment: BotComment): void;

  /** Records a reply owed to a comment; `kind` defaults to `refused`. */
  insertRefusal(
    r: Omit<RefusalRecord, 'replied' | 'replyCommentId' | 'at' | 'kind'> & { kind?: ReplyKind },
  ): void;
  getRefusal(commentId: number): RefusalRecord | undefined;
  markRefusalReplied(commentId: number, replyCommentId: number | null): void;
  /** Refusals whose reply has not been sent (or suppressed) yet, oldest first. */
  pendingRefusals(): RefusalRecord[];
  /** Replies sent to this user on this PR at or after `sinceIso`. */
  repliesSince(
    repo: string,
    pr: number,
    user: string,
    sinceIso: string,
    /** Only replies of this kind (each kind is rate-limited on its own). Default `refused`. */
    kind?: ReplyKind,
  ): number;

  putArtifact(runId: string, name: string, content: Uint8Array): void;
  getArtifact(runId: string, name: string): Buffer | undefined;
  listArtifacts(runId: string): ArtifactInfo[];

  close(): void;
}

/** Opens (creating if needed) the store and applies pending migrations. */
export function openStore(options: StoreOptions): Store {
  if (typeof options?.path !== 'string' || options.path === '') {
    throw new TypeError(
      `openStore: options.path must be a file path, found ${JSON.stringify(options?.path)}`,
    );
  }
  const path = options.path;
  const clock = options.clock ?? (() => new Date());
  const now = () => clock().toISOString();
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new StoreError(
      'STORE_OPEN',
      `${path}: cannot open the database: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  try {
    migrate(db, options.migrations ?? MIGRATIONS, path);
  } catch (error) {
    db.close();
    throw error;
  }

  const q = {
    getCursor: db.prepare('SELECT since, first_polled_at FROM poll_cursors WHERE repo = ?'),
    setCursor: db.prepare(
      `INSERT INTO poll_cursors (repo, since, first_polled_at, updated_at) VALUES (@repo, @since, @first, @now)
       ON CONFLICT (repo) DO UPDATE SET since = excluded.since, updated_at = excluded.updated_at`,
    ),
    recordComment: db.prepare(
      `INSERT OR IGNORE INTO seen_comments (comment_id, repo, pr, user, body, created_at, source, state, reason, seen_at, handled_at)
       VALUES (@commentId, @repo, @pr, @user, @body, @createdAt, @source, @state, @reason, @now, @handledAt)`,
    ),
    getComment: db.prepare('SELECT * FROM seen_comments WHERE comment_id = ?'),
    pending: db.prepare("SELECT * FROM seen_comments WHERE state = 'pending' ORDER BY comment_id"),
    markComment: db.prepare(
      'UPDATE seen_comments SET state = ?, reason = ?, handled_at = ? WHERE comment_id = ?',
    ),
    insertRun: db.prepare(
      `INSERT INTO runs (id, repo, recipe, pr, comment_id, requested_by, head_sha, head_ref, base_ref, src, stages, quick, keep_minutes, state, executor, key_hash, on_default_branch, created_at, updated_at)
       VALUES (@id, @repo, @recipe, @pr, @commentId, @requestedBy, @headSha, @headRef, @baseRef, @src, @stages, @quick, @keepMinutes, @state, @executor, @keyHash, @onDefaultBranch, @now, @now)`,
    ),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    runOfComment: db.prepare('SELECT * FROM runs WHERE comment_id = ?'),
    activeRuns: db.prepare(
      `SELECT * FROM runs WHERE state IN (${ACTIVE_RUN_STATES.map((s) => `'${s}'`).join(', ')}) ORDER BY created_at, rowid`,
    ),
    unnotified: db.prepare(
      "SELECT * FROM runs WHERE notified = 0 AND state IN ('done', 'cancelled', 'replaced') ORDER BY rowid",
    ),
    runsOfRecipe: db.prepare(
      'SELECT * FROM runs WHERE recipe = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
    ),
    latestPerRecipe: db.prepare(
      `SELECT r.* FROM runs r WHERE r.rowid = (
         SELECT r2.rowid FROM runs r2 WHERE r2.recipe = r.recipe AND r2.state = 'done'
         ORDER BY r2.finished_at DESC, r2.rowid DESC LIMIT 1)
       ORDER BY r.recipe`,
    ),
    defaultLevel: db.prepare(
      `SELECT level FROM runs WHERE recipe = ? AND state = 'done' AND level IS NOT NULL
       AND ${DEFAULT_BRANCH_SQL} AND id != ? ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
    ),
    awaitingMerge: db.prepare(
      `SELECT r.* FROM runs r WHERE r.state = 'done' AND r.level IS NOT NULL AND r.pr IS NOT NULL
       AND r.pr_outcome IS NULL AND r.on_default_branch = 0 AND r.rowid = (
         SELECT r2.rowid FROM runs r2 WHERE r2.repo = r.repo AND r2.pr = r.pr
         ORDER BY r2.created_at DESC, r2.rowid DESC LIMIT 1)
       ORDER BY r.rowid`,
    ),
    setOutcome: db.prepare(
      "UPDATE runs SET pr_outcome = ?, on_default_branch = CASE WHEN ? = 'merged' THEN 1 ELSE on_default_branch END, updated_at = ? WHERE id = ?",
    ),
    keepRequests: db.prepare(
      `SELECT * FROM runs WHERE keep_minutes IS NOT NULL AND (state IN (${ACTIVE_RUN_STATES.map((s) => `'${s}'`).join(', ')})
       OR (state = 'done' AND finished_at >= ?)) ORDER BY created_at, rowid`,
    ),
    getBotComment: db.prepare('SELECT * FROM bot_comments WHERE run_id = ?'),
    setBotComment: db.prepare(
      `INSERT INTO bot_comments (run_id, repo, pr, comment_id, state, updated_at) VALUES (@runId, @repo, @pr, @commentId, @state, @now)
       ON CONFLICT (run_id) DO UPDATE SET comment_id = excluded.comment_id, state = excluded.state, updated_at = excluded.updated_at`,
    ),
    insertRefusal: db.prepare(
      `INSERT OR IGNORE INTO refusals (comment_id, kind, repo, pr, user, reason, at) VALUES (@commentId, @kind, @repo, @pr, @user, @reason, @now)`,
    ),
    getRefusal: db.prepare('SELECT * FROM refusals WHERE comment_id = ?'),
    pendingRefusals: db.prepare('SELECT * FROM refusals WHERE replied = 0 ORDER BY comment_id'),
    markRefusal: db.prepare(
      'UPDATE refusals SET replied = 1, reply_comment_id = ?, at = ? WHERE comment_id = ?',
    ),
    repliesSince: db.prepare(
      'SELECT COUNT(*) AS n FROM refusals WHERE repo = ? AND pr = ? AND user = ? AND kind = ? AND replied = 1 AND reply_comment_id IS NOT NULL AND at >= ?',
    ),
    putArtifact: db.prepare(
      `INSERT INTO artifacts (run_id, name, content, size) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, name) DO UPDATE SET content = excluded.content, size = excluded.size`,
    ),
    getArtifact: db.prepare('SELECT content FROM artifacts WHERE run_id = ? AND name = ?'),
    listArtifacts: db.prepare('SELECT name, size FROM artifacts WHERE run_id = ? ORDER BY name'),
  };

  const store: Store = {
    ...createRunEventStore(db),
    ...createCatalogueStore(db),
    ...createScheduleStore(db, now),
    path,
    transaction: (fn) => db.transaction(fn)(),
    schemaVersion: () =>
      ((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as Row).v as number) ??
      0,

    getCursor(repo) {
      const r = q.getCursor.get(repo) as Row | undefined;
      return r
        ? { since: r.since as string, firstPolledAt: r.first_polled_at as string }
        : undefined;
    },
    setCursor(repo, since, firstPolledAt) {
      const t = now();
      q.setCursor.run({ repo, since, first: firstPolledAt ?? t, now: t });
    },

    recordComment(input) {
      const state = input.state ?? 'pending';
      const t = now();
      return (
        q.recordComment.run({
          ...input,
          state,
          reason: input.reason ?? null,
          now: t,
          handledAt: state === 'pending' ? null : t,
        }).changes === 1
      );
    },
    getComment(id) {
      const r = q.getComment.get(id) as Row | undefined;
      return r ? toComment(r) : undefined;
    },
    pendingComments: () => (q.pending.all() as Row[]).map(toComment),
    markComment(id, state, reason) {
      q.markComment.run(state, reason, now(), id);
    },

    insertRun(run) {
      q.insertRun.run({
        ...run,
        quick: run.quick ? 1 : 0,
        keepMinutes: run.keepMinutes ?? null,
        state: run.state ?? 'queued',
        onDefaultBranch: run.onDefaultBranch ? 1 : 0,
        now: now(),
      });
      return store.getRun(run.id) as RunRecord;
    },
    getRun(id) {
      const r = q.getRun.get(id) as Row | undefined;
      return r ? toRun(r) : undefined;
    },
    runOfComment(id) {
      const r = q.runOfComment.get(id) as Row | undefined;
      return r ? toRun(r) : undefined;
    },
    updateRun(id, patch) {
      const sets: string[] = ['updated_at = @updatedAt'];
      const values: Record<string, unknown> = { id, updatedAt: now() };
      for (const [key, value] of Object.entries(patch)) {
        const column = RUN_COLUMNS[key as keyof RunPatch];
        if (!column) throw new TypeError(`updateRun: unknown field ${key}`);
        sets.push(`${column} = @${key}`);
        values[key] = typeof value === 'boolean' ? (value ? 1 : 0) : (value ?? null);
      }
      const changed = db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(values);
      if (changed.changes !== 1) throw new TypeError(`updateRun: no run ${id}`);
      return store.getRun(id) as RunRecord;
    },
    activeRuns: () => (q.activeRuns.all() as Row[]).map(toRun),
    unnotifiedRuns: () => (q.unnotified.all() as Row[]).map(toRun),
    runsOfRecipe: (recipe, limit = 50) => (q.runsOfRecipe.all(recipe, limit) as Row[]).map(toRun),
    latestPerRecipe: () =>
      (q.latestPerRecipe.all() as Row[]).map((r) => ({
        recipe: r.recipe as string,
        run: toRun(r),
      })),
    runsAwaitingMerge: () => (q.awaitingMerge.all() as Row[]).map(toRun),
    setPrOutcome(runId, outcome) {
      q.setOutcome.run(outcome, outcome, now(), runId);
    },
    keepRequests: (since) => (q.keepRequests.all(since) as Row[]).map(toRun),
    defaultBranchLevel(recipe, exclude = '') {
      const r = q.defaultLevel.get(recipe, exclude) as Row | undefined;
      return r ? (r.level as number) : null;
    },

    getBotComment(runId) {
      const r = q.getBotComment.get(runId) as Row | undefined;
      return r
        ? {
            runId: r.run_id as string,
            repo: r.repo as string,
            pr: r.pr as number,
            commentId: (r.comment_id as number | null) ?? null,
            state: r.state as BotComment['state'],
          }
        : undefined;
    },
    setBotComment(c) {
      q.setBotComment.run({ ...c, now: now() });
    },

    insertRefusal(r) {
      q.insertRefusal.run({ ...r, kind: r.kind ?? 'refused', now: now() });
    },
    getRefusal(id) {
      const r = q.getRefusal.get(id) as Row | undefined;
      return r ? toRefusal(r) : undefined;
    },
    pendingRefusals: () => (q.pendingRefusals.all() as Row[]).map(toRefusal),
    markRefusalReplied(id, replyId) {
      q.markRefusal.run(replyId, now(), id);
    },
    repliesSince(repo, pr, user, since, kind = 'refused') {
      return (q.repliesSince.get(repo, pr, user, kind, since) as Row).n as number;
    },

    putArtifact(runId, name, content) {
      q.putArtifact.run(runId, name, Buffer.from(content), content.byteLength);
    },
    getArtifact(runId, name) {
      const r = q.getArtifact.get(runId, name) as Row | undefined;
      return r ? (r.content as Buffer) : undefined;
    },
    listArtifacts: (runId) => q.listArtifacts.all(runId) as ArtifactInfo[],

    close() {
      if (db.open) db.close();
    },
  };
  return store;
}
