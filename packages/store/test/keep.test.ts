import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore } from '../src/index.js';
import { newRun } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-store-keep-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (id: string, keepMinutes?: number | null) =>
  newRun(id, keepMinutes === undefined ? {} : { keepMinutes });

describe('migration 5: keep minutes and reply kinds', () => {
  it('a database from before it keeps its rows: runs not kept, replies refusals', () => {
    const path = join(dir, 'bot.sqlite');
    // The schema and rows as the code before migration 5 left them (today's store cannot open
    // such a file without migrating it).
    const old = new Database(path);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((x) => x.version < 5)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 'then');
    }
    old
      .prepare(
        `INSERT INTO runs (id, repo, recipe, head_sha, head_ref, base_ref, src, state, executor, created_at, updated_at)
         VALUES ('old', 'o/r', 'r', 'sha', 'h', 'b', 's', 'done', 'local', 'now', 'now')`,
      )
      .run();
    old
      .prepare(
        "INSERT INTO refusals (comment_id, repo, pr, user, reason, at) VALUES (1, 'o/r', 1, 'u', 'no', 'now')",
      )
      .run();
    old.close();
    const store = openStore({ path });
    expect(store.getRun('old')?.keepMinutes).toBeNull();
    expect(store.getRefusal(1)?.kind).toBe('refused');
    store.close();
    const db = new Database(path);
    expect(() => db.prepare("UPDATE refusals SET kind = 'spam'").run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE runs SET keep_minutes = 0').run()).toThrow(/CHECK/);
    db.close();
  });

  it('stores keep minutes; keepRequests lists active and recently finished keep runs', () => {
    let now = Date.parse('2026-12-02T12:00:00Z');
    const store = openStore({ path: ':memory:', clock: () => new Date(now) });
    store.insertRun(run('plain'));
    store.insertRun(run('queued', 30));
    store.insertRun(run('old', 60));
    store.insertRun(run('recent', 60));
    store.updateRun('old', { state: 'done', finishedAt: '2026-12-02T07:00:00.000Z' });
    store.updateRun('recent', { state: 'done', finishedAt: '2026-12-02T11:30:00.000Z' });
    expect(store.getRun('queued')?.keepMinutes).toBe(30);
    expect(store.getRun('plain')?.keepMinutes).toBeNull();
    now += 1;
    expect(store.keepRequests('2026-12-02T08:00:00.000Z').map((r) => r.id)).toEqual([
      'queued',
      'recent',
    ]);
    store.close();
  });

  it('replies of each kind are rate-limited on their own', () => {
    const store = openStore({ path: ':memory:' });
    const at = '2000-01-01T00:00:00.000Z';
    store.insertRefusal({ commentId: 1, repo: 'o/r', pr: 1, user: 'u', reason: 'no' });
    store.insertRefusal({ commentId: 2, kind: 'help', repo: 'o/r', pr: 1, user: 'u', reason: '' });
    store.markRefusalReplied(1, 100);
    expect(store.getRefusal(2)?.kind).toBe('help');
    expect(store.repliesSince('o/r', 1, 'u', at)).toBe(1);
    expect(store.repliesSince('o/r', 1, 'u', at, 'help')).toBe(0);
    store.markRefusalReplied(2, 101);
    expect(store.repliesSince('o/r', 1, 'u', at, 'help')).toBe(1);
    expect(store.repliesSince('o/r', 1, 'u', at, 'notice')).toBe(0);
    store.close();
  });
});
