import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Transaction } from 'kysely';
import { mkdirSync } from 'node:fs';
import { storageError } from './storage-error.js';
import path from 'node:path';
import pg from 'pg';
import { migrationProvider } from './migrations.js';
import type { Engine, Schema } from './schema.js';

export type { Engine };
export type Db = Kysely<Schema>;
export type Tx = Transaction<Schema>;
/** What a store method runs on: the database, or a transaction it takes part in. */
export type Executor = Db | Tx;

/**
 * All state behind one Kysely instance: SQLite (better-sqlite3) by default, PostgreSQL (`pg`)
 * when DATABASE_URL is set. Stores write one query for both; where the engines truly differ
 * (row locks, SKIP LOCKED, LISTEN/NOTIFY) they ask `engine`.
 */
export interface Storage {
  engine: Engine;
  db: Db;
  /** Where the data lives, safe to log (no password). */
  where: string;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** `postgres://…` selects PostgreSQL; unset (or empty) keeps SQLite. */
  databaseUrl?: string;
  /** The SQLite file (`:memory:` for tests), used when databaseUrl is unset. */
  sqliteFile: string;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return Boolean(url && /^postgres(ql)?:\/\//i.test(url));
}

/** Opens the database and brings its schema up to date (both engines, on every start). */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const storage = isPostgresUrl(options.databaseUrl) ? openPostgres(options.databaseUrl, options.poolSize) : openSqlite(options.sqliteFile);
  try {
    await migrate(storage);
  } catch (err) {
    await storage.close();
    throw err;
  }
  return storage;
}

/**
 * Transactions that take the write lock when they begin. A deferred SQLite transaction that
 * reads and then writes can fail at once with SQLITE_BUSY when another process writes the same
 * file (the busy timeout cannot help an upgrade); an immediate one waits its turn instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: Database.Database) {
    super({ database });
  }
  override createDriver() {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

function openSqlite(file: string): Storage {
  let sqlite: Database.Database;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
  } catch (err) {
    throw storageError('cannot open the database', path.resolve(file), err);
  }
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect(sqlite) });
  return { engine: 'sqlite', db, where: file === ':memory:' ? 'sqlite (memory)' : `sqlite ${path.resolve(file)}`, close: () => db.destroy() };
}

/**
 * `bigint` and `numeric` come back from `pg` as strings (they can exceed 2^53); every such value
 * here is an epoch-ms time or a count, well inside a double, so they are read as numbers — per
 * pool, not by changing `pg`'s global parsers.
 */
const numericTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function openPostgres(url: string, poolSize = 10): Storage {
  // allowExitOnIdle: idle connections do not keep a one-shot process (the CLI) alive; the bot is
  // kept alive by its server and closes the pool on shutdown anyway.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: numericTypes, allowExitOnIdle: true });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  let where = 'postgres';
  try {
    const u = new URL(url);
    where = `postgres ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    // An unparsable URL fails on connect with pg's own message.
  }
  return { engine: 'postgres', db, where, close: () => db.destroy() };
}

async function migrate(storage: Storage): Promise<void> {
  // On PostgreSQL the migrator serialises concurrent starts with an advisory lock. Its SQLite
  // lock is a no-op (one connection per process), so two processes starting on one file can
  // collide: the loser finds the work done when it tries again.
  const migrator = new Migrator({ db: storage.db, provider: migrationProvider(storage.engine) });
  let outcome = await migrator.migrateToLatest();
  for (let attempt = 1; outcome.error && storage.engine === 'sqlite' && attempt < 5; attempt++) {
    await new Promise((r) => setTimeout(r, 50 * attempt));
    outcome = await migrator.migrateToLatest();
  }
  const { error, results } = outcome;
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`${storage.where}: migration ${failed ?? ''} failed: ${cause}`);
  }
}

/** Rows an insert, update or delete touched, as a number (Kysely reports bigint). */
export function affected(result: { numInsertedOrUpdatedRows?: bigint } | { numUpdatedRows: bigint } | { numDeletedRows: bigint }): number {
  if ('numUpdatedRows' in result) return Number(result.numUpdatedRows);
  if ('numDeletedRows' in result) return Number(result.numDeletedRows);
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
