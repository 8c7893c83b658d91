import type Database from 'better-sqlite3';
import { StoreError } from './errors.js';
import type { Migration } from './migrations.js';
import type { Row } from './rows.js';

/** Applies pending migrations, each in its own transaction, recorded in schema_migrations. */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[],
  path: string,
): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map(
      (r) => r.version as number,
    ),
  );
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new StoreError(
      'STORE_NEWER_SCHEMA',
      `${path}: database has schema migration ${Math.max(...unknown)}, newer than this version of ccci knows (${Math.max(0, ...known)}); upgrade ccci or use another DB_PATH`,
    );
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        ).run(m.version, m.name, new Date().toISOString());
      })();
    } catch (error) {
      throw new StoreError(
        'STORE_MIGRATION',
        `${path}: migration ${m.version} (${m.name}) failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
