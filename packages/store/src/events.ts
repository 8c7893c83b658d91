import type Database from 'better-sqlite3';
import type { Row } from './rows.js';

/** One streamed progress event as stored: its number, kind and JSON (checked by the bot). */
export interface StoredEvent {
  seq: number;
  kind: string;
  data: string;
}

export interface RunEventStore {
  /**
   * Adds events not stored yet (a resent number keeps its first copy) while the run has fewer
   * than `maxPerRun`; returns the highest number stored for the run (0 when none).
   */
  addRunEvents(runId: string, events: readonly StoredEvent[], maxPerRun: number): number;
  /** Events after `afterSeq`, in order, at most `limit`. */
  runEvents(runId: string, afterSeq?: number, limit?: number): StoredEvent[];
  /** The last `limit` events of the given kinds, in order. */
  lastRunEvents(runId: string, kinds: readonly string[], limit: number): StoredEvent[];
  /** Removes a run's events of one kind (log lines, once run.log holds them). */
  dropRunEvents(runId: string, kind: string): void;
}

export function createRunEventStore(db: Database.Database): RunEventStore {
  const q = {
    count: db.prepare('SELECT COUNT(*) AS n, MAX(seq) AS top FROM run_events WHERE run_id = ?'),
    add: db.prepare(
      'INSERT INTO run_events (run_id, seq, kind, data) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    after: db.prepare(
      'SELECT seq, kind, data FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    // The kinds as one JSON array parameter: one statement prepared once, whatever their number.
    last: db.prepare(
      'SELECT seq, kind, data FROM run_events WHERE run_id = ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT ?',
    ),
    drop: db.prepare('DELETE FROM run_events WHERE run_id = ? AND kind = ?'),
  };
  const top = (runId: string) => ((q.count.get(runId) as Row).top as number | null) ?? 0;
  return {
    addRunEvents(runId, events, maxPerRun) {
      return db.transaction(() => {
        let n = (q.count.get(runId) as Row).n as number;
        for (const e of events) {
          if (n >= maxPerRun) break;
          n += q.add.run(runId, e.seq, e.kind, e.data).changes;
        }
        return top(runId);
      })();
    },
    runEvents: (runId, afterSeq = 0, limit = 1000) =>
      q.after.all(runId, afterSeq, limit) as StoredEvent[],
    lastRunEvents(runId, kinds, limit) {
      if (kinds.length === 0) return [];
      const rows = q.last.all(runId, JSON.stringify(kinds), limit) as StoredEvent[];
      return rows.reverse();
    },
    dropRunEvents(runId, kind) {
      q.drop.run(runId, kind);
    },
  };
}
