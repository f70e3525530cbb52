import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/config.js';
import { parseCommandArgs, UsageError } from './args.js';

interface Io {
  out(s: string): void;
  err(s: string): void;
}

/**
 * `cli backup <file>`: a consistent copy of DATA_DIR/assistant.db taken with SQLite's online backup
 * API (better-sqlite3's `backup`), safe while the bot is running and writing — unlike `cp`, which
 * can copy a half-written page or miss what still sits in the WAL file. The copy is checked with
 * `PRAGMA integrity_check` before the command reports success.
 */
export async function backupCommand(argv: string[], io: Io, config: AppConfig): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { force: { type: 'boolean' }, json: { type: 'boolean' } });
  const target = positionals[0];
  if (!target || positionals.length > 1) throw new UsageError('usage: backup <file> [--force] [--json]');
  // PostgreSQL has its own online backup (pg_dump, see docs/scaling.md); this copies the SQLite file.
  if (config.DATABASE_URL) throw new UsageError('DATABASE_URL is set: back PostgreSQL up with pg_dump (docs/scaling.md); backup copies the SQLite file');
  const source = path.join(config.DATA_DIR, 'assistant.db');
  if (!existsSync(source)) throw new UsageError(`no database at ${source} — has the bot run yet? (DATA_DIR=${config.DATA_DIR})`);
  const destination = path.resolve(target);
  if (path.resolve(source) === destination) throw new UsageError('the backup file must not be the database itself');
  if (existsSync(destination) && !values.force) throw new UsageError(`${target} exists — pass --force to overwrite it`);
  // A mistyped folder is an error, not a new folder tree (the command often runs as root).
  if (!existsSync(path.dirname(destination))) throw new UsageError(`no folder ${path.dirname(destination)} — create it first, or check the path`);
  // SQLite's backup writes into an existing database file; whatever was there is replaced whole.
  if (values.force) for (const f of [destination, `${destination}-wal`, `${destination}-shm`]) rmSync(f, { force: true });

  const { default: Database } = await import('better-sqlite3');
  const db = new Database(source, { fileMustExist: true });
  let pages: number;
  try {
    // busy_timeout: wait for a writer holding the lock rather than failing at once.
    db.pragma('busy_timeout = 5000');
    ({ totalPages: pages } = await db.backup(destination));
  } finally {
    db.close();
  }
  const copy = new Database(destination, { fileMustExist: true });
  let integrity: string;
  try {
    // The copy carries the live database's WAL mode; a backup is one self-contained file.
    copy.pragma('journal_mode = DELETE');
    integrity = String(copy.pragma('integrity_check', { simple: true }));
  } finally {
    copy.close();
  }
  if (integrity !== 'ok') {
    io.err(`error: the backup failed its integrity check (${integrity.slice(0, 200)})`);
    return 1;
  }
  if (values.json) io.out(JSON.stringify({ source, destination, pages, integrity }));
  else io.out(`Backed up ${source} (${pages} pages) to ${destination}; integrity check ok.`);
  return 0;
}
