import type Database from 'better-sqlite3';
import { DEFAULT_BRANCH_SQL } from './catalogue.js';
import { type Row, toRun } from './rows.js';
import type { RunRecord } from './types.js';

/** Where a recipe stands in the catalogue schedule (migration 6, `schedules`). */
export interface ScheduleRecord {
  recipe: string;
  repo: string;
  /** When its next default-branch run is due (ISO). */
  dueAt: string;
  /** When the scheduler last created a run for it (ISO), or null. */
  lastScheduledAt: string | null;
  lastRunId: string | null;
}

/** A digest as stored: its id (stable, also the Matrix transaction id) and its JSON. */
export interface DigestRecord {
  id: string;
  createdAt: string;
  json: string;
}

export type DeliveryState = 'pending' | 'sent' | 'failed';

/** One notification target's delivery of one digest. */
export interface DeliveryRecord {
  digestId: string;
  target: string;
  state: DeliveryState;
  /** Delivery rounds tried so far (each round retries on its own). */
  attempts: number;
  /** Not before this time (ISO); null: at once. */
  nextAttemptAt: string | null;
  /** The last failure in a few words (never a URL or a token). */
  lastError: string | null;
  sentAt: string | null;
}

export interface ScheduleStore {
  getSchedule(recipe: string): ScheduleRecord | undefined;
  listSchedules(): ScheduleRecord[];
  /** Creates the recipe's schedule or moves its due time (keeps what was last scheduled). */
  setScheduleDue(recipe: string, repo: string, dueAt: string): void;
  /** Records a scheduled run and the next due time; call in the transaction inserting the run. */
  markScheduled(recipe: string, runId: string, at: string, nextDueAt: string): void;
  /** The newest finished default-branch run of a recipe (any outcome), or undefined. */
  latestDefaultRun(recipe: string): RunRecord | undefined;

  /**
   * Stores a digest with one pending delivery per target, unless its id is known; true when it
   * was new (a restart in the same period makes none twice).
   */
  insertDigest(digest: DigestRecord, targets: readonly string[]): boolean;
  getDigest(id: string): DigestRecord | undefined;
  latestDigest(): DigestRecord | undefined;
  /** Pending deliveries due at `nowIso` (next attempt unset or passed), oldest digest first. */
  dueDeliveries(nowIso: string): DeliveryRecord[];
  deliveries(digestId: string): DeliveryRecord[];
  updateDelivery(
    digestId: string,
    target: string,
    patch: Pick<DeliveryRecord, 'state' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'sentAt'>,
  ): void;
}

function toSchedule(r: Row): ScheduleRecord {
  return {
    recipe: r.recipe as string,
    repo: r.repo as string,
    dueAt: r.due_at as string,
    lastScheduledAt: (r.last_scheduled_at as string | null) ?? null,
    lastRunId: (r.last_run_id as string | null) ?? null,
  };
}

function toDelivery(r: Row): DeliveryRecord {
  return {
    digestId: r.digest_id as string,
    target: r.target as string,
    state: r.state as DeliveryState,
    attempts: r.attempts as number,
    nextAttemptAt: (r.next_attempt_at as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    sentAt: (r.sent_at as string | null) ?? null,
  };
}

const toDigest = (r: Row): DigestRecord => ({
  id: r.id as string,
  createdAt: r.created_at as string,
  json: r.json as string,
});

export function createScheduleStore(db: Database.Database, now: () => string): ScheduleStore {
  const q = {
    get: db.prepare('SELECT * FROM schedules WHERE recipe = ?'),
    list: db.prepare('SELECT * FROM schedules ORDER BY recipe'),
    setDue: db.prepare(
      `INSERT INTO schedules (recipe, repo, due_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (recipe) DO UPDATE SET repo = excluded.repo, due_at = excluded.due_at, updated_at = excluded.updated_at`,
    ),
    mark: db.prepare(
      'UPDATE schedules SET last_scheduled_at = ?, last_run_id = ?, due_at = ?, updated_at = ? WHERE recipe = ?',
    ),
    latestDefault: db.prepare(
      `SELECT * FROM runs WHERE recipe = ? AND state = 'done' AND ${DEFAULT_BRANCH_SQL}
       ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
    ),
    insertDigest: db.prepare(
      'INSERT OR IGNORE INTO digests (id, created_at, json) VALUES (@id, @createdAt, @json)',
    ),
    insertDelivery: db.prepare(
      "INSERT OR IGNORE INTO digest_deliveries (digest_id, target, state, attempts) VALUES (?, ?, 'pending', 0)",
    ),
    getDigest: db.prepare('SELECT * FROM digests WHERE id = ?'),
    latestDigest: db.prepare('SELECT * FROM digests ORDER BY created_at DESC, rowid DESC LIMIT 1'),
    due: db.prepare(
      `SELECT d.* FROM digest_deliveries d JOIN digests g ON g.id = d.digest_id
       WHERE d.state = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)
       ORDER BY g.created_at, d.target`,
    ),
    deliveries: db.prepare('SELECT * FROM digest_deliveries WHERE digest_id = ? ORDER BY target'),
    updateDelivery: db.prepare(
      `UPDATE digest_deliveries SET state = @state, attempts = @attempts, next_attempt_at = @nextAttemptAt,
       last_error = @lastError, sent_at = @sentAt WHERE digest_id = @digestId AND target = @target`,
    ),
  };
  return {
    getSchedule(recipe) {
      const r = q.get.get(recipe) as Row | undefined;
      return r ? toSchedule(r) : undefined;
    },
    listSchedules: () => (q.list.all() as Row[]).map(toSchedule),
    setScheduleDue(recipe, repo, dueAt) {
      q.setDue.run(recipe, repo, dueAt, now());
    },
    markScheduled(recipe, runId, at, nextDueAt) {
      const changed = q.mark.run(at, runId, nextDueAt, now(), recipe);
      if (changed.changes !== 1) throw new TypeError(`markScheduled: no schedule for ${recipe}`);
    },
    latestDefaultRun(recipe) {
      const r = q.latestDefault.get(recipe) as Row | undefined;
      return r ? toRun(r) : undefined;
    },

    insertDigest(digest, targets) {
      return db.transaction(() => {
        if (q.insertDigest.run(digest).changes !== 1) return false;
        for (const t of targets) q.insertDelivery.run(digest.id, t);
        return true;
      })();
    },
    getDigest(id) {
      const r = q.getDigest.get(id) as Row | undefined;
      return r ? toDigest(r) : undefined;
    },
    latestDigest() {
      const r = q.latestDigest.get() as Row | undefined;
      return r ? toDigest(r) : undefined;
    },
    dueDeliveries: (nowIso) => (q.due.all(nowIso) as Row[]).map(toDelivery),
    deliveries: (digestId) => (q.deliveries.all(digestId) as Row[]).map(toDelivery),
    updateDelivery(digestId, target, patch) {
      q.updateDelivery.run({ digestId, target, ...patch });
    },
  };
}
