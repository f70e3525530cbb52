import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite file under DATA_DIR in WAL mode.
 * `:memory:` works for tests.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (module, version)
  )`);
  return db;
}

/**
 * Each feature owns its tables and migrates them itself: `steps[i]` is version i+1 of
 * that module's schema. Steps already applied are skipped; each new one runs in a transaction.
 * Never edit a released step: append a new one.
 */
export function applyMigrations(db: Db, module: string, steps: readonly string[]): void {
  const row = db
    .prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE module = ?')
    .get(module) as { v: number | null };
  const current = row.v ?? 0;
  for (let i = current; i < steps.length; i++) {
    db.transaction(() => {
      db.exec(steps[i]!);
      db.prepare('INSERT INTO schema_migrations (module, version) VALUES (?, ?)').run(module, i + 1);
    })();
  }
}
