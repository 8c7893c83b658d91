import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore, StoreError } from '../src/index.js';
import { newRun } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (id: string, commentId: number | null) => newRun(id, { commentId });

describe('openStore', () => {
  it('applies numbered migrations once and records them in schema_migrations', () => {
    const path = join(dir, 'sub', 'bot.sqlite');
    openStore({ path }).close();
    const store = openStore({ path });
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    store.close();
    const db = new Database(path);
    const rows = db.prepare('SELECT version, name FROM schema_migrations').all();
    db.close();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('refuses a database migrated by a newer version, naming the file', () => {
    const path = join(dir, 'bot.sqlite');
    openStore({ path }).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'x')").run();
    db.close();
    expect(() => openStore({ path })).toThrowError(StoreError);
    expect(() => openStore({ path })).toThrowError(/migration 999.*bot\.sqlite|bot\.sqlite.*999/);
  });

  it('rolls back a failing migration and reports it', () => {
    const path = join(dir, 'bot.sqlite');
    const bad = [...MIGRATIONS, { version: 99, name: 'broken', sql: 'CREATE TABLE x (a); NOPE;' }];
    expect(() => openStore({ path, migrations: bad })).toThrowError(/migration 99 \(broken\)/);
    const store = openStore({ path });
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    const db = new Database(path);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").all()).toEqual([]);
    db.close();
    store.close();
  });
});

describe('store', () => {
  it('dedupes comments by id across reopenings', () => {
    const path = join(dir, 'bot.sqlite');
    const input = {
      commentId: 7,
      repo: 'o/r',
      pr: 1,
      user: 'alice',
      body: '!testme',
      createdAt: '2026-11-22T10:00:00Z',
      source: 'poll' as const,
    };
    let store = openStore({ path });
    expect(store.recordComment(input)).toBe(true);
    store.close();
    store = openStore({ path });
    expect(store.recordComment({ ...input, source: 'webhook' })).toBe(false);
    expect(store.pendingComments().map((c) => c.commentId)).toEqual([7]);
    store.markComment(7, 'accepted', 'run r1');
    expect(store.pendingComments()).toEqual([]);
    expect(store.getComment(7)?.state).toBe('accepted');
    store.close();
  });

  it('allows at most one run per comment', () => {
    const store = openStore({ path: join(dir, 'bot.sqlite') });
    store.insertRun(run('r1', 5));
    expect(() => store.insertRun(run('r2', 5))).toThrow(/UNIQUE/);
    store.close();
  });

  it('keeps a late-report window and key hash on a finished run until cleared', () => {
    const store = openStore({ path: join(dir, 'bot.sqlite') });
    store.insertRun({ ...run('r1', 1), keyHash: 'ab'.repeat(32) });
    expect(store.getRun('r1')?.lateReportUntil).toBeNull();
    store.updateRun('r1', { state: 'done', lateReportUntil: '2026-11-23T10:00:00.000Z' });
    expect(store.getRun('r1')).toMatchObject({
      keyHash: 'ab'.repeat(32),
      lateReportUntil: '2026-11-23T10:00:00.000Z',
    });
    store.updateRun('r1', { keyHash: null, lateReportUntil: null });
    expect(store.getRun('r1')).toMatchObject({ keyHash: null, lateReportUntil: null });
    store.close();
  });

  it('rolls a transaction back as a whole', () => {
    const store = openStore({ path: join(dir, 'bot.sqlite') });
    expect(() =>
      store.transaction(() => {
        store.insertRun(run('r1', 5));
        throw new Error('crash');
      }),
    ).toThrow('crash');
    expect(store.getRun('r1')).toBeUndefined();
    store.close();
  });

  it('tracks active, latest-per-recipe and default-branch levels', () => {
    let t = Date.parse('2026-11-22T10:00:00Z');
    const clock = () => {
      t += 1000;
      return new Date(t);
    };
    const store = openStore({ path: join(dir, 'bot.sqlite'), clock });
    store.insertRun({ ...run('r1', 1), onDefaultBranch: true });
    store.insertRun(run('r2', 2));
    expect(store.activeRuns().map((r) => r.id)).toEqual(['r1', 'r2']);
    store.updateRun('r1', { state: 'done', level: 3, finishedAt: '2026-11-22T10:01:00Z' });
    store.updateRun('r2', { state: 'done', level: 2, finishedAt: '2026-11-22T10:02:00Z' });
    expect(store.activeRuns()).toEqual([]);
    expect(store.latestPerRecipe().map((l) => l.run.id)).toEqual(['r2']);
    expect(store.defaultBranchLevel('custom-html')).toBe(3);
    expect(store.defaultBranchLevel('custom-html', 'r1')).toBeNull();
    expect(store.unnotifiedRuns().map((r) => r.id)).toEqual(['r1', 'r2']);
    store.close();
  });

  it('a merged PR makes its newest finished run the default-branch level', () => {
    const store = openStore({ path: join(dir, 'bot.sqlite') });
    store.insertRun(run('r1', 1));
    store.insertRun(run('r2', 2));
    store.updateRun('r1', { state: 'done', level: 1, finishedAt: '2026-11-22T10:01:00Z' });
    store.updateRun('r2', { state: 'done', level: 4, finishedAt: '2026-11-22T10:02:00Z' });
    expect(store.runsAwaitingMerge().map((r) => r.id)).toEqual(['r2']);
    expect(store.defaultBranchLevel('custom-html')).toBeNull();
    store.setPrOutcome('r2', 'merged');
    expect(store.runsAwaitingMerge()).toEqual([]);
    expect(store.defaultBranchLevel('custom-html')).toBe(4);
    store.close();
  });

  it('stores artifacts and refusal replies', () => {
    const store = openStore({ path: join(dir, 'bot.sqlite') });
    store.insertRun(run('r1', 1));
    store.putArtifact('r1', 'card.svg', Buffer.from('<svg/>'));
    expect(store.getArtifact('r1', 'card.svg')?.toString()).toBe('<svg/>');
    expect(store.listArtifacts('r1')).toEqual([{ name: 'card.svg', size: 6 }]);
    store.insertRefusal({ commentId: 9, repo: 'o/r', pr: 1, user: 'mallory', reason: 'x' });
    expect(store.repliesSince('o/r', 1, 'mallory', '2000-01-01T00:00:00Z')).toBe(0);
    store.markRefusalReplied(9, 100);
    expect(store.repliesSince('o/r', 1, 'mallory', '2000-01-01T00:00:00Z')).toBe(1);
    store.close();
  });
});
